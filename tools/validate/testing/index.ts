/** Test helpers for the validator: HAR builders (tools/validate/example-har.ts) and the example runner. */
export {
  BASE,
  ECID,
  SID,
  MC_SID,
  EDGE_SID,
  ORG,
  MC_START_PARAMS,
  entry,
  hb,
  hbStart,
  aaMediaStart,
  pageView,
  mc,
  edgeMedia,
  edgePageView,
  malformed,
  harDoc,
  type RawEntry,
} from '../example-har.js';
export { testCheck, runExample, type CheckCases } from './examples.js';
