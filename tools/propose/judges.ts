/**
 * `goblin judge <proposal>`: deterministic judges first — consistency (schema, check parameters, lint,
 * constitution, contradiction/shadowing with existing specs, scope no broader than the bundle's),
 * necessity (the shadow replay shows the data needs the change), evidence (every quote verbatim in the
 * cache and stating the changed value) — then, when Ollama is configured, LLM judges (2-of-3) scoring the
 * same rubric as JSON. score = w1·C + w2·N + w3·E against autonomy.pr_threshold → ACCEPT / REVIEW / REJECT.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { checkConstitution, loadConstitution } from '../spec/constitution.js';
import type { LoadedSpec } from '../spec/schema.js';
import { verifyCitations } from '../research/verify.js';
import { checkFor } from '../validate/checks/index.js';
import { buildPack } from '../validate/pack.js';
import { compareSpecificity, specificity } from '../validate/scope.js';
import { validateFiles } from '../validate/files.js';
import { topicFor, supports } from './evidence.js';
import { JudgeReport, readProposal, ShadowReport, type ProposalManifest } from './proposal.js';
import { changedParam, currentSpecs, loadedFromText, packWith, scopesIntersect } from './spec-util.js';

export { changedParam, scopesIntersect };

/** A proposal that adds a required parameter (its check measures presence, not a threshold). */
const addsRequiredParam = (ls: LoadedSpec) =>
  checkFor(ls.spec.assert[0]?.check ?? '')?.propose?.some((m) => m.measure === 'param-presence') ?? false;

export interface JudgeOptions {
  root: string;
  config: GoblinConfig;
  /** Shadow report to read necessity from (default: shadow.json in the folder, else run shadow). */
  shadow?: ShadowReport;
  shadowOpts?: Omit<import('./shadow.js').ShadowOptions, 'root' | 'config'>;
  llm?: boolean;
  write?: boolean;
}

interface Det {
  C: number;
  N: number;
  E: number;
  reasons: string[];
  hard: string[];
  checks: { name: string; ok: boolean; detail: string }[];
}

