/**
 * Geometry of the session viewer's chart (pure, no DOM): main playhead over time as a line, pings as
 * ticks, ad breaks and pauses/buffering as bands, violations as markers. The Astro page renders it as
 * inline SVG; hovering a point shows the event's parameters.
 */
import type { SiteTimeline } from './site-schema.js';

export interface Band {
  kind: 'ad' | 'pause' | 'buffer';
  x: number;
  w: number;
  t0: number;
  t1: number;
}
export interface Point {
  i: number;
  x: number;
  y: number;
  type: string;
  ad: boolean;
  codes: string[];
}
export interface TimelineGeometry {
  width: number;
  height: number;
  plot: { x0: number; x1: number; y0: number; y1: number };
  tickRow: { y0: number; y1: number };
  tMax: number;
  phMax: number;
  line: string;
  bands: Band[];
  ticks: { x: number; ad: boolean; i: number }[];
  points: Point[];
  violations: { x: number; i: number; codes: string[] }[];
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  counts: { pings: number; ads: number; pauses: number; violations: number };
}

const HB_PINGS = new Set(['play', 'pause', 'buffer', 'stall']);

function niceStep(span: number, target: number): number {
  const raw = span / target;
  for (const s of [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400])
    if (s >= raw) return s;
  return Math.ceil(raw / 86400) * 86400;
}

export function fmtSeconds(s: number): string {
  if (s < 60) return `${Math.round(s * 10) / 10} s`;
  const m = Math.floor(s / 60);
  const sec = Math.round(s % 60);
  if (m < 60) return sec ? `${m}m${String(sec).padStart(2, '0')}` : `${m}m`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}`;
}

export function isPing(protocol: string, type: string): boolean {
  return protocol === 'heartbeat' ? HB_PINGS.has(type) : type === 'ping';
}

export function timelineGeometry(t: SiteTimeline, width = 960, height = 300): TimelineGeometry {
  const plot = { x0: 56, x1: width - 16, y0: 16, y1: height - 74 };
  const tickRow = { y0: height - 62, y1: height - 46 };
  const events = t.events;
  const tMax = Math.max(1, ...events.map((e) => e.t_s));
  const isAd = (e: (typeof events)[number]) => e.asset_type === 'ad';
  const mainPh = events.filter((e) => !isAd(e) && e.playhead_s !== null).map((e) => e.playhead_s!);
  const phMax = Math.max(1, ...mainPh);
  const X = (s: number) => plot.x0 + (Math.max(0, s) / tMax) * (plot.x1 - plot.x0);
  const Y = (ph: number) => plot.y1 - (Math.max(0, ph) / phMax) * (plot.y1 - plot.y0);
  const r1 = (n: number) => Math.round(n * 10) / 10;

  // bands: ad breaks (adBreakStart…adBreakComplete; else runs of ad-asset events), pause / buffering
  const bands: Band[] = [];
  const band = (kind: Band['kind'], t0: number, t1: number) =>
    bands.push({ kind, t0, t1, x: r1(X(t0)), w: r1(Math.max(2, X(t1) - X(t0))) });
  const hasBreaks = events.some((e) => e.type === 'adBreakStart');
  let open: number | null = null;
  let state: { kind: 'pause' | 'buffer'; t0: number } | null = null;
  events.forEach((e, idx) => {
    if (hasBreaks) {
      if (e.type === 'adBreakStart' && open === null) open = e.t_s;
      else if (e.type === 'adBreakComplete' && open !== null) {
        band('ad', open, e.t_s);
        open = null;
      }
    } else if (isAd(e) && open === null) open = e.t_s;
    else if (!isAd(e) && open !== null) {
      band('ad', open, events[idx - 1].t_s);
      open = null;
    }
    const kind = e.type === 'pause' ? 'pause' : e.type === 'buffer' || e.type === 'stall' ? 'buffer' : null;
    if (state && e.type !== 'ping' && kind !== state.kind) {
      band(state.kind, state.t0, e.t_s);
      state = null;
    }
    if (kind && !state && !isAd(e)) state = { kind, t0: e.t_s };
  });
  const last = events.length ? events[events.length - 1].t_s : 0;
  if (open !== null) band('ad', open, last);
  if (state) band((state as { kind: 'pause' | 'buffer' }).kind, (state as { t0: number }).t0, last);

  const mainLine = events
    .filter((e) => !isAd(e) && e.playhead_s !== null)
    .map((e) => `${r1(X(e.t_s))},${r1(Y(e.playhead_s!))}`)
    .join(' ');
  const lane = plot.y1 - 6;
  const points: Point[] = events.map((e, i) => ({
    i,
    x: r1(X(e.t_s)),
    y: !isAd(e) && e.playhead_s !== null ? r1(Y(e.playhead_s)) : lane,
    type: e.type,
    ad: isAd(e),
    codes: e.codes,
  }));
  const ticks = events
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => isPing(t.protocol, e.type))
    .map(({ e, i }) => ({ x: r1(X(e.t_s)), ad: isAd(e), i }));
  const violations = events
    .map((e, i) => ({ x: r1(X(e.t_s)), i, codes: e.codes }))
    .filter((v) => v.codes.length > 0);
  const xs = niceStep(tMax, 8);
  const xTicks: TimelineGeometry['xTicks'] = [];
  for (let s = 0; s <= tMax + 1e-9; s += xs) xTicks.push({ x: r1(X(s)), label: fmtSeconds(s) });
  const ys = niceStep(phMax, 4);
  const yTicks: TimelineGeometry['yTicks'] = [];
  for (let s = 0; s <= phMax + 1e-9; s += ys) yTicks.push({ y: r1(Y(s)), label: fmtSeconds(s) });
  return {
    width,
    height,
    plot,
    tickRow,
    tMax,
    phMax,
    line: mainLine,
    bands,
    ticks,
    points,
    violations,
    xTicks,
    yTicks,
    counts: {
      pings: ticks.length,
      ads: bands.filter((b) => b.kind === 'ad').length,
      pauses: bands.filter((b) => b.kind !== 'ad').length,
      violations: violations.length,
    },
  };
}
