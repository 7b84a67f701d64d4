import type { ChapterInfo } from '../../../../simulate/timeline.js';
import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** chapterComplete sent on close although no chapter was started. */
export const closeUnopenedChapter: TimelineFault = (tl, rng) => {
  const ev = tl.events;
  const i = ev.findIndex((e) => e.kind === 'sessionComplete' || e.kind === 'sessionEnd');
  if (i < 1 || ev.some((e) => e.kind === 'chapterStart')) return null;
  const prev = ev[i - 1];
  const ts = ev[i].ts - Math.max(1, Math.min(40, Math.floor((ev[i].ts - prev.ts) / 2)));
  const fake: ChapterInfo = { index: 1, offset: 0, lengthS: tl.lengthS, name: 'Act 1', sid: rng.digits(19) };
  const close = { ...ev[i], kind: 'chapterComplete' as const, ts, sendAt: ts, chapter: fake };
  ev.splice(i, 0, close);
  return { note: 'chapterComplete sent on close although no chapter was started', at: [close] };
};
