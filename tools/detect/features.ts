import type { Envelope } from '../envelope/index.js';
import type { Capture, Session } from '../session/index.js';
import type { Step } from '../validate/types.js';
import type { SessionView } from '../label/api.js';
import { sessionView } from '../label/api.js';
import { keyInfo, repeatedBeacons, sessionSignals, type SessionSignals } from './signals.js';

/**
 * Per-session features for the learning layer (docs/learning.md, "Features, anomalies, clusters"): cadence statistics and drift, duplicate
 * density, missing bookends, AA↔HB lag, playhead/wall-clock ratio, event-type histogram,
 * parameter-shape rarity, error responses. Missing values are −1 (trees and isolation splits handle
 * the sentinel; no imputation needed), except ratios, which default to their nominal 1.
 */
export const HIST_TYPES = [
  'sessionStart',
  'sessionComplete',
  'sessionEnd',
  'play',
  'ping',
  'pause',
  'buffer',
  'stall',
  'adBreakStart',
  'adStart',
  'adComplete',
  'chapterStart',
  'bitrateChange',
  'error',
  'pageView',
  'linkClick',
  'lifecycle',
  'appAction',
  'edgeEvent',
  'aaMediaStart',
  'other',
] as const;

const PROTOCOLS = ['heartbeat', 'media-collection', 'media-edge', 'aa', 'edge'] as const;

export const FEATURE_NAMES: string[] = [
  'events_log',
  'duration_log',
  'ping_n',
  'ping_mean_s',
  'ping_cv',
  'ping_max_s',
  'ping_drift',
  'ad_ping_mean_s',
  'first_ping_s',
  'dup_density',
  'missing_start',
  'missing_close',
  'ad_unclosed',
  'break_unclosed',
  'aa_hb_lag_s',
  'playhead_ratio',
  'hb_duration_ratio',
  'error_share',
  'shape_distinct',
  'shape_rare',
  'hist_divergence',
  'hist_max_z',
  ...HIST_TYPES.map((t) => `hist_${t}`),
  ...PROTOCOLS.map((p) => `proto_${p}`),
];

export interface SessionFeatures {
  har: string;
  session: string;
  platform: string;
  sdk: string;
  protocol: string;
  version: string | null;
  /** Same order as FEATURE_NAMES. */
  x: number[];
  /** Param-key shapes of its events → how many events have each (for the corpus rarity pass). */
  shapes: Record<string, number>;
  /** Events of the session and their count per normalized event type (novelty: over-represented types). */
  events: number;
  typeCounts: Record<string, number>;
  /**
   * Per numeric parameter (digits folded, as in shapes): [events whose value is 0, events carrying it
   * with a numeric value] — the "share of zero values of a numeric param" (novelty: a value that is
   * normally non-zero reported as 0).
   */
  paramZeros: Record<string, [number, number]>;
  /** Spec-free, protocol-aware signals (signals.ts), with a pointer to the event behind each. */
  signals?: SessionSignals;
}

const mean = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : 0);
const std = (a: number[]) => {
  if (a.length < 2) return 0;
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
};

/** Least-squares slope of y over its index, relative to the mean (cadence drift per ping). */
function relSlope(y: number[]): number {
  const n = y.length;
  if (n < 3) return 0;
  const mx = (n - 1) / 2;
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  y.forEach((v, i) => ((sxy += (i - mx) * (v - my)), (sxx += (i - mx) ** 2)));
  return my ? sxy / sxx / my : 0;
}

