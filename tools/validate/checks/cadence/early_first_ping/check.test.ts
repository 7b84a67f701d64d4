import { testCheck } from '../../../testing/index.js';
import { earlyFirstPing } from './check.js';

testCheck(earlyFirstPing, {
  invalid: [
    {
      title: 'legacy heartbeat: a same-state play heartbeat 200 ms after play in the 0.25 s scope',
      protocol: 'heartbeat',
      params: { first_ping_min_s: 0.25 },
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 400, type: 'play', ph: 0 },
        { at: 600, type: 'play', ph: 0, fires: 'CADENCE_EARLY_FIRST_PING' },
        { at: 10600, type: 'play', ph: 10 },
      ],
    },
  ],
  valid: [
    {
      title: 'legacy heartbeat: the first tick comes 6 s after play (the timer is not aligned to play)',
      protocol: 'heartbeat',
      params: { first_ping_min_s: 0.25 },
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 400, type: 'play', ph: 0 },
        { at: 6400, type: 'play', ph: 6 },
        { at: 16400, type: 'play', ph: 16 },
      ],
    },
  ],
  abstain: [
    {
      title: 'legacy heartbeat: the first heartbeat after play is a flush before a pause',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 400, type: 'play', ph: 0 },
        { at: 2400, type: 'play', ph: 2 },
        { at: 2600, type: 'pause', ph: 2 },
      ],
      abstains: 'flush',
    },
  ],
});
