import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bundle } from '../bundle/schema.js';
import type { LearnRow } from './learn-rows.js';
import { makeDirs } from '../util/files.js';

/**
 * Drift between a reference window and a new drop, per (platform, SDK, library version).
 *
 * Metrics: event-type mix, main/ad ping-interval histograms, and per-parameter session presence.
 * Each is compared with PSI = Σ (q − p)·ln(q / p) (Laplace-smoothed shares; PSI is the symmetrized
 * KL divergence) and KL(drop ‖ reference) is reported beside it.
 *
 * Thresholds (documented in the README, "Learning layer"):
 * - PSI < 0.1 none · 0.1 ≤ PSI < 0.25 moderate · PSI ≥ 0.25 major (credit-scoring convention);
 * - a metric only counts when PSI also exceeds its sampling-noise critical value: under no drift,
 *   PSI ≈ χ²(K−1)·(1/n_ref + 1/n_drop) (Yurdakul & Naranjo 2020), so we require PSI above the
 *   99.9 % point of χ²(K−1) times (1/n_ref + 1/n_drop), with n = sessions (see noiseCritical);
 * - a group with fewer than `minSessions` (default 12) sessions on either side ABSTAINS;
 * - parameters count only when present in ≥ 50 % of sessions on one side (stable parameters).
 * A group with a major metric writes an investigate bundle (bundles/<id>.json).
 */

export const INTERVAL_BINS = [0, 1.5, 3, 7, 12.5, 25, Infinity];

export interface GroupProfile {
  key: string;
  platform: string;
  sdk: string;
  protocol: string;
  version: string;
  sessions: number;
  eventMix: Record<string, number>;
  intervals: number[];
  adIntervals: number[];
  /** param → sessions where it appears */
  params: Record<string, number>;
  /** Up to 30 observed main-ping intervals (s), for bundles. */
  intervalSamples: number[];
  samples: { har: string; session: string }[];
}

export interface DriftProfile {
  generated_at: string;
  sessions: number;
  groups: GroupProfile[];
}

const binOf = (v: number) => INTERVAL_BINS.findIndex((b, i) => v >= b && v < INTERVAL_BINS[i + 1]);

/** Page (`edge`) and media (`media-edge`) sessions of one Web SDK build share sdk and version: key by protocol too. */
export const groupKey = (platform: string, sdk: string, version: string | null, protocol: string) =>
  `${platform}|${sdk}|${protocol}|${version ?? 'unknown'}`;

/** Drift profile of a set of sessions (learn rows: what the run's workers staged, or built in-process). */
export function driftProfile(
  views: readonly Pick<
    LearnRow,
    | 'har'
    | 'key'
    | 'platform'
    | 'sdk'
    | 'version'
    | 'protocol'
    | 'kind'
    | 'types'
    | 'intervals'
    | 'param_keys'
  >[],
): DriftProfile {
  const groups = new Map<string, GroupProfile>();
  for (const v of views) {
    const key = groupKey(v.platform, v.sdk, v.version, v.protocol);
    let g = groups.get(key);
    if (!g)
      groups.set(
        key,
        (g = {
          key,
          platform: v.platform,
          sdk: v.sdk,
          protocol: v.protocol,
          version: v.version ?? 'unknown',
          sessions: 0,
          eventMix: {},
          intervals: new Array(INTERVAL_BINS.length - 1).fill(0),
          adIntervals: new Array(INTERVAL_BINS.length - 1).fill(0),
          params: {},
          intervalSamples: [],
          samples: [],
        }),
      );
    g.sessions++;
    if (g.samples.length < 8) g.samples.push({ har: v.har, session: v.key });
    for (const t of v.types) g.eventMix[t] = (g.eventMix[t] ?? 0) + 1;
    if (v.kind === 'media') {
      for (const x of v.intervals.main) {
        g.intervals[binOf(x)]++;
        if (g.intervalSamples.length < 30) g.intervalSamples.push(Math.round(x * 100) / 100);
      }
      for (const x of v.intervals.ad) g.adIntervals[binOf(x)]++;
    }
    for (const k of v.param_keys) g.params[k] = (g.params[k] ?? 0) + 1;
  }
  return {
    generated_at: new Date().toISOString(),
    sessions: views.length,
    groups: [...groups.values()].sort((a, b) => a.key.localeCompare(b.key)),
  };
}

