import clustering from 'density-clustering';
import { IsolationForest } from 'isolation-forest';
import { FEATURE_NAMES, SUBSPACES, type SessionFeatures } from './features.js';
import { mulberry32, withSeededRandom } from './seeded.js';

/** Robust standardization (median / MAD, clipped to ±6) so no single feature's scale dominates. */
export function standardize(X: number[][]): number[][] {
  if (!X.length) return [];
  const d = X[0].length;
  const med: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < d; j++) {
    const col = X.map((r) => r[j]).sort((a, b) => a - b);
    const m = col[Math.floor(col.length / 2)];
    const dev = col.map((v) => Math.abs(v - m)).sort((a, b) => a - b);
    const mad = dev[Math.floor(dev.length / 2)];
    const sd = Math.sqrt(col.reduce((s, v) => s + (v - m) ** 2, 0) / col.length);
    med.push(m);
    scale.push(mad > 1e-9 ? 1.4826 * mad : sd > 1e-9 ? sd : 1);
  }
  return X.map((r) => r.map((v, j) => Math.max(-6, Math.min(6, (v - med[j]) / scale[j]))));
}

export interface IForestOptions {
  trees?: number;
  /** Subsample per tree (Liu et al. use 256). */
  sampleSize?: number;
  seed?: number;
}

/**
 * Isolation Forest scores in [0, 1] (higher = more anomalous), from the `isolation-forest` package.
 * Each tree is fit on its own seeded subsample (the package's own subsampling is not applied to the
 * tree it builds), and the per-tree scores 2^(−h/c(ψ)) are combined by geometric mean, which equals
 * the forest score 2^(−E[h]/c(ψ)).
 */
export function isolationScores(X: number[][], opts: IForestOptions = {}): number[] {
  const n = X.length;
  if (n < 2) return X.map(() => 0.5);
  const trees = opts.trees ?? 100;
  const psi = Math.min(opts.sampleSize ?? 256, n);
  const data = X.map((r) => Object.fromEntries(r.map((v, j) => [`f${j}`, v])));
  const rng = mulberry32(opts.seed ?? 7);
  const logSum = new Float64Array(n);
  withSeededRandom(opts.seed ?? 7, () => {
    for (let t = 0; t < trees; t++) {
      // seeded subsample without replacement (partial Fisher–Yates)
      const idx = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < psi; i++) {
        const j = i + Math.floor(rng() * (n - i));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      const forest = new IsolationForest(1, psi);
      forest.fit(idx.slice(0, psi).map((i) => data[i]));
      const s = forest.predict(data);
      for (let i = 0; i < n; i++) logSum[i] += Math.log(Math.max(1e-12, s[i]));
    }
  });
  return Array.from(logSum, (v) => Math.exp(v / trees));
}

export interface ClusterResult {
  /** Cluster id per row (−1 = noise → novel). */
  labels: number[];
  eps: number;
  minPts: number;
  clusters: { id: number; size: number; platform: string; sdk: string; protocol: string; purity: number }[];
}

const dist = (a: number[], b: number[]) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

/**
 * DBSCAN (density-clustering package) over standardized features. ε is the 60th percentile of the
 * k-distance (k = minPts) — the knee heuristic of Ester et al. made automatic. Above `maxRows`
 * sessions, a seeded sample is clustered and the rest join their nearest sampled neighbour's
 * cluster when within ε (else noise).
 */