export function shapeOf(protocol: string, type: string, params: Record<string, unknown>): string {
  // The same key lists repeat on every beacon of a drop: a trie of key sequences per (protocol, type)
  // finds the list's shape by walking the keys in order, where joining them into one string per event
  // and hashing it cost ~10 µs per dense beacon (docs/measured.md, "Learn rows in the workers").
  let byType = SHAPES.get(protocol);
  if (!byType) SHAPES.set(protocol, (byType = new Map()));
  let node: ShapeNode | undefined = byType.get(type);
  if (!node) byType.set(type, (node = { next: new Map() }));
  for (const k in params) {
    let child: ShapeNode | undefined = node.next.get(k);
    if (!child) {
      // bounded: a drop of ever-new key lists starts over rather than growing without end
      if (++shapeNodes > 500_000) ((shapeNodes = 0), SHAPES.clear());
      node.next.set(k, (child = { next: new Map() }));
    }
    node = child;
  }
  if (node.shape === undefined) {
    // numeric indices (list vars, eVar numbers) are folded so shapes stay comparable
    const keys = Object.keys(params)
      .map((k) => k.replace(/\d+/g, '#'))
      .sort();
    node.shape = `${protocol}|${type}|${[...new Set(keys)].join(',')}`;
  }
  return node.shape;
}
interface ShapeNode {
  next: Map<string, ShapeNode>;
  shape?: string;
}
const SHAPES = new Map<string, Map<string, ShapeNode>>();
let shapeNodes = 0;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * A parameter's value as a number when it is one (a number, or a decimal string), else NaN. Most values
 * are ids, names and URLs: the first character rules them out before the regex runs.
 */
function numericValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v.length === 0) return NaN;
  const c = v.charCodeAt(0);
  if (c !== 45 /* - */ && (c < 48 || c > 57)) return NaN;
  return DECIMAL.test(v) ? Number(v) : NaN;
}

/*
 * sessionFeatures' parts are functions of their own on purpose: V8 re-optimises a function each time a
 * new object shape reaches it, and one long function was re-compiled whole each time (0.9 s of compile
 * CPU per 500 captures in an ingest worker, docs/measured.md).
 */

/** Events with the same type, playhead, beacon time and asset as an earlier event. */
function duplicateCount(ev: readonly Envelope[]): number {
  return repeatedBeacons(ev).length;
}

/** AA ↔ media lag: the nearest Analytics hit of the capture to the media session start (s, ≤ 120; -1: none). */
function aaLag(capture: Capture, start: number): number {
  let best = Infinity;
  for (const e of capture.events)
    if (e.family === 'aa') best = Math.min(best, Math.abs(e.ts_ms - start) / 1000);
  return Number.isFinite(best) ? Math.min(best, 120) : -1;
}

/**
 * Playhead advance per wall second over main pings while playing. Ratio features default to their
 * nominal value (1) when not applicable, so "n/a" never looks anomalous.
 */
function playheadRatio(view: SessionView): number {
  const cp = view.contentPings().filter((p) => p.playhead !== null) as { t: number; playhead: number }[];
  if (cp.length < 2) return 1;
  let dp = 0;
  let dt = 0;
  for (let i = 1; i < cp.length; i++) {
    const d = cp[i].playhead - cp[i - 1].playhead;
    if (Math.abs(d) > 80_000) continue; // midnight wrap of live second-of-day playheads
    dp += d;
    dt += cp[i].t - cp[i - 1].t;
  }
  return dt > 0 ? Math.max(-2, Math.min(5, dp / dt)) : 1;
}

/** Heartbeat `l:event:duration` against the wall-clock gap since the previous ping (mean ratio, 1: none). */
function durationRatio(steps: readonly Step[]): number {
  const r: number[] = [];
  const ps = steps.filter((x) => x.isPing);
  for (let i = 1; i < ps.length; i++) {
    const gap = (ps[i].t - ps[i - 1].t) / 1000;
    const d = ps[i].e.sequence.delta_s;
    if (d !== null && gap > 0.5) r.push(Math.min(3, d / gap));
  }
  return r.length ? mean(r) : 1;
}

/** Per numeric parameter (digits folded): [events where it is 0, events where it is a number]. */
function paramZerosOf(ev: readonly Envelope[]): Record<string, [number, number]> {
  const paramZeros: Record<string, [number, number]> = {};
  for (const e of ev) {
    const params = e.params;
    for (const k in params) {
      const num = numericValue(params[k]);
      if (!Number.isFinite(num)) continue;
      const z = (paramZeros[keyInfo(k).folded] ??= [0, 0]);
      z[1]++;
      if (num === 0) z[0]++;
    }
  }
  return paramZeros;
}

