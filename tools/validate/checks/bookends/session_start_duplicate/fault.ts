import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** The main start is sent twice with the same sid (the player initialised the tracker twice). */
export const startTwice: TimelineFault = (tl) => {
  const ev = tl.events;
  const s = ev[0];
  const next = ev[1];
  if (s?.kind !== 'sessionStart' || !next) return null;
  const ts = s.ts + Math.floor((next.ts - s.ts) * 0.7);
  const dup = { ...s, ts, sendAt: ts, duplicate: true };
  ev.splice(1, 0, dup);
  return {
    note: `main start sent twice ${ts - s.ts} ms apart with the same sid (player initialised the tracker twice)`,
    at: [dup],
  };
};
