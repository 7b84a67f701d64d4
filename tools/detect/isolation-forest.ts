import { mulberry32, seededSample } from '../util/rng.js';

/**
 * Isolation Forest (Liu, Ting & Zhou 2008), seeded: every random choice (subsample, split attribute,
 * split value) comes from tools/util/rng.ts, so a run is reproducible without touching the global
 * Math.random. Score of a row = 2^(−E[h(x)] / c(ψ)): near 1 isolated quickly (anomalous), ≤ 0.5 normal.
 */

type Node =
  { leaf: true; size: number } | { leaf: false; attr: number; split: number; left: Node; right: Node };

/** Average path length of an unsuccessful BST search over n points: the normaliser c(n). */
export function avgPathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

function grow(rows: number[][], depth: number, limit: number, rnd: () => number): Node {
  if (depth >= limit || rows.length <= 1) return { leaf: true, size: rows.length };
  // attributes that still vary in this node; none → the rows cannot be told apart
  const d = rows[0].length;
  const varying: number[] = [];
  const first = rows[0];
  for (let j = 0; j < d; j++)
    for (let i = 1; i < rows.length; i++)
      if (rows[i][j] !== first[j]) {
        varying.push(j);
        break;
      }
  if (!varying.length) return { leaf: true, size: rows.length };
  const attr = varying[Math.floor(rnd() * varying.length)];
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    const v = r[attr];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    // as Math.min/max would: one NaN makes both NaN
    if (v !== v) ((lo = NaN), (hi = NaN));
  }
  const split = lo + rnd() * (hi - lo);
  // one pass, each side in the order of `rows`
  const left: number[][] = [];
  const right: number[][] = [];
  for (const r of rows) (r[attr] < split ? left : right).push(r);
  return {
    leaf: false,
    attr,
    split,
    left: grow(left, depth + 1, limit, rnd),
    right: grow(right, depth + 1, limit, rnd),
  };
}

function pathLength(x: number[], root: Node): number {
  let node = root;
  let depth = 0;
  while (!node.leaf) ((node = x[node.attr] < node.split ? node.left : node.right), depth++);
  return depth + avgPathLength(node.size);
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
  const trees = Array.from({ length: opts.trees ?? 100 }, () =>
    grow(seededSample(X, psi, rnd), 0, limit, rnd),
  );
  const c = avgPathLength(psi) || 1;
  return X.map((x) => {
    let sum = 0;
    for (const t of trees) sum += pathLength(x, t);
    return 2 ** (-(sum / trees.length) / c);
  });
}
