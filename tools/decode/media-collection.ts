import { newParams } from '../envelope/params.js';
import type { Envelope, EventType, ParamValue } from '../envelope/index.js';
import { DecodeFailure, type EntryInput, newEnvelope, num, str } from './envelope-base.js';
import { flattenInto, isObject, shortMessage } from './flatten.js';
import { platformFromLibraryVersion, platformFromUa, resolvePlatform } from './platform.js';
import { decodeComponent } from './query.js';

const MC_EVENTS: ReadonlySet<string> = new Set([
  'sessionStart',
  'sessionComplete',
  'sessionEnd',
  'play',
  'ping',
  'adBreakStart',
  'adBreakComplete',
  'adStart',
  'adComplete',
  'adSkip',
  'chapterStart',
  'chapterComplete',
  'chapterSkip',
  'bitrateChange',
  'error',
  'stateStart',
  'stateEnd',
  'statesUpdate',
  'downloaded',
]);

/** Media Collection / Media Edge event name → vocabulary (wire-formats.md §4.3, §8). Unknown names → `other`. */
export function mediaEventType(name: string): EventType {
  if (name === 'pauseStart') return 'pause';
  if (name === 'bufferStart') return 'buffer';
  return MC_EVENTS.has(name) ? (name as EventType) : 'other';
}

/** Asset type implied by the event itself: ad bookends are ad time, session start is main content. */
export function assetTypeOfEvent(name: string): 'main' | 'ad' | null {
  if (name === 'adStart' || name === 'adComplete' || name === 'adSkip') return 'ad';
  if (name === 'sessionStart') return 'main';
  return null;
}