/** PSI and KL(q ‖ p) between two count vectors (Laplace smoothing 0.5). */
export function psi(ref: number[], cur: number[]): { psi: number; kl: number } {
  const K = ref.length;
  const nr = ref.reduce((a, b) => a + b, 0);
  const nc = cur.reduce((a, b) => a + b, 0);
  let s = 0;
  let kl = 0;
  for (let i = 0; i < K; i++) {
    const p = (ref[i] + 0.5) / (nr + 0.5 * K);
    const q = (cur[i] + 0.5) / (nc + 0.5 * K);
    s += (q - p) * Math.log(q / p);
    kl += q * Math.log(q / p);
  }
  return { psi: s, kl };
}

export const band = (v: number): 'none' | 'moderate' | 'major' =>
  v >= 0.25 ? 'major' : v >= 0.1 ? 'moderate' : 'none';

/**
 * Sampling-noise critical PSI: the 99.9 % point of χ²(K−1) (Wilson–Hilferty approximation) times
 * (1/n₁ + 1/n₂) — under no drift PSI is approximately χ²(K−1)·(1/n₁ + 1/n₂).
 */
export function noiseCritical(K: number, nRef: number, nCur: number): number {
  const df = Math.max(1, K - 1);
  const z = 3.09; // 99.9 %
  const q = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
  return q * (1 / Math.max(1, nRef) + 1 / Math.max(1, nCur));
}

export interface DriftMetric {
  metric: string;
  family: string;
  psi: number;
  kl: number;
  critical: number;
  band: 'none' | 'moderate' | 'major';
  /** PSI beyond the band threshold AND the noise critical value. */
  significant: boolean;
  expected?: number;
  observed?: number;
  detail: string;
}

export interface GroupDrift {
  key: string;
  platform: string;
  sdk: string;
  protocol: string;
  version: string;
  ref_sessions: number;
  drop_sessions: number;
  /** exact = same version in the reference; platform+sdk = other versions of the SDK. */
  reference: 'exact' | 'platform+sdk' | 'none';
  status: 'abstain' | 'none' | 'moderate' | 'major';
  psi_max: number;
  metrics: DriftMetric[];
  new_params: string[];
  samples: { har: string; session: string }[];
  interval_samples: number[];
}

function merge(groups: GroupProfile[]): GroupProfile | null {
  if (!groups.length) return null;
  const m: GroupProfile = structuredClone(groups[0]);
  for (const g of groups.slice(1)) {
    m.sessions += g.sessions;
    for (const [k, v] of Object.entries(g.eventMix)) m.eventMix[k] = (m.eventMix[k] ?? 0) + v;
    for (const [k, v] of Object.entries(g.params)) m.params[k] = (m.params[k] ?? 0) + v;
    g.intervals.forEach((v, i) => (m.intervals[i] += v));
    g.adIntervals.forEach((v, i) => (m.adIntervals[i] += v));
  }
  return m;
}

const median = (bins: number[]) => {
  const n = bins.reduce((a, b) => a + b, 0);
  if (!n) return undefined;
  let c = 0;
  for (let i = 0; i < bins.length; i++) if ((c += bins[i]) >= n / 2) return INTERVAL_BINS[i];
  return undefined;
};

