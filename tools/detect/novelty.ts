import { CODE_INFO, type CodeFamily } from '../codes/catalog.js';
import { FEATURE_NAMES, type SessionFeatures } from './features.js';
import {
  EVENT_COUNT_SIGNALS,
  RATIO_SIGNALS,
  SIGNAL_NAMES,
  SIGNALS,
  type SignalName,
  type SignalPointer,
} from './signals.js';
import { pushTo } from '../util/push-to.js';

/**
 * Novelty ranking: "what no rule names yet" (docs/learning.md).
 *
 * Each session is compared with its peers (sessions of the same protocol; small protocols pooled) on
 * three kinds of evidence, each turned into a surprise in bits (−log₂ of a tail probability):
 *
 * 1. numeric features (cadence, timing, bookends, shape …): robust z against the peers' median, in
 *    units of a wide robust scale (the 85th percentile of |x − median| ÷ 1.44, i.e. the σ a normal
 *    distribution would need to put 85 % of the peers that close), log1p for durations and counts,
 *    −1 "not applicable" sentinels skipped; z → two-sided tail of a Student t with 2 degrees of
 *    freedom (heavy-tailed: natural long sessions or late first pings are expected now and then);
 * 2. event types: the count of each type in the session against a beta-binomial fit on the peers
 *    (upper tail P(X ≥ k)) — an over-represented event type (a burst of one type, a new type);
 * 3. numeric parameters: the count of events whose value of a parameter is 0 against a beta-binomial
 *    fit on the peers that carry it ("share of zero values of a numeric param").
 *
 * Reference population: the beta-binomials are fit on the lower 60 % of peers by share, and the
 * robust scales tolerate up to 15 % of peers far away, so a handful of identical anomalous sessions
 * in one group does not define "normal" (they do not mask each other as they do in an Isolation
 * Forest, where a small cluster of look-alikes is hard to isolate). When a fault hits more than
 * about a third of a peer group it is the group's normal and is no longer ranked as novel (drift
 * detection is the tool for that).
 *
 * Explained evidence: a session's rule findings already name what is wrong with it. Evidence in the
 * feature families its violated code families cover (EXPLAINS) is dropped — novelty is the anomaly
 * no rule explains. The session's novelty is the sum of its two largest remaining surprises.
 */

export const NOVELTY_OPTIONS = {
  /** Quantile of |x − median| that sets the robust scale (tolerates 1 − q far-away peers). */
  scaleQuantile: 0.85,
  /** Student-t degrees of freedom for numeric z → tail probability. */
  tDof: 2,
  /** Share of peers (lowest shares) the beta-binomials are fit on. */
  fitShare: 0.6,
  /** Peer groups below this size are pooled with the other small groups. */
  minGroup: 24,
  /**
   * Extra weight on a session that has any rule finding, on top of dropping its explained evidence.
   * 1 = none: a fault no rule names often arrives together with one a rule does name, and the
   * residual evidence already ranks rule-explained sessions low (0.5 lost novel sessions that carried
   * an unrelated finding in the evaluation).
   */
  explainedWeight: 1,
  /** z cap for 0/1 features (a rare binary flag is worth about 5 bits, not more). */
  binaryZCap: 5,
  /** Upper bound of the beta-binomial concentration α + β (large = close to binomial). */
  maxConcentration: 200,
  /**
   * Weight of the second-strongest unexplained evidence added to the strongest (0 = max only). A
   * real fault usually shows in two places (a zeroed parameter and the feature derived from it; an
   * event burst and its new parameter shape); natural variety usually in one.
   */
  secondWeight: 1,
  /** Weight of the protocol-aware signals' surprise (signals.ts). */
  signalWeight: 2,
  /** A count signal that at least this share of peers shows as 0 is violation-like … */
  violationZeroShare: 0.85,
  /** … and a non-zero value of it is worth at least this many bits (before signalWeight). */
  violationFloorBits: 3,
  /** Extra bits per doubling of a violation-like count (every ping vs one ping). */
  repeatBits: 0.5,
  /** Peer group of the signals: the protocol, or the (protocol, sdk, version) group when big enough. */
  signalPeers: 'protocol' as 'protocol' | 'version',
  /** Weight of set novelty (new parameter shapes, usual keys missing, rare hosts, rare event bigrams). */
  setWeight: 0.6,
  /** Weight of a usual key with an unusual value class or spelling, and of a usual key missing. */
  classWeight: 1.5,
  /** An item carried by fewer than this share of peers is rare (set novelty). */
  rareShare: 0.03,
  /** A key carried by at least this share of peers is usual; lacking it is evidence. */
  usualShare: 0.97,
  /** A key sent on every event of a type by at least this share of the peers having the type is usual there … */
  typeUsualShare: 0.95,
  /** … when at least this many peers have the type. */
  typeUsualMin: 10,
  /** Weight of event-type count surprise (natural variety in pauses, chapters, bitrate changes is large). */
  typeWeight: 0.3,
  /** Weight of the zero-share surprise of numeric parameters. */
  paramWeight: 0.3,
  /** Weight of the generic numeric features' surprise. */
  featureWeight: 0.5,
  /** Cap (bits) on one piece of parametric evidence (type counts, zero shares, numeric features). */
  capBits: Infinity,
};

