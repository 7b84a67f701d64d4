import type { CheckDef } from '../types.js';
import * as bookends from './bookends.js';
import * as cadence from './cadence.js';
import * as identity from './identity.js';
import * as orchestration from './orchestration.js';
import * as params from './params.js';
import * as playhead from './playhead.js';
import * as transport from './transport.js';

/** Every implemented check by id; the spec schema's CHECK_IDS must match these (tested). */
export const CHECKS: ReadonlyMap<string, CheckDef> = new Map(
  [
    cadence.contentPingGap,
    cadence.adPingGap,
    cadence.pingTooFrequent,
    cadence.earlyFirstPing,
    playhead.decreasing,
    playhead.stalled,
    playhead.advancedWhilePaused,
    playhead.outOfRange,
    bookends.startMissing,
    bookends.startDuplicate,
    bookends.notClosed,
    bookends.eventAfterClose,
    bookends.adNotClosed,
    bookends.adBreakNotClosed,
    bookends.adOutsideBreak,
    bookends.chapterOverlap,
    bookends.illegalTransition,
    bookends.timestampAscending,
    orchestration.aaStart,
    orchestration.unexpectedClientAa,
    transport.host,
    transport.truncated,
    transport.rejected,
    transport.duplicate,
    params.rsid,
    params.required,
    params.types,
    params.names,
    identity.ecidPresent,
    identity.ecidConsistent,
  ].map((c) => [c.id, c]),
);
