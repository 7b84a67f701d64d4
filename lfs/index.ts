import type { LabelingFunction } from '../tools/label/api.js';
import { lfAdPingInterval } from './ad-ping.js';
import { lfBookendCounts } from './bookend-counts.js';
import { lfPlayheadRate } from './playhead-rate.js';
import { lfRokuFirstPing } from './roku-first-ping.js';

/** Hand-written labeling functions (each with its own test beside it). */
export const HAND_LFS: LabelingFunction[] = [
  lfRokuFirstPing,
  lfAdPingInterval,
  lfPlayheadRate,
  lfBookendCounts,
];
