// The simulator: realistic HAR captures of Adobe media/page telemetry with exact truth.
export { Rng, hashSeed } from '../util/rng.js';
export { buildCapture, BASE_EPOCH_MS, type CaptureResult, type BuildOptions } from './capture.js';
export { faultApplies, faultFor, FAULT_CODES } from './faults.js';
export {
  simulateCorpus,
  randomScenario,
  pickExporter,
  type CorpusOptions,
  type CorpusResult,
} from './corpus.js';
export { toHar, serializeHar, decodeHarBytes, EXPORTER_STYLE } from './exporters.js';
export { LIBRARY_INFO, MEDIA_COMBOS, aaTokenVersion, librariesFor, type LibraryInfo } from './libraries.js';
export { generateTimeline, type MediaTimeline, type MEvent } from './timeline.js';
export {
  TruthRecord,
  TruthSession,
  TruthFault,
  TruthBroken,
  EXPORTERS,
  LIBRARIES,
  PLATFORMS,
  type Scenario,
  type Exporter,
  type Library,
  type Platform,
  type Protocol,
  type MediaProtocol,
  type HarObject,
} from './types.js';
