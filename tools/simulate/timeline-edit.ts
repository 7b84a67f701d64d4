import type { MEvent } from './timeline.js';

/** Helpers the timeline faults (each check folder's fault.ts) share. */

/** A periodic ping of main content while playing. */
export const isMainPing = (e: MEvent | undefined) =>
  !!e && e.kind === 'ping' && !e.ad && !e.inBreak && e.state === 'playing';

/** Start indexes of runs of at least `minLen` consecutive main pings. */
export function mainPingRuns(ev: MEvent[], minLen: number): number[] {
  const starts: number[] = [];
  for (let i = 0; i + minLen <= ev.length; i++) {
    let ok = true;
    for (let k = 0; k < minLen; k++) if (!isMainPing(ev[i + k])) ok = false;
    if (ok) starts.push(i);
  }
  return starts;
}

/** Move an event's main playhead by `d` s (a live second-of-day playhead wraps). */
export function shiftPh(e: MEvent, d: number, live: boolean) {
  e.ph = live ? (((e.ph + d) % 86400) + 86400) % 86400 : e.ph + d;
}
