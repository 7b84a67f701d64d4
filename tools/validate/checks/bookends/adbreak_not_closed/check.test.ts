import { testCheck } from '../../../testing/index.js';
import { adBreakNotClosed } from './check.js';

testCheck(adBreakNotClosed, {
  invalid: [
    {
      title: 'main content resumes (playhead moves 10 s) inside an open break',
      protocol: 'media-edge',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'adBreakStart', ph: 0, fires: 'ADBREAK_NOT_CLOSED' },
        { at: 400, type: 'adStart', ph: 0 },
        { at: 10400, type: 'adComplete', ph: 0 },
        { at: 10500, type: 'play', ph: 0 },
        { at: 20500, type: 'ping', ph: 10 },
      ],
    },
  ],
});
