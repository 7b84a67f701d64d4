import { testCheck } from '../../../testing/index.js';
import { sessionNotClosed } from './check.js';

testCheck(sessionNotClosed, {
  invalid: [
    {
      title: 'Media Edge: no sessionComplete/sessionEnd, the app browses on for a minute',
      protocol: 'media-edge',
      captureUntil: 75000,
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
        { at: 10300, type: 'ping', ph: 10, fires: 'SESSION_NOT_CLOSED' },
      ],
    },
  ],
  valid: [
    {
      title: 'legacy heartbeat: an ad complete is not the close, the main complete is',
      protocol: 'heartbeat',
      captureUntil: 90000,
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 300, type: 'start', asset: 'ad', ph: 0 },
        { at: 5300, type: 'complete', asset: 'ad', ph: 5 },
        { at: 5400, type: 'play', ph: 0 },
        { at: 15400, type: 'complete', ph: 10 },
      ],
    },
  ],
});