/** How many events of each shape (shapeOf) the session sent. */
function shapeCounts(protocol: string, ev: readonly Envelope[]): Record<string, number> {
  const shapes: Record<string, number> = {};
  for (const e of ev) {
    const sh = shapeOf(protocol, e.sequence.event_type, e.params);
    shapes[sh] = (shapes[sh] ?? 0) + 1;
  }
  return shapes;
}

export function sessionFeatures(view: SessionView, capture?: Capture): SessionFeatures {
  const s: Session = view.session;
  const ev = s.events;
  const n = ev.length;
  const steps = view.steps();
  const tMs = ev.map((e) => e.beacon_ts_ms ?? e.ts_ms);
  let tLo = Infinity;
  let tHi = -Infinity;
  for (const t of tMs) {
    if (t < tLo) tLo = t;
    if (t > tHi) tHi = t;
  }
  const duration = n ? (tHi - tLo) / 1000 : 0;
  const iv = view.pingIntervals('main');
  const adIv = view.pingIntervals('ad');
  const first = view.firstContentPingDeltaS();
  const dups = duplicateCount(ev);
  const media = s.kind === 'media';
  const count = (t: string) => view.count(t);
  const closes = count('sessionComplete') + count('sessionEnd');
  // AA ↔ media lag: nearest Analytics hit of the capture to the media session start (heartbeat orchestration)
  const lag = media && capture && n ? aaLag(capture, tMs[0]) : -1;
  const ratio = playheadRatio(view);
  const durRatio = s.protocol === 'heartbeat' ? durationRatio(steps) : 1;
  const typeCounts: Record<string, number> = {};
  for (const e of ev) typeCounts[e.sequence.event_type] = (typeCounts[e.sequence.event_type] ?? 0) + 1;
  const paramZeros = paramZerosOf(ev);
  const errors = ev.filter((e) => e.network.status >= 400 || e.network.errors.length > 0).length;
  const shapes = shapeCounts(s.protocol, ev);
  const hist = HIST_TYPES.map((t) =>
    n
      ? (t === 'other'
          ? ev.filter((e) => !(HIST_TYPES as readonly string[]).includes(e.sequence.event_type)).length
          : count(t)) / n
      : 0,
  );
  const x = [
    Math.log1p(n),
    Math.log1p(duration),
    iv.length,
    iv.length ? mean(iv) : -1,
    iv.length > 1 ? std(iv) / (mean(iv) || 1) : -1,
    iv.length ? Math.max(...iv) : -1,
    relSlope(iv),
    adIv.length ? mean(adIv) : -1,
    first ?? -1,
    n ? dups / n : 0,
    media && count('sessionStart') === 0 ? 1 : 0,
    media && closes === 0 ? 1 : 0,
    Math.max(0, count('adStart') - count('adComplete') - count('adSkip')),
    Math.max(0, count('adBreakStart') - count('adBreakComplete')),
    lag,
    ratio,
    durRatio,
    n ? errors / n : 0,
    n ? Object.keys(shapes).length / n : 0,
    0, // shape_rare: filled by addShapeRarity over the corpus
    0, // hist_divergence: idem
    0, // hist_max_z: idem
    ...hist,
    ...PROTOCOLS.map((p) => (s.protocol === p ? 1 : 0)),
  ];
  return {
    har: s.har,
    session: s.key,
    platform: s.platform,
    sdk: s.sdk,
    protocol: s.protocol,
    version: s.sdk_version,
    x,
    shapes,
    events: n,
    typeCounts,
    paramZeros,
    signals: sessionSignals(s, capture?.events ?? [], media ? steps : undefined),
  };
}

const RARE_IDX = FEATURE_NAMES.indexOf('shape_rare');
const DIV_IDX = FEATURE_NAMES.indexOf('hist_divergence');
const MAXZ_IDX = FEATURE_NAMES.indexOf('hist_max_z');
const HIST_IDX = HIST_TYPES.map((t) => FEATURE_NAMES.indexOf(`hist_${t}`));

