import type { LabelingFunction } from '../tools/label/api.js';

/**
 * Design §24.1, adapted to the simulated Roku SDKs: Roku media SDKs send the first content ping
 * about 1.5 s after play (scoped exception), but never sooner than 1 s. Other platforms: ABSTAIN.
 */
export const lfRokuFirstPing: LabelingFunction = {
  name: 'lf_roku_first_ping',
  family: 'cadence',
  source: 'hand',
  codes: ['CADENCE_EARLY_FIRST_PING'],
  fn(s) {
    if (s.platform !== 'roku' || s.kind !== 'media') return 'ABSTAIN';
    const first = s.firstContentPingDeltaS();
    if (first === null) return 'ABSTAIN';
    return first >= 1.0 ? 'PASS' : 'VIOLATION:CADENCE_EARLY_FIRST_PING';
  },
};
