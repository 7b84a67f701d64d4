// The 30 violation codes and their families (the project-wide fail-code vocabulary). The generator injects
// every one of them; `tests/crosscheck/README.md` holds this generator's reading of each.

export const CODES = {
  CADENCE_CONTENT_PING_GAP: 'cadence',
  CADENCE_AD_PING_GAP: 'cadence',
  CADENCE_PING_TOO_FREQUENT: 'cadence',
  CADENCE_EARLY_FIRST_PING: 'cadence',
  PLAYHEAD_DECREASING: 'playhead',
  PLAYHEAD_STALLED: 'playhead',
  PLAYHEAD_ADVANCED_WHILE_PAUSED: 'playhead',
  PLAYHEAD_OUT_OF_RANGE: 'playhead',
  SESSION_START_MISSING: 'bookends',
  SESSION_START_DUPLICATE: 'bookends',
  SESSION_NOT_CLOSED: 'bookends',
  EVENT_AFTER_CLOSE: 'bookends',
  AD_NOT_CLOSED: 'bookends',
  ADBREAK_NOT_CLOSED: 'bookends',
  AD_OUTSIDE_BREAK: 'bookends',
  CHAPTER_OVERLAP: 'bookends',
  ILLEGAL_TRANSITION: 'bookends',
  TIMESTAMP_NOT_ASCENDING: 'bookends',
  ORCH_MISSING_AA_START: 'orchestration',
  ORCH_UNEXPECTED_CLIENT_AA_MEDIA: 'orchestration',
  HOST_UNEXPECTED: 'transport',
  BEACON_TRUNCATED: 'transport',
  BEACON_REJECTED: 'transport',
  EVENT_DUPLICATE: 'transport',
  RSID_INVALID: 'params',
  PARAM_MISSING_REQUIRED: 'params',
  PARAM_TYPE_MISMATCH: 'params',
  PARAM_NAME_INVALID: 'params',
  IDENTITY_MISSING_ECID: 'identity',
  IDENTITY_MISMATCH: 'identity',
} as const satisfies Record<string, string>;

export type Code = keyof typeof CODES;
export const ALL_CODES = Object.keys(CODES) as Code[];

export function familyOf(code: Code): string {
  return CODES[code];
}
