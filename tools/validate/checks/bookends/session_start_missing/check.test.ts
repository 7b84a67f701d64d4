import { testCheck } from '../../../testing/index.js';
import { sessionStartMissing } from './check.js';

testCheck(sessionStartMissing, {
  invalid: [
    {
      title: 'Media Edge: the first event of the session is a ping',
      protocol: 'media-edge',
      events: [
        { at: 0, type: 'ping', ph: 40, fires: 'SESSION_START_MISSING' },
        { at: 10000, type: 'ping', ph: 50 },
      ],
    },
  ],
  valid: [
    {
      title: 'a resumed heartbeat session opens with resume',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'resume', ph: 300 },
        { at: 400, type: 'play', ph: 300 },
      ],
    },
  ],
});
