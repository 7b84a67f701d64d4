import { testCheck } from '../../../testing/index.js';
import { outOfRange } from './check.js';

testCheck(outOfRange, {
  invalid: [
    {
      title: 'a live playhead sent as epoch seconds',
      protocol: 'media-edge',
      events: [
        {
          at: 0,
          type: 'sessionStart',
          ph: 1_710_406_800,
          params: { 'sessionDetails.contentType': 'live' },
          fires: 'PLAYHEAD_OUT_OF_RANGE',
        },
        { at: 300, type: 'play', ph: 1_710_406_800, fires: 'PLAYHEAD_OUT_OF_RANGE' },
      ],
    },
    {
      title: 'a negative VOD playhead',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: -3, fires: 'PLAYHEAD_OUT_OF_RANGE' },
      ],
    },
  ],
  valid: [
    {
      title: 'the last ping 1.5 s past the declared length (within the 2 s slack)',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 1320, params: { 'media.length': 1330 } },
        { at: 300, type: 'play', ph: 1320 },
        { at: 10300, type: 'ping', ph: 1331.5 },
      ],
    },
  ],
});
