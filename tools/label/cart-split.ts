/**
 * The best-split search of mljs `ml-cart` (the trees inside `ml-random-forest`), same answer, less work.
 *
 * The library's `TreeNode#bestSplit` tries every candidate threshold of every feature by copying the
 * node's labels into two arrays and computing both halves' Gini impurity from scratch (a `filter` +
 * `indexOf` to count classes, a matrix per distribution): O(n²) per feature and node. On `goblin run`'s
 * dense bench that was 0.63 of the classifier's 0.72 s (docs/measured.md). Here each feature is sorted
 * once, class counts are prefix sums, and each threshold's halves are found by binary search: O(n log n).
 *
 * Same answer, bit for bit, not "close": every number is computed the way the library computes it — a
 * class share is `1 / n` added once per member (not `count / n`), impurity sums the squared shares in
 * class order, the gain adds the "greater" half before the "lesser" one, candidate thresholds come from
 * the library's own `featureSplit` in its order, and a later candidate wins only on a strictly larger
 * gain. cart-split.test.ts checks splits and whole forests against the library's code. Anything this
 * does not cover (regression trees, other gain or split functions, labels that are not small
 * non-negative integers, a NaN feature) goes to the library's own method.
 */
import { DecisionTreeClassifier } from 'ml-cart';

interface RowMatrix {
  rows: number;
  getRow(i: number): number[];
}

interface SplitChoice {
  maxGain: number;
  maxColumn: number | undefined;
  maxValue: number | undefined;
  numberSamples: number | undefined;
}

interface CartNode {
  kind: string;
  gainFunction: string;
  splitFunction: string;
  featureSplit(x: number[], y: number[]): number[];
  bestSplit(this: CartNode, XTranspose: RowMatrix, y: number[]): SplitChoice;
}

/** ml-cart does not export its TreeNode class: reach its prototype through the root of a trained tree. */
function treeNodePrototype(): CartNode {
  const tree = new DecisionTreeClassifier({ minNumSamples: 1 });
  tree.train([[0], [1], [2], [3]], [0, 0, 1, 1]);
  return Object.getPrototypeOf(tree.root) as CartNode;
}

const TREE_NODE = treeNodePrototype();
const librarySplit = TREE_NODE.bestSplit;

/** shares(n)[k]: `1 / n` added k times from 0, as ml-cart's `toDiscreteDistribution` builds a share. */
const SHARES = new Map<number, Float64Array>();
function shares(n: number): Float64Array {
  let s = SHARES.get(n);
  if (!s) {
    s = new Float64Array(n + 1);
    for (let k = 1; k <= n; k++) s[k] = s[k - 1] + 1 / n;
    SHARES.set(n, s);
  }
  return s;
}

/**
 * ml-cart's `giniImpurity` from class counts. The library sums only up to the largest class present;
 * the classes above it add 0 · 0, which leaves a non-negative sum unchanged.
 */
function gini(counts: Int32Array, n: number): number {
  if (n === 0) return 0;
  const s = shares(n);
  let sum = 0.0;
  for (let c = 0; c < counts.length; c++) {
    const p = s[counts[c]];
    sum += p * p;
  }
  return 1 - sum;
}

/** Number of classes when every label is an integer in 0…255, else null (the library's path then). */
function classCount(y: number[]): number | null {
  let k = 0;
  for (const c of y) {
    if (!Number.isInteger(c) || c < 0 || c > 255) return null;
    if (c >= k) k = c + 1;
  }
  return k;
}

function fastBestSplit(this: CartNode, XTranspose: RowMatrix, y: number[]): SplitChoice {
  const K =
    this.kind === 'classifier' && this.gainFunction === 'gini' && this.splitFunction === 'mean'
      ? classCount(y)
      : null;
  if (K === null) return librarySplit.call(this, XTranspose, y);
  const features: number[][] = [];
  for (let i = 0; i < XTranspose.rows; i++) {
    const x = XTranspose.getRow(i);
    for (const v of x) if (Number.isNaN(v)) return librarySplit.call(this, XTranspose, y);
    features.push(x);
  }
  const n = y.length;
  const total = new Int32Array(K);
  for (const c of y) total[c]++;
  const giniAll = gini(total, n);
  const sortedX = new Float64Array(n);
  const prefix = new Int32Array((n + 1) * K); // prefix[k·K + c]: class c among the k smallest x
  const lesser = new Int32Array(K);
  const greater = new Int32Array(K);
  const order = Array.from({ length: n }, (_, k) => k);
  const choice: SplitChoice = {
    maxGain: -Infinity,
    maxColumn: undefined,
    maxValue: undefined,
    numberSamples: undefined,
  };
  features.forEach((x, i) => {
    const thresholds = this.featureSplit(x, y);
    if (thresholds.length === 0) return;
    order.sort((a, b) => x[a] - x[b]);
    for (let k = 0; k < n; k++) {
      const j = order[k];
      sortedX[k] = x[j];
      for (let c = 0; c < K; c++) prefix[(k + 1) * K + c] = prefix[k * K + c];
      prefix[(k + 1) * K + y[j]]++;
    }
    for (const v of thresholds) {
      // the "lesser" half is x < v: in sorted order, a prefix whose length a binary search finds
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sortedX[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      for (let c = 0; c < K; c++) {
        lesser[c] = prefix[lo * K + c];
        greater[c] = total[c] - lesser[c];
      }
      let impurity = 0.0;
      impurity += (gini(greater, n - lo) * (n - lo)) / n;
      impurity += (gini(lesser, lo) * lo) / n;
      const gain = giniAll - impurity;
      if (gain > choice.maxGain) {
        choice.maxGain = gain;
        choice.maxColumn = i;
        choice.maxValue = v;
        choice.numberSamples = n;
      }
    }
  });
  return choice;
}

/**
 * Which best-split search every ml-cart tree in this process uses: this module's (the default once it
 * is imported) or the library's own — the tests train with both and compare.
 */
export function useFastCartSplit(on: boolean): void {
  TREE_NODE.bestSplit = on ? fastBestSplit : librarySplit;
}

useFastCartSplit(true);
