import type { TimelineFault } from '../../../../simulate/fault-def.js';
import { isMainPing } from '../../../../simulate/timeline-edit.js';

/** The first content ping comes 0.2–3 s after play (expected ~10 s; Roku allows ≥ 1 s). */
export const earlyFirstPing: TimelineFault = (tl, rng, ctx) => {
  const ev = tl.events;
  const p = ev.findIndex((e) => e.kind === 'play' && !e.ad && !e.inBreak);
  if (p < 0) return null;
  let q = p + 1;
  while (q < ev.length && ev[q].kind === 'chapterStart') q++;
  if (!isMainPing(ev[q])) return null;
  const play = ev[p];
  if (ctx.roku && ev[q].ts - play.ts < 5000) {
    const d = rng.int(200, 800);
    const e = ev[q];
    e.ts = e.sendAt = play.ts + d;
    e.ph = play.ph + d / 1000;
    return { note: `first content ping ${d} ms after play (Roku allows ≥ 1 s)`, at: [e] };
  }
  const d = ctx.roku ? rng.int(200, 800) : rng.int(1000, 3000);
  const ts = play.ts + d;
  const early = { ...ev[q], ts, sendAt: ts, ph: play.ph + d / 1000 };
  ev.splice(q, 0, early);
  return { note: `first content ping ${(d / 1000).toFixed(2)} s after play (expected ~10 s)`, at: [early] };
};
