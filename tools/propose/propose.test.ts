import { needsResponseBody } from '../decode/index.js';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { verifyCitations } from '../research/verify.js';
import { judge } from './judges.js';
import { propose } from './propose.js';
import { shadow } from './shadow.js';
import { ROOT, scenarioCorpus } from './testing.js';
import type { ShadowReport } from './proposal.js';

const config = GoblinConfig.parse({});
const work: string[] = [];
afterAll(() => work.forEach((w) => rmSync(w, { recursive: true, force: true })));

describe('deterministic proposer on a simulated drop (Android heartbeat 2.3: ad pings every 10 s)', () => {
  let dir: string;
  let sh: ShadowReport;
  let goodDir: string;
  let ctx: Awaited<ReturnType<typeof scenarioCorpus>>;
  beforeAll(async () => {
    ctx = await scenarioCorpus('hb-android-ad-10s', config);
    work.push(ctx.work);
    goodDir = ctx.goodDir;
    const r = await propose(ctx.bundle!, {
      root: ROOT,
      config,
      corpus: ctx.corpus,
      out: join(ctx.work, 'proposals'),
      now: '2026-01-01T00:00:00.000Z',
    });
    expect(r.refused).toBeNull();
    dir = r.dir!;
    sh = await shadow(dir, { root: ROOT, config, corpus: ctx.corpus, knownGood: [goodDir] });
  }, 120_000);

  it('builds the bundle from the validator findings', () => {
    expect(ctx.bundle!.anomalies[0].code).toBe('CADENCE_AD_PING_GAP');
    expect(ctx.bundle!.scope).toMatchObject({
      platform: 'android',
      protocol: 'heartbeat',
      // Scopes use the comparable version core; the wire spelling stays on the session (sdk_version_raw).
      versions: ['2.3.1.240'],
    });
  });

  it('writes a new shadow spec scoped to the version range with the measured interval', () => {
    const spec = YAML.parse(readFileSync(join(dir, 'spec.yaml'), 'utf8'));
    expect(spec.id).toBe('CADENCE_AD_PING_GAP_HB_ANDROID_V2_3');
    expect(spec.status).toBe('shadow');
    expect(spec.scope).toEqual({ protocol: ['heartbeat'], platform: ['android'], version: '>=2.3.0 <2.4.0' });
    expect(spec.assert).toEqual([
      { check: 'cadence.ad_ping_gap', params: { ad_interval_s: 10, gap_factor: 1.5 } },
    ]);
    const m = JSON.parse(readFileSync(join(dir, 'proposal.json'), 'utf8'));
    expect(m.proposer).toBe('deterministic');
    expect(m.change).toBe('new');
    expect(m.changed).toEqual({ check: 'cadence.ad_ping_gap', param: 'ad_interval_s', value: 10 });
    expect(m.llm).toBeNull();
    expect(readFileSync(join(dir, 'spec.diff'), 'utf8')).toMatch(
      /^--- \/dev\/null\n\+\+\+ b\/specs\/cadence\/CADENCE_AD_PING_GAP_HB_ANDROID_V2_3\.yaml/,
    );
  });

  it('cites verbatim quotes that state the 10 s ad interval', () => {
    const spec = YAML.parse(readFileSync(join(dir, 'spec.yaml'), 'utf8'));
    expect(spec.citations.length).toBeGreaterThan(0);
    for (const c of spec.citations) expect(c.quote).toMatch(/1–10|10 s/);
    const v = verifyCitations({
      root: ROOT,
      cacheDir: join(ROOT, 'evidence/cache'),
      paths: [join(dir, 'spec.yaml')],
    });
    expect(v.broken).toEqual([]);
    expect(v.ok).toBe(spec.citations.length);
  });

  it('writes a minimized, PII-scrubbed pass fixture from a real session', () => {
    const passDir = join(dir, 'tests/CADENCE_AD_PING_GAP_HB_ANDROID_V2_3/pass');
    const files = readdirSync(passDir);
    expect(files.length).toBe(1);
    const har = JSON.parse(readFileSync(join(passDir, files[0]), 'utf8'));
    const text = JSON.stringify(har);
    const src = ctx.corpus.captures.find(
      (c) => c.file && c.capture.sessions.some((s) => s.sdk_version_raw === 'android-2.3.1.240-a1b2c3'),
    )!;
    const ecid = src.capture.sessions.flatMap((s) => s.events).find((e) => e.actor.ecid)?.actor.ecid;
    expect(har.log.entries.length).toBeLessThan(
      JSON.parse(readFileSync(src.file!, 'utf8')).log.entries.length,
    );
    if (ecid) expect(text).not.toContain(ecid);
    for (const e of har.log.entries) {
      const ua = e.request.headers.find((h: { name: string }) => h.name.toLowerCase() === 'user-agent');
      // UA kept only up to its platform group (what fingerprinting reads), never the full string.
      if (ua) expect(ua.value).toMatch(/^[^)]*\)?$/);
      // Bodies only where decoding needs them (Edge session handles, MC errors), without identity.
      const keep = needsResponseBody(e.request.method, e.request.url, e.response.status);
      if (!keep) expect(e.response.content.text).toBeUndefined();
      else if (e.response.content.text)
        expect(e.response.content.text).not.toMatch(/kndctr_|identity:result/);
    }
  });

  it('shadow: findings resolved, verdicts flip to PASS, FPR and coverage hold', () => {
    expect(sh.pre.findings_by_code.CADENCE_AD_PING_GAP).toBeGreaterThan(0);
    expect(sh.post.findings_by_code.CADENCE_AD_PING_GAP ?? 0).toBe(0);
    expect(sh.flipped.filter((f) => f.from === 'VIOLATION' && f.to === 'PASS').length).toBeGreaterThan(0);
    expect(sh.post.fpr_known_good).toBeLessThanOrEqual(sh.pre.fpr_known_good);
    expect(sh.post.coverage).toBeGreaterThanOrEqual(sh.pre.coverage);
    expect(sh.constitution_touched).toEqual([]);
    expect(sh.pre.fpr_label_pass).toBeNull();
    expect(sh.accept).toBe(true);
    expect(sh.dataset_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dir, 'shadow.md'), 'utf8')).toContain('| CADENCE_AD_PING_GAP |');
  });

  it('judge: ACCEPT with deterministic judges only, and says so', async () => {
    const j = await judge(dir, { root: ROOT, config, shadow: sh });
    expect(j.decision).toBe('ACCEPT');
    expect(j.llm_used).toBe(false);
    expect(j.notes!.join(' ')).toMatch(/deterministic scores stand alone/);
    expect(j.necessity).toBe(1);
    expect(j.evidence).toBeGreaterThan(0.8);
    expect(existsSync(join(dir, 'judge.json'))).toBe(true);
  });

  it('judge: a hallucinated quote is rejected on evidence', async () => {
    const f = join(dir, 'spec.yaml');
    const orig = readFileSync(f, 'utf8');
    const spec = YAML.parse(orig);
    spec.citations[0].quote = 'Android heartbeat 2.3 sends ad pings every 10 s by design';
    writeFileSync(f, YAML.stringify(spec));
    try {
      const j = await judge(dir, { root: ROOT, config, shadow: sh, write: false });
      expect(j.decision).toBe('REJECT');
      expect(j.evidence).toBe(0);
      expect(j.reasons.join('\n')).toMatch(/evidence: quote not verbatim in the cache \(quote_not_found\)/);
    } finally {
      writeFileSync(f, orig);
    }
  });

  it('judge: a scope broader than the bundle is rejected with the reason', async () => {
    const f = join(dir, 'spec.yaml');
    const orig = readFileSync(f, 'utf8');
    const spec = YAML.parse(orig);
    spec.scope = { protocol: ['heartbeat'] };
    writeFileSync(f, YAML.stringify(spec));
    try {
      const j = await judge(dir, { root: ROOT, config, shadow: sh, write: false });
      expect(j.decision).toBe('REJECT');
      expect(j.reasons.join('\n')).toMatch(
        /scope too broad — unscoped platform \(bundle: android\), version/,
      );
      expect(j.reasons.join('\n')).toMatch(/contradicts CADENCE_AD_PING_GAP_HB/);
    } finally {
      writeFileSync(f, orig);
    }
  });

  it('judge: a constitution-breaking relaxation is rejected naming the clause', async () => {
    const f = join(dir, 'spec.yaml');
    const orig = readFileSync(f, 'utf8');
    const spec = YAML.parse(orig);
    spec.family = 'playhead';
    spec.assert = [{ check: 'playhead.decreasing', params: { tolerance_s: 5 } }];
    spec.fail_codes = ['PLAYHEAD_DECREASING'];
    writeFileSync(f, YAML.stringify(spec));
    try {
      const j = await judge(dir, { root: ROOT, config, shadow: sh, write: false });
      expect(j.decision).toBe('REJECT');
      expect(j.consistency).toBe(0);
      expect(j.reasons.join('\n')).toMatch(/consistency: constitution NON_DECREASING_PLAYHEAD/);
    } finally {
      writeFileSync(f, orig);
    }
  });

  it('judge: a change the data does not need is rejected on necessity', async () => {
    const noNeed: ShadowReport = {
      ...sh,
      pre: { ...sh.pre, findings_by_code: {} },
      post: { ...sh.post, findings_by_code: {} },
      flipped: [],
    };
    const j = await judge(dir, { root: ROOT, config, shadow: noNeed, write: false });
    expect(j.decision).toBe('REJECT');
    expect(j.necessity).toBe(0);
    expect(j.reasons.join('\n')).toMatch(/necessity: the shadow replay shows no finding the change resolves/);
  });
});

