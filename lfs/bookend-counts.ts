import type { LabelingFunction } from '../tools/label/api.js';

/**
 * Bookend counting (order-free): exactly one session start; every adStart closed by adComplete or
 * adSkip; every ad break closed. Counting ignores order and cut-off captures, so it is noisier than
 * the state-machine specs — which is what a second opinion should be.
 */
export const lfBookendCounts: LabelingFunction = {
  name: 'lf_bookend_counts',
  family: 'bookends',
  source: 'hand',
  codes: ['SESSION_START_MISSING', 'SESSION_START_DUPLICATE', 'AD_NOT_CLOSED', 'ADBREAK_NOT_CLOSED'],
  fn(s) {
    if (s.kind !== 'media') return 'ABSTAIN';
    const starts = s.count('sessionStart');
    if (starts === 0) return 'VIOLATION:SESSION_START_MISSING';
    if (starts > 1 && s.count('resume') === 0) return 'VIOLATION:SESSION_START_DUPLICATE';
    if (s.count('adStart') > s.count('adComplete') + s.count('adSkip')) return 'VIOLATION:AD_NOT_CLOSED';
    if (s.count('adBreakStart') > s.count('adBreakComplete')) return 'VIOLATION:ADBREAK_NOT_CLOSED';
    return 'PASS';
  },
};
