import { testCheck } from '../../../testing/index.js';
import { missingAaStart } from './check.js';

testCheck(missingAaStart, {
  invalid: [
    {
      title: 'the ms_s hit is there but the heartbeat aa_start is missing',
      protocol: 'heartbeat',
      events: [
        { at: 0, on: 'aa', type: 'ms_s' },
        { at: 100, type: 'start', ph: 0, fires: 'ORCH_MISSING_AA_START' },
        { at: 400, type: 'play', ph: 0 },
      ],
    },
    {
      title: 'the only ms_s hit comes 9 s late (outside the 5 s window)',
      protocol: 'heartbeat',
      events: [
        { at: 100, type: 'start', ph: 0, fires: 'ORCH_MISSING_AA_START' },
        { at: 200, type: 'aa_start', ph: 0 },
        { at: 9100, on: 'aa', type: 'ms_s' },
      ],
    },
  ],
});