export function clusterSessions(
  Z: number[][],
  meta: Pick<SessionFeatures, 'platform' | 'sdk' | 'protocol'>[],
  opts: { minPts?: number; maxRows?: number; seed?: number } = {},
): ClusterResult {
  const n = Z.length;
  const minPts = opts.minPts ?? 4;
  if (n < minPts + 1) return { labels: Z.map(() => -1), eps: 0, minPts, clusters: [] };
  const maxRows = opts.maxRows ?? 1500;
  let sample = Array.from({ length: n }, (_, i) => i);
  if (n > maxRows) {
    const rng = mulberry32(opts.seed ?? 11);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [sample[i], sample[j]] = [sample[j], sample[i]];
    }
    sample = sample.slice(0, maxRows).sort((a, b) => a - b);
  }
  const S = sample.map((i) => Z[i]);
  const kd = S.map((a) => {
    const ds = S.map((b) => dist(a, b)).sort((x, y) => x - y);
    return ds[Math.min(minPts, ds.length - 1)];
  }).sort((a, b) => a - b);
  const eps = Math.max(1e-6, kd[Math.floor(0.6 * (kd.length - 1))]);
  const db = new clustering.DBSCAN();
  const groups = db.run(S, eps, minPts);
  const labels = new Array<number>(n).fill(-1);
  groups.forEach((g, c) => g.forEach((si) => (labels[sample[si]] = c)));
  if (n > maxRows) {
    const inSample = new Set(sample);
    for (let i = 0; i < n; i++) {
      if (inSample.has(i)) continue;
      let best = Infinity;
      let lab = -1;
      for (const si of sample) {
        const d = dist(Z[i], Z[si]);
        if (d < best) [best, lab] = [d, labels[si]];
      }
      labels[i] = best <= eps ? lab : -1;
    }
  }
  const clusters = groups.map((_, c) => {
    const members = labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
    const top = (f: (i: number) => string) => {
      const m = new Map<string, number>();
      for (const i of members) m.set(f(i), (m.get(f(i)) ?? 0) + 1);
      return [...m.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    };
    const [pk, pn] = top((i) => `${meta[i].platform}|${meta[i].sdk}|${meta[i].protocol}`);
    const [platform, sdk, protocol] = pk.split('|');
    return {
      id: c,
      size: members.length,
      platform,
      sdk,
      protocol,
      purity: members.length ? pn / members.length : 0,
    };
  });
  return { labels, eps, minPts, clusters };
}

/**
 * Next-event model: a bigram over normalized event types per protocol with add-one smoothing.
 * Surprise = mean −log₂ P(next | prev) over the session (bits).
 */
export class BigramModel {
  private counts = new Map<string, Map<string, number>>();
  private vocab = new Map<string, Set<string>>();
  fit(seqs: { protocol: string; types: readonly string[] }[]): this {
    for (const { protocol, types } of seqs) {
      const v = this.vocab.get(protocol) ?? new Set<string>();
      this.vocab.set(protocol, v);
      let prev = '^';
      for (const t of [...types, '$']) {
        v.add(t);
        const k = `${protocol}|${prev}`;
        const m = this.counts.get(k) ?? new Map<string, number>();
        this.counts.set(k, m);
        m.set(t, (m.get(t) ?? 0) + 1);
        prev = t;
      }
    }
    return this;
  }
  surprise(protocol: string, types: readonly string[]): number {
    const V = (this.vocab.get(protocol)?.size ?? 0) + 1;
    let bits = 0;
    let prev = '^';
    const seq = [...types, '$'];
    for (const t of seq) {
      const m = this.counts.get(`${protocol}|${prev}`);
      let tot = 0;
      if (m) for (const c of m.values()) tot += c;
      bits += -Math.log2(((m?.get(t) ?? 0) + 1) / (tot + V));
      prev = t;
    }
    return bits / seq.length;
  }
}

const SUB_COLS: [string, number[]][] = Object.entries(SUBSPACES).map(([k, names]) => [
  k,
  names.map((n) => FEATURE_NAMES.indexOf(n)).filter((j) => j >= 0),
]);

/**
 * Isolation Forest scores per peer group (sessions of the same protocol — a page hit is not
 * "anomalous" for not looking like a media session; groups under `minGroup` sessions are pooled)
 * and per feature subspace (SUBSPACES). Within a subspace a session's IF score is compared with its
 * peers' (robust z: (s − median) / (1.4826·MAD + 0.01)); its anomaly z is the highest over
 * subspaces, and `scores` holds the raw IF score of that subspace. Scores are comparable across groups (each normalized by
 * c(ψ)); columns constant in a group are dropped, the rest robust-standardized.
 */
