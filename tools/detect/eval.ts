import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { CODE_INFO } from '../codes/catalog.js';
import { trainFamilyClassifier } from '../label/classifier.js';
import { sessionId } from '../label/labeling.js';
import { calibration, type Calibration } from '../label/model.js';
import type { Library, TruthRecord } from '../simulate/index.js';
import type { RulePack } from '../validate/pack.js';
import { precisionAtK, rankAnomalies } from './anomaly.js';
import { compareProfiles, driftBundle, driftProfile, type GroupDrift } from './drift.js';
import { constitutionConstraints, corpusRows, learn, loadCorpus, type LearnCorpus } from './learn.js';
import {
  addStableParam,
  errorBurst,
  generateDrop,
  slowerPings,
  zeroDuration,
  type Mutator,
} from './scenarios.js';

/** Labelled slice from simulator truth: session id → families (and codes) of the faults injected into it. */
export function truthFamilies(corpus: LearnCorpus, truth: TruthRecord[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of corpus.captures) for (const s of c.sessions) out.set(sessionId(c.har, s.key), new Set());
  for (const t of truth) {
    if (t.type !== 'fault') continue;
    const fam = CODE_INFO.get(t.code)?.family;
    if (!fam) continue;
    const cap = corpus.captures.find((c) => c.har === t.har);
    if (!cap) continue;
    for (const s of cap.sessions)
      if (t.session ? s.key === t.session : s.kind !== 'media')
        out.get(sessionId(cap.har, s.key))?.add(fam).add(t.code);
  }
  return out;
}

export interface AnomalyEval {
  mutator: string;
  sessions: number;
  novel: number;
  /** Share of novel sessions ranked in the top 10 % by the anomaly ranking (goal ≥ 0.8). */
  top10_share: number;
  precision_at: Record<string, number>;
  /** Novel sessions the rule pack flagged with a new code (0 = the fault is truly uncovered). */
  novel_with_findings: number;
  novel_dbscan_noise: number;
  triage_top10_share: number;
}

export interface ClassifierEval {
  family: string;
  test: number;
  accuracy: number;
  baseline: number;
  f1: number;
}

export interface EvalReport {
  seed: number;
  anomaly: AnomalyEval[];
  labels: {
    sessions: number;
    label_model: Calibration;
    majority_vote: Calibration;
    winner: string;
    reason: string;
    per_family: { family: string; n: number; label_model: Calibration; majority_vote: Calibration }[];
    lf_accuracy: { name: string; estimated: number | null; empirical: number | null }[];
  } | null;
  classifier: ClassifierEval[];
  drift: {
    drop: string;
    groups: number;
    major: string[];
    abstained: number;
    bundles: number;
    top: GroupDrift[];
  }[];
  timings_ms: Record<string, number>;
}

async function anomalyEval(
  mut: Mutator,
  seed: number,
  captures: number,
  pack: RulePack,
  cfg: GoblinConfig,
  dir: string,
) {
  const dropDir = join(dir, mut.name);
  const drop = generateDrop({
    outDir: dropDir,
    seed,
    captures,
    faultRate: 0.3,
    mutator: mut,
    mutateShare: 0.1,
  });
  // paths relative to the drop folder, as truth.jsonl and novel.jsonl name them
  const corpus = loadCorpus(drop.files, pack, cfg, dropDir);
  const truth = truthFamilies(corpus, drop.truth);
  const res = learn(corpus, pack, { truth, seed });
  const novel = new Set(drop.novel.map((n) => sessionId(n.har, n.session)));
  const ranked = rankAnomalies(res.anomalies.rows).map((r) => sessionId(r.har, r.session));
  const present = new Set(ranked.filter((id) => novel.has(id)));
  const top10 = Math.max(1, Math.ceil(ranked.length * 0.1));
  const inTop = ranked.slice(0, top10).filter((id) => present.has(id)).length;
  const triTop = res.inbox.slice(0, top10).filter((r) => present.has(sessionId(r.har, r.session))).length;
  const base = new Set(drop.truth.filter((t) => t.type === 'fault').map((t) => `${t.har}`));
  let withFindings = 0;
  let noise = 0;
  for (const id of present) {
    const row = corpus.rows.get(id);
    const simFault = base.has(id.split('\u0000')[0]);
    if (row?.codes.length && !simFault) withFindings++;
    if (res.anomalies.rows.find((r) => sessionId(r.har, r.session) === id)?.novel) noise++;
  }
  const ev: AnomalyEval = {
    mutator: mut.name,
    sessions: ranked.length,
    novel: present.size,
    top10_share: present.size ? inTop / present.size : 0,
    precision_at: {
      [`k=${present.size}`]: precisionAtK(ranked, present, present.size),
      [`k=${top10} (10%)`]: precisionAtK(ranked, present, top10),
      'k=10': precisionAtK(ranked, present, 10),
    },
    novel_with_findings: withFindings,
    novel_dbscan_noise: noise,
    triage_top10_share: present.size ? triTop / present.size : 0,
  };
  return { ev, res, corpus, truth };
}

