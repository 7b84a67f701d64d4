import clustering from 'density-clustering';
import { FEATURE_NAMES, SUBSPACES, type SessionFeatures } from './features.js';
import { noveltyScores, type NoveltyRow } from './novelty.js';
import { mulberry32 } from '../util/rng.js';
import { isolationForestScores } from './isolation-forest.js';
import { pushTo } from '../util/push-to.js';

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

/** Isolation Forest scores in [0, 1] (higher = more anomalous): the in-repo seeded forest (isolation-forest.ts). */
export function isolationScores(X: number[][], opts: IForestOptions = {}): number[] {
  return isolationForestScores(X, {
    trees: opts.trees ?? 100,
    sampleSize: opts.sampleSize,
    seed: opts.seed ?? 7,
  });
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
 * ε from the sorted k-distance curve (Ester et al.'s heuristic, made automatic): the knee — the point
 * furthest below the chord from the smallest to the largest k-distance (Kneedle) — and never below
 * the `minQuantile` point of the curve, so at most about 1 − minQuantile of the rows end up as noise.
 */
export function kneeEps(kd: number[], minQuantile = 0.9): number {
  const s = [...kd].sort((a, b) => a - b);
  const n = s.length;
  if (n < 3) return Math.max(1e-6, s[n - 1] ?? 0);
  const lo = s[0];
  const hi = s[n - 1];
  let best = 0;
  let knee = s[n - 1];
  for (let i = 0; i < n; i++) {
    const x = i / (n - 1);
    const y = hi > lo ? (s[i] - lo) / (hi - lo) : 0;
    if (x - y > best) [best, knee] = [x - y, s[i]];
  }
  return Math.max(1e-6, knee, s[Math.floor(minQuantile * (n - 1))]);
}

/**
 * DBSCAN (density-clustering package) per peer group (protocol; groups under `minGroup` pooled)
 * over the group's robust-standardized features (columns constant in the group dropped). ε per group
 * from its k-distance knee (kneeEps, k = minPts). Above `maxRows` sessions, a seeded sample is
 * clustered and the rest join their nearest sampled neighbour's cluster when within ε (else noise).
 * Noise = novel.
 */
export function clusterSessions(
  Z: number[][],
  meta: Pick<SessionFeatures, 'platform' | 'sdk' | 'protocol'>[],
  opts: { minPts?: number; maxRows?: number; seed?: number; minGroup?: number; minQuantile?: number } = {},
): ClusterResult {
  const n = Z.length;
  const minPts = opts.minPts ?? 4;
  const labels = new Array<number>(n).fill(-1);
  const groups = new Map<string, number[]>();
  meta.forEach((m, i) => pushTo(groups, m.protocol, i));
  const sets: number[][] = [];
  const pooled: number[] = [];
  for (const idx of groups.values())
    idx.length >= (opts.minGroup ?? 24) ? sets.push(idx) : pooled.push(...idx);
  if (pooled.length) sets.push(pooled);
  let next = 0;
  const epsAll: number[] = [];
  for (const idx of sets) {
    if (idx.length < minPts + 1) continue;
    const cols = Z[0].map((_, j) => j).filter((j) => idx.some((i) => Z[i][j] !== Z[idx[0]][j]));
    if (!cols.length) {
      idx.forEach((i) => (labels[i] = next));
      next++;
      continue;
    }
    const G = standardize(idx.map((i) => cols.map((j) => Z[i][j])));
    const { labels: gl, eps } = dbscanSampled(
      G,
      minPts,
      opts.maxRows ?? 1500,
      opts.seed ?? 11,
      opts.minQuantile ?? 0.9,
    );
    epsAll.push(eps);
    const base = next;
    let maxLab = -1;
    gl.forEach((l, k) => {
      if (l >= 0) {
        labels[idx[k]] = base + l;
        maxLab = Math.max(maxLab, l);
      }
    });
    next = base + maxLab + 1;
  }
  const clusters = Array.from({ length: next }, (_, c) => {
    const members = labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
    const m = new Map<string, number>();
    for (const i of members) {
      const k = `${meta[i].platform}|${meta[i].sdk}|${meta[i].protocol}`;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    const [pk, pn] = [...m.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['||', 0];
    const [platform, sdk, protocol] = pk.split('|');
    return {
      id: c,
      size: members.length,
      platform,
      sdk,
      protocol,
      purity: members.length ? pn / members.length : 0,
    };
  }).filter((c) => c.size > 0);
  const eps = epsAll.length ? epsAll.sort((a, b) => a - b)[Math.floor(epsAll.length / 2)] : 0;
  return { labels, eps, minPts, clusters };
}

/**
 * Each row's distance to its k-th nearest row, counting the row itself (at 0) as the first: what sorting
 * every row's distances to all rows and taking index min(k, n − 1) gives. One pass over the pairs (a
 * distance is the same both ways, exactly: (a − b)² = (b − a)²) keeping each row's k + 1 smallest, instead
 * of n sorts of n distances: the sampled 2,000 rows cost ~380 ms that way on the dense bench.
 */
export function kDistances(S: readonly number[][], k: number): number[] {
  const n = S.length;
  if (n === 0) return [];
  const m = Math.min(k, n - 1) + 1;
  const best = S.map(() => [0]);
  const keep = (row: number[], d: number) => {
    if (row.length === m) {
      if (d >= row[m - 1]) return;
      row.pop();
    }
    let j = row.length;
    row.push(d);
    while (j > 0 && row[j - 1] > d) ((row[j] = row[j - 1]), j--);
    row[j] = d;
  };
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const d = dist(S[i], S[j]);
      keep(best[i], d);
      keep(best[j], d);
    }
  return best.map((row) => row[m - 1]);
}

function dbscanSampled(
  Z: number[][],
  minPts: number,
  maxRows: number,
  seed: number,
  minQuantile: number,
): { labels: number[]; eps: number } {
  const n = Z.length;
  let sample = Array.from({ length: n }, (_, i) => i);
  if (n > maxRows) {
    const rng = mulberry32(seed);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [sample[i], sample[j]] = [sample[j], sample[i]];
    }
    sample = sample.slice(0, maxRows).sort((a, b) => a - b);
  }
  const S = sample.map((i) => Z[i]);
  const kd = kDistances(S, minPts);
  const eps = kneeEps(kd, minQuantile);
  const groups = new clustering.DBSCAN().run(S, eps, minPts);
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
  return { labels, eps };
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
  feats.forEach((f, i) => pushTo(groups, f.protocol, i));
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
  /**
   * Ranking score in [0, 1): 1 − 2^(−bits/8) of the session's unexplained surprise (novelty.ts) —
   * the largest surprise no rule finding of the session explains. Ties broken by `forest_score`.
   */
  score: number;
  /** Unexplained surprise (bits) behind `score`, and its evidence (`feature:…`, `type:…`, `param0:…`). */
  novelty_bits: number;
  evidence: string;
  /** Strongest unexplained evidence (bits). */
  evidence_top: { evidence: string; bits: number }[];
  /** Violated code families whose evidence was set aside as explained. */
  explained_by: string[];
  /** The strongest unexplained evidence in words, and the event it points at (novelty.ts). */
  why: string;
  at: NoveltyRow['at'];
  /** Isolation Forest score (0–1) in the subspace that flagged it (reported; tie-break only). */
  forest_score: number;
  /** Robust z of that forest score among its peers in the subspace. */
  z: number;
  /** Rank percentile of the score (1 = most anomalous). */
  percentile: number;
  cluster: number;
  novel: boolean;
  surprise_bits: number;
  /** The feature subspace whose forest gave the forest score. */
  subspace: string;
  /** Features furthest from typical (|robust z| ≥ 3), strongest first. */
  top_features: { name: string; z: number; value: number }[];
}

export interface AnomalyResult {
  rows: AnomalyRow[];
  clusters: ClusterResult['clusters'];
  /** Median of the per-group DBSCAN ε. */
  eps: number;
}

/** Map unexplained surprise (bits) into [0, 1): 8 bits → 0.5, 24 bits → 0.875. */
export const bitsToScore = (bits: number) => 1 - 2 ** (-Math.max(0, bits) / 8);

export function detectAnomalies(
  feats: SessionFeatures[],
  typesOf: (i: number) => readonly string[],
  opts: { seed?: number; trees?: number; codesOf?: (i: number) => readonly string[] } = {},
): AnomalyResult {
  const X = feats.map((f) => f.x);
  const Z = standardize(X);
  const { scores: forest, z, subspace } = peerScores(feats, opts);
  const nov = noveltyScores(feats, opts.codesOf ?? (() => []));
  const scores = nov.map((r) => bitsToScore(r.bits));
  const cl = clusterSessions(Z, feats, { seed: opts.seed });
  const bigram = new BigramModel().fit(feats.map((f, i) => ({ protocol: f.protocol, types: typesOf(i) })));
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || forest[b] - forest[a]);
  const pct = new Array<number>(scores.length);
  order.forEach((i, r) => (pct[i] = 1 - r / Math.max(1, scores.length)));
  const rows = feats.map((f, i) => ({
    har: f.har,
    session: f.session,
    platform: f.platform,
    sdk: f.sdk,
    protocol: f.protocol,
    score: scores[i],
    novelty_bits: nov[i].bits,
    evidence: nov[i].evidence,
    evidence_top: nov[i].top,
    explained_by: nov[i].explained_by,
    why: nov[i].why,
    at: nov[i].at,
    forest_score: forest[i],
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

/** Rows in ranking order (score, then forest score). */
export function rankAnomalies(rows: AnomalyRow[]): AnomalyRow[] {
  return [...rows].sort((a, b) => b.score - a.score || b.forest_score - a.forest_score);
}

/** precision@k of a ranking against a set of truly novel session ids. */
export function precisionAtK(rankedIds: string[], positives: Set<string>, k: number): number {
  const top = rankedIds.slice(0, k);
  return top.length ? top.filter((id) => positives.has(id)).length / top.length : 0;
}
