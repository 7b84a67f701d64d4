import type { TimelineFault } from '../../../../simulate/fault-def.js';
import { mainPingRuns } from '../../../../simulate/timeline-edit.js';

/** Drop 1–3 consecutive main pings: the app timer throttled in the background. */
export const dropMainPings: TimelineFault = (tl, rng) => {
  const ev = tl.events;
  for (const k of [3, 2, 1]) {
    const runs = mainPingRuns(ev, k + 2);
    if (!runs.length) continue;
    const k2 = rng.int(1, k);
    const i = rng.pick(runs);
    const gap = (ev[i + k2 + 1].ts - ev[i].ts) / 1000;
    ev.splice(i + 1, k2);
    return {
      note: `dropped ${k2} consecutive main pings: ${gap.toFixed(1)} s without a content ping (app timer throttled in background)`,
      at: [ev[i + 1]],
    };
  }
  return null;
};
