import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** The beacon timestamps of a close and the event after it are swapped (queue flushed out of order). */
export const swapCloseTimestamps: TimelineFault = (tl) => {
  const ev = tl.events;
  for (let i = ev.length - 2; i >= 0; i--) {
    const a = ev[i];
    const b = ev[i + 1];
    if (
      b.ts - a.ts < 50 &&
      b.ts > a.ts &&
      ['sessionComplete', 'adComplete', 'chapterComplete'].includes(a.kind)
    ) {
      const ta = a.ts;
      a.ts = b.ts;
      b.ts = ta;
      return {
        note: `beacon timestamps of ${a.kind}/${b.kind} swapped (queue flushed out of order)`,
        at: [b],
      };
    }
  }
  return null;
};
