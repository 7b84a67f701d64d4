/**
 * Measurements the deterministic proposer and the necessity judge read off real sessions, with the same
 * step semantics the validator's checks use (tools/validate/checks/cadence.ts): ad-ping gaps, main-content
 * ping gaps, the delay of the first main-content ping, parameter presence per event type.
 */
import { annotate } from '../validate/annotate.js';
import { matchScope } from '../validate/scope.js';
import type { Scope } from '../spec/schema.js';
import type { Session } from '../session/index.js';
import type { Step } from '../validate/types.js';

const IDLE_MS = 30 * 60 * 1000;
const OPEN = (s: Step) => s.stateBefore !== 'closed' && s.stateBefore !== 'complete';

/** Gaps (s) between consecutive ad pings inside each ad (heartbeat ad heartbeats; MC/Edge events in an ad). */
export function adPingGaps(session: Session): number[] {
  const a = annotate(session);
  const hb = session.protocol === 'heartbeat';
  const out: number[] = [];
  let prev: Step | null = null;
  for (const s of a.steps) {
    const inAdTime = hb ? s.asset === 'ad' && s.type !== 'adStart' : s.inAd;
    if (s.type === 'adStart') {
      prev = s;
      continue;
    }
    if (!inAdTime) {
      prev = null;
      continue;
    }
    if (hb && !(s.isPing || s.type === 'adComplete' || s.type === 'adSkip')) continue;
    // Closing events end an ad early (a short last ad slice); only ping→ping gaps measure the interval.
    if (prev && s.type !== 'adComplete' && s.type !== 'adSkip') {
      const d = s.t - prev.t;
      if (d < IDLE_MS) out.push(d / 1000);
    }
    prev = s;
  }
  return out;
}

/** Gaps (s) between consecutive periodic main-content pings (periodic pings only: no state changes). */
export function contentPingGaps(session: Session): number[] {
  const a = annotate(session);
  const hb = session.protocol === 'heartbeat';
  const out: number[] = [];
  let prev: Step | null = null;
  for (const s of a.steps) {
    const isMainPing = hb
      ? s.isPing && s.asset === 'main' && s.type === 'play'
      : s.type === 'ping' && !s.inAd && !s.inBreak;
    const resets = hb ? s.asset === 'ad' : s.inBreak || s.inAd || (s.type !== 'ping' && s.type !== 'play');
    if (!OPEN(s) || resets || !isMainPing) {
      prev = isMainPing ? s : null;
      continue;
    }
    if (prev) {
      const d = s.t - prev.t;
      if (d < IDLE_MS) out.push(d / 1000);
    }
    prev = s;
  }
  return out;
}

/** Delay (s) of the first main-content ping after the first main play (null when the check would abstain). */
export function firstPingDelay(session: Session): number | null {
  const steps = annotate(session).steps;
  const hb = session.protocol === 'heartbeat';
  const first = steps.findIndex((s) => s.type === 'play' && s.asset === 'main' && !s.inAd && !s.inBreak);
  if (first < 0) return null;
  for (let i = first + 1; i < steps.length; i++) {
    const s = steps[i];
    if (s.inBreak || s.inAd || s.asset === 'ad' || s.type === 'adBreakStart' || s.type === 'adStart')
      return null;
    if (hb && s.isPing && s.type !== 'play') return null;
    const isFirst = hb ? s.type === 'play' && s.asset === 'main' : s.type === 'ping';
    if (isFirst) return (s.t - steps[first].t) / 1000;
  }
  return null;
}

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs: number[], q: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))];
}

/**
 * Share of samples within ±tol (relative) of the median: a legitimate, configured interval is
 * regular; a broken build (pings that stop, random drops) is not.
 */
export function regularity(xs: number[], tol = 0.2): number {
  const m = median(xs);
  if (m === null || m === 0) return 0;
  return xs.filter((x) => Math.abs(x - m) <= tol * m).length / xs.length;
}

/** Round a measured interval to the value an SDK would be configured with. */
export function roundInterval(x: number): number {
  if (x < 2) return Math.max(1, Math.round(x));
  if (x < 15) return Math.round(x);
  return Math.round(x / 5) * 5;
}

export function sessionsInScope(sessions: Session[], scope: Scope): Session[] {
  return sessions
    .filter((s) => s.kind === 'media' || scope.protocol?.some((p) => p === s.protocol))
    .filter((s) => matchScope(scope, s).ok);
}

/** Per event type: how many events there are and how many carry the param (non-empty). */
export function paramPresence(
  sessions: Session[],
  param: string,
): { sessions: number; withParam: number; byEvent: Record<string, { events: number; with: number }> } {
  const byEvent: Record<string, { events: number; with: number }> = {};
  let withParam = 0;
  for (const s of sessions) {
    let any = false;
    for (const e of s.events) {
      const t = e.sequence.event_type;
      const b = (byEvent[t] ??= { events: 0, with: 0 });
      b.events++;
      const v = e.params[param];
      if (v !== undefined && v !== null && v !== '') {
        b.with++;
        any = true;
      }
    }
    if (any) withParam++;
  }
  return { sessions: sessions.length, withParam, byEvent };
}
