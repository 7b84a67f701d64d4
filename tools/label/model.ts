/**
 * Label models over an LF vote matrix for ONE binary task (a violation family): votes are
 * +1 (VIOLATION of the family), −1 (PASS), 0 (ABSTAIN).
 *
 * `fitTriplet` is FlyingSquid's closed-form triplet method (Fu et al., ICML 2020): under
 * conditionally independent LFs with symmetric accuracies, E[λi·λj] = ai·aj where ai = E[λi·Y | λi≠0],
 * so |ai| = sqrt(|M_ij·M_ik / M_jk|) for any triplet (i, j, k); averaging over triplets
 * (`triplet_mean`) gives ai without ground truth, accuracy = (1 + ai) / 2. The class prior comes from
 * E[λi] = (2π − 1)·ai. The posterior is the naive-Bayes combination of the votes.
 */

export type Vote = -1 | 0 | 1;

export interface LabelModelFit {
  /** P(λi = Y | λi ≠ 0) per LF. */
  accuracies: number[];
  /** Whether an LF's accuracy came from triplets (false: too little overlap, default used). */
  estimated: boolean[];
  /** Estimated P(Y = +1). */
  prior: number;
  /** Triplets used per LF. */
  triplets: number[];
}

export interface TripletOptions {
  /** Minimum rows where two LFs both vote for their moment to count. */
  minOverlap?: number;
  /** Ignore triplets whose denominator |M_jk| is below this (unstable). */
  minDenominator?: number;
  /** Accuracy used for LFs without a usable triplet. */
  defaultAccuracy?: number;
}

/** L[row][lf] ∈ {−1, 0, 1}. */
export function fitTriplet(L: Vote[][], opts: TripletOptions = {}): LabelModelFit {
  const m = L[0]?.length ?? 0;
  const minOverlap = opts.minOverlap ?? 8;
  const minDen = opts.minDenominator ?? 0.1;
  const def = opts.defaultAccuracy ?? 0.75;
  // second moments over co-voting rows
  const sum = Array.from({ length: m }, () => new Float64Array(m));
  const cnt = Array.from({ length: m }, () => new Float64Array(m));
  for (const row of L)
    for (let i = 0; i < m; i++) {
      if (!row[i]) continue;
      for (let j = i + 1; j < m; j++) {
        if (!row[j]) continue;
        sum[i][j] += row[i] * row[j];
        cnt[i][j]++;
      }
    }
  const M = (i: number, j: number): number | null => {
    const [a, b] = i < j ? [i, j] : [j, i];
    return cnt[a][b] >= minOverlap ? sum[a][b] / cnt[a][b] : null;
  };
  const acc: number[] = [];
  const estimated: boolean[] = [];
  const triplets: number[] = [];
  const signed: number[] = [];
  for (let i = 0; i < m; i++) {
    const est: number[] = [];
    let signVote = 0;
    for (let j = 0; j < m; j++) {
      if (j === i) continue;
      const mij = M(i, j);
      if (mij === null) continue;
      signVote += mij * cnt[Math.min(i, j)][Math.max(i, j)];
      for (let k = j + 1; k < m; k++) {
        if (k === i) continue;
        const mik = M(i, k);
        const mjk = M(j, k);
        if (mik === null || mjk === null || Math.abs(mjk) < minDen) continue;
        est.push(Math.min(1, Math.abs((mij * mik) / mjk)));
      }
    }
    triplets.push(est.length);
    if (!est.length) {
      acc.push(def);
      estimated.push(false);
      signed.push(2 * def - 1);
      continue;
    }
    // triplet_mean: average of the per-triplet |a_i| estimates
    const a = Math.sqrt(est.reduce((x, y) => x + y, 0) / est.length);
    const sign = signVote < 0 ? -1 : 1;
    const aa = sign * Math.min(0.98, Math.max(0.02, a));
    signed.push(aa);
    acc.push((1 + aa) / 2);
    estimated.push(true);
  }
  // class prior from E[λi | λi ≠ 0] = (2π − 1)·ai, weighted by coverage
  let num = 0;
  let den = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    let c = 0;
    for (const row of L) if (row[i]) ((s += row[i]), c++);
    if (!c || Math.abs(signed[i]) < 0.2) continue;
    num += Math.max(-1, Math.min(1, s / c / signed[i])) * c;
    den += c;
  }
  const prior = den ? Math.min(0.995, Math.max(0.005, (1 + num / den) / 2)) : 0.5;
  return { accuracies: acc, estimated, prior, triplets };
}

/** P(Y = +1 | votes) for each row; rows where every LF abstains get the prior. */
export function predictProba(L: Vote[][], fit: LabelModelFit): number[] {
  const w = fit.accuracies.map((a) => {
    const p = Math.min(0.99, Math.max(0.01, a));
    return Math.log(p / (1 - p));
  });
  const logPrior = Math.log(fit.prior / (1 - fit.prior));
  return L.map((row) => {
    let z = logPrior;
    for (let i = 0; i < row.length; i++) if (row[i]) z += row[i] * w[i];
    return 1 / (1 + Math.exp(-z));
  });
}

/** Majority vote: share of +1 votes among non-abstaining LFs (null when all abstain). */
export function majorityVote(L: Vote[][]): (number | null)[] {
  return L.map((row) => {
    let pos = 0;
    let n = 0;
    for (const v of row) if (v) (n++, v > 0 && pos++);
    return n ? pos / n : null;
  });
}

