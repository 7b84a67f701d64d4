import { testCheck } from '../../../testing/index.js';
import { adBreakNotClosed } from './check.js';

testCheck(adBreakNotClosed, {
  invalid: [
    {
      title: 'main content resumes with play inside an open break: one finding, at the play',
      protocol: 'media-edge',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'adBreakStart', ph: 0 },
        { at: 400, type: 'adStart', ph: 0 },
        { at: 10400, type: 'adComplete', ph: 0 },
        { at: 10500, type: 'play', ph: 0, fires: 'ADBREAK_NOT_CLOSED' },
        { at: 20500, type: 'ping', ph: 10 },
        { at: 30500, type: 'ping', ph: 20 },
      ],
    },
    {
      title: 'main content resumes without play: the playhead moving 10 s reveals the open break',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'adBreakStart', ph: 0 },
        { at: 400, type: 'adStart', ph: 0 },
        { at: 10400, type: 'adComplete', ph: 0 },
        { at: 20500, type: 'ping', ph: 10, fires: 'ADBREAK_NOT_CLOSED' },
      ],
    },
  ],
});