export function peerScores(
  feats: SessionFeatures[],
  opts: { seed?: number; trees?: number; minGroup?: number } = {},
): { scores: number[]; z: number[]; subspace: string[] } {
  const minGroup = opts.minGroup ?? 24;
  const groups = new Map<string, number[]>();
  feats.forEach((f, i) => groups.set(f.protocol, [...(groups.get(f.protocol) ?? []), i]));
  const pooled: number[] = [];
  const sets: number[][] = [];
  for (const idx of groups.values()) idx.length >= minGroup ? sets.push(idx) : pooled.push(...idx);
  if (pooled.length) sets.push(pooled);
  const scores = new Array<number>(feats.length).fill(0);
  const subspace = new Array<string>(feats.length).fill('');
  const zs = new Array<number>(feats.length).fill(-Infinity);
  let salt = 0;
  for (const idx of sets) {
    if (idx.length < 2) continue;
    for (const [name, all] of SUB_COLS) {
      salt++;
      const cols = all.filter((j) => idx.some((i) => feats[i].x[j] !== feats[idx[0]].x[j]));
      if (!cols.length) continue;
      const Z = standardize(idx.map((i) => cols.map((j) => feats[i].x[j])));
      const s = isolationScores(Z, { seed: (opts.seed ?? 7) + salt, trees: opts.trees });
      // subspaces score on different scales (a rare binary feature isolates in one split):
      // compare a session with its peers in the same subspace — robust z of its IF score
      const sorted = [...s].sort((a, b) => a - b);
      const med = sorted[Math.floor(sorted.length / 2)];
      const mad = [...s.map((v) => Math.abs(v - med))].sort((a, b) => a - b)[Math.floor(s.length / 2)];
      idx.forEach((i, k) => {
        const z = (s[k] - med) / (1.4826 * mad + 0.01);
        if (z > zs[i]) [zs[i], scores[i], subspace[i]] = [z, s[k], name];
      });
    }
  }
  return { scores, z: zs.map((v) => (Number.isFinite(v) ? v : 0)), subspace };
}

export interface AnomalyRow {
  har: string;
  session: string;
  platform: string;
  sdk: string;
  protocol: string;
  /** Isolation Forest score (0–1) in the subspace that flagged it. */
  score: number;
  /** Robust z of that score among its peers in the subspace (reported; ranking uses `score`). */
  z: number;
  /** Rank percentile of the score (1 = most anomalous). */
  percentile: number;
  cluster: number;
  novel: boolean;
  surprise_bits: number;
  /** The feature subspace whose forest gave the score. */
  subspace: string;
  /** Features furthest from typical (|robust z| ≥ 3), strongest first. */
  top_features: { name: string; z: number; value: number }[];
}

export interface AnomalyResult {
  rows: AnomalyRow[];
  clusters: ClusterResult['clusters'];
  eps: number;
}

export function detectAnomalies(
  feats: SessionFeatures[],
  typesOf: (i: number) => readonly string[],
  opts: { seed?: number; trees?: number } = {},
): AnomalyResult {
  const X = feats.map((f) => f.x);
  const Z = standardize(X);
  const { scores, z, subspace } = peerScores(feats, opts);
  const cl = clusterSessions(Z, feats, { seed: opts.seed });
  const bigram = new BigramModel().fit(feats.map((f, i) => ({ protocol: f.protocol, types: typesOf(i) })));
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]);
  const pct = new Array<number>(scores.length);
  order.forEach(([, i], r) => (pct[i] = 1 - r / Math.max(1, scores.length)));
  const rows = feats.map((f, i) => ({
    har: f.har,
    session: f.session,
    platform: f.platform,
    sdk: f.sdk,
    protocol: f.protocol,
    score: scores[i],
    z: z[i],
    percentile: pct[i],
    subspace: subspace[i],
    cluster: cl.labels[i],
    novel: cl.labels[i] === -1,
    surprise_bits: bigram.surprise(f.protocol, typesOf(i)),
    top_features: Z[i]
      .map((z, j) => ({ name: FEATURE_NAMES[j], z, value: X[i][j] }))
      .filter((t) => Math.abs(t.z) >= 3)
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
      .slice(0, 4),
  }));
  return { rows, clusters: cl.clusters, eps: cl.eps };
}

/** precision@k of a ranking against a set of truly novel session ids. */
export function precisionAtK(rankedIds: string[], positives: Set<string>, k: number): number {
  const top = rankedIds.slice(0, k);
  return top.length ? top.filter((id) => positives.has(id)).length / top.length : 0;
}
