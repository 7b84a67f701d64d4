import { testCheck } from '../../../testing/index.js';
import { eventAfterClose } from './check.js';

testCheck(eventAfterClose, {
  invalid: [
    {
      title: 'legacy heartbeat: a play heartbeat after the main complete',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 400, type: 'play', ph: 0 },
        { at: 10400, type: 'complete', ph: 10 },
        { at: 20400, type: 'play', ph: 10, fires: 'EVENT_AFTER_CLOSE' },
      ],
    },
  ],
  valid: [
    {
      title: 'legacy heartbeat: an ad complete does not close the session',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 300, type: 'start', asset: 'ad', ph: 0 },
        { at: 5300, type: 'complete', asset: 'ad', ph: 5 },
        { at: 5400, type: 'play', ph: 0 },
      ],
    },
  ],
});
