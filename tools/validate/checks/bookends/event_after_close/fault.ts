import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** A ping fires after sessionEnd (the ping timer was not cancelled). */
export const pingAfterEnd: TimelineFault = (tl, rng) => {
  const ev = tl.events;
  const last = ev[ev.length - 1];
  if (last?.kind !== 'sessionEnd') return null;
  const ts = last.ts + rng.int(7000, 9800);
  const ping = { ...last, kind: 'ping' as const, ts, sendAt: ts, state: 'playing' as const };
  ev.push(ping);
  return { note: 'a ping fires after sessionEnd (ping timer not cancelled)', at: [ping] };
};
