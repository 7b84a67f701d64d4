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
      title:
        'legacy heartbeat: an ad complete re-sent 1.6 s after the ad closed is not an ad ping (cross-check android/heartbeat/0021)',
      protocol: 'heartbeat',
      params: { ad_interval_s: 1 },
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 300, type: 'start', asset: 'ad', ph: 0 },
        { at: 1300, type: 'play', asset: 'ad', ph: 1 },
        { at: 2300, type: 'play', asset: 'ad', ph: 2 },
        { at: 2400, type: 'complete', asset: 'ad', ph: 2 },
        { at: 4000, type: 'complete', asset: 'ad', ph: 2, note: 'ILLEGAL_TRANSITION territory, not a gap' },
        { at: 7000, type: 'play', ph: 3 },
      ],
    },
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
