import { testCheck } from '../../../testing/index.js';
import { stalled } from './check.js';

testCheck(stalled, {
  invalid: [
    {
      title: 'legacy heartbeat: three play heartbeats over 20 s at the same playhead',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 400, type: 'play', ph: 0 },
        { at: 10400, type: 'play', ph: 0 },
        { at: 20400, type: 'play', ph: 0, fires: 'PLAYHEAD_STALLED' },
        { at: 21000, type: 'buffer', ph: 0 },
      ],
    },
  ],
  valid: [
    {
      title: 'a backward jump splits the run: the decrease is not a stall',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 30 },
        { at: 10300, type: 'ping', ph: 40 },
        { at: 20300, type: 'ping', ph: 20 },
        { at: 30300, type: 'ping', ph: 30 },
      ],
    },
  ],
});
