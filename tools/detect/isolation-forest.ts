import { mulberry32 } from '../util/rng.js';

/**
 * Isolation Forest (Liu, Ting & Zhou 2008), seeded: every random choice (subsample, split attribute,
 * split value) comes from tools/util/rng.ts, so a run is reproducible without touching the global
 * Math.random. Score of a row = 2^(−E[h(x)] / c(ψ)): near 1 isolated quickly (anomalous), ≤ 0.5 normal.
 */

/** Average path length of an unsuccessful BST search over n points: the normaliser c(n). */
export function avgPathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

/**
 * The trees of one forest in flat typed arrays, one slot per node: an inner node has `attr` ≥ 0, its split
 * and children; a leaf has `attr` −1 and its path length (depth + c(size)) ready in `leaf`. With nodes as
 * objects, scoring every row through 100 trees one row at a time was most of a forest's cost: 2,400 rows ×
 * 12 features took 34–40 ms per forest, now 19 ms, and `goblin run` grows 25 forests (docs/measured.md,
 * "The learning step's forests").
 */
class FlatForest {
  attr: Int32Array;
  split: Float64Array;
  left: Int32Array;
  right: Int32Array;
  leaf: Float64Array;
  roots: number[] = [];
  private n = 0;
  constructor(capacity: number) {
    this.attr = new Int32Array(capacity);
    this.split = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.leaf = new Float64Array(capacity);
  }
  node(): number {
    return this.n++;
  }
  /**
   * Mean path length of each row over the trees, tree by tree (one tree's nodes stay in cache while every
   * row walks it); each row's lengths are still summed in tree order.
   */
  meanPaths(X: number[][]): Float64Array {
    const { attr, split, left, right, leaf, roots } = this;
    const sum = new Float64Array(X.length);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      for (let i = 0; i < X.length; i++) {
        const x = X[i];
        let k = root;
        for (let a = attr[k]; a >= 0; a = attr[k]) k = x[a] < split[k] ? left[k] : right[k];
        sum[i] += leaf[k];
      }
    }
    for (let i = 0; i < X.length; i++) sum[i] /= roots.length;
    return sum;
  }
}

/**
 * Grow one tree over rows `idx[from, to)` of X (indices, partitioned in place). The same random draws in
 * the same order as the textbook recursion (left subtree first), so a seed gives the same forest.
 * `candidates` are the attributes that varied in the parent node (ascending): one constant over the
 * parent's rows is constant over any part of them, so only those are tested again. Testing every
 * attribute at every node scanned each constant column (most of a session's features, within one
 * protocol) to the end of the node's rows: ~40 % of the learning step's forest time on the dense bench.
 */
function grow(
  f: FlatForest,
  X: number[][],
  idx: Int32Array,
  from: number,
  to: number,
  depth: number,
  limit: number,
  rnd: () => number,
  candidates: readonly number[],
): number {
  const k = f.node();
  const size = to - from;
  f.attr[k] = -1;
  f.leaf[k] = depth + avgPathLength(size);
  if (depth >= limit || size <= 1) return k;
  // attributes that still vary in this node; none → the rows cannot be told apart
  const first = X[idx[from]];
  const varying: number[] = [];
  for (let c = 0; c < candidates.length; c++) {
    const j = candidates[c];
    for (let i = from + 1; i < to; i++)
      if (X[idx[i]][j] !== first[j]) {
        varying.push(j);
        break;
      }
  }
  if (!varying.length) return k;
  const attr = varying[Math.floor(rnd() * varying.length)];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = from; i < to; i++) {
    const v = X[idx[i]][attr];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    // as Math.min/max would: one NaN makes both NaN
    if (v !== v) ((lo = NaN), (hi = NaN));
  }
  const split = lo + rnd() * (hi - lo);
  // rows with x < split to the front; the order inside a side changes no later choice
  let mid = from;
  for (let i = from; i < to; i++)
    if (X[idx[i]][attr] < split) {
      const t = idx[i];
      idx[i] = idx[mid];
      idx[mid++] = t;
    }
  f.attr[k] = attr;
  f.split[k] = split;
  f.left[k] = grow(f, X, idx, from, mid, depth + 1, limit, rnd, varying);
  f.right[k] = grow(f, X, idx, mid, to, depth + 1, limit, rnd, varying);
  return k;
}

export interface IsolationForestOptions {
  trees?: number;
  /** Subsample per tree ψ (Liu et al. use 256). */
  sampleSize?: number;
  seed?: number;
}

/** Fit on X and score every row of X (higher = more anomalous, in (0, 1)). */
export function isolationForestScores(X: number[][], opts: IsolationForestOptions = {}): number[] {
  const n = X.length;
  if (n < 2) return X.map(() => 0.5);
  const rnd = mulberry32(opts.seed ?? 7);
  const psi = Math.min(opts.sampleSize ?? 256, n);
  const limit = Math.ceil(Math.log2(Math.max(2, psi)));
  const nTrees = opts.trees ?? 100;
  // Room for every tree full to its depth limit: a split on a column holding NaN sends every row right
  // and leaves an empty leaf, so ψ rows can make more than 2ψ − 1 nodes.
  const forest = new FlatForest(nTrees * (2 ** (limit + 1) - 1));
  const idx = new Int32Array(n);
  const all = Array.from({ length: X[0].length }, (_, j) => j);
  for (let t = 0; t < nTrees; t++) {
    // seededSample's partial Fisher–Yates over row indices: the same draws pick the same rows
    for (let i = 0; i < n; i++) idx[i] = i;
    if (n > psi)
      for (let i = 0; i < psi; i++) {
        const j = i + Math.floor(rnd() * (n - i));
        const v = idx[i];
        idx[i] = idx[j];
        idx[j] = v;
      }
    forest.roots.push(grow(forest, X, idx, 0, psi, 0, limit, rnd, all));
  }
  const c = avgPathLength(psi) || 1;
  const mean = forest.meanPaths(X);
  return X.map((_, i) => 2 ** (-mean[i] / c));
}
