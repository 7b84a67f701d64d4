import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** The preroll's adStart/adComplete are sent without adBreakStart/adBreakComplete. */
export const prerollWithoutBreak: TimelineFault = (tl) => {
  const ev = tl.events;
  const s = ev.findIndex((e) => e.kind === 'adBreakStart' && e.pod?.name === 'preroll');
  if (s < 0) return null;
  const c = ev.findIndex((e, i) => i > s && e.kind === 'adBreakComplete');
  if (c < 0) return null;
  ev.splice(c, 1);
  ev.splice(s, 1);
  const ads = ev.filter((e) => e.kind === 'adStart' && e.pod?.name === 'preroll');
  for (const e of ev)
    if (e.pod?.name === 'preroll') {
      e.inBreak = false;
      e.pod = null;
    }
  return { note: 'preroll adStart/adComplete sent without adBreakStart/adBreakComplete', at: ads };
};
