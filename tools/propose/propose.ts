/**
 * `goblin propose <bundle>`: bundle in, proposal folder out (layout in proposal.ts). The deterministic
 * proposer always runs (it is the baseline and the fallback); with `llm` and `models.ollama_host` the
 * Ollama spec writer drafts the spec from the same evidence and measurements, and the folder says which
 * proposer wrote it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Bundle } from '../bundle/schema.js';
import type { GoblinConfig } from '../config/index.js';
import { entryYaml, paramSlug } from '../dictionary/files.js';
import { loadConstitution } from '../spec/constitution.js';
import type { LoadedSpec } from '../spec/schema.js';
import { shortId } from '../util/hash.js';
import { UsageError } from '../util/errors.js';
import { corpusFromHars, corpusFromStore, type Corpus } from './data.js';
import { proposeDeterministic, type Draft } from './deterministic.js';
import { writeFixtures } from './fixtures.js';
import { ProposalManifest } from './proposal.js';
import {
  changedParam,
  currentSpecs,
  loadedFromText,
  packWith,
  readIfExists,
  specYaml,
  unifiedDiff,
} from './spec-util.js';
import { makeDirs } from '../util/files.js';

export interface ProposeOptions {
  root: string;
  config: GoblinConfig;
  /** Parent folder of proposal folders (default config.autonomy.proposals_dir). */
  out?: string;
  llm?: boolean;
  /** Sessions to measure: a prepared corpus, HAR folders, or the store (default: sample sessions, else store). */
  corpus?: Corpus;
  input?: string[];
  store?: boolean;
  now?: string;
  log?: (line: string) => void;
}

export interface ProposeResult {
  dir: string | null;
  manifest: ProposalManifest | null;
  proposer: string;
  refused: string | null;
  notes: string[];
}

