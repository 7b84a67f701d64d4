import type { MEvent } from '../../../../simulate/timeline.js';
import type { TimelineFault } from '../../../../simulate/fault-def.js';
import { isMainPing, shiftPh } from '../../../../simulate/timeline-edit.js';

/**
 * The video freezes right after a (re)start of playback while the SDK keeps reporting "playing": 4 play
 * pings (30 s) with a frozen playhead, then the player finally signals buffering and resumes.
 */
export const freezePlayhead: TimelineFault = (tl, rng, ctx) => {
  const ev = tl.events;
  const live = tl.content === 'live';
  const cands: number[] = [];
  for (let j = 0; j + 4 < ev.length; j++) {
    const a = ev[j];
    if (a.kind === 'ping' || a.ad || a.inBreak || a.state !== 'playing') continue;
    if ([1, 2, 3, 4].every((k) => isMainPing(ev[j + k])) && ev[j + 5] && ev[j + 5].ts - ev[j + 4].ts > 4000)
      cands.push(j);
  }
  if (!cands.length) return null;
  const j = rng.pick(cands);
  const base = ev[j].ph;
  for (let k = 1; k <= 4; k++) ev[j + k].ph = base + 0.04 * k;
  const p4 = ev[j + 4];
  const frozen = p4.ph;
  const bts = p4.ts + rng.int(300, 800);
  const pts = bts + rng.int(1500, 3000);
  const buf: MEvent = { ...p4, kind: 'bufferStart', ts: bts, sendAt: bts, state: 'buffering' };
  const play: MEvent = { ...p4, kind: 'play', ts: pts, sendAt: pts, state: 'playing' };
  const next = ev[j + 5];
  const delta = frozen + (next.ts - pts) / 1000 - next.ph;
  for (let m = j + 5; m < ev.length; m++) shiftPh(ev[m], delta, live);
  ev.splice(j + 5, 0, buf, play);
  // Legacy heartbeat re-sends the play state (a flush) just before the buffer heartbeat.
  if (ctx.protocol === 'heartbeat') buf.markFlush = true;
  // The stall shows on the ping that completes the first window of 3 play pings over ≥ 20 s (j+1…j+3).
  return {
    note: `playhead frozen at ${base.toFixed(1)} s over 4 play pings (30 s) while the player reports playing, then buffering; the first 3-ping window over 20 s completes here`,
    at: [ev[j + 3]],
  };
};
