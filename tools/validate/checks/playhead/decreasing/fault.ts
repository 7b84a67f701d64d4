import type { TimelineFault } from '../../../../simulate/fault-def.js';
import { isMainPing, shiftPh } from '../../../../simulate/timeline-edit.js';

/** The playhead drops 5–25 s between two play pings with no pause or seek (segment time reported). */
export const dropPlayhead: TimelineFault = (tl, rng) => {
  const ev = tl.events;
  const live = tl.content === 'live';
  const cands: number[] = [];
  let pingCount = 0;
  for (let i = 1; i < ev.length; i++) {
    if (isMainPing(ev[i])) pingCount++;
    if (pingCount >= 2 && isMainPing(ev[i]) && isMainPing(ev[i - 1])) cands.push(i);
  }
  rng.shuffle(cands);
  for (const i of cands) {
    const minAfter = Math.min(...ev.slice(i).map((e) => e.ph));
    const drop = rng.int(5, 25);
    const d = ev[i].ph - ev[i - 1].ph + drop;
    if (!live && minAfter < d + 1) continue;
    if (live && ev.slice(i - 1).some((e) => e.ph > 86000 || e.ph < 400)) continue;
    for (let j = i; j < ev.length; j++) shiftPh(ev[j], -d, live);
    return {
      note: `main playhead drops ${drop} s between two play pings with no pause/seek (player reports segment time)`,
      at: [ev[i]],
    };
  }
  return null;
};
