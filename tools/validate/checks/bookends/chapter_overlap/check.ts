import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { isStart, NONE } from '../shared.js';
import { dropChapterComplete } from './fault.js';

export const chapterOverlap = defineCheck({
  id: 'bookends.chapter_overlap',
  family: 'bookends',
  codes: [
    { code: 'CHAPTER_OVERLAP', severity: 'error', definition: 'a chapter starts while another is open' },
  ],
  protocols: MEDIA,
  params: NONE,
  evidence: { needs: 'the chapter starts and completes of the session' },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { chapterBoundary: true, vod: true, noSeek: true },
    inject: dropChapterComplete,
  },
  doc: {
    text: '`chapterStart` while another chapter is open (no `chapterComplete`/`chapterSkip` in between). ABSTAIN on sessions without chapters.',
    examples: [
      {
        title: 'chapter 1 never completes before chapter 2 starts',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 500, type: 'chapter_start', ph: 0 },
          { at: 30500, type: 'chapter_start', ph: 30, fires: 'CHAPTER_OVERLAP' },
        ],
      },
      {
        title: 'chapters back to back',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'chapterStart', ph: 0 },
          { at: 30300, type: 'chapterComplete', ph: 30 },
          { at: 30400, type: 'chapterStart', ph: 30 },
        ],
      },
    ],
  },
  run(a) {
    let open = false;
    let saw = false;
    const hits: Hit[] = [];
    for (const s of a.steps) {
      if (s.type === 'chapterStart') {
        saw = true;
        if (open)
          hits.push({
            code: 'CHAPTER_OVERLAP',
            event: s.e,
            message: 'a chapter starts while another is still open',
            expected: 'chapterComplete/chapterSkip first',
            observed: 'chapterStart',
          });
        open = true;
      } else if (s.type === 'chapterComplete' || s.type === 'chapterSkip') open = false;
      else if (isStart(s)) open = false;
    }
    return saw ? { status: 'ran', hits } : { status: 'abstain', reason: 'no chapters' };
  },
});
