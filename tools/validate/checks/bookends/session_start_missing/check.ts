import { defineCheck } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { isStart, NONE } from '../shared.js';
import { cutBeforePlay } from './fault.js';

export const sessionStartMissing = defineCheck({
  id: 'bookends.session_start_missing',
  family: 'bookends',
  renamedFrom: ['bookends.start_missing'],
  codes: [
    {
      code: 'SESSION_START_MISSING',
      severity: 'error',
      definition:
        "a media session's first event is not its start (`start` main / `sessionStart` / `media.sessionStart`)",
    },
  ],
  protocols: MEDIA,
  params: NONE,
  evidence: { needs: "the session's first event in the capture" },
  fault: {
    where: 'timeline',
    protocols: ['media-collection', 'media-edge'],
    needs: { pause: 'any', noChapters: true },
    inject: cutBeforePlay,
  },
  doc: {
    text: [
      "The session's first event is not its start (heartbeat main `start`, Media Collection `sessionStart`,",
      'Edge `media.sessionStart`; a resumed session may begin with `resume`).',
    ].join('\n'),
    examples: [
      {
        title: 'the capture began mid-session: the first Media Collection event is a play',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'play', ph: 120, fires: 'SESSION_START_MISSING' },
          { at: 10000, type: 'ping', ph: 130 },
        ],
      },
      {
        title: 'a session that opens with its start',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
        ],
      },
    ],
  },
  run(a) {
    const first = a.steps[0];
    if (!first) return { status: 'abstain', reason: 'no media events' };
    return {
      status: 'ran',
      hits: isStart(first)
        ? []
        : [
            {
              code: 'SESSION_START_MISSING',
              event: first.e,
              message: `session begins with ${first.type}, not its start`,
              expected: 'sessionStart',
              observed: first.type,
            },
          ],
    };
  },
});
