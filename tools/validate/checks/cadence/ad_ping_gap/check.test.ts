import { testCheck } from '../../../testing/index.js';
import { adPingGap } from './check.js';

testCheck(adPingGap, {
  invalid: [
    {
      title: 'Media Edge: the first ad ping of a 30 s ad is missing (20 s between ad events)',
      protocol: 'media-edge',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'adBreakStart', ph: 0 },
        { at: 400, type: 'adStart', ph: 0 },
        { at: 20400, type: 'ping', ph: 0, fires: 'CADENCE_AD_PING_GAP' },
        { at: 30300, type: 'adComplete', ph: 0 },
        { at: 30400, type: 'adBreakComplete', ph: 0 },
      ],
    },
  ],
  valid: [
    {
      title: 'the gap between two ads of a pod is not an ad-ping gap',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'adBreakStart', ph: 0 },
        { at: 400, type: 'adStart', ph: 0 },
        { at: 10400, type: 'adComplete', ph: 0 },
        { at: 40400, type: 'adStart', ph: 0 },
        { at: 50400, type: 'adComplete', ph: 0 },
        { at: 50500, type: 'adBreakComplete', ph: 0 },
      ],
    },
  ],
});
