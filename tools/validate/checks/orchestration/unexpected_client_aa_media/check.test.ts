import { testCheck } from '../../../testing/index.js';
import { unexpectedClientAaMedia } from './check.js';

testCheck(unexpectedClientAaMedia, {
  valid: [
    {
      title: 'an ms_s hit 20 s before the session started belongs to something else',
      protocol: 'media-edge',
      events: [
        { at: -20000, on: 'aa', type: 'ms_s' },
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
      ],
    },
  ],
});
