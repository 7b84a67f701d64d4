import { testCheck } from '../../../testing/index.js';
import { timestampNotAscending } from './check.js';

testCheck(timestampNotAscending, {
  invalid: [
    {
      title: 'legacy heartbeat: two heartbeats with the same l:event:ts',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 0 },
        { at: 400, type: 'play', ph: 0 },
        { at: 450, type: 'pause', ph: 0, beaconAt: 400, fires: 'TIMESTAMP_NOT_ASCENDING' },
      ],
    },
  ],
});
