import { testCheck } from '../../../testing/index.js';
import { illegalTransition } from './check.js';

testCheck(illegalTransition, {
  invalid: [
    {
      title: 'Media Collection: adComplete with no ad open',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
        { at: 5300, type: 'adComplete', ph: 5, fires: 'ILLEGAL_TRANSITION' },
      ],
    },
  ],
});