/** Numeric features the novelty score reads, with their transform. */
const NUMERIC: {
  name: string;
  log?: boolean;
  sentinel?: boolean;
  binary?: boolean;
  /** Seconds of main-content cadence: read per 10 s of the session's nominal interval (downloaded: 50 s). */
  cadence?: boolean;
}[] = [
  { name: 'events_log' },
  { name: 'duration_log' },
  { name: 'ping_n', log: true },
  { name: 'ping_mean_s', log: true, sentinel: true, cadence: true },
  { name: 'ping_cv', sentinel: true },
  { name: 'ping_max_s', log: true, sentinel: true, cadence: true },
  { name: 'ping_drift' },
  { name: 'ad_ping_mean_s', log: true, sentinel: true },
  { name: 'first_ping_s', log: true, sentinel: true, cadence: true },
  { name: 'dup_density' },
  { name: 'missing_start', binary: true },
  { name: 'missing_close', binary: true },
  { name: 'ad_unclosed', binary: true },
  { name: 'break_unclosed', binary: true },
  { name: 'aa_hb_lag_s', log: true, sentinel: true },
  { name: 'playhead_ratio' },
  { name: 'hb_duration_ratio' },
  { name: 'error_share' },
  { name: 'shape_distinct' },
  { name: 'shape_rare' },
];

const BOOKEND_TYPES = /^(session|adBreak|ad[A-Z]|chapter)/;
const PLAYBACK_STATE_TYPES = new Set(['pause', 'buffer', 'stall', 'play', 'seekStart', 'seekComplete']);

/**
 * Which evidence a violated code family explains. Feature names are FEATURE_NAMES; `type:` predicates
 * cover event-type counts; `param` covers parameter zero-shares.
 */
type Explains = {
  features: string[];
  type?: (t: string) => boolean;
  params?: boolean;
  /** Protocol-aware signals (signals.ts) the family's rules judge. */
  signals?: SignalName[];
  /** Set evidence (`key:` new parameter shapes, `missing:` usual keys absent, `host:`, `bigram:`). */
  sets?: ('key' | 'missing' | 'host' | 'bigram')[];
};
export const EXPLAINS: Record<CodeFamily, Explains> = {
  cadence: {
    features: [
      'ping_n',
      'ping_mean_s',
      'ping_cv',
      'ping_max_s',
      'ping_drift',
      'ad_ping_mean_s',
      'first_ping_s',
      'hb_duration_ratio',
    ],
    type: (t) => t === 'ping' || t === 'play',
    signals: [
      'gap_long_play',
      'gap_long_pause',
      'gap_long_ad',
      'gap_short_play',
      'gap_short_ad',
      'gap_max_play_x',
      'gap_p90_play_x',
      'first_ping_x',
      'hb_dur_off',
    ],
  },
  playhead: {
    features: ['playhead_ratio', 'hb_duration_ratio'],
    type: (t) => PLAYBACK_STATE_TYPES.has(t),
    signals: ['ph_frozen', 'ph_fast', 'ph_back', 'ph_back_s', 'ph_paused_adv', 'ph_over_len', 'hb_dur_off'],
  },
  bookends: {
    features: [
      'missing_start',
      'missing_close',
      'ad_unclosed',
      'break_unclosed',
      'dup_density',
      'events_log',
    ],
    type: (t) => BOOKEND_TYPES.test(t) || PLAYBACK_STATE_TYPES.has(t),
    signals: [
      'start_extra',
      'start_missing',
      'close_missing',
      'after_close',
      'ad_open_end',
      'break_open_end',
      'ad_outside_break',
      'nest_depth',
      'chapter_overlap',
      'bookend_repeat',
      'ts_backwards',
      'ts_equal',
      'complete_unopened',
      'dup_events',
    ],
    sets: ['bigram'],
  },
  orchestration: {
    features: ['aa_hb_lag_s'],
    type: (t) => t === 'aaMediaStart' || t === 'aaStart' || t === 'aaAdStart',
    signals: ['aa_media_hits', 'hb_aa_markers', 'aa_start_late_s', 'aa_vsid_foreign'],
  },
  // the union of the four transport codes below (CODE_EXPLAINS): a session is judged by its codes
  transport: {
    features: ['error_share', 'dup_density', 'shape_rare', 'shape_distinct'],
    type: () => true,
    signals: [
      'status_bad',
      'status_zero',
      'aa_unterminated',
      'dup_events',
      'host_other_protocol',
      'http_plain',
      'gap_long_play',
      'gap_long_ad',
      'gap_long_pause',
    ],
    sets: ['host', 'bigram'],
  },
  params: {
    features: ['shape_rare', 'shape_distinct'],
    params: true,
    signals: ['key_odd_name', 'rsid_odd', 'key_case_clash', 'value_nonfinite'],
    sets: ['key', 'missing'],
  },
  identity: {
    features: ['shape_rare', 'shape_distinct'],
    params: true,
    signals: ['ecid_missing', 'ecid_distinct', 'ecid_foreign', 'ecid_aa_mismatch'],
    sets: ['key', 'missing'],
  },
};

