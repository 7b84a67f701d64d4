import { testCheck } from '../../../testing/index.js';
import { advancedWhilePaused } from './check.js';

testCheck(advancedWhilePaused, {
  invalid: [
    {
      title: 'Media Edge: the main playhead moves 15 s inside an ad break',
      protocol: 'media-edge',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
        { at: 10300, type: 'adBreakStart', ph: 10 },
        { at: 10400, type: 'adStart', ph: 10 },
        { at: 25400, type: 'adComplete', ph: 10 },
        { at: 25500, type: 'adBreakComplete', ph: 25, fires: 'PLAYHEAD_ADVANCED_WHILE_PAUSED' },
      ],
    },
  ],
  valid: [
    {
      title:
        'a break never closed, then main content plays on: ADBREAK_NOT_CLOSED once, no cascade here (cross-check web/media-collection/0128)',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'adBreakStart', ph: 0 },
        { at: 400, type: 'adStart', ph: 0 },
        { at: 10400, type: 'adComplete', ph: 0 },
        { at: 10500, type: 'play', ph: 0, note: 'main content resumes: the break ends implicitly' },
        { at: 11600, type: 'play', ph: 1.1 },
        { at: 21600, type: 'ping', ph: 11.1 },
        { at: 31600, type: 'ping', ph: 21.1 },
      ],
    },
    {
      title: 'legacy heartbeat: a seek while paused moves the playhead on the next play, not between pauses',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 400, type: 'play', ph: 0 },
        { at: 10400, type: 'pause', ph: 10 },
        { at: 20400, type: 'pause', ph: 10 },
        { at: 21000, type: 'play', ph: 95 },
      ],
    },
  ],
});