/** Session id from a `Location` header (`/api/v1/sessions/{sid}`, also absolute URLs; wire-formats.md §4.1). */
export function sessionIdFromLocation(location: string | undefined): string | null {
  if (!location) return null;
  const at = location.indexOf('/api/');
  if (at < 0) return null;
  const m = /^\/api\/(.*)\/sessions\/([^/?#]+)/.exec(location.slice(at));
  return m ? decodeComponent(m[2]) : null;
}

/** Route inside `/api/{version}/…`. */
function parseMcPath(path: string): {
  kind: 'sessions' | 'events' | 'downloaded' | 'schema';
  sid: string | null;
  name: string | null;
} {
  const m = /^\/api\/[^/]+\/sessions\/([^/]+)\/events\/?$/.exec(path);
  if (m) return { kind: 'events', sid: decodeComponent(m[1]), name: null };
  const s = /^\/api\/[^/]+\/schemas\/([^/]+)/.exec(path);
  if (s) return { kind: 'schema', sid: null, name: decodeComponent(s[1]) };
  if (/^\/api\/[^/]+\/downloaded\/?$/.test(path)) return { kind: 'downloaded', sid: null, name: null };
  const sid = /^\/api\/[^/]+\/sessions\/([^/]+)\/?$/.exec(path);
  return { kind: 'sessions', sid: sid ? decodeComponent(sid[1]) : null, name: null };
}

/** HTTP ≥ 400 → `http-<status>` plus the server's short message when the body has one. */
export function httpErrors(status: number, resBody: string | null): string[] {
  if (status < 400) return [];
  const errors = [`http-${status}`];
  if (resBody && resBody.trim() !== '') {
    let msg = resBody;
    try {
      const j: unknown = JSON.parse(resBody);
      if (isObject(j)) {
        const m = j.message ?? j.error ?? j.title ?? j.detail;
        if (typeof m === 'string') msg = m;
      }
    } catch {
      // plain-text body
    }
    errors.push(shortMessage(msg));
  }
  return errors;
}

function mcParams(body: Record<string, unknown>): Record<string, ParamValue> {
  const out = newParams<ParamValue>();
  for (const k in body) {
    const v = body[k];
    if (k === 'params' || k === 'qoeData') {
      if (isObject(v)) for (const pk in v) flattenInto(out, pk, v[pk]);
      else flattenInto(out, k, v);
    } else if (k === 'customMetadata') {
      if (isObject(v)) for (const ck in v) flattenInto(out, `customMetadata.${ck}`, v[ck]);
      else flattenInto(out, k, v);
    } else {
      // playerTime.playhead, playerTime.ts, eventType and anything unexpected, keys as sent.
      flattenInto(out, k, v);
    }
  }
  return out;
}

/** Media Collection API call (wire-formats.md §4) → one envelope per event (arrays: downloaded/offline batches). */
export function decodeMediaCollection(input: EntryInput): Envelope[] {
  const { entry, url } = input;
  const route = parseMcPath(url.path);
  const errors = httpErrors(entry.status, entry.resBody);

  if (route.kind === 'schema') {
    const env = newEnvelope(input, 'media-collection', 'hb-api', 0);
    env.sequence.raw_event_type = `schema:${route.name}`;
    env.network.errors = errors;
    env.platform = resolvePlatform([platformFromUa(input.ua)]).platform;
    return [env];
  }

  const text = entry.postText;
  if (text === null || text.trim() === '') {
    if (entry.postAbsent) return [bodylessMcEvent(input, route, errors)];
    throw new DecodeFailure('Media Collection call without a JSON body');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new DecodeFailure(`Media Collection body is not valid JSON: ${(e as Error).message}`);
  }
  const items: unknown[] = Array.isArray(body) ? body : [body];
  if (items.length === 0) throw new DecodeFailure('Media Collection body is an empty array');
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (!isObject(it) || typeof it.eventType !== 'string') {
      throw new DecodeFailure(`Media Collection event ${i} has no string eventType`);
    }
  }

  const locationSid = sessionIdFromLocation(input.resHeaders.location ?? entry.resHeaders.location);
  const out: Envelope[] = [];
  let libraryVersion: string | null = null;
  // Downloaded (offline) content arrives as one batch: `/api/v1/downloaded`, or an array the AEP SDK posts
  // to `/api/v1/sessions`, starting with a sessionStart that says `media.downloaded: true` (§4.6: its
  // pings are 50 s apart and its timestamps are hours before the capture).
  const downloaded =
    route.kind === 'downloaded' ||
    items.length > 1 ||
    (items[0] as { params?: Record<string, unknown> }).params?.['media.downloaded'] === true;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Record<string, unknown>;
    const name = item.eventType as string;
    const params = mcParams(item);
    if (downloaded) params._downloaded = true;
    const env = newEnvelope(input, 'media-collection', 'hb-api', i, params);
    env.network.errors = errors.slice();
    env.sequence.event_type = mediaEventType(name);
    env.sequence.raw_event_type = name;
    env.sequence.asset_type = assetTypeOfEvent(name);
    env.sequence.playhead_s = num(params['playerTime.playhead']);
    env.beacon_ts_ms = num(params['playerTime.ts']);
    env.session_id = route.kind === 'events' ? route.sid : (locationSid ?? route.sid);

    const lib = str(params['media.libraryVersion']);
    if (lib) libraryVersion = lib;
    env.sdk_version = lib;
    env.app_version = str(params['media.sdkVersion']);
    env.actor.ecid = str(params['visitor.marketingCloudUserId']);
    env.actor.rsid = str(params['analytics.reportSuite']);
    env.actor.org_id = str(params['visitor.marketingCloudOrgId']);
    env.asset.type = str(params['media.contentType']);
    env.asset.id = str(params['media.id']);
    env.asset.name = str(params['media.name']);
    env.asset.length_s = typeof params['media.length'] === 'number' ? params['media.length'] : null;
    out.push(env);
  }
  // A batch shares one client: the sessionStart's library version speaks for every element.
  const p = resolvePlatform([platformFromLibraryVersion(libraryVersion), platformFromUa(input.ua)]);
  for (const env of out) {
    env.platform = p.platform;
    if (p.platform !== 'unknown') env.params._platform_signal = p.signal;
  }
  return out;
}

/**
 * A Media Collection call whose body the exporter left out (Playwright `content: 'omit'`, a missing
 * `_file`): keep what the URL and response still say — the session id (path or `Location`), that a
 * `POST /api/v1/sessions` answered with a session is its start, the HTTP status — so the session exists
 * and its checks can ABSTAIN instead of the beacon vanishing into the quarantine.
 */
function bodylessMcEvent(
  input: EntryInput,
  route: ReturnType<typeof parseMcPath>,
  errors: string[],
): Envelope {
  const { entry } = input;
  const env = newEnvelope(input, 'media-collection', 'hb-api', 0);
  const locationSid = sessionIdFromLocation(input.resHeaders.location ?? entry.resHeaders.location);
  env.session_id = route.kind === 'events' ? route.sid : (locationSid ?? route.sid);
  if (route.kind === 'sessions' && locationSid) {
    env.sequence.event_type = 'sessionStart';
    env.sequence.asset_type = 'main';
  }
  env.network.errors = errors;
  env.params._body_omitted = entry.postAbsent ?? 'omitted';
  const p = resolvePlatform([platformFromUa(input.ua)]);
  env.platform = p.platform;
  if (p.platform !== 'unknown') env.params._platform_signal = p.signal;
  return env;
}
