import { testCheck } from '../../../testing/index.js';
import { contentPingGap } from './check.js';

testCheck(contentPingGap, {
  invalid: [
    {
      title: 'Media Collection: 31 s from a ping to the next main event',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
        { at: 10300, type: 'ping', ph: 10 },
        { at: 41300, type: 'ping', ph: 41, fires: 'CADENCE_CONTENT_PING_GAP' },
      ],
    },
  ],
  valid: [
    {
      title: 'pings stop after the session completed',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
        { at: 10300, type: 'ping', ph: 10 },
        { at: 12000, type: 'sessionComplete', ph: 12 },
        { at: 60000, type: 'sessionEnd', ph: 12 },
      ],
    },
    {
      title: 'a 40 min pause: SDKs suspend pings when idle',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 400, type: 'play', ph: 0 },
        { at: 10400, type: 'pause', ph: 10 },
        { at: 2_410_400, type: 'play', ph: 10 },
      ],
    },
  ],
});
