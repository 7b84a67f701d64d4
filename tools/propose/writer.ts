/**
 * The Ollama spec writer (docs/proposals.md): the system prompt below, YAML only, parsed and validated against
 * the Spec DSL (zod) plus check parameters, with a bounded repair loop (models.max_repairs) that sends the
 * validation errors back. Scope is clamped to the bundle's scope (a too-broad answer is narrowed, and the
 * note says so). Only fingerprints are kept: prompt/response sha256, model name and digest — never raw text.
 */
import YAML from 'yaml';
import type { Bundle } from '../bundle/schema.js';
import type { GoblinConfig } from '../config/index.js';
import { CHECK_IDS, type LoadedSpec } from '../spec/schema.js';
import { sha256Hex } from '../util/hash.js';
import { buildPack } from '../validate/pack.js';
import type { Draft } from './deterministic.js';
import { loadedFromText, specYaml } from './spec-util.js';
import { scopeOf } from './deterministic.js';

export const SYSTEM_PROMPT =
  'You are a telemetry rules engineer. Output only valid YAML under the project\'s Spec DSL. Propose the minimal change that resolves the highlighted anomalies without increasing false positives on passing sessions. Scope rules precisely by platform/sdk/version. Include citations with verbatim quotes from provided evidence. Never relax invariants designated "constitutional".';

export interface WriterFingerprint {
  model: string;
  digest: string | null;
  prompt_sha256: string;
  response_sha256: string;
  repairs: number;
}

export type WriterResult =
  | { ok: true; spec: LoadedSpec; text: string; fingerprint: WriterFingerprint; notes: string[] }
  | { ok: false; reason: string; fingerprint: WriterFingerprint | null; notes: string[] };

function userPrompt(bundle: Bundle, draft: Draft | null, specs: LoadedSpec[], examples = ''): string {
  const same = draft
    ? specs
        .filter((s) => s.spec.assert.some((a) => a.check === draft.spec.assert[0].check))
        .map((s) => s.source)
    : [];
  return [
    'Spec DSL: keys id (UPPER_SNAKE_CASE), title, status (shadow|experimental), version (semver), family, scope {platform[], sdk[], protocol[], version (semver range), cluster}, assert [{check, params}], fail_codes, severity, tests {pass[], fail[]}, citations [{url, quote}], rationale.',
    `Checks: ${CHECK_IDS.join(', ')}`,
    `Bundle: ${JSON.stringify({ bundle_id: bundle.bundle_id, scope: bundle.scope, anomalies: bundle.anomalies, dictionary_deltas: bundle.dictionary_deltas, constraints: bundle.constraints })}`,
    `Evidence (quote verbatim only from these): ${JSON.stringify([...bundle.evidence_chunks.map((c) => ({ url: c.url, quote: c.quote })), ...(draft?.citations ?? []).map((c) => ({ url: c.url, quote: c.quote }))])}`,
    `Measured on the sessions: ${JSON.stringify(draft?.measured ?? {})}`,
    `Existing specs for this check:\n${same.join('\n---\n')}`,
    ...(examples ? [examples] : []),
    'Answer with one YAML document, no prose, no code fences.',
  ].join('\n\n');
}

function stripFences(t: string): string {
  const m = /```(?:ya?ml)?\s*\n([\s\S]*?)```/.exec(t);
  return (m ? m[1] : t).trim();
}

/** Validate one answer: YAML, Spec schema, check parameters. */
function validateAnswer(text: string, path: string): { spec?: LoadedSpec; errors: string[] } {
  try {
    YAML.parse(text);
  } catch (e) {
    return { errors: [`YAML: ${(e as Error).message.split('\n')[0]}`] };
  }
  const r = loadedFromText(text, path);
  if (!r.spec) return r;
  const pe = buildPack([r.spec], []).errors.map((e) => e.message);
  return pe.length ? { errors: pe } : r;
}

