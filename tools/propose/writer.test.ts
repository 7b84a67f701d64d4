import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { judge } from './judges.js';
import { propose } from './propose.js';
import { shadow } from './shadow.js';
import { SYSTEM_PROMPT } from './writer.js';
import { ROOT, scenarioCorpus, startFakeOllama, type FakeOllama } from './testing.js';

/** The real `ollama` client against a scripted Ollama-API server on 127.0.0.1. */
let fake: FakeOllama;
let ctx: Awaited<ReturnType<typeof scenarioCorpus>>;
let goodYaml: string;
let config: GoblinConfig;

beforeAll(async () => {
  fake = await startFakeOllama();
  config = GoblinConfig.parse({ models: { ollama_host: fake.host, writer: 'qwen2.5:7b', max_repairs: 2 } });
  ctx = await scenarioCorpus('hb-android-ad-10s', config);
  // What a good writer answers: the measured, scoped spec (as the deterministic proposer would write it).
  const det = await propose(ctx.bundle!, {
    root: ROOT,
    config,
    corpus: ctx.corpus,
    out: join(ctx.work, 'det'),
  });
  goodYaml = readFileSync(join(det.dir!, 'spec.yaml'), 'utf8');
}, 120_000);
afterAll(async () => {
  await fake.close();
  rmSync(ctx.work, { recursive: true, force: true });
});

const edit = (f: (s: Record<string, any>) => void) => {
  const s = YAML.parse(goodYaml);
  f(s);
  return YAML.stringify(s);
};

async function run(name: string, answers: string[]) {
  fake.writer.splice(0, fake.writer.length, ...answers);
  const before = fake.requests.length;
  const r = await propose(ctx.bundle!, {
    root: ROOT,
    config,
    corpus: ctx.corpus,
    out: join(ctx.work, name),
    llm: true,
  });
  const writerCalls = fake.requests.slice(before).filter((q) => q.path === '/api/chat').length;
  if (!r.dir) return { r, writerCalls, sh: null, j: null };
  const sh = await shadow(r.dir, { root: ROOT, config, corpus: ctx.corpus, knownGood: [ctx.goodDir] });
  const j = await judge(r.dir, { root: ROOT, config, shadow: sh });
  return { r, writerCalls, sh, j };
}

describe('Ollama spec writer + LLM judges (fake server, real client)', () => {
  it('good YAML → written by the model, judged ACCEPT by deterministic + 2-of-3 LLM judges', async () => {
    const { r, j, writerCalls } = await run('good', ['```yaml\n' + goodYaml + '```']);
    expect(writerCalls).toBe(1);
    expect(r.proposer).toBe(`ollama:qwen2.5:7b@sha256:${'1'.repeat(64)}`);
    expect(r.manifest!.llm).toMatchObject({ model: 'qwen2.5:7b', repairs: 0 });
    expect(r.manifest!.llm!.prompt_sha256).toMatch(/^[0-9a-f]{64}$/);
    const raw = readFileSync(join(r.dir!, 'proposal.json'), 'utf8');
    expect(raw).not.toContain(SYSTEM_PROMPT.slice(0, 40)); // fingerprints only, never raw text
    expect(j!.llm_used).toBe(true);
    expect(j!.judges.filter((x) => x.kind === 'llm').length).toBe(3);
    expect(j!.decision).toBe('ACCEPT');
    const chat = fake.requests.filter((q) => q.path === '/api/chat');
    expect((chat[0].body.messages as { role: string; content: string }[])[0]).toEqual({
      role: 'system',
      content: SYSTEM_PROMPT,
    });
  }, 60_000);

  it('invalid YAML → repaired within the bound, errors fed back', async () => {
    const bad = 'id: HB_X\nassert: [check: cadence.ad_ping_gap\n  params: {';
    const { r, writerCalls } = await run('repair', [bad, goodYaml]);
    expect(writerCalls).toBe(2);
    expect(r.manifest!.llm!.repairs).toBe(1);
    expect(r.proposer).toMatch(/^ollama:/);
    expect(r.notes.join('\n')).toMatch(/repaired after 1 attempt/);
  }, 60_000);

  it('invalid YAML every time → bounded (1 + max_repairs calls), deterministic fallback says so', async () => {
    const { r, writerCalls } = await run('exhaust', ['nope: [', 'still: {bad', 'id: lower_case\n']);
    expect(writerCalls).toBe(3);
    expect(r.proposer).toBe('deterministic');
    expect(r.notes.join('\n')).toMatch(
      /LLM writer failed \(invalid YAML after 2 repair\(s\)\); falling back/,
    );
  }, 60_000);

  it('hallucinated quote → REJECT on evidence', async () => {
    const y = edit(
      (s) =>
        (s.citations = [
          {
            url: 'docs/reference/wire-formats.md#46-timing-and-session-rules',
            quote: 'Android 2.3 pings ads every 10 s',
          },
        ]),
    );
    const { r, j } = await run('halluc', [y]);
    expect(r.proposer).toMatch(/^ollama:/);
    expect(j!.decision).toBe('REJECT');
    expect(j!.evidence).toBe(0);
    expect(j!.reasons.join('\n')).toMatch(/quote not verbatim in the cache/);
  }, 60_000);

  it('constitution-breaking relaxation → REJECT on consistency, naming the clause', async () => {
    const y = edit((s) => {
      s.family = 'playhead';
      s.assert = [{ check: 'playhead.decreasing', params: { tolerance_s: 4 } }];
      s.fail_codes = ['PLAYHEAD_DECREASING'];
    });
    const { j, sh } = await run('constitution', [y]);
    expect(j!.decision).toBe('REJECT');
    expect(j!.consistency).toBe(0);
    expect(j!.reasons.join('\n')).toMatch(/constitution NON_DECREASING_PLAYHEAD/);
    expect(sh!.constitution_touched).toContain('NON_DECREASING_PLAYHEAD');
    expect(sh!.accept).toBe(false);
  }, 60_000);

  it('too-broad scope → narrowed to the bundle scope with the reason', async () => {
    const y = edit((s) => (s.scope = { protocol: ['heartbeat'] }));
    const { r, j } = await run('broad', [y]);
    expect(r.notes.join('\n')).toMatch(
      /scope too broad\/off-bundle; narrowed: platform → android, version → >=2.3.0 <2.4.0/,
    );
    expect(r.manifest!.scope).toEqual({
      protocol: ['heartbeat'],
      platform: ['android'],
      version: '>=2.3.0 <2.4.0',
    });
    expect(j!.decision).toBe('ACCEPT');
  }, 60_000);

  it('LLM judges below the threshold (2 of 3) keep a deterministic ACCEPT at REVIEW', async () => {
    fake.judges.splice(
      0,
      fake.judges.length,
      '{"consistency":0.2,"necessity":0.3,"evidence":0.2}',
      '{"consistency":0.1,"necessity":0.2,"evidence":0.3}',
      '{"consistency":0.9,"necessity":0.9,"evidence":0.9}',
    );
    const { j } = await run('lowjudges', [goodYaml]);
    expect(j!.llm_used).toBe(true);
    expect(j!.decision).not.toBe('ACCEPT');
    expect(j!.notes!.join(' ')).toMatch(/1 above the threshold/);
  }, 60_000);
});
