import { testCheck } from '../../../testing/index.js';
import { adOutsideBreak } from './check.js';

testCheck(adOutsideBreak, {
  abstain: [
    {
      title: 'no ads at all',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
      ],
      abstains: 'no ads',
    },
  ],
});