function deterministic(
  dir: string,
  m: ProposalManifest,
  specText: string,
  shadow: ShadowReport,
  opts: JudgeOptions,
): Det {
  const { root, config } = opts;
  const reasons: string[] = [];
  const hard: string[] = [];
  const checks: Det['checks'] = [];
  const specs = currentSpecs(root, config.validate.specs_dir);
  // ---- consistency
  let C = 1;
  const parsed = loadedFromText(specText, m.spec_path);
  if (!parsed.spec) {
    hard.push(`consistency: schema: ${parsed.errors.join('; ')}`);
    checks.push({ name: 'schema', ok: false, detail: parsed.errors.join('; ') });
    return { C: 0, N: 0, E: 0, reasons, hard, checks };
  }
  checks.push({ name: 'schema', ok: true, detail: 'valid Spec DSL' });
  const ls = parsed.spec;
  const packErr = buildPack([ls], []).errors;
  if (packErr.length) {
    C = 0;
    hard.push(`consistency: check parameters: ${packErr.map((e) => e.message).join('; ')}`);
  }
  const constitution = loadConstitution(resolve(root, config.validate.constitution));
  const viol = checkConstitution(constitution, [ls]);
  for (const v of viol) hard.push(`consistency: constitution ${v.clause}: ${v.message}`);
  if (viol.length) C = 0;
  checks.push({
    name: 'constitution',
    ok: viol.length === 0,
    detail: viol.map((v) => v.clause).join(', ') || 'no clause broken',
  });
  const bundleClauses = (m.constraints ?? []).map((c) => c.replace(/^DO_NOT_RELAX:/, ''));
  for (const cl of constitution.clauses.filter((c) => bundleClauses.includes(c.id)))
    if (ls.spec.assert.some((a) => cl.check.checks.includes(a.check))) {
      C = 0;
      hard.push(
        `consistency: constitution ${cl.id}: the bundle forbids relaxing it and the spec sets ${cl.check.checks.join(', ')}`,
      );
    }
  if (ls.spec.status === 'active') {
    C = Math.min(C, 0.5);
    reasons.push('consistency: new specs must start as shadow or experimental, not active');
  }
  // contradiction / shadowing with existing specs
  for (const other of specs) {
    if (other.spec.id === ls.spec.id || other.spec.status === 'deprecated') continue;
    for (const a of ls.spec.assert) {
      const b = other.spec.assert.find((x) => x.check === a.check);
      if (!b || !scopesIntersect(a && ls.spec.scope, other.spec.scope)) continue;
      const same = JSON.stringify(b.params) === JSON.stringify(a.params) && a.enabled === b.enabled;
      const cmp = compareSpecificity(specificity(ls.spec.scope), specificity(other.spec.scope));
      if (cmp === 0 && !same && !ls.spec.overrides.includes(other.spec.id)) {
        C = Math.min(C, 0.2);
        hard.push(
          `consistency: contradicts ${other.spec.id}: both set ${a.check} with equally narrow overlapping scopes and incompatible params`,
        );
      } else if (cmp < 0 && !same) {
        C = Math.min(C, 0.6);
        reasons.push(
          `consistency: shadowed by narrower ${other.spec.id} (${a.check}) where their scopes overlap`,
        );
      }
    }
  }
  // too broad: every dimension the bundle scoped must be scoped at least as narrowly
  const bs = (m.bundle_scope ?? {}) as {
    platform?: string;
    protocol?: string;
    versions?: string[];
    version_range?: string;
    cluster?: string;
  };
  const sc = ls.spec.scope;
  const broad: string[] = [];
  if (bs.platform && !(sc.platform && sc.platform.length === 1 && sc.platform[0] === bs.platform))
    broad.push(`platform (bundle: ${bs.platform})`);
  if (bs.protocol && !(sc.protocol && sc.protocol.length === 1 && sc.protocol[0] === bs.protocol))
    broad.push(`protocol (bundle: ${bs.protocol})`);
  if ((bs.version_range || bs.versions?.length) && !sc.version)
    broad.push(`version (bundle: ${bs.version_range ?? bs.versions?.join(', ')})`);
  if (bs.cluster && sc.cluster !== bs.cluster) broad.push(`cluster (bundle: ${bs.cluster})`);
  if (broad.length) {
    C = Math.min(C, 0.3);
    hard.push(`consistency: scope too broad — unscoped ${broad.join(', ')}`);
  }
  checks.push({
    name: 'scope',
    ok: broad.length === 0,
    detail: broad.length ? `too broad: ${broad.join(', ')}` : 'as narrow as the bundle',
  });
  // fixtures behave
  const post = packWith(specs, ls, true);
  const codes = ls.spec.fail_codes as string[];
  let fxOk = true;
  for (const kind of ['pass', 'fail'] as const) {
    const list = ls.spec.tests[kind];
    if (!list.length) {
      fxOk = false;
      reasons.push(`consistency: no ${kind} fixture`);
    }
    for (const f of list) {
      const abs = join(dir, f);
      if (!existsSync(abs)) {
        fxOk = false;
        reasons.push(`consistency: fixture missing: ${f}`);
        continue;
      }
      const r = validateFiles([abs], post, config, '/');
      const ok =
        kind === 'pass'
          ? !r.findings.some((x) => codes.includes(x.code))
          : r.findings.some((x) => x.spec === ls.spec.id && codes.includes(x.code));
      if (!ok) {
        fxOk = false;
        reasons.push(`consistency: ${kind} fixture ${f} does not ${kind === 'pass' ? 'pass' : 'fail'}`);
      }
    }
  }
  if (!fxOk) C = Math.min(C, 0.7);
  checks.push({
    name: 'fixtures',
    ok: fxOk,
    detail: `${ls.spec.tests.pass.length} pass, ${ls.spec.tests.fail.length} fail`,
  });

  // ---- necessity (from the shadow replay)
  let N = 0;
  const pre = Object.entries(shadow.pre.findings_by_code)
    .filter(([c]) => codes.includes(c))
    .reduce((s, [, n]) => s + n, 0);
  const postN = Object.entries(shadow.post.findings_by_code)
    .filter(([c]) => codes.includes(c))
    .reduce((s, [, n]) => s + n, 0);
  const healed = shadow.flipped.filter((f) => f.from === 'VIOLATION' && f.to === 'PASS').length;
  const broke = shadow.flipped.filter((f) => f.to === 'VIOLATION').length;
  const stability = Number((m.measured as { stability?: number } | undefined)?.stability ?? 0);
  if (pre > 0 && postN < pre) {
    N = Math.min(1, 0.6 + 0.4 * ((pre - postN) / pre));
    reasons.push(
      `necessity: shadow resolves ${pre - postN}/${pre} ${codes.join('/')} findings; ${healed} sessions VIOLATION → PASS`,
    );
  } else if (addsRequiredParam(ls) && stability >= 0.9 && postN <= pre) {
    N = stability;
    reasons.push(
      `necessity: the parameter is stable in ${(stability * 100).toFixed(0)} % of in-scope sessions and the rule adds no findings on them`,
    );
  } else if (shadow.post.coverage > shadow.pre.coverage) {
    N = 0.8;
    reasons.push(`necessity: coverage ${shadow.pre.coverage} → ${shadow.post.coverage}`);
  } else {
    hard.push(
      'necessity: the shadow replay shows no finding the change resolves and no coverage gained — the data does not require it',
    );
  }
  if (broke > 0) {
    N = Math.max(0, N - 0.1 * broke);
    reasons.push(`necessity: ${broke} sessions flip to VIOLATION`);
  }
  if (!shadow.accept) {
    N = Math.min(N, 0.4);
    hard.push(`necessity: shadow evaluation rejects: ${shadow.reasons.join('; ')}`);
  }
  checks.push({ name: 'shadow', ok: shadow.accept, detail: shadow.reasons.join('; ') });

  // ---- evidence
  let E = 0;
  const v = verifyCitations({
    root,
    cacheDir: resolve(root, config.research.cache_dir),
    paths: [join(dir, 'spec.yaml')],
  });
  const cits = ls.spec.citations;
  if (!cits.length) hard.push('evidence: no citation');
  else if (v.broken.length) {
    for (const b of v.broken)
      hard.push(`evidence: quote not verbatim in the cache (${b.reason}): "${b.quote.slice(0, 80)}"`);
  } else {
    const ch = m.changed ?? changedParam(ls, specs);
    const topic = ch ? topicFor(ch.check, ch.param, ch.value as never) : null;
    const sup = topic ? cits.filter((c) => supports(c.quote, topic)).length : 0;
    E = sup ? 0.85 + 0.15 * (sup / cits.length) : 0.35;
    reasons.push(
      sup
        ? `evidence: ${cits.length} verbatim quote(s), ${sup} state ${ch?.param}=${JSON.stringify(ch?.value)}`
        : `evidence: quotes are verbatim but none states ${ch?.param}=${JSON.stringify(ch?.value)}`,
    );
  }
  checks.push({
    name: 'citations',
    ok: v.broken.length === 0 && cits.length > 0,
    detail: `${v.checked} checked, ${v.broken.length} broken`,
  });
  return { C, N, E, reasons, hard, checks };
}

