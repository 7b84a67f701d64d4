import type { Envelope } from '../envelope/index.js';
import type { Session } from '../session/index.js';
import { paramShapes } from './shapes.js';
import type { AnnotatedSession, MediaState, Step } from './types.js';

const HB_PINGS = new Set(['play', 'pause', 'buffer', 'stall']);
const STATE_OF: Record<string, MediaState> = {
  play: 'playing',
  pause: 'paused',
  buffer: 'buffering',
  stall: 'stalled',
};

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Beacon time (ms) of an event: the beacon's own timestamp, else when the capture saw it. */
export function beaconTime(e: Envelope): number {
  return e.beacon_ts_ms ?? e.ts_ms;
}

function startInfo(events: Envelope[]): { contentType: string | null; lengthS: number | null } {
  const start = events.find((e) => e.sequence.event_type === 'sessionStart');
  if (!start) return { contentType: events.find((e) => e.asset.type)?.asset.type ?? null, lengthS: null };
  const p = start.params;
  const contentType =
    start.asset.type ??
    (p['s:stream:type'] as string) ??
    (p['media.contentType'] as string) ??
    (p['mediaCollection.sessionDetails.contentType'] as string) ??
    null;
  const lengthS =
    start.asset.length_s ??
    num(p['l:asset:length']) ??
    num(p['media.length']) ??
    num(p['mediaCollection.sessionDetails.length']);
  return { contentType: contentType ? String(contentType).toLowerCase() : null, lengthS };
}

/**
 * Walk a media session once and annotate every event with the session state machine's context:
 * ad/break/chapter nesting, main-content state before the event, ping-ness and beacon time.
 */
export function annotate(session: Session): AnnotatedSession {
  const steps: Step[] = [];
  const media = session.events;
  let inAd = false;
  let inBreak = false;
  let state: MediaState = 'idle';
  const hb = session.protocol === 'heartbeat';
  for (let i = 0; i < media.length; i++) {
    const e = media[i];
    const type = e.sequence.event_type;
    const asset: 'main' | 'ad' = hb
      ? (e.sequence.asset_type ?? 'main')
      : inAd || type === 'adStart'
        ? 'ad'
        : 'main';
    const step: Step = {
      e,
      i,
      t: beaconTime(e),
      type,
      asset,
      inAd,
      inBreak,
      stateBefore: state,
      isPing: hb ? HB_PINGS.has(type) : type === 'ping',
      playhead: e.sequence.playhead_s,
      // Set here, not added later: every step has the same fields, so the checks read steps quickly.
      endsBreak: false,
    };
    steps.push(step);
    // Main content resuming (a main `play` outside an ad) ends a break left open: report once, re-sync.
    if (!hb && type === 'play' && inBreak && !inAd) {
      step.endsBreak = true;
      inBreak = false;
    }
    // Transition after the event.
    switch (type) {
      case 'adStart':
        inAd = true;
        break;
      case 'adComplete':
      case 'adSkip':
        inAd = false;
        break;
      case 'adBreakStart':
        inBreak = true;
        break;
      case 'adBreakComplete':
        inBreak = false;
        inAd = false;
        break;
      case 'sessionComplete':
        state = 'complete';
        break;
      case 'sessionEnd':
        state = 'closed';
        break;
      case 'sessionStart':
      case 'resume':
        state = 'idle';
        break;
      default:
        if (hb) {
          if (asset === 'main' && STATE_OF[type]) state = STATE_OF[type];
        } else if (type === 'play') state = 'playing';
        else if (type === 'pause') state = 'paused';
        else if (type === 'buffer') state = 'buffering';
    }
  }
  return { session, steps, ...startInfo(media), ...paramShapes(media) };
}

/**
 * Heartbeat flush: a same-state heartbeat followed within `withinMs` (default 1 s) by a different event.
 * The SDK reports the ending state when the state changes, whenever in its quantum that happens; a
 * cadence check passes its interval so that a flush sent seconds before the next state's first report
 * (the pause report waits for the SDK's tick) still counts as the flush it is.
 */
export function isFlush(steps: Step[], i: number, withinMs = 1000): boolean {
  const s = steps[i];
  const n = steps[i + 1];
  if (!n) return false;
  return n.t - s.t <= withinMs && (n.type !== s.type || n.asset !== s.asset);
}

export const fmtS = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
