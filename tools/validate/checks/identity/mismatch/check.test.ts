import { testCheck } from '../../../testing/index.js';
import { mismatch } from './check.js';

testCheck(mismatch, {
  abstain: [
    {
      title: 'no ECID anywhere in the session',
      protocol: 'heartbeat',
      events: [
        { at: 100, type: 'start', ph: 0, params: { 's:user:mid': null } },
        { at: 400, type: 'play', ph: 0, params: { 's:user:mid': null } },
      ],
      abstains: 'no ECID',
    },
  ],
});