/**
 * Codes that explain less than their family. A transport finding names one thing that went wrong on
 * the wire; the beacon is still in the capture and decoded, so it must not set aside the rest of the
 * session's evidence (a 400 answer to a start without a required parameter explains the 400, not the
 * missing parameter).
 */
export const CODE_EXPLAINS: Record<string, Explains> = {
  BEACON_REJECTED: { features: ['error_share'], signals: ['status_bad', 'status_zero'] },
  HOST_UNEXPECTED: { features: [], signals: ['host_other_protocol', 'http_plain'], sets: ['host'] },
  // a GET cut at the URL limit loses its trailing parameters (new shapes, usual keys missing)
  BEACON_TRUNCATED: {
    features: ['shape_rare', 'shape_distinct'],
    signals: ['aa_unterminated'],
    sets: ['key', 'missing'],
  },
  // a beacon sent twice repeats its event type and makes a self-bigram
  EVENT_DUPLICATE: {
    features: ['dup_density', 'events_log'],
    type: () => true,
    signals: ['dup_events'],
    sets: ['bigram'],
  },
};

/** What a session's findings explain: per code where CODE_EXPLAINS narrows it, else per family. */
function explainsOf(codes: readonly string[]): Explains[] {
  const out: Explains[] = [];
  const fams = new Set<CodeFamily>();
  for (const c of codes) {
    if (CODE_EXPLAINS[c]) out.push(CODE_EXPLAINS[c]);
    else {
      const f = CODE_INFO.get(c)?.family;
      if (f && !fams.has(f)) (fams.add(f), out.push(EXPLAINS[f]));
    }
  }
  return out;
}