/** Jensen–Shannon divergence (bits) between two distributions. */
export function jsDivergence(p: number[], q: number[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) s += 0.5 * p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) s += 0.5 * q[i] * Math.log2(q[i] / m);
  }
  return s;
}

/**
 * Corpus pass over peers (sessions of the same protocol):
 * - shape_rare: share of a session's events whose parameter shape is rare (seen in < `minShare` of
 *   the sessions of its protocol) — a new parameter or event type makes every beacon rare;
 * - hist_divergence: Jensen–Shannon divergence of its event-type histogram from the protocol's mean
 *   histogram — one compact number for "this session's event mix is unlike its peers'";
 * - hist_max_z: the most over-represented event type against peers, (share − mean) / (sd + 0.02)
 *   — a burst of one event type (errors, a new type) stands out even when the rest of the mix is usual.
 */
export function addShapeRarity(rows: SessionFeatures[], minShare = 0.05): void {
  const byProto = new Map<
    string,
    { n: number; shapes: Map<string, number>; hist: number[]; sq?: number[] }
  >();
  for (const r of rows) {
    let p = byProto.get(r.protocol);
    if (!p) byProto.set(r.protocol, (p = { n: 0, shapes: new Map(), hist: HIST_IDX.map(() => 0) }));
    p.n++;
    p.sq ??= HIST_IDX.map(() => 0);
    HIST_IDX.forEach((j, k) => (p!.sq![k] += r.x[j] ** 2));
    for (const sh in r.shapes) p.shapes.set(sh, (p.shapes.get(sh) ?? 0) + 1);
    HIST_IDX.forEach((j, k) => (p.hist[k] += r.x[j]));
  }
  for (const r of rows) {
    const p = byProto.get(r.protocol)!;
    const mean = p.hist.map((v) => v / p.n);
    r.x[DIV_IDX] = jsDivergence(
      HIST_IDX.map((j) => r.x[j]),
      mean,
    );
    const sd = p.sq!.map((v, k) => Math.sqrt(Math.max(0, v / p.n - mean[k] ** 2)));
    r.x[MAXZ_IDX] = Math.max(0, ...HIST_IDX.map((j, k) => (r.x[j] - mean[k]) / (sd[k] + 0.02)));
    let events = 0;
    let rare = 0;
    for (const [sh, k] of Object.entries(r.shapes)) {
      events += k;
      if ((p.shapes.get(sh) ?? 0) / p.n < minShare) rare += k;
    }
    if (!events || p.n < 10) continue;
    r.x[RARE_IDX] = rare / events;
  }
}

/**
 * Feature subspaces for the subspace Isolation Forest ensemble (feature bagging, Lazarevic & Kumar
 * 2005): each family of the design's features gets its own forest, so an anomaly in one family is
 * not diluted by natural variation in 40 others.
 */
export const SUBSPACES: Record<string, string[]> = {
  cadence: ['ping_n', 'ping_mean_s', 'ping_cv', 'ping_max_s', 'ping_drift', 'ad_ping_mean_s', 'first_ping_s'],
  size: ['events_log', 'duration_log', 'ping_n'],
  bookends: ['missing_start', 'missing_close', 'ad_unclosed', 'break_unclosed', 'dup_density'],
  timing: ['aa_hb_lag_s', 'playhead_ratio', 'hb_duration_ratio'],
  mix: ['hist_divergence', 'hist_max_z', 'error_share'],
  shape: ['shape_distinct', 'shape_rare', 'error_share'],
};

/** Columns the Isolation Forest uses: the compact features (histogram bins and protocol one-hots excluded; hist_divergence stands for them). */
export const ANOMALY_COLUMNS: number[] = FEATURE_NAMES.map((n, j) =>
  (n.startsWith('hist_') && n !== 'hist_divergence') || n.startsWith('proto_') ? -1 : j,
).filter((j) => j >= 0);

/** Features for every session of the captures (verdicts are not needed here). */
export function corpusFeatures(captures: Capture[]): SessionFeatures[] {
  const rows: SessionFeatures[] = [];
  for (const c of captures) for (const s of c.sessions) rows.push(sessionFeatures(sessionView(s), c));
  addShapeRarity(rows);
  return rows;
}
