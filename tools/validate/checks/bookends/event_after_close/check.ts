import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { isStart, NONE } from '../shared.js';
import { pingAfterEnd } from './fault.js';

/** MC/Edge events that are playback, ad or chapter events (the fail-code definition's "after complete" list). */
const PLAYBACK = new Set([
  'play',
  'pause',
  'buffer',
  'stall',
  'adBreakStart',
  'adBreakComplete',
  'adStart',
  'adComplete',
  'adSkip',
  'chapterStart',
  'chapterComplete',
  'chapterSkip',
]);

export const eventAfterClose = defineCheck({
  id: 'bookends.event_after_close',
  family: 'bookends',
  codes: [
    {
      code: 'EVENT_AFTER_CLOSE',
      severity: 'error',
      definition:
        'anything but a new start after `end`/`sessionEnd`; any playback, ad or chapter event after main `complete`/`sessionComplete`',
    },
  ],
  protocols: MEDIA,
  params: NONE,
  evidence: { needs: "the session's close and the events after it" },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { closes: true },
    inject: pingAfterEnd,
    captureGoesOn: true,
  },
  doc: {
    text: [
      'Anything but a new start after `end`/`sessionEnd`; any playback, ad or chapter event after main',
      '`complete`/`sessionComplete` (`play`, pause/buffer/stall, ad break, ad and chapter events; every',
      'legacy heartbeat report). After `sessionComplete` a trailing Media Collection / Edge `ping` (the timer',
      'fired once more; the session stays open until it expires) and the closing `sessionEnd` are not',
      'playback: they pass (decision D-2 in specs/README.md). Reports at most 5 events.',
    ].join('\n'),
    examples: [
      {
        title: 'the ping timer was not cancelled: a ping 8 s after sessionEnd',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'sessionEnd', ph: 10 },
          { at: 18300, type: 'ping', ph: 18, fires: 'EVENT_AFTER_CLOSE' },
        ],
      },
      {
        title:
          'a trailing ping after sessionComplete is not playback (cross-check trap ping_after_session_complete)',
        protocol: 'media-edge',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'sessionComplete', ph: 10 },
          { at: 12300, type: 'ping', ph: 10, note: 'the ping timer fired once more: legal' },
        ],
      },
      {
        title: 'play after sessionComplete is playback on a completed session',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'sessionComplete', ph: 10 },
          { at: 12300, type: 'ping', ph: 10 },
          { at: 14300, type: 'play', ph: 10, fires: 'EVENT_AFTER_CLOSE' },
        ],
      },
      {
        title: 'sessionEnd may follow sessionComplete',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'sessionComplete', ph: 10 },
          { at: 10400, type: 'sessionEnd', ph: 10 },
        ],
      },
    ],
  },
  run(a) {
    const hb = a.session.protocol === 'heartbeat';
    const hits: Hit[] = [];
    let ended = false;
    let completed = false;
    for (const s of a.steps) {
      if (ended && !isStart(s))
        hits.push({
          code: 'EVENT_AFTER_CLOSE',
          event: s.e,
          message: `${s.type} after the session ended`,
          expected: 'nothing or a new start',
          observed: s.type,
        });
      else if (completed && !ended && !isStart(s) && (hb ? s.type !== 'sessionEnd' : PLAYBACK.has(s.type)))
        hits.push({
          code: 'EVENT_AFTER_CLOSE',
          event: s.e,
          message: `${s.type} after main content completed`,
          expected: 'sessionEnd',
          observed: s.type,
        });
      if (isStart(s)) ended = completed = false;
      if (s.type === 'sessionEnd') ended = true;
      if (s.type === 'sessionComplete' && s.asset === 'main') completed = true;
      if (hits.length >= 5) break;
    }
    return { status: 'ran', hits };
  },
});
