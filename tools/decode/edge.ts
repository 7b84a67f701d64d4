import { newParams } from '../envelope/params.js';
import type { Envelope, EventType, ParamValue } from '../envelope/index.js';
import type { EdgeRoute } from './classify.js';
import { DecodeFailure, type EntryInput, newEnvelope, num, str } from './envelope-base.js';
import { flattenInto, isObject } from './flatten.js';
import { assetTypeOfEvent, mediaEventType } from './media-collection.js';
import {
  platformFromImplementationName,
  platformFromUa,
  resolvePlatform,
  type PlatformSignal,
} from './platform.js';
import { parseQueryFlat } from './query.js';

/** What the decoder takes from an Edge response body (wire-formats.md §5.3). */
export interface EdgeResponse {
  handles: Record<string, unknown>[];
  /** Error types per event index; key -1 = applies to the whole request. */
  errors: Map<number, string[]>;
  ecid: string | null;
}

/** `https://ns.adobe.com/aep/errors/EXEG-0003-400` → `EXEG-0003-400`. */
function errorCode(type: unknown): string | null {
  if (typeof type !== 'string' || type === '') return null;
  const slash = type.lastIndexOf('/');
  return slash >= 0 && slash < type.length - 1 ? type.slice(slash + 1) : type;
}

function addError(map: Map<number, string[]>, index: number, code: string): void {
  const list = map.get(index);
  if (list) {
    if (!list.includes(code)) list.push(code);
  } else map.set(index, [code]);
}

function collectErrors(list: unknown, map: Map<number, string[]>): void {
  if (!Array.isArray(list)) return;
  for (const e of list) {
    if (!isObject(e)) continue;
    const code = errorCode(e.type) ?? (typeof e.code === 'string' ? e.code : null);
    if (!code) continue;
    const report = isObject(e.report) ? e.report : null;
    const idx = report && typeof report.eventIndex === 'number' ? report.eventIndex : -1;
    addError(map, idx, code);
  }
}

/**
 * Parses an Edge response: one JSON object, or the mobile streaming form (records separated by
 * `\u0000`, lines by `\n`). Unparseable bodies give an empty result (the request still decodes).
 */
export function parseEdgeResponse(text: string | null): EdgeResponse {
  const res: EdgeResponse = { handles: [], errors: new Map(), ecid: null };
  if (!text) return res;
  const chunks = text.includes('\u0000') ? text.split(/[\u0000\n]+/) : [text];
  for (const chunk of chunks) {
    if (chunk.trim() === '') continue;
    let j: unknown;
    try {
      j = JSON.parse(chunk);
    } catch {
      continue;
    }
    if (!isObject(j)) continue;
    if (typeof j.type === 'string') {
      // application/problem+json (fatal): EXEG-…, va-edge-0404-404
      const code = errorCode(j.type);
      if (code) addError(res.errors, -1, code);
    }
    collectErrors(j.errors, res.errors);
    if (Array.isArray(j.handle)) for (const h of j.handle) if (isObject(h)) res.handles.push(h);
  }
  for (const h of res.handles) {
    if (h.type !== 'identity:result' || !Array.isArray(h.payload)) continue;
    for (const p of h.payload) {
      if (isObject(p) && isObject(p.namespace) && p.namespace.code === 'ECID' && typeof p.id === 'string') {
        res.ecid = p.id;
        break;
      }
    }
  }
  return res;
}

/** Session id for the start event at `eventIndex` from the `media-analytics:new-session` handle. */
export function newSessionId(handles: Record<string, unknown>[], eventIndex: number): string | null {
  let fallback: string | null = null;
  for (const h of handles) {
    if (h.type !== 'media-analytics:new-session' || !Array.isArray(h.payload)) continue;
    for (const p of h.payload) {
      if (!isObject(p) || typeof p.sessionId !== 'string') continue;
      const idx =
        typeof p.eventIndex === 'number'
          ? p.eventIndex
          : typeof h.eventIndex === 'number'
            ? h.eventIndex
            : null;
      if (idx === eventIndex) return p.sessionId;
      if (idx === null && fallback === null) fallback = p.sessionId;
    }
  }
  return fallback;
}

/** Non-media XDM event types → vocabulary (wire-formats.md §5.2). */
export function edgeEventType(xdmEventType: string | null): EventType {
  switch (xdmEventType) {
    case 'web.webpagedetails.pageViews':
      return 'pageView';
    case 'web.webinteraction.linkClicks':
      return 'linkClick';
    case 'application.launch':
    case 'application.close':
      return 'lifecycle';
    default:
      return 'edgeEvent';
  }
}

