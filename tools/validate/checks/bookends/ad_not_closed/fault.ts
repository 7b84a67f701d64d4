import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** The last ad of a break never completes before the break ends. */
export const dropAdComplete: TimelineFault = (tl, rng, ctx) => {
  const ev = tl.events;
  const idx: number[] = [];
  for (let i = 0; i + 1 < ev.length; i++)
    if ((ev[i].kind === 'adComplete' || ev[i].kind === 'adSkip') && ev[i + 1].kind === 'adBreakComplete')
      idx.push(i);
  if (!idx.length) return null;
  const i = rng.pick(idx);
  const ad = ev[i].ad;
  ev.splice(i, 1);
  // The finding belongs at the event that reveals the open ad: the adBreakComplete (MC/Edge; now at i),
  // or on legacy heartbeat (no break events, only reports) the first main report or the close after it.
  const reveal =
    ctx.protocol === 'heartbeat'
      ? ev
          .slice(i)
          .find(
            (e) =>
              (e.kind === 'ping' && !e.ad && !e.inBreak) ||
              ['pauseStart', 'bufferStart', 'sessionComplete', 'sessionEnd'].includes(e.kind),
          )
      : ev[i];
  return { note: `ad ${ad?.id} never completed before the break ended`, at: reveal ? [reveal] : [] };
};
