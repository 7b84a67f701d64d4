import { defineCheck } from '../../../types.js';
import type { Hit, Step } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { NONE } from '../shared.js';
import { closeUnopenedChapter } from './fault.js';

export const illegalTransition = defineCheck({
  id: 'bookends.illegal_transition',
  family: 'bookends',
  codes: [
    {
      code: 'ILLEGAL_TRANSITION',
      severity: 'error',
      definition:
        'any other order the session state machine forbids (e.g. `adComplete` with no open ad, `play` before the start)',
    },
  ],
  protocols: MEDIA,
  params: NONE,
  evidence: { needs: 'the opening events (ad, break, chapter starts) before each close' },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { noChapters: true, closes: true },
    inject: closeUnopenedChapter,
  },
  doc: {
    text: [
      'A close with nothing open: `adComplete`/`adSkip` with no open ad, `adBreakComplete` with no open break,',
      '`chapterComplete`/`chapterSkip` with no open chapter; heartbeat ad heartbeats with no ad started.',
      'Reports at most 5 events.',
    ].join('\n'),
    examples: [
      {
        title: 'a chapterComplete on close although no chapter was started',
        protocol: 'media-edge',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'chapterComplete', ph: 10, fires: 'ILLEGAL_TRANSITION' },
          { at: 10400, type: 'sessionComplete', ph: 10 },
        ],
      },
      {
        title: 'ad heartbeats after the ad start',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 300, type: 'start', asset: 'ad', ph: 0 },
          { at: 1300, type: 'play', asset: 'ad', ph: 1 },
          { at: 2300, type: 'complete', asset: 'ad', ph: 2 },
        ],
      },
    ],
  },
  run(a) {
    const hb = a.session.protocol === 'heartbeat';
    const hits: Hit[] = [];
    let ad = false;
    let brk = false;
    let chapter = false;
    const bad = (s: Step, why: string) =>
      hits.push({ code: 'ILLEGAL_TRANSITION', event: s.e, message: why, observed: s.type });
    for (const s of a.steps) {
      switch (s.type) {
        case 'adStart':
          ad = true;
          break;
        case 'adComplete':
        case 'adSkip':
          if (!ad) bad(s, `${s.type} with no open ad`);
          ad = false;
          break;
        case 'adBreakStart':
          brk = true;
          break;
        case 'adBreakComplete':
          if (!brk) bad(s, 'adBreakComplete with no open ad break');
          brk = false;
          ad = false;
          break;
        case 'chapterStart':
          chapter = true;
          break;
        case 'chapterComplete':
        case 'chapterSkip':
          if (!chapter) bad(s, `${s.type} with no open chapter`);
          chapter = false;
          break;
        default:
          if (hb && s.isPing && s.asset === 'ad' && !ad) bad(s, `ad ${s.type} heartbeat with no ad started`);
          if (hb && s.asset === 'main' && s.isPing) ad = false;
      }
      if (hits.length >= 5) break;
    }
    return { status: 'ran', hits };
  },
});