const JUDGE_SCHEMA = {
  type: 'object',
  properties: {
    consistency: { type: 'number' },
    necessity: { type: 'number' },
    evidence: { type: 'number' },
  },
  required: ['consistency', 'necessity', 'evidence'],
};

async function llmJudges(
  m: ProposalManifest,
  specText: string,
  shadow: ShadowReport,
  config: GoblinConfig,
): Promise<{ name: string; consistency: number; necessity: number; evidence: number }[]> {
  const { Ollama } = await import('ollama');
  const client = new Ollama({ host: config.models.ollama_host! });
  const out: { name: string; consistency: number; necessity: number; evidence: number }[] = [];
  const prompt = [
    'Score this telemetry spec proposal. Rubric: consistency [0..1] = does it contradict existing rules?',
    'necessity [0..1] = does the data require the change? evidence [0..1] = do the quotes literally support it?',
    'Answer only JSON {"consistency":x,"necessity":y,"evidence":z}.',
    `Proposal spec:\n${specText}`,
    `Shadow replay: pre ${JSON.stringify(shadow.pre)} post ${JSON.stringify(shadow.post)} flips ${shadow.flipped.length}`,
    `Measured: ${JSON.stringify(m.measured ?? {})}`,
  ].join('\n\n');
  for (const model of config.models.judges.slice(0, 3)) {
    try {
      const r = await client.chat({
        model,
        messages: [{ role: 'user', content: prompt }],
        format: JUDGE_SCHEMA,
        options: { temperature: 0 },
      });
      const j = JSON.parse(r.message.content) as Record<string, unknown>;
      const c = (k: string) => Math.max(0, Math.min(1, Number(j[k])));
      if (['consistency', 'necessity', 'evidence'].every((k) => Number.isFinite(Number(j[k]))))
        out.push({
          name: model,
          consistency: c('consistency'),
          necessity: c('necessity'),
          evidence: c('evidence'),
        });
    } catch {
      /* a judge that fails does not vote */
    }
  }
  return out;
}

