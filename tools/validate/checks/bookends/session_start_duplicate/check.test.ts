import { testCheck } from '../../../testing/index.js';
import { sessionStartDuplicate } from './check.js';

testCheck(sessionStartDuplicate, {
  invalid: [
    {
      title: 'Media Edge: a second sessionStart on the same session',
      protocol: 'media-edge',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
        {
          at: 900,
          type: 'sessionStart',
          ph: 0,
          params: { sessionID: 'c0a6f0f0d1b2438e9b4c1f7e5a2d9e3b0c4f6a8d2e1b3c5a7f9e0d2c4b6a8f1e' },
          fires: 'SESSION_START_DUPLICATE',
        },
      ],
    },
  ],
});
