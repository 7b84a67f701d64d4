// Small helpers over one session's event list (media events plus the session's Analytics media calls).

import type { Ev, Protocol } from './model.js';

export function isMediaEvent(ev: Ev): boolean {
  return ev.type !== 'hb:settings' && !ev.type.startsWith('aa:');
}

/** Main-content periodic ping while playing: heartbeat `play` ticks, MC/Edge `ping` in the playing state. */
export function isMainPlayTick(protocol: Protocol, ev: Ev): boolean {
  if (!ev.tick || ev.asset !== 'main') return false;
  return protocol === 'heartbeat' ? ev.type === 'play' : ev.type === 'ping' && ev.state === 'playing';
}

export function isAdTick(protocol: Protocol, ev: Ev): boolean {
  if (!ev.tick || ev.asset !== 'ad') return false;
  return protocol === 'heartbeat' ? ev.type === 'play' : ev.type === 'ping' && ev.state === 'playing';
}

/**
 * Runs of ticks that follow each other with no other media event in between, as lists of indices into
 * `evs`. `same` decides whether two neighbouring ticks belong to one run.
 */
export function tickRuns(
  evs: Ev[],
  isTick: (ev: Ev) => boolean,
  same: (a: Ev, b: Ev) => boolean = () => true,
): number[][] {
  const runs: number[][] = [];
  let cur: number[] = [];
  let prevMedia: Ev | undefined;
  evs.forEach((ev, i) => {
    if (!isMediaEvent(ev)) return;
    if (isTick(ev) && cur.length > 0 && prevMedia && isTick(prevMedia) && same(prevMedia, ev)) cur.push(i);
    else if (isTick(ev)) {
      if (cur.length > 0) runs.push(cur);
      cur = [i];
    } else if (cur.length > 0) {
      runs.push(cur);
      cur = [];
    }
    prevMedia = ev;
  });
  if (cur.length > 0) runs.push(cur);
  return runs;
}

export function longestRun(runs: number[][]): number[] {
  return runs.reduce((best, r) => (r.length > best.length ? r : best), [] as number[]);
}

/** Insert keeping the list ordered by send time. */
export function insertEvent(evs: Ev[], ev: Ev): number {
  const at = ev.sendT ?? ev.t;
  let i = evs.length;
  while (i > 0 && (evs[i - 1].sendT ?? evs[i - 1].t) > at) i--;
  evs.splice(i, 0, ev);
  return i;
}

/** Everything from index `from` on happens `ms` later. */
export function shiftFrom(evs: Ev[], from: number, ms: number): void {
  for (let i = from; i < evs.length; i++) {
    evs[i].t += ms;
    if (evs[i].sendT !== undefined) evs[i].sendT = (evs[i].sendT as number) + ms;
  }
}

export function findIndex(evs: Ev[], pred: (ev: Ev, i: number) => boolean, from = 0): number {
  for (let i = from; i < evs.length; i++) if (pred(evs[i], i)) return i;
  return -1;
}

export function lastMediaIndex(evs: Ev[]): number {
  for (let i = evs.length - 1; i >= 0; i--) if (isMediaEvent(evs[i])) return i;
  return -1;
}

export function mark(ev: Ev, ...codes: string[]): void {
  for (const c of codes) if (!ev.marks.includes(c)) ev.marks.push(c);
}

export function cloneEv(ev: Ev, changes: Partial<Ev>): Ev {
  return { ...ev, marks: [], set: ev.set ? { ...ev.set } : undefined, ...changes };
}

export function must<T>(value: T | undefined | null | -1, what: string): T {
  if (value === undefined || value === null || value === -1)
    throw new Error(`cross-check generator: ${what}`);
  return value as T;
}