describe('decoys and other situations', () => {
  it('a playhead going backwards (broken build) → no proposal, constitutional clause named', async () => {
    const ctx = await scenarioCorpus('decoy-mc-playhead-back', config);
    work.push(ctx.work);
    expect(ctx.bundle!.anomalies[0].code).toBe('PLAYHEAD_DECREASING');
    expect(ctx.bundle!.constraints).toContain('DO_NOT_RELAX:NON_DECREASING_PLAYHEAD');
    const r = await propose(ctx.bundle!, {
      root: ROOT,
      config,
      corpus: ctx.corpus,
      out: join(ctx.work, 'p'),
    });
    expect(r.dir).toBeNull();
    expect(r.refused).toMatch(/constitutional clause NON_DECREASING_PLAYHEAD/);
  }, 60_000);

  it('randomly dropped ad pings (broken build) → no proposal: the measured interval matches the pack', async () => {
    const ctx = await scenarioCorpus('decoy-hb-random-drops', config);
    work.push(ctx.work);
    const r = await propose(ctx.bundle!, {
      root: ROOT,
      config,
      corpus: ctx.corpus,
      out: join(ctx.work, 'p'),
    });
    expect(r.dir).toBeNull();
    expect(r.refused).toMatch(/matches the pack's ad_interval_s=1/);
  }, 60_000);

  it('a new stable parameter → dictionary entry + presence rule carrying the existing requirements', async () => {
    const ctx = await scenarioCorpus('mc-web-new-param', config);
    work.push(ctx.work);
    expect(ctx.bundle!.dictionary_deltas[0]).toMatchObject({ param: 'media.pass.mvpd', change: 'new' });
    const r = await propose(ctx.bundle!, {
      root: ROOT,
      config,
      corpus: ctx.corpus,
      out: join(ctx.work, 'p'),
    });
    expect(r.manifest!.dictionary_files).toEqual(['dictionary/hb-api/media.pass.mvpd.yaml']);
    const entry = YAML.parse(readFileSync(join(r.dir!, r.manifest!.dictionary_files[0]), 'utf8'));
    expect(entry).toMatchObject({ param: 'media.pass.mvpd', sdk: 'hb-api', type: 'string', stability: 1 });
    const spec = YAML.parse(readFileSync(join(r.dir!, 'spec.yaml'), 'utf8'));
    expect(spec.scope.version).toBe('>=3.2.0 <3.3.0');
    expect(spec.assert[0].params.events.sessionStart).toEqual(
      expect.arrayContaining(['media.id', 'analytics.reportSuite', 'media.pass.mvpd']),
    );
    expect(spec.citations.some((c: { quote: string }) => c.quote.includes('media.pass.mvpd'))).toBe(true);
    expect(r.manifest!.fixtures.fail.length).toBe(1); // derived: the param removed from a real session
    const sh = await shadow(r.dir!, { root: ROOT, config, corpus: ctx.corpus, knownGood: [ctx.goodDir] });
    const j = await judge(r.dir!, { root: ROOT, config, shadow: sh });
    expect(sh.accept).toBe(true);
    expect(j.decision).toBe('ACCEPT');
  }, 90_000);
});