export interface Calibration {
  n: number;
  /** Positives (truly violated) among the n. */
  positives: number;
  accuracy: number;
  brier: number;
  /** Expected calibration error, 10 equal-width bins. */
  ece: number;
}

/** Accuracy (P > 0.5 ⇒ positive), Brier score and ECE of probabilities against 0/1 truth. */
export function calibration(probs: number[], truth: (0 | 1)[], bins = 10): Calibration {
  const n = probs.length;
  if (!n) return { n: 0, positives: 0, accuracy: 0, brier: 0, ece: 0 };
  let correct = 0;
  let brier = 0;
  const bSum = new Float64Array(bins);
  const bPos = new Float64Array(bins);
  const bCnt = new Float64Array(bins);
  probs.forEach((p, i) => {
    const y = truth[i];
    if ((p > 0.5 ? 1 : 0) === y) correct++;
    brier += (p - y) ** 2;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    bSum[b] += p;
    bPos[b] += y;
    bCnt[b]++;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++)
    if (bCnt[b]) ece += (bCnt[b] / n) * Math.abs(bSum[b] / bCnt[b] - bPos[b] / bCnt[b]);
  return { n, positives: truth.filter((y) => y === 1).length, accuracy: correct / n, brier: brier / n, ece };
}

export interface ClassConditionalFit {
  /** P(vote = VIOLATION | Y = violation, voted) per LF (sensitivity). */
  tpr: number[];
  /** P(vote = PASS | Y = clean, voted) per LF (specificity). */
  tnr: number[];
  prior: number;
  iterations: number;
}

/**
 * Snorkel-style generative label model with class-conditional LF accuracies, fit by EM
 * (Dawid & Skene 1979) — no ground truth. Spec LFs are asymmetric: a spec that checks one code
 * PASSes sessions that violate another code of its family, so a symmetric accuracy (the triplet
 * model's assumption) misreads them; separate sensitivity/specificity lets a blind PASS carry little
 * weight while a firing VIOLATION carries a lot. Initialized from the triplet fit's prior and an
 * "any LF fires" posterior; Beta(1, 1) smoothing keeps every rate inside (0, 1).
 */
export function fitClassConditional(
  L: Vote[][],
  init?: { prior?: number; iterations?: number },
): ClassConditionalFit {
  const n = L.length;
  const m = L[0]?.length ?? 0;
  // Two buffers, reused by every iteration: a fresh array per E step (n doubles, past V8's size for the
  // young generation) was ~1.9 GB of allocation at 56,846 sessions, collected only by full collections,
  // and most of the learning process's peak while it labelled (docs/measured.md).
  let q = Float64Array.from(L, (row) => (row.some((v) => v > 0) ? 0.9 : 0.1));
  let spare = new Float64Array(n);
  let prior = init?.prior ?? 0.1;
  let tpr = new Array<number>(m).fill(0.8);
  let tnr = new Array<number>(m).fill(0.9);
  const iters = init?.iterations ?? 50;
  let it = 0;
  for (; it < iters; it++) {
    // M step
    const tp = new Float64Array(m).fill(1);
    const pn = new Float64Array(m).fill(2);
    const tn = new Float64Array(m).fill(1);
    const nn = new Float64Array(m).fill(2);
    let qs = 0;
    for (let r = 0; r < n; r++) {
      qs += q[r];
      for (let j = 0; j < m; j++) {
        const v = L[r][j];
        if (!v) continue;
        pn[j] += q[r];
        nn[j] += 1 - q[r];
        if (v > 0) tp[j] += q[r];
        else tn[j] += 1 - q[r];
      }
    }
    const nt = Array.from(tp, (x, j) => x / pn[j]);
    const nt2 = Array.from(tn, (x, j) => x / nn[j]);
    const np = Math.min(0.995, Math.max(0.005, (qs + 1) / (n + 2)));
    // E step
    const next = posteriors(L, nt, nt2, np, spare);
    let delta = 0;
    for (let r = 0; r < n; r++) delta = Math.max(delta, Math.abs(next[r] - q[r]));
    spare = q;
    q = next;
    tpr = nt;
    tnr = nt2;
    prior = np;
    if (delta < 1e-6) break;
  }
  return { tpr, tnr, prior, iterations: it + 1 };
}

/**
 * P(fault | votes) for every row. Each LF's two log-likelihood ratios are taken once per call, not once
 * per row and vote (Math.log per vote was most of the label model's time on the dense bench); the sums
 * add the same numbers in the same order, so the posteriors are unchanged to the bit.
 */
function posteriors(
  L: Vote[][],
  tpr: ArrayLike<number>,
  tnr: ArrayLike<number>,
  prior: number,
  out: Float64Array<ArrayBuffer> = new Float64Array(L.length),
): Float64Array<ArrayBuffer> {
  const m = tpr.length;
  const yes = new Float64Array(m);
  const no = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    yes[j] = Math.log(tpr[j] / (1 - tnr[j]));
    no[j] = Math.log((1 - tpr[j]) / tnr[j]);
  }
  const z0 = Math.log(prior / (1 - prior));
  for (let r = 0; r < L.length; r++) {
    const row = L[r];
    let z = z0;
    for (let j = 0; j < row.length; j++) {
      if (row[j] > 0) z += yes[j];
      else if (row[j] < 0) z += no[j];
    }
    out[r] = 1 / (1 + Math.exp(-z));
  }
  return out;
}

export function predictClassConditional(L: Vote[][], fit: ClassConditionalFit): number[] {
  return Array.from(posteriors(L, fit.tpr, fit.tnr, fit.prior));
}
