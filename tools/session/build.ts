import type { Envelope } from '../envelope/index.js';
import { fingerprintSession } from '../fingerprint/session.js';
import { assignVirtualVersions } from '../fingerprint/virtual.js';
import type { Capture, Session, SessionKind, SessionProtocol } from './types.js';

const MEDIA_FAMILIES: Record<string, SessionProtocol> = {
  heartbeat: 'heartbeat',
  'media-collection': 'media-collection',
  'media-edge': 'media-edge',
};
const SDK_OF: Record<SessionProtocol, Session['sdk']> = {
  heartbeat: 'heartbeat',
  'media-collection': 'hb-api',
  'media-edge': 'edge',
  aa: 'aa',
  edge: 'edge',
};

/** Why checks abstain for a session built from beacons whose request bodies the HAR does not hold. */
export const UNCHECKED_REASON = {
  omitted: 'request bodies omitted by the exporter',
  'attachment-missing': 'request body attachments (_file) not found beside the HAR',
} as const satisfies Record<string, string>;

function bodyGap(e: Envelope): keyof typeof UNCHECKED_REASON | null {
  const v = e.params._body_omitted;
  return v === 'omitted' || v === 'attachment-missing' ? v : v === undefined ? null : 'omitted';
}

/**
 * A session cannot be judged when one of its beacons lost its body, and a heartbeat session neither when
 * an Analytics hit of the capture lost its body: the orchestration and identity rules pair heartbeat
 * starts with those hits (`pe=ms_s`, `mid`), and a long-hit POST keeps them in the body.
 */
function uncheckedReason(events: Envelope[], protocol: SessionProtocol, all: Envelope[]): string | null {
  let gap: keyof typeof UNCHECKED_REASON | null = null;
  for (const e of events) gap ??= bodyGap(e);
  if (gap === null && protocol === 'heartbeat')
    for (const e of all) if (e.family === 'aa') gap ??= bodyGap(e);
  return gap === null ? null : UNCHECKED_REASON[gap];
}

/** Send order: capture time, then HAR entry position, then position inside a batched body. */
export function sendOrder(a: Envelope, b: Envelope): number {
  return (
    a.ts_ms - b.ts_ms ||
    a.provenance.entry_index - b.provenance.entry_index ||
    a.provenance.sub_index - b.provenance.sub_index
  );
}

function pageKey(e: Envelope, kind: SessionKind): string {
  const suite =
    e.actor.rsid ?? (typeof e.params.configId === 'string' ? `edge:${e.params.configId}` : 'adobe');
  return `${kind}:${suite.split(',')[0]}`;
}

/**
 * Group a HAR's events into media sessions (by native id, per protocol) and page/app sessions (Analytics
 * and Edge hits per report suite / datastream). Sessions never span HAR files: one HAR is one capture.
 */
export function buildCapture(
  har: string,
  harHash: string,
  events: Envelope[],
  span: { startMs: number | null; endMs: number | null },
): Capture {
  const ordered = [...events].sort(sendOrder);
  const byKey = new Map<string, { protocol: SessionProtocol; kind: SessionKind; events: Envelope[] }>();
  // The capture's dominant non-media platform helps sessions whose own events carry no platform signal.
  for (const e of ordered) {
    let protocol: SessionProtocol;
    let kind: SessionKind;
    let key: string;
    const media = MEDIA_FAMILIES[e.family];
    if (media) {
      protocol = media;
      kind = 'media';
      // Body-less media beacons without an id (Media Edge keeps it in the body) share one session per
      // capture: it exists and ABSTAINs, instead of one bogus session per beacon.
      key =
        e.session_id ??
        (bodyGap(e) ? `${media}:bodies-omitted` : `${media}:unknown-${e.provenance.entry_index}`);
    } else if (e.family === 'aa' || e.family === 'edge') {
      protocol = e.family;
      kind = e.platform === 'web' || e.platform === 'unknown' ? 'page' : 'app';
      key = pageKey(e, kind);
    } else continue; // settings, ECID, AAM, Target, tags: stored, not sessions
    const mapKey = `${protocol}\u0000${key}`;
    let s = byKey.get(mapKey);
    if (!s) byKey.set(mapKey, (s = { protocol, kind, events: [] }));
    s.events.push(e);
  }
  const capturePlatform = dominantPlatform(ordered);
  const sessions: Session[] = [];
  for (const [mapKey, s] of byKey) {
    const key = mapKey.split('\u0000')[1];
    const fp = fingerprintSession(s.events, s.protocol, capturePlatform);
    const kind: SessionKind =
      s.kind === 'media' ? 'media' : fp.platform === 'web' || fp.platform === 'unknown' ? 'page' : 'app';
    sessions.push({
      key: s.kind === 'media' ? key : key.replace(/^(page|app):/, `${kind}:`),
      har,
      kind,
      protocol: s.protocol,
      events: s.events,
      sdk: SDK_OF[s.protocol],
      ...fp,
      virtual_version: null,
      unchecked: uncheckedReason(s.events, s.protocol, ordered),
    });
  }
  // Sessions without an explicit library version: shape match → virtual version (model loaded once per process).
  assignVirtualVersions(sessions);
  for (const s of sessions)
    for (const e of s.events)
      e.platform = e.platform === 'unknown' ? (s.platform as Envelope['platform']) : e.platform;
  return { har, harHash, events: ordered, sessions, startMs: span.startMs, endMs: span.endMs };
}

function dominantPlatform(events: Envelope[]): string | null {
  const counts = new Map<string, number>();
  for (const e of events)
    if (e.platform !== 'unknown') counts.set(e.platform, (counts.get(e.platform) ?? 0) + 1);
  let best: string | null = null;
  let n = 0;
  for (const [p, c] of counts) if (c > n) [best, n] = [p, c];
  return best;
}