/** Org id from state entry keys `kndctr_{ORG}_AdobeOrg_identity`. */
function orgFromState(meta: unknown): string | null {
  if (!isObject(meta) || !isObject(meta.state) || !Array.isArray(meta.state.entries)) return null;
  for (const e of meta.state.entries) {
    if (!isObject(e) || typeof e.key !== 'string') continue;
    const m = /^kndctr_(.+)_AdobeOrg_/.exec(e.key);
    if (m) return `${m[1]}@AdobeOrg`;
  }
  return null;
}

/** First report suite from `meta.configOverrides.com_adobe_analytics.reportSuites`. */
function rsidFromOverrides(meta: unknown): string | null {
  if (!isObject(meta) || !isObject(meta.configOverrides)) return null;
  const aa = meta.configOverrides.com_adobe_analytics;
  if (!isObject(aa) || !Array.isArray(aa.reportSuites)) return null;
  const list = aa.reportSuites.filter((x): x is string => typeof x === 'string');
  return list.length > 0 ? list.join(',') : null;
}

function tsOf(v: ParamValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

interface EdgeEventSource {
  /** The event's XDM (may be empty). */
  xdm: Record<string, unknown>;
  /** Extra params (event `data`, downloaded inner event fields). */
  extra: Record<string, unknown> | null;
  /** Index in `events[]` (for handles and error reports). */
  eventIndex: number;
  /** Event name override (downloaded inner events). */
  eventTypeOverride: string | null;
  tsOverride: string | null;
  /** One element of a `media.downloaded` batch (offline content posted later, one session per batch). */
  downloaded?: boolean;
}

/** Edge `/ee…/v1|v2/interact|collect|privacy/set-consent` and Media Edge `/ee…/va/v1/{event}` (wire-formats.md §5). */
export function decodeEdge(input: EntryInput, route: EdgeRoute): Envelope[] {
  const { entry, url } = input;
  const text = entry.postText;
  if (text === null || text.trim() === '') {
    if (entry.postAbsent) return [bodylessEdgeEvent(input, route)];
    throw new DecodeFailure(`Edge ${route.action} call without a JSON body`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new DecodeFailure(`Edge body is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(body)) throw new DecodeFailure('Edge body is not a JSON object');

  let events: unknown[];
  if (Array.isArray(body.events)) events = body.events;
  else if (isObject(body.event))
    events = [body.event]; // `/v2/interact` singular form
  else if (body.events === undefined && body.event === undefined) events = [];
  else throw new DecodeFailure('Edge body has an events field that is not an array');

  const response = parseEdgeResponse(entry.resBody);
  const query = url.query ? parseQueryFlat(url.query) : {};
  const configId = query.configId ?? query.datastreamId ?? null;
  const topXdm = isObject(body.xdm) ? body.xdm : null;
  const org = orgFromState(body.meta);
  const rsid = rsidFromOverrides(body.meta);

  // Expand events; Media Edge downloaded batches carry their events inside one XDM event.
  const sources: EdgeEventSource[] = [];
  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    if (!isObject(ev)) throw new DecodeFailure(`Edge events[${i}] is not an object`);
    const xdm = isObject(ev.xdm) ? ev.xdm : {};
    const data = isObject(ev.data) ? { data: ev.data } : null;
    const inner = xdm.mediaDownloadedEvents;
    if (Array.isArray(inner) && inner.length > 0) {
      const { mediaDownloadedEvents: _drop, ...outer } = xdm;
      for (const d of inner) {
        if (!isObject(d)) continue;
        sources.push({
          xdm: { ...outer, mediaCollection: d.mediaCollection },
          extra: data,
          eventIndex: i,
          eventTypeOverride: typeof d.mediaEventType === 'string' ? d.mediaEventType : null,
          tsOverride: typeof d.mediaEventTimestamp === 'string' ? d.mediaEventTimestamp : null,
          downloaded: true,
        });
      }
    } else {
      sources.push({ xdm, extra: data, eventIndex: i, eventTypeOverride: null, tsOverride: null });
    }
  }
  if (sources.length === 0) {
    // No events (consent, identity-only interact): still one envelope for the request.
    const extra =
      route.action === 'privacy/set-consent' && body.consent !== undefined ? { consent: body.consent } : null;
    sources.push({ xdm: {}, extra, eventIndex: 0, eventTypeOverride: null, tsOverride: null });
  }

  const base = newParams<ParamValue>();
  if (topXdm) flattenInto(base, '', topXdm);
  const httpError = entry.status >= 400 ? `http-${entry.status}` : null;
  const whole = response.errors.get(-1) ?? [];

  const out: Envelope[] = [];
  for (let s = 0; s < sources.length; s++) {
    const src = sources[s];
    const params = Object.assign(newParams<ParamValue>(), base);
    flattenInto(params, '', src.xdm);
    if (src.extra) flattenInto(params, '', src.extra);
    if (src.eventTypeOverride !== null) params.eventType = src.eventTypeOverride;
    if (configId !== null) params.configId = configId;

    const xdmType = str(params.eventType);
    const isMedia = (xdmType !== null && xdmType.startsWith('media.')) || route.kind === 'media-edge';
    const env = newEnvelope(input, isMedia ? 'media-edge' : 'edge', 'edge', s, params);
    const errs: string[] = [];
    if (httpError) errs.push(httpError);
    for (const c of whole) errs.push(c);
    for (const c of response.errors.get(src.eventIndex) ?? []) if (!errs.includes(c)) errs.push(c);
    env.network.errors = errs;

    if (isMedia) {
      const name =
        xdmType !== null && xdmType.startsWith('media.')
          ? xdmType.slice(6)
          : route.kind === 'media-edge'
            ? route.action
            : (xdmType ?? '');
      env.sequence.event_type = mediaEventType(name);
      env.sequence.raw_event_type = xdmType ?? `media.${name}`;
      env.sequence.asset_type = assetTypeOfEvent(name);
      env.sequence.playhead_s = num(params['mediaCollection.playhead']);
      // A downloaded batch is one session whose id the response hands back for the batch's XDM event:
      // every element of the batch belongs to it, not only its sessionStart (wire-formats.md §5).
      env.session_id =
        str(params['mediaCollection.sessionID']) ??
        (name === 'sessionStart' || src.downloaded ? newSessionId(response.handles, src.eventIndex) : null);
      if (src.downloaded) params._downloaded = true;
      env.app_version = str(params['mediaCollection.sessionDetails.appVersion']);
      env.asset.type = str(params['mediaCollection.sessionDetails.contentType']);
      env.asset.id = str(params['mediaCollection.sessionDetails.name']);
      env.asset.name = str(params['mediaCollection.sessionDetails.friendlyName']);
      const len = params['mediaCollection.sessionDetails.length'];
      env.asset.length_s = typeof len === 'number' ? len : null;
    } else {
      env.sequence.event_type = edgeEventType(xdmType);
      env.sequence.raw_event_type = xdmType ?? (route.action === 'privacy/set-consent' ? route.action : null);
    }
    env.beacon_ts_ms = tsOf(src.tsOverride ?? params.timestamp);
    env.sdk_version = str(params['implementationDetails.version']);
    env.actor.ecid = str(params['identityMap.ECID.0.id']) ?? response.ecid;
    env.actor.org_id = org;
    env.actor.rsid = rsid;

    const signals: PlatformSignal[] = [
      platformFromImplementationName(str(params['implementationDetails.name'])),
      platformFromUa(input.ua),
    ];
    if (params['environment.type'] === 'browser')
      signals.push({ platform: 'web', confidence: 0.6, signal: 'xdm-environment' });
    const p = resolvePlatform(signals);
    env.platform = p.platform;
    if (p.platform !== 'unknown') params._platform_signal = p.signal;
    out.push(env);
  }
  return out;
}

/**
 * An Edge / Media Edge call whose body the exporter left out: the path still names the media event
 * (`/va/v1/{event}`), the query the datastream, a kept response the new session id and errors. The event
 * stays (marked `_body_omitted`) so its session is built and ABSTAINs; a Web SDK `interact` cannot say
 * whether it carried media, so it stays a plain Edge event.
 */
function bodylessEdgeEvent(input: EntryInput, route: EdgeRoute): Envelope {
  const { entry, url } = input;
  const media = route.kind === 'media-edge';
  const env = newEnvelope(input, media ? 'media-edge' : 'edge', 'edge', 0);
  const response = parseEdgeResponse(entry.resBody);
  const errs: string[] = entry.status >= 400 ? [`http-${entry.status}`] : [];
  for (const c of response.errors.get(-1) ?? []) errs.push(c);
  for (const c of response.errors.get(0) ?? []) if (!errs.includes(c)) errs.push(c);
  env.network.errors = errs;
  const params = newParams<ParamValue>();
  params._body_omitted = entry.postAbsent ?? 'omitted';
  const query = url.query ? parseQueryFlat(url.query) : {};
  const configId = query.configId ?? query.datastreamId ?? null;
  if (configId !== null) params.configId = configId;
  if (media) {
    env.sequence.event_type = mediaEventType(route.action);
    env.sequence.raw_event_type = `media.${route.action}`;
    env.sequence.asset_type = assetTypeOfEvent(route.action);
    if (route.action === 'sessionStart') env.session_id = newSessionId(response.handles, 0);
  } else env.sequence.event_type = 'edgeEvent';
  env.actor.ecid = response.ecid;
  const p = resolvePlatform([platformFromUa(input.ua)]);
  env.platform = p.platform;
  if (p.platform !== 'unknown') params._platform_signal = p.signal;
  env.params = params;
  return env;
}