interface Evidence {
  evidence: string;
  bits: number;
  /** What was seen, in words, for the inbox `why`. */
  detail?: string;
  at?: SignalPointer;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const SET_LABEL = {
  key: 'parameter shape (event|key=value class)',
  host: 'beacon host',
  bigram: 'event order',
} as const;

export interface NoveltyRow {
  /** The strongest unexplained evidence in words (what the inbox row says). */
  why: string;
  /** The event behind it, where the evidence points at one. */
  at: SignalPointer | null;
  /** Ranking score: the two largest unexplained surprises (bits), summed (× explainedWeight when it has findings). */
  bits: number;
  /** Largest surprise before explained evidence was removed (bits). */
  raw_bits: number;
  /** Evidence behind `bits`: `feature:<name>`, `type:<event type>` or `param0:<param>`. */
  evidence: string;
  /** Top pieces of evidence (bits), strongest first. */
  top: { evidence: string; bits: number }[];
  /** Violated code families whose evidence was set aside. */
  explained_by: string[];
}

// ---- small numerics -------------------------------------------------------------------------

/** ln Γ(x), Lanczos (g = 7, n = 9). */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const lnBeta = (a: number, b: number) => lnGamma(a) + lnGamma(b) - lnGamma(a + b);

/**
 * ln(m!) = lnGamma(m + 1), remembered: the tail sums below take two per term, always of whole numbers
 * up to a session's event count. The same function's value, so the sums do not change by a bit.
 */
const LN_FACTORIAL: number[] = [];
function lnFactorial(m: number): number {
  let v = LN_FACTORIAL[m];
  if (v === undefined) {
    v = lnGamma(m + 1);
    if (m < 1 << 16) LN_FACTORIAL[m] = v;
  }
  return v;
}

/** log P(X ≥ k) for X ~ BetaBinomial(n, α, β). */
export function betaBinomialLogSf(k: number, n: number, alpha: number, beta: number): number {
  if (k <= 0) return 0;
  if (k > n) return -Infinity;
  const lb = lnBeta(alpha, beta);
  const lnN = lnFactorial(n);
  let m = -Infinity;
  const terms: number[] = [];
  for (let x = k; x <= n; x++) {
    const t = lnN - lnFactorial(x) - lnFactorial(n - x) + lnBeta(x + alpha, n - x + beta) - lb;
    terms.push(t);
    if (t > m) m = t;
  }
  let s = 0;
  for (const t of terms) s += Math.exp(t - m);
  return Math.min(0, m + Math.log(s));
}

/**
 * `betaBinomialLogSf` for one fitted (α, β), remembered by (k, n): the sessions of a peer group share a
 * handful of (count, events) pairs, and each tail is a sum over up to n terms (the type and zero-value
 * evidence took ~0.15 s a run on the dense bench, nearly all of it these sums, most of them repeats).
 */
function betaBinomialTail(alpha: number, beta: number): (k: number, n: number) => number {
  const memo = new Map<number, number>();
  return (k, n) => {
    // k ≤ n < 2^26 for any real capture: one number per pair, no string key built
    const key = n * 2 ** 26 + k;
    let v = memo.get(key);
    if (v === undefined) memo.set(key, (v = betaBinomialLogSf(k, n, alpha, beta)));
    return v;
  };
}

/** Two-sided tail of a Student t with ν = 2 (closed form): P(|T| ≥ z) = 1 − z/√(z² + 2). */
const tTailBits = (z: number, dof: number) => {
  const az = Math.abs(z);
  if (dof === 2) return -Math.log2(Math.max(1e-300, 1 - az / Math.sqrt(az * az + 2)));
  // ν = 1 (Cauchy) fallback for other settings
  return -Math.log2(Math.max(1e-300, 1 - (2 / Math.PI) * Math.atan(az)));
};

const quantile = (sorted: number[], q: number) => {
  if (!sorted.length) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
};

/** Inverse normal CDF (Acklam), for the robust-scale constant. */
function normInv(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628274631,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - pl) return -normInv(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/**
 * Beta-binomial (α, β) for counts k of n over peers, fit on the peers with the lowest shares
 * (`fitShare`): mean with a Jeffreys-style prior, concentration from the between-session variance of
 * the shares (method of moments; more spread between sessions = heavier tail = less surprise).
 */
export function fitBetaBinomial(
  peers: [number, number][],
  fitShare: number,
  maxConcentration = 200,
): { alpha: number; beta: number } {
  const ps = peers.filter(([, n]) => n > 0).sort((a, b) => a[0] / a[1] - b[0] / b[1]);
  const keep = ps.slice(0, Math.max(1, Math.ceil(ps.length * fitShare)));
  let K = 0;
  let N = 0;
  for (const [k, n] of keep) ((K += k), (N += n));
  const m = (K + 0.5) / (N + 1);
  const shares = keep.map(([k, n]) => k / n);
  const mean = shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length);
  const v = shares.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, shares.length - 1);
  const s = v > 1e-12 ? Math.max(2, Math.min(maxConcentration, (m * (1 - m)) / v - 1)) : maxConcentration;
  return { alpha: m * s, beta: (1 - m) * s };
}

// ---- scoring --------------------------------------------------------------------------------

function peerGroups(feats: SessionFeatures[], minGroup: number): number[][] {
  const groups = new Map<string, number[]>();
  feats.forEach((f, i) => pushTo(groups, f.protocol, i));
  const sets: number[][] = [];
  const pooled: number[] = [];
  for (const idx of groups.values()) {
    if (idx.length >= minGroup) sets.push(idx);
    else pooled.push(...idx);
  }
  if (pooled.length) sets.push(pooled);
  return sets;
}

/**
 * Peer groups for signals and set novelty: (protocol, sdk, version) when it has `minGroup / 2`
 * sessions, else the protocol (small protocols pooled) — a parameter one SDK version never sends is
 * news for that version, not for the protocol.
 */
function signalGroups(feats: SessionFeatures[], minGroup: number): number[][] {
  const out: number[][] = [];
  for (const idx of peerGroups(feats, minGroup)) {
    const byVersion = new Map<string, number[]>();
    for (const i of idx) {
      const k = `${feats[i].protocol}|${feats[i].sdk}|${feats[i].version}`;
      pushTo(byVersion, k, i);
    }
    const rest: number[] = [];
    for (const g of byVersion.values()) g.length >= minGroup / 2 ? out.push(g) : rest.push(...g);
    if (rest.length) out.push(rest.length >= 5 || !out.length ? rest : [...rest, ...out.pop()!]);
  }
  return out;
}

/** Share of exact zeros in a sorted array. */
function zeroShare(sorted: number[]): number {
  return sorted.length ? (upperBound(sorted, 0) - lowerBound(sorted, 0)) / sorted.length : 0;
}