export async function judge(dir: string, opts: JudgeOptions): Promise<JudgeReport> {
  const { config } = opts;
  const { manifest, specText } = readProposal(dir);
  let shadowReport = opts.shadow;
  if (!shadowReport && existsSync(join(dir, 'shadow.json')))
    shadowReport = ShadowReport.parse(JSON.parse(readFileSync(join(dir, 'shadow.json'), 'utf8')));
  if (!shadowReport) {
    const { shadow } = await import('./shadow.js');
    shadowReport = await shadow(dir, { root: opts.root, config, ...(opts.shadowOpts ?? {}) });
  }
  const d = deterministic(dir, manifest, specText, shadowReport, opts);
  const w = config.autonomy.weights;
  const judges: JudgeReport['judges'] = [
    { name: 'deterministic', kind: 'deterministic', consistency: d.C, necessity: d.N, evidence: d.E },
  ];
  const notes: string[] = [];
  let C = d.C;
  let N = d.N;
  let E = d.E;
  let llmUsed = false;
  let llmVeto = false;
  if (opts.llm !== false && config.models.ollama_host) {
    const votes = await llmJudges(manifest, specText, shadowReport, config);
    for (const v of votes) judges.push({ ...v, kind: 'llm' });
    if (votes.length >= 2) {
      llmUsed = true;
      const med = (k: 'consistency' | 'necessity' | 'evidence') => {
        const s = votes.map((v) => v[k]).sort((a, b) => a - b);
        return s[Math.floor((s.length - 1) / 2)];
      };
      // Deterministic judges are filters: an LLM can lower a score, never lift a failed check.
      C = Math.min(d.C, (d.C + med('consistency')) / 2 + 0.5 * (1 - d.C));
      N = Math.min(d.N, (d.N + med('necessity')) / 2 + 0.5 * (1 - d.N));
      E = Math.min(d.E, (d.E + med('evidence')) / 2 + 0.5 * (1 - d.E));
      const pass = votes.filter(
        (v) =>
          w.consistency * v.consistency + w.necessity * v.necessity + w.evidence * v.evidence >=
          config.autonomy.pr_threshold,
      ).length;
      llmVeto = pass < 2;
      notes.push(
        `LLM judges: ${votes.length} answered, ${pass} above the threshold (2-of-3 needed to ACCEPT)`,
      );
    } else notes.push(`LLM judges: only ${votes.length} answered (need 2); deterministic scores stand alone`);
  } else notes.push('no LLM judge configured (models.ollama_host unset): deterministic scores stand alone');
  const score = Number((w.consistency * C + w.necessity * N + w.evidence * E).toFixed(4));
  const reasons = [...d.hard, ...d.reasons];
  let decision: JudgeReport['decision'];
  if (d.hard.length) decision = 'REJECT';
  else if (score >= config.autonomy.pr_threshold && !llmVeto) decision = 'ACCEPT';
  else if (score >= config.autonomy.review_threshold) decision = 'REVIEW';
  else decision = 'REJECT';
  if (llmVeto && decision === 'REVIEW')
    reasons.push('fewer than 2 of 3 LLM judges scored it above the threshold');
  reasons.unshift(
    `score ${score} (C ${C.toFixed(2)}, N ${N.toFixed(2)}, E ${E.toFixed(2)}) vs pr_threshold ${config.autonomy.pr_threshold}`,
  );
  const report = JudgeReport.parse({
    proposal_id: manifest.id,
    consistency: Number(C.toFixed(4)),
    necessity: Number(N.toFixed(4)),
    evidence: Number(E.toFixed(4)),
    score,
    decision,
    reasons,
    judges,
    llm_used: llmUsed,
    notes,
    threshold: config.autonomy.pr_threshold,
    checks: d.checks,
  });
  if (opts.write !== false) writeFileSync(join(dir, 'judge.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
