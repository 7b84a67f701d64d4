// The violation codes of ../shared/reference/fail-codes.md: the public contract of the rule packs.
// Never rename a shipped code; add new ones at the end.
import { z } from 'zod';

export const CODE_FAMILIES = [
  'cadence',
  'playhead',
  'bookends',
  'orchestration',
  'transport',
  'params',
  'identity',
] as const;
export type CodeFamily = (typeof CODE_FAMILIES)[number];
export type Severity = 'error' | 'warning';
export interface CodeInfo {
  code: string;
  family: CodeFamily;
  severity: Severity;
  definition: string;
}

export const FAIL_CODES = [
  {
    code: 'CADENCE_CONTENT_PING_GAP',
    family: 'cadence',
    severity: 'error',
    definition:
      "two consecutive main-content pings of an open, non-idle session are more than 1.5 × the scope's content interval apart (default interval 10 s)",
  },
  {
    code: 'CADENCE_AD_PING_GAP',
    family: 'cadence',
    severity: 'error',
    definition:
      "two consecutive ad pings are more than 1.5 × the scope's ad interval apart (1 s legacy heartbeat, 10 s default elsewhere)",
  },
  {
    code: 'CADENCE_PING_TOO_FREQUENT',
    family: 'cadence',
    severity: 'warning',
    definition: 'periodic pings in one unchanged state come faster than 0.5 × the interval',
  },
  {
    code: 'CADENCE_EARLY_FIRST_PING',
    family: 'cadence',
    severity: 'warning',
    definition:
      'the first main-content ping comes sooner after the first play than the scope allows (the seed example: Roku may be under 2 s)',
  },
  {
    code: 'PLAYHEAD_DECREASING',
    family: 'playhead',
    severity: 'error',
    definition:
      'main playhead goes backwards between consecutive main-content events with no seek in between (a seek shows as pause/buffer/`pauseStart` before the jump)',
  },
  {
    code: 'PLAYHEAD_STALLED',
    family: 'playhead',
    severity: 'error',
    definition:
      'at least 3 consecutive main `play` pings spanning ≥ 20 s of wall time with the playhead advancing less than 10 % of the elapsed time',
  },
  {
    code: 'PLAYHEAD_ADVANCED_WHILE_PAUSED',
    family: 'playhead',
    severity: 'warning',
    definition: 'the main playhead moves during pause, buffering or an ad break',
  },
  {
    code: 'PLAYHEAD_OUT_OF_RANGE',
    family: 'playhead',
    severity: 'error',
    definition: 'VOD playhead below 0 or beyond length + 2 s; live playhead outside 0–86 400',
  },
  {
    code: 'SESSION_START_MISSING',
    family: 'bookends',
    severity: 'error',
    definition:
      "a media session's first event is not its start (`start` main / `sessionStart` / `media.sessionStart`)",
  },
  {
    code: 'SESSION_START_DUPLICATE',
    family: 'bookends',
    severity: 'error',
    definition: 'a media session sends its main start more than once',
  },
  {
    code: 'SESSION_NOT_CLOSED',
    family: 'bookends',
    severity: 'warning',
    definition:
      "no `complete`/`end` (`sessionComplete`/`sessionEnd`) although the capture goes on ≥ 30 s after the session's last event; ABSTAIN when the capture ends sooner",
  },
  {
    code: 'EVENT_AFTER_CLOSE',
    family: 'bookends',
    severity: 'error',
    definition:
      'anything but a new start after `end`/`sessionEnd`; any playback, ad or chapter event after main `complete`/`sessionComplete`',
  },
  {
    code: 'AD_NOT_CLOSED',
    family: 'bookends',
    severity: 'error',
    definition:
      "an ad start is not followed by its complete/skip before the next ad start, the break's end or the session's end",
  },
  {
    code: 'ADBREAK_NOT_CLOSED',
    family: 'bookends',
    severity: 'error',
    definition: '`adBreakStart` without `adBreakComplete` before main content resumes or the session ends',
  },
  {
    code: 'AD_OUTSIDE_BREAK',
    family: 'bookends',
    severity: 'error',
    definition: '`adStart` outside an `adBreakStart`…`adBreakComplete` pair (Media Collection / Edge)',
  },
  {
    code: 'CHAPTER_OVERLAP',
    family: 'bookends',
    severity: 'error',
    definition: 'a chapter starts while another is open',
  },
  {
    code: 'ILLEGAL_TRANSITION',
    family: 'bookends',
    severity: 'error',
    definition:
      'any other order the session state machine forbids (e.g. `adComplete` with no open ad, `play` before the start)',
  },
  {
    code: 'TIMESTAMP_NOT_ASCENDING',
    family: 'bookends',
    severity: 'warning',
    definition:
      'event timestamps of one media session (`l:event:ts`, `playerTime.ts`, `xdm.timestamp`) are not strictly ascending, ≥ 1 ms apart, in send order',
  },
  {
    code: 'ORCH_MISSING_AA_START',
    family: 'orchestration',
    severity: 'error',
    definition:
      'legacy heartbeat only: a main `start` without an Analytics media-start hit (`pe=ms_s`, same `a.media.vsid` when present) or without `aa_start`, within ±5 s (either order). The seed calls this family ORCH_MISSING_AA_PAGE',
  },
  {
    code: 'ORCH_UNEXPECTED_CLIENT_AA_MEDIA',
    family: 'orchestration',
    severity: 'warning',
    definition:
      'a Media Collection or Edge media session also sends client-side `pe=ms_s`/`msa_s` hits: the backend already sends them, so media starts count twice',
  },
  {
    code: 'HOST_UNEXPECTED',
    family: 'transport',
    severity: 'error',
    definition:
      'a beacon goes to a host its family does not use (e.g. `/api/v1/sessions` on a `*.hb.omtrdc.net` host) or plain http while SSL is declared',
  },
  {
    code: 'BEACON_TRUNCATED',
    family: 'transport',
    severity: 'error',
    definition: 'an Analytics GET that begins with `AQB=1` has no `AQE=1`',
  },
  {
    code: 'BEACON_REJECTED',
    family: 'transport',
    severity: 'error',
    definition:
      'the collection server refused the call: HTTP ≥ 400, Edge `errors[]`/`EXEG-…`/`va-edge-0400-400`, Media Collection 400/404/410',
  },
  {
    code: 'EVENT_DUPLICATE',
    family: 'transport',
    severity: 'warning',
    definition:
      'the same beacon (same family and parameters, cache-busters and request ids aside) is sent twice within 1 s; the legacy `pccr=true` retry is not a duplicate',
  },
  {
    code: 'RSID_INVALID',
    family: 'params',
    severity: 'error',
    definition: "report suite id missing, or not a comma list of ids matching the scope's pattern",
  },
  {
    code: 'PARAM_MISSING_REQUIRED',
    family: 'params',
    severity: 'error',
    definition:
      'a parameter the scope requires for this event type is absent (e.g. Media Collection `sessionStart` without `media.id`)',
  },
  {
    code: 'PARAM_TYPE_MISMATCH',
    family: 'params',
    severity: 'error',
    definition:
      'a value does not fit its dictionary type (non-numeric `l:` value, string `media.length`, non-integer Edge playhead)',
  },
  {
    code: 'PARAM_NAME_INVALID',
    family: 'params',
    severity: 'error',
    definition:
      'a name the protocol does not allow: wrong case (`pagename`, XDM `evar44` next to `eVar1`), or a custom metadata key outside `^[a-zA-Z0-9_.]+$`',
  },
  {
    code: 'IDENTITY_MISSING_ECID',
    family: 'identity',
    severity: 'warning',
    definition:
      'no Experience Cloud ID where the scope requires one (`mid`, `s:user:mid` after `start`, `visitor.marketingCloudUserId`, Edge `identityMap.ECID`)',
  },
  {
    code: 'IDENTITY_MISMATCH',
    family: 'identity',
    severity: 'warning',
    definition: 'the ECID changes within one media session or between its Analytics and media calls',
  },
] as const satisfies readonly CodeInfo[];

export type FailCode = (typeof FAIL_CODES)[number]['code'];
export const FailCode = z.enum(FAIL_CODES.map((c) => c.code) as [FailCode, ...FailCode[]]);
export const CODE_INFO: ReadonlyMap<string, CodeInfo> = new Map(FAIL_CODES.map((c) => [c.code, c]));