/** First index whose value is ≥ v (sorted ascending). */
function lowerBound(a: number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m] < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}
/** Number of values ≤ v (sorted ascending). */
function upperBound(a: number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m] <= v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Families of the codes found in a session. */
export function violatedFamilies(codes: readonly string[]): Set<CodeFamily> {
  const out = new Set<CodeFamily>();
  for (const c of codes) {
    const f = CODE_INFO.get(c)?.family;
    if (f) out.add(f);
  }
  return out;
}

export function noveltyScores(
  feats: SessionFeatures[],
  codesOf: (i: number) => readonly string[],
  opts: Partial<typeof NOVELTY_OPTIONS> = {},
): NoveltyRow[] {
  const o = { ...NOVELTY_OPTIONS, ...opts };
  const kq = normInv((1 + o.scaleQuantile) / 2);
  const ev = new SessionEvidence(feats.length, (i) => explainsOf(codesOf(i)));
  for (const idx of peerGroups(feats, o.minGroup)) {
    if (idx.length < 5) continue;
    // 1. numeric features
    for (const spec of NUMERIC) {
      const j = FEATURE_NAMES.indexOf(spec.name);
      const val = (i: number) => {
        const raw = feats[i].x[j];
        if (spec.sentinel && raw === -1) return null;
        const v = spec.cadence && feats[i].signals?.downloaded ? raw / 5 : raw;
        return spec.log ? Math.log1p(Math.max(0, v)) : v;
      };
      const ref = idx
        .map(val)
        .filter((v): v is number => v !== null)
        .sort((a, b) => a - b);
      if (ref.length < 5) continue;
      const med = quantile(ref, 0.5);
      const dev = ref.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
      // resolution floor: 1 % of the typical magnitude, so a feature constant among peers still has a scale
      const scale = Math.max(quantile(dev, o.scaleQuantile) / kq, 0.01 * (Math.abs(med) + 1));
      for (const i of idx) {
        const v = val(i);
        if (v === null) continue;
        let z = Math.abs(v - med) / scale;
        if (spec.binary) z = Math.min(z, o.binaryZCap);
        if (z > 1)
          ev.add(
            i,
            `feature:${spec.name}`,
            Math.min(o.capBits, o.featureWeight * tTailBits(z, o.tDof)),
            () =>
              `${spec.name} = ${round2(feats[i].x[j])} (peer median ${round2(spec.log ? Math.expm1(med) : med)})`,
          );
      }
    }
    // 2. event-type counts
    const types = new Set<string>();
    for (const i of idx) for (const t of Object.keys(feats[i].typeCounts)) types.add(t);
    for (const t of types) {
      const peers = idx.map((i) => [feats[i].typeCounts[t] ?? 0, feats[i].events] as [number, number]);
      const { alpha, beta } = fitBetaBinomial(peers, o.fitShare, o.maxConcentration);
      const tail = betaBinomialTail(alpha, beta);
      idx.forEach((i, r) => {
        const [k, n] = peers[r];
        if (!k || k / n <= alpha / (alpha + beta)) return;
        ev.add(
          i,
          `type:${t}`,
          Math.min(o.capBits, (o.typeWeight * -tail(k, n)) / Math.LN2),
          () => `${k} ${t} events of ${n} (peers ≈ ${round2((100 * alpha) / (alpha + beta))} %)`,
        );
      });
    }
    // 3. zero values of numeric parameters (peers that carry the parameter)
    const keys = new Set<string>();
    // decoder-derived `_` fields (hit source, version token, platform) are codes, not measures
    for (const i of idx)
      for (const k of Object.keys(feats[i].paramZeros)) if (!k.startsWith('_')) keys.add(k);
    for (const key of keys) {
      const carriers = idx.filter((i) => feats[i].paramZeros[key]?.[1]);
      if (carriers.length < 5) continue;
      const { alpha, beta } = fitBetaBinomial(
        carriers.map((i) => feats[i].paramZeros[key]),
        o.fitShare,
        o.maxConcentration,
      );
      const tail = betaBinomialTail(alpha, beta);
      for (const i of carriers) {
        const [k, n] = feats[i].paramZeros[key];
        if (!k || k / n <= alpha / (alpha + beta)) continue;
        ev.add(
          i,
          `param0:${key}`,
          Math.min(o.capBits, (o.paramWeight * -tail(k, n)) / Math.LN2),
          () => `${key} is 0 on ${k} of ${n} events (peers ≈ ${round2((100 * alpha) / (alpha + beta))} %)`,
        );
      }
    }
  }
  // 4. protocol-aware signals, against the protocol's sessions (a protocol violation is rare or not
  // whatever the version), and 5. set novelty, against the closest (protocol, sdk, version) group
  for (const idx of o.signalPeers === 'protocol'
    ? peerGroups(feats, o.minGroup)
    : signalGroups(feats, o.minGroup)) {
    if (idx.length < 5) continue;
    for (const name of SIGNAL_NAMES) {
      const vals = idx.map((i) => feats[i].signals?.values[name] ?? 0);
      const sorted = [...vals].sort((a, b) => a - b);
      const med = quantile(sorted, 0.5);
      if (RATIO_SIGNALS.has(name)) {
        // continuous ratios around a nominal 1: robust z on the log, as the numeric features
        const lv = sorted.map((v) => Math.log(Math.max(v, 1e-3)));
        const lmed = quantile(lv, 0.5);
        const dev = lv.map((v) => Math.abs(v - lmed)).sort((a, b) => a - b);
        const scale = Math.max(quantile(dev, o.scaleQuantile) / kq, 0.05);
        idx.forEach((i, r) => {
          const z = Math.abs(Math.log(Math.max(vals[r], 1e-3)) - lmed) / scale;
          if (z > 1)
            ev.add(
              i,
              `signal:${name}`,
              o.signalWeight * tTailBits(z, o.tDof),
              () =>
                feats[i].signals?.at[name]?.detail ??
                `${SIGNALS[name]}: ${round2(vals[r])} (peer median ${round2(Math.exp(lmed))})`,
              feats[i].signals?.at[name],
            );
        });
        continue;
      }
      idx.forEach((i, r) => {
        const v = vals[r];
        if (v === med) return;
        // empirical tail away from the peer median (the session itself counted): rare = many bits
        const cnt = v > med ? sorted.length - lowerBound(sorted, v) : upperBound(sorted, v);
        // a count most peers never show (a protocol violation) stays surprising when a handful of
        // sessions share it: look-alikes must not define "normal" (the masking an Isolation Forest has)
        const floor =
          med === 0 && v > 0 && zeroShare(sorted) >= o.violationZeroShare && !EVENT_COUNT_SIGNALS.has(name)
            ? o.violationFloorBits
            : 0;
        // … and one that repeats all through the session is more surprising than a single occurrence
        const bits =
          Math.max(floor, -Math.log2(cnt / (sorted.length + 1))) + (floor ? o.repeatBits * Math.log2(v) : 0);
        if (bits > 1)
          ev.add(
            i,
            `signal:${name}`,
            o.signalWeight * bits,
            () =>
              `${feats[i].signals?.at[name]?.detail ?? `${SIGNALS[name]}: ${round2(v)}`} (${SIGNALS[name]}: ${round2(v)} here; ${cnt - 1} of ${sorted.length - 1} peers ${v > med ? 'reach' : 'are as low as'} it)`,
            feats[i].signals?.at[name],
          );
      });
    }
  }
  // per protocol and event type, the keys at least `typeUsualShare` of the protocol's sessions having
  // the type send on every event of it (typeKeys): a key the protocol requires on a start event is
  // required whatever the SDK, so these are counted over the protocol, not the SDK version
  // per protocol, in the order first counted: the type key, the sessions carrying it, the sessions having
  // its type, its type. A list walked by index: each session walks every usual key of its protocol, and
  // a map's entries destructured in `for…of` cost ~60 ms a run on the dense bench.
  const typeUsual = new Map<string, { tk: string; carriers: number; nT: number; ty: string }[]>();
  // Counted in maps nested by protocol (and SDK), not under `${protocol}|${key}` strings: building one
  // string per session and type key cost ~0.25 s on the dense bench.
  {
    const typeDf = new Map<string, Map<string, number>>();
    const tkDf = new Map<string, Map<string, number>>();
    for (const f of feats) {
      for (const t of Object.keys(f.typeCounts)) bump(typeDf, f.protocol, t);
      for (const tk of f.signals?.typeKeys ?? []) bump(tkDf, f.protocol, tk);
    }
    for (const [proto, tks] of tkDf)
      for (const [tk, n] of tks) {
        const nT = typeDf.get(proto)?.get(tk.split('|', 1)[0]) ?? 0;
        if (nT < o.typeUsualMin || n / nT < o.typeUsualShare) continue;
        const m = typeUsual.get(proto) ?? [];
        m.push({ tk, carriers: n, nT, ty: tk.slice(0, tk.indexOf('|')) });
        typeUsual.set(proto, m);
      }
  }
  // … and per (protocol, sdk): how many of the SDK's sessions have the type, and send the key on it
  const sdkType = new Map<string, Map<string, number>>();
  const sdkTk = new Map<string, Map<string, number>>();
  for (const f of feats) {
    const sdk = `${f.protocol}|${f.sdk}`;
    for (const t of Object.keys(f.typeCounts)) bump(sdkType, sdk, t);
    for (const tk of f.signals?.typeKeys ?? []) bump(sdkTk, sdk, tk);
  }
  for (const idx of signalGroups(feats, o.minGroup)) {
    if (idx.length < 5) continue;
    const sets: ['key' | 'host' | 'bigram', (i: number) => readonly string[]][] = [
      ['key', (i) => feats[i].signals?.keys ?? []],
      ['host', (i) => feats[i].signals?.hosts ?? []],
      ['bigram', (i) => feats[i].signals?.bigrams ?? []],
    ];
    for (const [kind, of] of sets) {
      const df = new Map<string, number>();
      for (const i of idx) for (const k of of(i)) df.set(k, (df.get(k) ?? 0) + 1);
      const N = idx.length;
      const usual = [...df].filter(([, n]) => n / N >= o.usualShare).map(([k]) => k);
      // keys: how many peers carry the key at all (any value class), and its usual spelling by case
      const base = (k: string) => k.slice(0, k.lastIndexOf('='));
      const baseDf = new Map<string, number>();
      const spelling = new Map<string, [string, number]>();
      if (kind === 'key') {
        // each base once per session, in first-seen order; a key's base sliced once (keys repeat)
        const baseOf = new Map<string, string>();
        const countedFor = new Map<string, number>();
        for (const i of idx)
          for (const k of of(i)) {
            let b = baseOf.get(k);
            if (b === undefined) baseOf.set(k, (b = base(k)));
            if (countedFor.get(b) === i) continue;
            countedFor.set(b, i);
            baseDf.set(b, (baseDf.get(b) ?? 0) + 1);
          }
        for (const [b, n] of baseDf) {
          const low = b.toLowerCase();
          if (n > (spelling.get(low)?.[1] ?? 0)) spelling.set(low, [b, n]);
        }
      }
      for (const i of idx) {
        const mine = new Set(of(i));
        // the rarest item the session carries (seen in few peers), and for keys the most usual one it lacks
        let rare = '';
        let rareDf = Infinity;
        let odd: Evidence | null = null;
        for (const k of mine) {
          const n = df.get(k) ?? 0;
          if (n < rareDf) [rare, rareDf] = [k, n];
          if (kind !== 'key' || n > Math.max(1, Math.floor(o.rareShare * N))) continue;
          // a key most peers carry, with a value class they do not use; or a usual key spelled another way
          const b = base(k);
          const [usualSpelling, spelledDf] = spelling.get(b.toLowerCase()) ?? [b, 0];
          const kindOf =
            (baseDf.get(b) ?? 0) >= N / 2
              ? `value class ${k.slice(k.lastIndexOf('=') + 1)} of ${b}, which ${baseDf.get(b)} of ${N} peer sessions send as another class`
              : usualSpelling !== b && spelledDf >= N / 2
                ? `parameter ${b} where ${spelledDf} of ${N} peer sessions spell it ${usualSpelling}`
                : '';
          if (!kindOf) continue;
          const bits = o.classWeight * -Math.log2(n / (N + 1));
          if (!odd || bits > odd.bits) odd = { evidence: `key:${k}`, bits, detail: kindOf };
        }
        if (odd) ev.push(i, odd);
        else if (rare && rareDf <= Math.max(1, Math.floor(o.rareShare * N))) {
          const bits = -Math.log2(rareDf / (N + 1));
          ev.add(
            i,
            `${kind}:${rare}`,
            o.setWeight * bits,
            () => `${SET_LABEL[kind]} ${rare} seen in ${rareDf - 1} of ${N - 1} peer sessions`,
          );
        }
        if (kind !== 'key') continue;
        let miss = '';
        let missDf = 0;
        for (const k of usual)
          if (!mine.has(k) && (df.get(k) ?? 0) > missDf) [miss, missDf] = [k, df.get(k) ?? 0];
        let best: Evidence | null = miss
          ? {
              evidence: `missing:${miss}`,
              bits: o.classWeight * -Math.log2((N - missDf + 1) / (N + 1)),
              detail: `parameter ${miss} missing; ${missDf} of ${N} peer sessions carry it`,
            }
          : null;
        // per event type: a key (nearly) every peer event of that type carries, absent from one of ours
        const have = new Set(feats[i].signals?.typeKeys ?? []);
        // the session's own SDK (any version) mostly leaving a key out is that SDK's way, not a fault
        const sdk = `${feats[i].protocol}|${feats[i].sdk}`;
        const usualTk = typeUsual.get(feats[i].protocol) ?? [];
        for (let u = 0; u < usualTk.length; u++) {
          const { tk, carriers, nT, ty } = usualTk[u];
          if (have.has(tk) || !feats[i].typeCounts[ty]) continue;
          const [gk, gt] = [sdkTk.get(sdk)?.get(tk) ?? 0, sdkType.get(sdk)?.get(ty) ?? 0];
          if (gt >= 3 && gk / gt < 0.5) continue;
          const bits = o.classWeight * -Math.log2((nT - carriers + 1) / (nT + 1));
          if (!best || bits > best.bits)
            best = {
              evidence: `missing:${tk}`,
              bits,
              detail: `${tk.slice(tk.indexOf('|') + 1)} missing on a ${ty} event; ${carriers} of ${nT} peer sessions send it on every ${ty}`,
            };
        }
        if (best) ev.push(i, best);
      }
    }
  }
  return feats.map((_, i) => {
    const fams = violatedFamilies(codesOf(i));
    const residual = ev.residual(i);
    const w = fams.size || codesOf(i).length ? o.explainedWeight : 1;
    return {
      bits: ((residual[0]?.bits ?? 0) + o.secondWeight * (residual[1]?.bits ?? 0)) * w,
      raw_bits: ev.rawBits(i),
      evidence: residual[0]?.evidence ?? '',
      top: residual.slice(0, 4).map((e) => ({ evidence: e.evidence, bits: Math.round(e.bits * 100) / 100 })),
      explained_by: [...fams],
      why: residual
        .slice(0, 2)
        .filter((e) => e.detail)
        .map((e) => e.detail)
        .join('; '),
      at: residual.slice(0, 2).find((e) => e.at)?.at ?? null,
    };
  });
}

