import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** The postroll's adBreakComplete is missing before sessionComplete. */
export const dropPostrollBreakComplete: TimelineFault = (tl) => {
  const ev = tl.events;
  const i = ev.findIndex((e) => e.kind === 'adBreakComplete' && e.pod?.name === 'postroll');
  if (i < 0) return null;
  ev.splice(i, 1);
  // The finding belongs at the event that reveals the open break: the session's close.
  const reveal = ev.slice(i).find((e) => e.kind === 'sessionComplete' || e.kind === 'sessionEnd');
  return { note: 'postroll adBreakComplete missing before sessionComplete', at: reveal ? [reveal] : [] };
};
