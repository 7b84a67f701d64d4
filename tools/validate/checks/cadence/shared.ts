import type { Session } from '../../../session/index.js';
import type { Step } from '../../types.js';

/**
 * Downloaded (offline) content: the whole session posted later as one batch (Media Collection
 * `/api/v1/downloaded` or an array, Media Edge `media.downloaded`; the decoders mark each element
 * `_downloaded`). Its SDK pings every `downloaded_interval_s` (50 s, docs/reference/wire-formats.md §4.6)
 * instead of the content/ad interval, so cadence checks judge it against that interval.
 */
export function isDownloaded(session: Pick<Session, 'events'>): boolean {
  return session.events.some((e) => e.params._downloaded === true);
}

/** SDKs suspend pings after 30 min idle: gaps that long are not cadence gaps. */
export const IDLE_MS = 30 * 60 * 1000;
/** The session is open (not completed or ended) before this event. */
export const OPEN = (s: Step) => s.stateBefore !== 'closed' && s.stateBefore !== 'complete';

/** Quote terms for proposals about the ad / main ping interval (tools/propose/evidence.ts). */
export const AD_INTERVAL_TERMS = [
  /\bads?\b/i,
  /ad ?ping/i,
  /adPing/,
  /ad heartbeat/i,
  /granular ?ad/i,
  /SDK ad interval/i,
];
export const MAIN_INTERVAL_TERMS = [/main ?ping/i, /mainPing/, /main[- ]content/i, /\bmain\b/i];
