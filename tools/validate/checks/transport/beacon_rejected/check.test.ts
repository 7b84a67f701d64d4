import { testCheck } from '../../../testing/index.js';
import { beaconRejected } from './check.js';

testCheck(beaconRejected, {
  invalid: [
    {
      title: 'a Web SDK page view answered 400',
      protocol: 'edge',
      events: [{ at: 0, type: 'pageView', status: 400, fires: 'BEACON_REJECTED' }],
    },
  ],
});
