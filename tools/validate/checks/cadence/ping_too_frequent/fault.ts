import type { MEvent } from '../../../../simulate/timeline.js';
import type { TimelineFault } from '../../../../simulate/fault-def.js';
import { mainPingRuns } from '../../../../simulate/timeline-edit.js';

/** Four extra content pings every 2 s between two regular ones: a custom ping timer. */
export const extraPings: TimelineFault = (tl, rng) => {
  const ev = tl.events;
  const runs = mainPingRuns(ev, 2).filter((i) => ev[i + 1].ts - ev[i].ts > 9000);
  if (!runs.length) return null;
  const i = rng.pick(runs);
  const a = ev[i];
  const b = ev[i + 1];
  const extra: MEvent[] = [];
  for (let k = 1; k <= 4; k++) {
    const ts = a.ts + k * 2000 + rng.int(-60, 60);
    extra.push({ ...a, ts, sendAt: ts, ph: a.ph + (ts - a.ts) / 1000 });
  }
  ev.splice(i + 1, 0, ...extra);
  return {
    note: `content pings every 2 s between ${new Date(a.ts).toISOString()} and ${new Date(b.ts).toISOString()} (custom ping timer)`,
    at: [extra[0]],
  };
};
