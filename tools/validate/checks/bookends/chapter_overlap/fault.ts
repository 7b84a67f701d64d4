import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** A chapter never completes before the next chapterStart. */
export const dropChapterComplete: TimelineFault = (tl, rng) => {
  const ev = tl.events;
  const idx: number[] = [];
  for (let i = 0; i + 1 < ev.length; i++) {
    if (ev[i].kind !== 'chapterComplete') continue;
    let j = i + 1;
    while (j < ev.length && ev[j].kind === 'ping') j++;
    if (ev[j]?.kind === 'chapterStart') idx.push(i);
  }
  if (!idx.length) return null;
  const i = rng.pick(idx);
  const ch = ev[i].chapter?.name;
  ev.splice(i, 1);
  const next = ev.slice(i).find((e) => e.kind === 'chapterStart');
  return { note: `chapter "${ch}" never completed before the next chapterStart`, at: next ? [next] : [] };
};