/**
 * Each session's evidence, as much of it as its novelty row reads: the largest bits of all (`raw_bits`),
 * and the four largest that the session's own findings do not explain, in the order a stable sort by bits
 * (largest first) gives, ties in the order found. Keeping every piece of evidence (and its sentence) for
 * every session until the end cost ~280 MB of the learning process's heap at 56,846 sessions, and
 * writing the sentences of evidence that never reaches the top four most of this step's time; a sentence
 * is written only for evidence that enters the top four.
 */
export class SessionEvidence {
  private readonly top: Evidence[][];
  private readonly raw: number[];
  private readonly explains: (ReturnType<typeof explainsOf> | undefined)[];
  constructor(
    n: number,
    private readonly explainsFor: (i: number) => ReturnType<typeof explainsOf>,
  ) {
    this.top = Array.from({ length: n }, () => []);
    this.raw = new Array<number>(n).fill(-Infinity);
    this.explains = new Array(n);
  }
  /** Evidence of session i worth `bits`; `detail` is asked for only if it enters the top four. */
  add(i: number, evidence: string, bits: number, detail: () => string, at?: SignalPointer): void {
    if (bits > this.raw[i]) this.raw[i] = bits;
    if (this.explained(i, evidence)) return;
    const list = this.top[i];
    let p = list.length;
    while (p > 0 && list[p - 1].bits < bits) p--;
    if (p >= KEPT_EVIDENCE) return;
    const e: Evidence = { evidence, bits, detail: detail() };
    if (at !== undefined) e.at = at;
    list.splice(p, 0, e);
    if (list.length > KEPT_EVIDENCE) list.pop();
  }
  push(i: number, e: Evidence): void {
    this.add(i, e.evidence, e.bits, () => e.detail ?? '', e.at);
  }
  /** The largest bits of all evidence (0 with none). */
  rawBits(i: number): number {
    return this.raw[i] === -Infinity ? 0 : this.raw[i];
  }
  /** The evidence the session's findings do not explain, largest first (at most four). */
  residual(i: number): readonly Evidence[] {
    return this.top[i];
  }
  private explained(i: number, e: string): boolean {
    const explains = (this.explains[i] ??= this.explainsFor(i));
    const [kind, name] = [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)];
    for (const x of explains) {
      if (kind === 'feature' && x.features.includes(name)) return true;
      if (kind === 'type' && x.type?.(name)) return true;
      if (kind === 'param0' && x.params) return true;
      if (kind === 'signal' && x.signals?.includes(name as SignalName)) return true;
      if (
        (kind === 'key' || kind === 'missing' || kind === 'host' || kind === 'bigram') &&
        x.sets?.includes(kind)
      )
        return true;
    }
    return false;
  }
}

/** How much of a session's unexplained evidence its novelty row reads (`top`). */
const KEPT_EVIDENCE = 4;

/** counts[a][b] += 1 */
function bump(counts: Map<string, Map<string, number>>, a: string, b: string): void {
  let m = counts.get(a);
  if (!m) counts.set(a, (m = new Map()));
  m.set(b, (m.get(b) ?? 0) + 1);
}
