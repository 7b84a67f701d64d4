import { testCheck } from '../../../testing/index.js';
import { beaconTruncated } from './check.js';

testCheck(beaconTruncated);
