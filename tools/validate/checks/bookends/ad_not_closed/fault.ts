import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** The last ad of a break never completes before the break ends. */
export const dropAdComplete: TimelineFault = (tl, rng) => {
  const ev = tl.events;
  const idx: number[] = [];
  for (let i = 0; i + 1 < ev.length; i++)
    if ((ev[i].kind === 'adComplete' || ev[i].kind === 'adSkip') && ev[i + 1].kind === 'adBreakComplete')
      idx.push(i);
  if (!idx.length) return null;
  const i = rng.pick(idx);
  const ad = ev[i].ad;
  ev.splice(i, 1);
  const start = ev.slice(0, i).findLast((e) => e.kind === 'adStart' && e.ad === ad);
  return { note: `ad ${ad?.id} never completed before the break ended`, at: start ? [start] : [] };
};