export function readBundle(file: string): Bundle {
  if (!existsSync(file)) throw new UsageError(`bundle not found: ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message})`);
  }
  const r = Bundle.safeParse(raw);
  if (!r.success)
    throw new UsageError(
      `${file}: not an investigate bundle: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

export async function loadCorpusFor(bundle: Bundle, opts: ProposeOptions): Promise<Corpus> {
  if (opts.corpus) return opts.corpus;
  if (opts.input?.length)
    return corpusFromHars(opts.input, opts.config, {
      root: opts.root,
      max: opts.config.autonomy.shadow_sample,
    });
  const samples = bundle.sample_sessions.map((s) => resolve(opts.root, s.har)).filter((f) => existsSync(f));
  if (samples.length && !opts.store) return corpusFromHars(samples, opts.config, { root: opts.root });
  return corpusFromStore(opts.config.storage.db_file, {
    root: opts.root,
    max: opts.config.autonomy.shadow_sample,
    lake: opts.config.storage.parquet_dir,
  });
}

/** The reviewers' most similar accepted edits, as few-shot examples for the LLM writer. */
async function styleExamples(
  root: string,
  config: GoblinConfig,
  bundle: Bundle,
): Promise<{ prompt: string; note: string }> {
  const { readPreferences } = await import('../pr/feedback.js');
  const { examplesPrompt, similarEdits } = await import('../style/retrieve.js');
  const task = [
    bundle.title,
    JSON.stringify(bundle.scope),
    ...bundle.anomalies.map((a) => JSON.stringify(a)),
  ].join('\n');
  const ex = similarEdits(task, readPreferences(resolve(root, config.autonomy.preferences_dir)));
  return {
    prompt: examplesPrompt(ex),
    note: ex.length
      ? `style: ${ex.length} similar accepted edit(s) given to the writer (PR ${ex.map((e) => `#${e.pr}`).join(', ')})`
      : 'style: no accepted edits in the preference log yet; the writer got no examples',
  };
}

export async function propose(bundleIn: Bundle | string, opts: ProposeOptions): Promise<ProposeResult> {
  const bundle = typeof bundleIn === 'string' ? readBundle(bundleIn) : Bundle.parse(bundleIn);
  const { root, config } = opts;
  const notes: string[] = [];
  const corpus = await loadCorpusFor(bundle, opts);
  notes.push(...corpus.notes);
  const sessions = corpus.captures.flatMap((c) => c.capture.sessions);
  const specs = currentSpecs(root, config.validate.specs_dir);
  const constitution = loadConstitution(resolve(root, config.validate.constitution));
  const cacheDir = resolve(root, config.research.cache_dir);
  const det = proposeDeterministic(bundle, sessions, { specs, constitution, cacheDir, now: opts.now });
  let proposer = 'deterministic';
  let draft: Draft | null = det.ok ? det.draft : null;
  let specText: string | null = null;
  let llm: ProposalManifest['llm'] = null;

  if (!opts.llm)
    notes.push(
      'style: deterministic proposer: no few-shot examples from past reviews; the learned style rules are applied before the PR (goblin loop, goblin style apply)',
    );
  if (opts.llm) {
    if (!config.models.ollama_host)
      notes.push('--llm: models.ollama_host is not set; the deterministic proposer wrote this');
    else {
      const { writeSpecWithOllama } = await import('./writer.js');
      const examples = await styleExamples(root, config, bundle);
      notes.push(examples.note);
      const w = await writeSpecWithOllama(bundle, {
        config,
        specs,
        draft,
        cacheDir,
        examples: examples.prompt,
      });
      notes.push(...w.notes);
      if (w.ok) {
        proposer = `ollama:${w.fingerprint.model}@${w.fingerprint.digest ?? 'unknown'}`;
        llm = w.fingerprint;
        specText = w.text;
        const inScope = draft?.sessions ?? sessions.filter((s) => s.kind === 'media');
        draft = {
          spec: w.spec.spec,
          change: specs.some((s) => s.spec.id === w.spec.spec.id) ? 'modify' : 'new',
          sessions: inScope,
          citations: w.spec.spec.citations.map((c) => ({
            url: c.url,
            quote: c.quote,
            cached_ref: c.cached_ref,
          })),
          dictionary: draft?.dictionary ?? [],
          rationale: w.spec.spec.rationale,
          summary: w.spec.spec.title,
          measured: draft?.measured ?? {},
        };
      } else notes.push(`LLM writer failed (${w.reason}); falling back to the deterministic proposer`);
    }
  }
  if (!draft) {
    opts.log?.(`no proposal: ${det.ok ? 'writer failed' : det.reason}`);
    return { dir: null, manifest: null, proposer, refused: det.ok ? 'writer failed' : det.reason, notes };
  }

  const spec = draft.spec;
  const specPath = join(config.validate.specs_dir, spec.family, `${spec.id}.yaml`);
  const id = `${spec.id}-${shortId(bundle.bundle_id, spec.id).slice(0, 8)}`;
  const parent = resolve(root, opts.out ?? config.autonomy.proposals_dir);
  const dir = join(parent, id);
  rmSync(dir, { recursive: true, force: true });
  makeDirs(dir);

  // Fixtures first (the spec lists them), validated with the proposal applied.
  const loaded0 = { spec, path: specPath, source: specText ?? specYaml(spec) } as LoadedSpec;
  const pack = packWith(specs, loaded0, true);
  const fx = writeFixtures({
    dir,
    spec: loaded0,
    pack,
    captures: corpus.captures,
    sessions: draft.sessions,
    cfg: config,
  });
  notes.push(...fx.notes);
  const rel = (f: string) => relative(dir, f);
  spec.tests = { pass: fx.pass.map(rel), fail: fx.fail.map(rel) };
  const text = specYaml(spec);
  const check = loadedFromText(text, specPath);
  if (!check.spec) throw new Error(`internal: proposal does not parse: ${check.errors.join('; ')}`);
  writeFileSync(join(dir, 'spec.yaml'), text);
  writeFileSync(join(dir, 'spec.diff'), unifiedDiff(specPath, readIfExists(resolve(root, specPath)), text));
  const dictFiles: string[] = [];
  for (const e of draft.dictionary) {
    const f = join('dictionary', e.sdk, `${paramSlug(e.param)}.yaml`);
    makeDirs(join(dir, 'dictionary', e.sdk));
    writeFileSync(join(dir, f), entryYaml(e));
    dictFiles.push(f);
  }
  const changed = changedParam(check.spec, specs);
  const manifest: ProposalManifest = ProposalManifest.parse({
    id,
    bundle_id: bundle.bundle_id,
    created_at: opts.now ?? new Date().toISOString(),
    proposer,
    spec_id: spec.id,
    spec_path: specPath,
    change: draft.change,
    summary: draft.summary,
    scope: spec.scope,
    dictionary_files: dictFiles,
    fixtures: spec.tests,
    citations: spec.citations.map((c) => ({
      url: c.url,
      quote: c.quote,
      ...(c.cached_ref ? { cached_ref: c.cached_ref } : {}),
    })),
    llm,
    bundle_scope: bundle.scope,
    measured: draft.measured,
    changed,
    derived_fixtures: fx.derived.map(rel),
    constraints: bundle.constraints,
    // Only the deterministic proposer ranks its own citations; an LLM answer's are its own choice.
    evidence: proposer === 'deterministic' ? draft.evidence : undefined,
    notes,
    dataset: { source: corpus.source, hash: corpus.datasetHash },
  });
  writeFileSync(join(dir, 'proposal.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'rationale.md'), rationaleMd(manifest, draft));
  opts.log?.(`proposal ${id} (${proposer}) → ${relative(root, dir) || dir}`);
  return { dir, manifest, proposer, refused: null, notes };
}

function rationaleMd(m: ProposalManifest, d: Draft): string {
  const lines = [
    `# ${m.spec_id} (${m.change})`,
    '',
    `Proposer: **${m.proposer}** · bundle \`${m.bundle_id}\` · target \`${m.spec_path}\``,
    '',
    d.summary,
    '',
    '## Why',
    '',
    d.rationale,
    '',
    '## Measured',
    '',
    '```json',
    JSON.stringify(d.measured, null, 2),
    '```',
    '',
    '## Citations (verbatim)',
    '',
    ...(m.citations.length
      ? m.citations.map(
          (c) => `> ${c.quote}\n>\n> — ${c.url}${c.cached_ref ? ` (cached ${c.cached_ref})` : ''}\n`,
        )
      : ['_none found_']),
    '',
    '## Fixtures',
    '',
    ...m.fixtures.pass.map((f) => `- pass: \`${f}\``),
    ...m.fixtures.fail.map(
      (f) =>
        `- fail: \`${f}\`${m.derived_fixtures?.includes(f) ? ' (a real session with one targeted edit)' : ''}`,
    ),
    ...(m.notes?.length ? ['', '## Notes', '', ...m.notes.map((n) => `- ${n}`)] : []),
    '',
  ];
  return lines.join('\n');
}

export { readProposal } from './proposal.js';
