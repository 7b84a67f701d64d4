import { RandomForestClassifier } from 'ml-random-forest';
import './cart-split.js';
import { mulberry32, seededSample } from '../util/rng.js';

/**
 * The fast classifier of the learning layer (docs/learning.md): trained on the label model's probabilistic labels over
 * per-session features, it predicts violation families where the rules abstain. One random forest
 * (mljs `ml-random-forest`, seeded) per family; training rows are the confident weak labels only
 * (p ≥ 0.8 → violation, p ≤ 0.2 → clean), following Lang et al. (NeurIPS 2022) on training from a
 * high-confidence subset.
 */
export interface FamilyClassifier {
  family: string;
  trained: boolean;
  positives: number;
  negatives: number;
  /** P(violation in family) for each row given to `predict`. */
  predict(X: number[][]): number[];
}

export interface ClassifierOptions {
  trees?: number;
  seed?: number;
  confident?: number;
  minPerClass?: number;
  /** Training rows at most (positives first, then a seeded sample of negatives): bounded time on any corpus. */
  maxRows?: number;
}

/** Deterministic subsample (seeded Fisher–Yates prefix, tools/util/rng.ts). */
function sample<T>(xs: T[], n: number, seed: number): T[] {
  return seededSample(xs, n, mulberry32(seed));
}

export function trainFamilyClassifier(
  family: string,
  X: number[][],
  p: number[],
  opts: ClassifierOptions = {},
): FamilyClassifier {
  const hi = opts.confident ?? 0.8;
  const xs: number[][] = [];
  const ys: number[] = [];
  p.forEach((pi, i) => {
    if (pi >= hi) (xs.push(X[i]), ys.push(1));
    else if (pi <= 1 - hi) (xs.push(X[i]), ys.push(0));
  });
  const maxRows = opts.maxRows ?? 600;
  if (xs.length > maxRows) {
    const idx = xs.map((_, i) => i);
    const posIdx = sample(
      idx.filter((i) => ys[i] === 1),
      Math.floor(maxRows / 3),
      opts.seed ?? 42,
    );
    const negIdx = sample(
      idx.filter((i) => ys[i] === 0),
      maxRows - posIdx.length,
      (opts.seed ?? 42) + 1,
    );
    const keep = [...posIdx, ...negIdx].sort((a, b) => a - b);
    const kx = keep.map((i) => xs[i]);
    const ky = keep.map((i) => ys[i]);
    xs.length = 0;
    ys.length = 0;
    xs.push(...kx);
    ys.push(...ky);
  }
  const pos = ys.filter((y) => y === 1).length;
  const neg = ys.length - pos;
  const minPer = opts.minPerClass ?? 3;
  if (pos < minPer || neg < minPer) {
    const base = ys.length ? pos / ys.length : 0;
    return { family, trained: false, positives: pos, negatives: neg, predict: (Z) => Z.map(() => base) };
  }
  const rf = new RandomForestClassifier({
    nEstimators: opts.trees ?? 20,
    maxFeatures: 0.6,
    replacement: true,
    useSampleBagging: true,
    seed: opts.seed ?? 42,
    noOOB: true,
    treeOptions: { maxDepth: 8, minNumSamples: 2 },
  });
  rf.train(xs, ys);
  return {
    family,
    trained: true,
    positives: pos,
    negatives: neg,
    // share of trees voting "violation" (the package's predictProbability drops the first tree's
    // vote: its reduce() has no initial value), computed from the per-tree prediction matrix
    predict: (Z) => {
      if (!Z.length) return [];
      const pv = rf.predictionValues(Z);
      return Array.from({ length: pv.rows }, (_, i) => {
        const r = pv.getRow(i);
        return r.filter((v) => v === 1).length / r.length;
      });
    },
  };
}
