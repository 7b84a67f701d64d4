import { testCheck } from '../../../testing/index.js';
import { adNotClosed } from './check.js';

testCheck(adNotClosed, {
  invalid: [
    {
      title: 'legacy heartbeat: main heartbeats resume while the ad is still open',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 300, type: 'start', asset: 'ad', ph: 0 },
        { at: 1300, type: 'play', asset: 'ad', ph: 1 },
        { at: 6300, type: 'play', ph: 0, fires: 'AD_NOT_CLOSED' },
      ],
    },
  ],
  valid: [
    {
      title: 'the capture stops inside the ad: the end of the session is unknown',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'adBreakStart', ph: 0 },
        { at: 400, type: 'adStart', ph: 0 },
        { at: 10400, type: 'ping', ph: 0 },
      ],
    },
  ],
});
