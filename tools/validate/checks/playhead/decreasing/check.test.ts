import { testCheck } from '../../../testing/index.js';
import { decreasing } from './check.js';

const live = { 's:stream:type': 'live', 'l:asset:length': 86400 };

testCheck(decreasing, {
  invalid: [
    {
      title: 'Media Edge: a ping reports a playhead 9 s behind the previous one',
      protocol: 'media-edge',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
        { at: 10300, type: 'ping', ph: 10 },
        { at: 20300, type: 'ping', ph: 1, fires: 'PLAYHEAD_DECREASING' },
      ],
    },
  ],
  valid: [
    {
      title: 'a live stream passes midnight: the second-of-day playhead wraps',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 86380, params: live },
        { at: 400, type: 'play', ph: 86380, params: live },
        { at: 10400, type: 'play', ph: 86390, params: live },
        { at: 20400, type: 'play', ph: 0, params: live },
        { at: 30400, type: 'play', ph: 10, params: live },
      ],
    },
    {
      title: 'a drop within the 0.5 s tolerance (rounding)',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
        { at: 10300, type: 'ping', ph: 10.4 },
        { at: 10400, type: 'bitrateChange', ph: 10 },
      ],
    },
  ],
});
