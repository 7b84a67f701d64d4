import { defineCheck } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { NONE } from '../shared.js';
import { startTwice } from './fault.js';

export const sessionStartDuplicate = defineCheck({
  id: 'bookends.session_start_duplicate',
  family: 'bookends',
  renamedFrom: ['bookends.start_duplicate'],
  codes: [
    {
      code: 'SESSION_START_DUPLICATE',
      severity: 'error',
      definition: 'a media session sends its main start more than once',
    },
  ],
  protocols: MEDIA,
  params: NONE,
  evidence: { needs: "the session's main start events" },
  fault: { where: 'timeline', protocols: ['heartbeat'], inject: startTwice },
  doc: {
    text: 'The main start appears more than once in one session (same session id): the tracker was initialised twice.',
    examples: [
      {
        title: 'the player initialised the tracker twice: two main starts with one sid',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 150, type: 'start', ph: 0, fires: 'SESSION_START_DUPLICATE' },
          { at: 400, type: 'play', ph: 0 },
        ],
      },
      {
        title: 'an ad start is not a second main start',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 300, type: 'start', asset: 'ad', ph: 0 },
          { at: 1300, type: 'play', asset: 'ad', ph: 1 },
        ],
      },
    ],
  },
  run(a) {
    const starts = a.steps.filter((s) => s.type === 'sessionStart' && s.asset === 'main');
    return {
      status: 'ran',
      hits: starts.slice(1).map((s) => ({
        code: 'SESSION_START_DUPLICATE',
        event: s.e,
        message: `main start sent ${starts.length} times in one session`,
        expected: '1',
        observed: String(starts.length),
      })),
    };
  },
});
