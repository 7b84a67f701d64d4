import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Bundle } from '../bundle/schema.js';
import { sessionId } from '../label/labeling.js';
import { BigramModel, precisionAtK } from './anomaly.js';
import { compareProfiles, driftBundle, driftProfile, noiseCritical, psi } from './drift.js';
import { truthFamilies } from './eval.js';
import { FEATURE_NAMES } from './features.js';
import { constitutionConstraints, corpusViews, learn, loadCorpus, writeLearnOutputs } from './learn.js';
import { addStableParam, errorBurst, generateDrop, mediaBeacons, slowerPings } from './scenarios.js';
import { packAndConfig, ROOT } from './testing.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), `goblin-${p}-`));

describe('learning layer on a simulated drop with an injected novel fault', () => {
  const { pack, cfg } = packAndConfig();
  const dir = tmp('learn');
  const drop = generateDrop({
    outDir: dir,
    seed: 99,
    captures: 70,
    faultRate: 0.3,
    mutator: errorBurst,
    mutateShare: 0.12,
  });
  const corpus = loadCorpus(drop.files, pack, cfg, dir);
  const truth = truthFamilies(corpus, drop.truth);
  const res = learn(corpus, pack, { truth, seed: 5 });
  const novel = new Set(drop.novel.map((n) => sessionId(n.har, n.session)));

  it('the mutator really injected error events the decoder sees', () => {
    expect(novel.size).toBeGreaterThanOrEqual(4);
    const v = res.views.filter((x) => novel.has(sessionId(x.har, x.key)));
    expect(v.length).toBe(novel.size);
    for (const x of v) expect(x.count('error')).toBeGreaterThanOrEqual(6);
  });

  it('features have the declared width and finite values', () => {
    for (const f of res.features) {
      expect(f.x).toHaveLength(FEATURE_NAMES.length);
      expect(f.x.every(Number.isFinite)).toBe(true);
    }
  });

  it('label model vs majority vote on the labelled slice: both measured, the winner is the better one and is used', () => {
    const ev = res.labeling.evaluation!;
    expect(ev.label_model.n).toBeGreaterThan(300);
    expect(ev.label_model.positives).toBeGreaterThan(10);
    expect(ev.majority_vote.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(ev.label_model.accuracy).toBeGreaterThanOrEqual(0.9);
    const better =
      ev.label_model.accuracy > ev.majority_vote.accuracy ||
      (ev.label_model.accuracy === ev.majority_vote.accuracy &&
        ev.label_model.brier <= ev.majority_vote.brier);
    expect(res.labeling.winner).toBe(better ? 'label_model' : 'majority_vote');
    const covered = res.labeling.labels.filter((l) => l.covered);
    for (const l of covered.slice(0, 200)) expect(l.p).toBe(better ? l.p_label_model : l.p_majority);
    // per-LF diagnostics are there and sane
    for (const st of res.labeling.lfStats) {
      expect(st.coverage).toBeGreaterThanOrEqual(st.overlaps);
      expect(st.overlaps).toBeGreaterThanOrEqual(st.conflicts);
    }
  });

  it('anomaly ranking puts the novel sessions far above the median', () => {
    const ranked = [...res.anomalies.rows]
      .sort((a, b) => b.score - a.score)
      .map((r) => sessionId(r.har, r.session));
    const pct = res.anomalies.rows
      .filter((r) => novel.has(sessionId(r.har, r.session)))
      .map((r) => r.percentile);
    const mean = pct.reduce((a, b) => a + b, 0) / pct.length;
    expect(mean).toBeGreaterThan(0.75);
    // base rate is novel/sessions (~4 %): P@top-20% must be above 1.5× of it (measured ≈ 1.6×: the
    // Isolation Forest is weak here — see tools/label/README.md)
    const k = Math.ceil(ranked.length * 0.2);
    expect(precisionAtK(ranked, novel, k)).toBeGreaterThan((1.5 * novel.size) / ranked.length);
  });

  it('clusters group sessions of one protocol; classifier trains on confident weak labels', () => {
    expect(res.anomalies.clusters.length).toBeGreaterThan(1);
    expect(Math.max(...res.anomalies.clusters.map((c) => c.purity))).toBeGreaterThan(0.9);
    expect(res.classifiers.some((c) => c.trained && c.positives >= 3)).toBe(true);
  });

  it('triage: inbox sorted by score = uncertainty × impact × novelty, site row shape', () => {
    const InboxRow = z
      .object({
        har: z.string(),
        session: z.string(),
        score: z.number(),
        uncertainty: z.number(),
        impact: z.number(),
        novelty: z.number(),
        reasons: z.array(z.string()),
      })
      .strict();
    expect(res.inbox).toHaveLength(res.views.length);
    for (let i = 1; i < res.inbox.length; i++)
      expect(res.inbox[i - 1].score).toBeGreaterThanOrEqual(res.inbox[i].score);
    for (const r of res.inbox) {
      InboxRow.parse(r);
      expect(Math.abs(r.score - r.uncertainty * r.impact * r.novelty)).toBeLessThan(0.002);
      for (const f of [r.uncertainty, r.impact, r.novelty]) expect(f).toBeGreaterThanOrEqual(0.1);
    }
    const top = new Set(
      res.inbox.slice(0, Math.ceil(res.inbox.length * 0.2)).map((r) => sessionId(r.har, r.session)),
    );
    expect([...novel].filter((id) => top.has(id)).length / novel.size).toBeGreaterThanOrEqual(0.5);
    const out = tmp('learn-out');
    const files = writeLearnOutputs(out, res);
    expect(readFileSync(files.inbox, 'utf8').trim().split('\n')).toHaveLength(res.inbox.length);
  });

  it('bigram surprise is higher for an unseen event order', () => {
    const m = new BigramModel().fit(
      Array.from({ length: 20 }, () => ({
        protocol: 'p',
        types: ['sessionStart', 'play', 'ping', 'ping', 'sessionComplete'],
      })),
    );
    expect(m.surprise('p', ['sessionStart', 'error', 'error', 'error', 'sessionComplete'])).toBeGreaterThan(
      m.surprise('p', ['sessionStart', 'play', 'ping', 'sessionComplete']) + 1,
    );
  });
});

describe('drift between drops', () => {
  const { pack, cfg } = packAndConfig();
  const libs = ['web-media-js-3', 'android-media-sdk-2'] as const;
  const profile = (name: string, seed: number, mutator?: Parameters<typeof generateDrop>[0]['mutator']) => {
    const dir = tmp(`drift-${name}`);
    const d = generateDrop({
      outDir: dir,
      seed,
      captures: 40,
      faultRate: 0.15,
      libraries: [...libs],
      mutator,
      mutateLibraries: mutator ? ['web-media-js-3'] : undefined,
    });
    return driftProfile(
      corpusViews(loadCorpus(d.files, pack, cfg, dir)).views.filter((v) => v.kind === 'media'),
    );
  };
  const ref = profile('ref', 11);

  it('PSI basics and noise critical value', () => {
    expect(psi([50, 50], [50, 50]).psi).toBeCloseTo(0, 6);
    expect(psi([0, 100], [100, 0]).psi).toBeGreaterThan(5);
    // χ²(1) 99.9 % ≈ 10.83; Wilson–Hilferty gives ≈ 11.1
    expect(noiseCritical(2, 30, 30) / (2 / 30)).toBeGreaterThan(10.5);
    expect(noiseCritical(2, 30, 30) / (2 / 30)).toBeLessThan(11.5);
    expect(noiseCritical(15, 30, 30) / (2 / 30)).toBeCloseTo(36.1, 0);
  });

  it('an unchanged drop (same generator, other seed) raises no bundle', () => {
    const g = compareProfiles(ref, profile('same', 12));
    expect(g.length).toBeGreaterThanOrEqual(2);
    expect(g.filter((x) => x.status !== 'abstain').length).toBeGreaterThanOrEqual(1);
    expect(g.filter((x) => x.status === 'major')).toHaveLength(0);
  });

  it('a new stable parameter raises a bundle for the changed SDK only', () => {
    const g = compareProfiles(ref, profile('param', 13, addStableParam('low_latency')));
    const major = g.filter((x) => x.status === 'major');
    expect(major.map((x) => x.platform + '|' + x.sdk)).toEqual(['web|hb-api']);
    expect(major[0].new_params).toContain('media.low_latency');
    const b = driftBundle(major[0], {
      constraints: constitutionConstraints(join(ROOT, 'constitution.yaml')),
      datasetHash: 'x',
    });
    Bundle.parse(b);
    expect(b.dictionary_deltas.some((d) => d.param === 'media.low_latency' && d.change === 'new')).toBe(true);
    expect(b.constraints).toContain('DO_NOT_RELAX:NON_DECREASING_PLAYHEAD');
    expect(b.sample_sessions.length).toBeGreaterThan(0);
  });

  it('a changed ping interval raises a cadence drift bundle', () => {
    const g = compareProfiles(ref, profile('slow', 14, slowerPings));
    const major = g.filter((x) => x.status === 'major');
    expect(major.map((x) => x.sdk)).toEqual(['hb-api']);
    expect(major[0].metrics.find((m) => m.metric === 'content_ping_interval_s')?.significant).toBe(true);
  });

  it('small groups abstain', () => {
    const g = compareProfiles(ref, ref, { minSessions: 1000 });
    expect(g.every((x) => x.status === 'abstain')).toBe(true);
  });

  it('mediaBeacons finds beacons of every media protocol', () => {
    const dir = tmp('beacons');
    const d = generateDrop({
      outDir: dir,
      seed: 3,
      captures: 12,
      faultRate: 0,
      libraries: ['web-vhl-js-2', 'web-media-js-3', 'ios-aep-edge-media-5'],
    });
    const protos = new Set(
      d.files.flatMap((f) => mediaBeacons(JSON.parse(readFileSync(f, 'utf8'))).map((b) => b.protocol)),
    );
    expect([...protos].sort()).toEqual(['heartbeat', 'media-collection', 'media-edge']);
  });
});
