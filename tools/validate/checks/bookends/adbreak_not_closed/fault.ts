import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** The postroll's adBreakComplete is missing before sessionComplete. */
export const dropPostrollBreakComplete: TimelineFault = (tl) => {
  const ev = tl.events;
  const i = ev.findIndex((e) => e.kind === 'adBreakComplete' && e.pod?.name === 'postroll');
  if (i < 0) return null;
  const pod = ev[i].pod;
  ev.splice(i, 1);
  const start = ev.slice(0, i).findLast((e) => e.kind === 'adBreakStart' && e.pod === pod);
  return { note: 'postroll adBreakComplete missing before sessionComplete', at: start ? [start] : [] };
};
