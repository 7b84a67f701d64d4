import type { Step } from '../../types.js';

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