/**
 * Quality evaluation on simulated drops: anomaly ranking of injected novel faults, label model vs
 * majority vote on the labelled slice, classifier on held-out weak labels, drift raised/not raised.
 */
export async function evaluateLearning(opts: {
  pack: RulePack;
  cfg: GoblinConfig;
  root: string;
  seed?: number;
  captures?: number;
  driftCaptures?: number;
  bundlesDir?: string;
}): Promise<EvalReport> {
  const seed = opts.seed ?? 20240611;
  const captures = opts.captures ?? 120;
  const dir = mkdtempSync(join(tmpdir(), 'goblin-learn-eval-'));
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (k: string) => ((timings[k] = Math.round(performance.now() - t0)), (t0 = performance.now()));
  try {
    const anomaly: AnomalyEval[] = [];
    let labels: EvalReport['labels'] = null;
    const classifier: ClassifierEval[] = [];
    for (const mut of [errorBurst, zeroDuration]) {
      const { ev, res, corpus, truth } = await anomalyEval(mut, seed, captures, opts.pack, opts.cfg, dir);
      anomaly.push(ev);
      lap(`anomaly_${mut.name}`);
      if (labels || !res.labeling.evaluation) continue;
      const e = res.labeling.evaluation;
      labels = {
        sessions: res.sessions.length,
        label_model: e.label_model,
        majority_vote: e.majority_vote,
        winner: e.winner,
        reason: e.reason,
        per_family: res.labeling.families
          .filter((f) => f.eval)
          .map((f) => ({ family: f.family, n: f.eval!.label_model.n, ...f.eval! })),
        lf_accuracy: res.labeling.lfStats.map((s) => ({
          name: s.name,
          estimated: s.estimated_accuracy,
          empirical: s.empirical_accuracy,
        })),
      };
      // classifier: 2-fold over covered sessions — train on weak labels of one half, test on truth of the other
      const X = res.features.map((f) => f.x);
      for (const fam of res.labeling.families) {
        const rows = res.labeling.labels.filter((l) => l.family === fam.family);
        const idx = rows.map((r, i) => (r.covered ? i : -1)).filter((i) => i >= 0);
        let correct = 0;
        let n = 0;
        let tp = 0;
        let fp = 0;
        let fn = 0;
        let pos = 0;
        for (const fold of [0, 1]) {
          const p = rows.map((r, i) => (idx.includes(i) && i % 2 === fold ? r.p : 0.5));
          const clf = trainFamilyClassifier(fam.family, X, p, { seed });
          if (!clf.trained) continue;
          const test = idx.filter((i) => i % 2 !== fold);
          const pr = clf.predict(test.map((i) => X[i]));
          test.forEach((i, j) => {
            const y = truth.get(sessionId(res.sessions[i].har, res.sessions[i].key))?.has(fam.family) ? 1 : 0;
            const yh = pr[j] >= 0.5 ? 1 : 0;
            n++;
            pos += y;
            if (y === yh) correct++;
            if (yh && y) tp++;
            if (yh && !y) fp++;
            if (!yh && y) fn++;
          });
        }
        if (n)
          classifier.push({
            family: fam.family,
            test: n,
            accuracy: correct / n,
            baseline: Math.max(pos, n - pos) / n,
            f1: tp ? (2 * tp) / (2 * tp + fp + fn) : 0,
          });
      }
      void corpus;
      lap('labels_classifier');
    }
    // drift: reference vs unchanged drop vs SDK changes on one library
    const libs: Library[] = ['web-media-js-3', 'android-media-sdk-2', 'ios-aep-edge-media-5'];
    const n = opts.driftCaptures ?? 70;
    const profileOf = (name: string, s: number, mut?: Mutator) => {
      const d = generateDrop({
        outDir: join(dir, name),
        seed: s,
        captures: n,
        faultRate: 0.15,
        libraries: libs,
        mutator: mut,
        mutateLibraries: mut ? ['web-media-js-3', 'android-media-sdk-2'] : undefined,
      });
      const corpus = loadCorpus(d.files, opts.pack, opts.cfg, join(dir, name));
      return driftProfile(corpusRows(corpus, []).filter((v) => v.kind === 'media'));
    };
    const ref = profileOf('reference', seed + 1);
    const drift: EvalReport['drift'] = [];
    const constraints = constitutionConstraints(join(opts.root, 'constitution.yaml'));
    for (const [name, s, mut] of [
      ['unchanged', seed + 2, undefined],
      ['new-param', seed + 3, addStableParam('low_latency')],
      ['ping-interval-x2', seed + 4, slowerPings],
    ] as const) {
      const groups = compareProfiles(ref, profileOf(name, s, mut));
      const major = groups.filter((g) => g.status === 'major');
      const bundles = major.map((g) => driftBundle(g, { constraints, datasetHash: name }));
      drift.push({
        drop: name,
        groups: groups.length,
        major: major.map(
          (g) =>
            `${g.key}: ${g.metrics
              .filter((m) => m.significant)
              .map((m) => `${m.metric} PSI ${m.psi}`)
              .join('; ')}`,
        ),
        abstained: groups.filter((g) => g.status === 'abstain').length,
        bundles: bundles.length,
        top: groups.map((g) => ({ ...g, metrics: g.metrics.slice(0, 3) })),
      });
    }
    lap('drift');
    return { seed, anomaly, labels, classifier, drift, timings_ms: timings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatEval(r: EvalReport): string[] {
  const f = (v: number) => v.toFixed(3);
  const lines: string[] = [`learning-layer evaluation (seed ${r.seed})`, ''];
  for (const a of r.anomaly)
    lines.push(
      `anomaly [${a.mutator}] ${a.novel} novel of ${a.sessions} sessions: top-10% share ${f(a.top10_share)} (goal ≥ 0.8) · ${Object.entries(
        a.precision_at,
      )
        .map(([k, v]) => `P@${k} ${f(v)}`)
        .join(
          ' · ',
        )} · triage top-10% ${f(a.triage_top10_share)} · DBSCAN noise ${a.novel_dbscan_noise}/${a.novel} · rule findings on novel ${a.novel_with_findings}`,
    );
  if (r.labels) {
    const l = r.labels;
    lines.push(
      '',
      `labels on the simulated slice (${l.sessions} sessions; pooled over families, covered sessions ${l.label_model.n}):`,
    );
    lines.push(
      `  label model   acc ${f(l.label_model.accuracy)} · Brier ${f(l.label_model.brier)} · ECE ${f(l.label_model.ece)}`,
    );
    lines.push(
      `  majority vote acc ${f(l.majority_vote.accuracy)} · Brier ${f(l.majority_vote.brier)} · ECE ${f(l.majority_vote.ece)}`,
    );
    lines.push(`  winner: ${l.winner} (${l.reason})`);
    for (const p of l.per_family)
      lines.push(
        `  ${p.family.padEnd(14)} n ${p.n} (${p.label_model.positives} violated) · LM acc ${f(p.label_model.accuracy)} ECE ${f(p.label_model.ece)} · MV acc ${f(p.majority_vote.accuracy)} ECE ${f(p.majority_vote.ece)}`,
      );
  }
  if (r.classifier.length) {
    lines.push('', 'classifier (2-fold on weak labels, scored against truth):');
    for (const c of r.classifier)
      lines.push(
        `  ${c.family.padEnd(14)} n ${c.test} · acc ${f(c.accuracy)} (majority-class ${f(c.baseline)}) · F1 ${f(c.f1)}`,
      );
  }
  lines.push('', 'drift (reference vs drop, per platform|sdk|version):');
  for (const d of r.drift)
    lines.push(
      `  ${d.drop.padEnd(17)} ${d.bundles ? 'BUNDLE' : 'no bundle'} · ${d.major.length} major of ${d.groups} groups (${d.abstained} abstained)${d.major.length ? ` — ${d.major.join(' | ')}` : ''}`,
    );
  lines.push(
    '',
    `timings: ${Object.entries(r.timings_ms)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
      .join(' · ')}`,
  );
  return lines;
}