export async function writeSpecWithOllama(
  bundle: Bundle,
  ctx: {
    config: GoblinConfig;
    specs: LoadedSpec[];
    draft: Draft | null;
    cacheDir: string;
    /** Reviewers' accepted edits of similar proposals (tools/style/retrieve.ts), as a prompt section. */
    examples?: string;
  },
): Promise<WriterResult> {
  const { config } = ctx;
  const notes: string[] = [];
  const { Ollama } = await import('ollama');
  const client = new Ollama({ host: config.models.ollama_host! });
  const model = config.models.writer;
  let digest: string | null = null;
  try {
    const list = await client.list();
    digest = list.models.find((m) => m.name === model || m.model === model)?.digest ?? null;
    if (!digest) notes.push(`model ${model} is not listed by the Ollama server`);
  } catch (e) {
    return {
      ok: false,
      reason: `Ollama unreachable at ${config.models.ollama_host}: ${(e as Error).message}`,
      fingerprint: null,
      notes,
    };
  }
  const messages: { role: 'system' | 'user' | 'assistant'; content: string }[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: userPrompt(bundle, ctx.draft, ctx.specs, ctx.examples) },
  ];
  const promptHash = sha256Hex(JSON.stringify(messages));
  let responses = '';
  let repairs = 0;
  const fp = (): WriterFingerprint => ({
    model,
    digest,
    prompt_sha256: promptHash,
    response_sha256: sha256Hex(responses),
    repairs,
  });
  for (let attempt = 0; attempt <= config.models.max_repairs; attempt++) {
    let content: string;
    try {
      const r = await client.chat({ model, messages, options: { temperature: 0 }, stream: false });
      content = r.message.content;
    } catch (e) {
      return {
        ok: false,
        reason: `writer request failed: ${(e as Error).message}`,
        fingerprint: fp(),
        notes,
      };
    }
    responses += content;
    const text = stripFences(content);
    const path = `specs/proposed.yaml`;
    const v = validateAnswer(text, path);
    if (v.spec) {
      let spec = v.spec.spec;
      // Clamp the scope to the bundle's (too broad → narrowed, with the reason).
      const want = scopeOf(bundle, ctx.draft?.sessions ?? []);
      const narrowed: string[] = [];
      const sc = { ...spec.scope };
      if (want.platform && JSON.stringify(sc.platform) !== JSON.stringify(want.platform))
        ((sc.platform = want.platform), narrowed.push(`platform → ${want.platform.join('|')}`));
      if (want.protocol && JSON.stringify(sc.protocol) !== JSON.stringify(want.protocol))
        ((sc.protocol = want.protocol), narrowed.push(`protocol → ${want.protocol.join('|')}`));
      if (want.version && sc.version !== want.version)
        ((sc.version = want.version), narrowed.push(`version → ${want.version}`));
      if (narrowed.length) notes.push(`writer scope too broad/off-bundle; narrowed: ${narrowed.join(', ')}`);
      if (spec.status === 'active' || spec.status === 'deprecated') {
        notes.push(`writer asked for status ${spec.status}; new specs start as shadow`);
        spec = { ...spec, status: 'shadow' };
      }
      spec = { ...spec, scope: sc };
      const out = specYaml(spec);
      const again = loadedFromText(out, `specs/${spec.family}/${spec.id}.yaml`);
      if (!again.spec)
        return {
          ok: false,
          reason: `narrowed spec invalid: ${again.errors.join('; ')}`,
          fingerprint: fp(),
          notes,
        };
      if (repairs) notes.push(`writer output repaired after ${repairs} attempt(s)`);
      return { ok: true, spec: again.spec, text: out, fingerprint: fp(), notes };
    }
    if (attempt === config.models.max_repairs) break;
    repairs++;
    messages.push({ role: 'assistant', content });
    messages.push({
      role: 'user',
      content: `That is not a valid spec: ${v.errors.slice(0, 8).join('; ')}. Answer again with the corrected YAML only.`,
    });
  }
  return { ok: false, reason: `invalid YAML after ${repairs} repair(s)`, fingerprint: fp(), notes };
}