export function compareProfiles(
  ref: DriftProfile,
  drop: DriftProfile,
  opts: { minSessions?: number; stable?: number } = {},
): GroupDrift[] {
  const minN = opts.minSessions ?? 12;
  const stable = opts.stable ?? 0.5;
  const out: GroupDrift[] = [];
  for (const g of drop.groups) {
    let reference: GroupDrift['reference'] = 'exact';
    let r = ref.groups.find((x) => x.key === g.key) ?? null;
    if (!r) {
      r = merge(ref.groups.filter((x) => x.platform === g.platform && x.sdk === g.sdk));
      reference = r ? 'platform+sdk' : 'none';
    }
    const base: GroupDrift = {
      key: g.key,
      platform: g.platform,
      sdk: g.sdk,
      protocol: g.protocol,
      version: g.version,
      ref_sessions: r?.sessions ?? 0,
      drop_sessions: g.sessions,
      reference,
      status: 'abstain',
      psi_max: 0,
      metrics: [],
      new_params: [],
      samples: g.samples,
      interval_samples: g.intervalSamples,
    };
    if (!r || r.sessions < minN || g.sessions < minN) {
      out.push(base);
      continue;
    }
    const nR = r.sessions;
    const nC = g.sessions;
    const add = (
      metric: string,
      family: string,
      a: number[],
      b: number[],
      detail: string,
      e?: number,
      o?: number,
    ) => {
      if (a.reduce((x, y) => x + y, 0) === 0 || b.reduce((x, y) => x + y, 0) === 0) return;
      const { psi: p, kl } = psi(a, b);
      const critical = noiseCritical(a.length, nR, nC);
      base.metrics.push({
        metric,
        family,
        psi: round(p),
        kl: round(kl),
        critical: round(critical),
        band: band(p),
        significant: p >= 0.25 && p > critical,
        expected: e,
        observed: o,
        detail,
      });
    };
    const types = [...new Set([...Object.keys(r.eventMix), ...Object.keys(g.eventMix)])].sort();
    add(
      'event_mix',
      'novel',
      types.map((t) => r.eventMix[t] ?? 0),
      types.map((t) => g.eventMix[t] ?? 0),
      `${types.length} event types`,
    );
    add(
      'content_ping_interval_s',
      'cadence',
      r.intervals,
      g.intervals,
      'main-content ping intervals (binned)',
      median(r.intervals),
      median(g.intervals),
    );
    add(
      'ad_ping_interval_s',
      'cadence',
      r.adIntervals,
      g.adIntervals,
      'ad ping intervals (binned)',
      median(r.adIntervals),
      median(g.adIntervals),
    );
    const params = [...new Set([...Object.keys(r.params), ...Object.keys(g.params)])].sort();
    for (const p of params) {
      const a = r.params[p] ?? 0;
      const b = g.params[p] ?? 0;
      if (Math.max(a / nR, b / nC) < stable) continue;
      add(
        `param_presence:${p}`,
        'params',
        [a, nR - a],
        [b, nC - b],
        `present in ${pct(a / nR)} of reference vs ${pct(b / nC)} of drop sessions`,
        a / nR,
        b / nC,
      );
      if (a === 0 && b / nC >= stable) base.new_params.push(p);
    }
    base.psi_max = Math.max(0, ...base.metrics.map((m) => m.psi));
    const sig = base.metrics.filter((m) => m.significant);
    base.status = sig.length
      ? 'major'
      : band(Math.max(0, ...base.metrics.filter((m) => m.psi > m.critical).map((m) => m.psi))) === 'moderate'
        ? 'moderate'
        : 'none';
    base.metrics.sort((x, y) => y.psi - x.psi);
    out.push(base);
  }
  return out;
}

const round = (v: number) => Math.round(v * 10000) / 10000;
const pct = (v: number) => `${(100 * v).toFixed(0)}%`;

/** One investigate bundle (tools/bundle/, docs/proposals.md) for a group with major drift. */
export function driftBundle(
  d: GroupDrift,
  opts: { constraints: string[]; datasetHash?: string; store?: string; createdAt?: string },
): Bundle {
  const id = `drift-${d.platform}-${d.sdk}-${createHash('sha256')
    .update(`${d.key}|${opts.datasetHash ?? ''}`)
    .digest('hex')
    .slice(0, 10)}`;
  const sig = d.metrics.filter((m) => m.significant);
  return Bundle.parse({
    bundle_id: id,
    created_at: opts.createdAt ?? new Date().toISOString(),
    source: 'drift',
    title: `Drift in ${d.platform} ${d.sdk} ${d.version}: ${sig
      .map((m) => m.metric)
      .slice(0, 4)
      .join(', ')}`,
    scope: { platform: d.platform, sdk: d.sdk, protocol: d.protocol, versions: [d.version] },
    anomalies: sig.map((m) => ({
      family: m.family,
      metric: m.metric,
      platform: d.platform,
      sdk: d.sdk,
      version: d.version,
      values: m.metric === 'content_ping_interval_s' ? d.interval_samples.slice(0, 20) : [],
      expected: m.expected,
      observed: m.observed,
      sessions: d.drop_sessions,
      note: `PSI ${m.psi} (${m.band}; noise critical ${m.critical}), KL ${m.kl}; ${m.detail}; reference ${d.reference} (${d.ref_sessions} sessions)`,
    })),
    dictionary_deltas: [
      ...d.new_params.map((p) => ({
        param: p,
        sdk: d.sdk,
        change: 'new' as const,
        detail: `new parameter: absent from the reference, present in the drop (${d.version})`,
      })),
      ...sig
        .filter((m) => m.metric.startsWith('param_presence:') && !d.new_params.includes(m.metric.slice(15)))
        .map((m) => ({
          param: m.metric.slice(15),
          sdk: d.sdk,
          change: 'presence' as const,
          detail: m.detail,
        })),
    ],
    sample_sessions: d.samples.slice(0, 5),
    constraints: opts.constraints,
    dataset: { store: opts.store, hash: opts.datasetHash },
  });
}

export function writeBundles(dir: string, bundles: Bundle[]): string[] {
  makeDirs(dir);
  return bundles.map((b) => {
    const p = join(dir, `${b.bundle_id}.json`);
    writeFileSync(p, JSON.stringify(b, null, 2) + '\n');
    return p;
  });
}
