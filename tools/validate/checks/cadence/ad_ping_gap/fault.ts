import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** Heartbeat: drop 2–4 ad heartbeats of a long ad; MC/Edge: drop the first ad ping of a 30 s ad. */
export const dropAdPings: TimelineFault = (tl, rng, ctx) => {
  const ev = tl.events;
  if (ctx.protocol === 'heartbeat') {
    for (let i = 0; i < ev.length; i++) {
      if (ev[i].kind !== 'ping' || !ev[i].ad) continue;
      let j = i;
      while (j < ev.length && ev[j].kind === 'ping' && ev[j].ad === ev[i].ad) j++;
      if (j - i >= 7) {
        const drop = rng.int(2, 4);
        const at = i + 2;
        const gap = (ev[at + drop].ts - ev[at - 1].ts) / 1000;
        ev.splice(at, drop);
        return {
          note: `dropped ${drop} ad heartbeats: ${gap.toFixed(1)} s between ad pings (1 s expected)`,
          at: [ev[at]],
        };
      }
      i = j;
    }
    return null;
  }
  for (let i = 0; i < ev.length; i++) {
    if (ev[i].kind !== 'adStart' || !ev[i].ad || ev[i].ad!.lengthS < 30) continue;
    const pings: number[] = [];
    for (let j = i + 1; j < ev.length && ev[j].ad === ev[i].ad; j++) if (ev[j].kind === 'ping') pings.push(j);
    if (pings.length >= 2) {
      const gap = (ev[pings[1]].ts - ev[pings[0] - 1].ts) / 1000;
      ev.splice(pings[0], 1);
      return {
        note: `first ad ping of a 30 s ad missing: ${gap.toFixed(1)} s between ad events (10 s expected)`,
        at: [ev[pings[0]]],
      };
    }
  }
  return null;
};
