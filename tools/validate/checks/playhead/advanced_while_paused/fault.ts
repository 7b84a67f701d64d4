import type { TimelineFault } from '../../../../simulate/fault-def.js';
import { shiftPh } from '../../../../simulate/timeline-edit.js';

/** The playhead keeps advancing through a pause (pause pings report the currentTime of a muted preview). */
export const advanceDuringPause: TimelineFault = (tl) => {
  const ev = tl.events;
  const live = tl.content === 'live';
  for (let p = 0; p < ev.length; p++) {
    if (ev[p].kind !== 'pauseStart' || ev[p].ad || ev[p].inBreak) continue;
    let r = p + 1;
    while (r < ev.length && ev[r].kind === 'ping') r++;
    if (r - p - 1 < 2 || ev[r]?.kind !== 'play') continue;
    const t0 = ev[p].ts;
    for (let j = p + 1; j < r; j++) ev[j].ph = ev[p].ph + (ev[j].ts - t0) / 1000;
    const adv = (ev[r].ts - t0) / 1000;
    for (let j = r; j < ev.length; j++) shiftPh(ev[j], adv, live);
    if (!live && ev.some((e) => e.ph > tl.lengthS)) return null;
    return {
      note: `playhead keeps advancing during a ${adv.toFixed(0)} s pause (pause pings report currentTime of a muted preview)`,
      at: [ev[p + 1]],
    };
  }
  return null;
};
