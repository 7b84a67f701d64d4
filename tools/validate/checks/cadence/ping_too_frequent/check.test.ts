import { testCheck } from '../../../testing/index.js';
import { pingTooFrequent } from './check.js';

testCheck(pingTooFrequent, {
  invalid: [
    {
      title: 'legacy heartbeat ad pings 300 ms apart in a 1 s ad-ping scope',
      protocol: 'heartbeat',
      params: { ad_interval_s: 1 },
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 300, type: 'start', asset: 'ad', ph: 0 },
        { at: 1300, type: 'play', asset: 'ad', ph: 1 },
        { at: 1600, type: 'play', asset: 'ad', ph: 1, fires: 'CADENCE_PING_TOO_FREQUENT' },
        { at: 2600, type: 'play', asset: 'ad', ph: 2 },
        { at: 3600, type: 'play', asset: 'ad', ph: 3 },
      ],
    },
  ],
  valid: [
    {
      title: 'a pause ping right after a play ping is a state change, not a double ping',
      protocol: 'media-edge',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
        { at: 10300, type: 'ping', ph: 10 },
        { at: 11000, type: 'pauseStart', ph: 10 },
        { at: 21000, type: 'ping', ph: 10 },
      ],
    },
  ],
});
