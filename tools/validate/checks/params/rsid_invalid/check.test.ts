import { testCheck } from '../../../testing/index.js';
import { rsidInvalid } from './check.js';

testCheck(rsidInvalid, {
  invalid: [
    {
      title: 'legacy heartbeat: a display name with a space as s:sc:rsid',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 0, params: { 's:sc:rsid': 'Acme Prod' }, fires: 'RSID_INVALID' },
        { at: 400, type: 'play', ph: 0, params: { 's:sc:rsid': 'Acme Prod' } },
      ],
    },
  ],
});
