/**
 * Real HAR entries for small captures: the builders tests use, and the renderer that turns a check's doc
 * example (tools/validate/types.ts `Example`) into a HAR the whole pipeline reads — so a doc example is
 * executed exactly as a captured file would be. Shapes follow the public Adobe request formats (heartbeat
 * query strings, Media Collection JSON bodies, Experience Edge `/ee` calls, Analytics `/b/ss/` hits).
 */
import type { Example, ExampleEvent } from './types.js';

export const BASE = Date.parse('2024-03-14T09:05:30.000Z');
export const ECID = '30250035503789876473484580554595324209';
export const SID = '1527464150037459529420';
export const MC_SID = '139bd3c6f625bfb71e40a328e40512e3c506035d4d0dad024587ba2b442a5cb0';
export const EDGE_SID = 'c0a6f0f0d1b2438e9b4c1f7e5a2d9e3b0c4f6a8d2e1b3c5a7f9e0d2c4b6a8f1e';
export const EDGE_CONFIG = 'b6a1e2f0-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
export const ORG = '1A2B3C4D5E6F7A8B9C0D1E2F@AdobeOrg';

export interface RawEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: { name: string; value: string }[];
    queryString: unknown[];
    postData?: { mimeType: string; text: string };
  };
  response: {
    status: number;
    headers: { name: string; value: string }[];
    content: { size: number; mimeType: string; text?: string };
  };
  /** HAR 1.2 comment: fixtures say here which entry must fire (`ruleid: CODE`) or must not (`ok: CODE`). */
  comment?: string;
}

const UA_WEB =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const UA_ANDROID = 'Mozilla/5.0 (Linux; U; Android 14; en-US; Pixel 7 Build/UQ1A.240205.004)';

export function entry(
  atMs: number,
  method: string,
  url: string,
  opts: {
    status?: number;
    body?: unknown;
    resHeaders?: [string, string][];
    resBody?: unknown;
    ua?: string;
  } = {},
): RawEntry {
  return {
    startedDateTime: new Date(BASE + atMs).toISOString(),
    time: 12,
    request: {
      method,
      url,
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'User-Agent', value: opts.ua ?? UA_WEB },
        ...(opts.body !== undefined ? [{ name: 'Content-Type', value: 'application/json' }] : []),
      ],
      queryString: [],
      ...(opts.body !== undefined
        ? {
            postData: {
              mimeType: 'application/json',
              text: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
            },
          }
        : {}),
    },
    response: {
      status: opts.status ?? 204,
      headers: (opts.resHeaders ?? []).map(([name, value]) => ({ name, value })),
      content: {
        size: 0,
        mimeType: 'application/json',
        ...(opts.resBody !== undefined ? { text: JSON.stringify(opts.resBody) } : {}),
      },
    },
  };
}

/** Legacy heartbeat call (JS VHL 2.x). `at` is both capture and beacon time unless `beaconAt` is given. */
export function hb(
  at: number,
  type: string,
  playhead: number,
  o: {
    asset?: 'main' | 'ad';
    beaconAt?: number;
    sid?: string;
    mid?: string | null;
    extra?: string;
    host?: string;
    scheme?: string;
  } = {},
): RawEntry {
  const mid = o.mid === null ? '' : `&s:user:mid=${o.mid ?? ECID}`;
  const url =
    `${o.scheme ?? 'https'}://${o.host ?? 'acme.hb.omtrdc.net'}/?s:sc:rsid=acmeprod&s:sc:tracking_server=acme.sc.omtrdc.net&h:sc:ssl=1${mid}` +
    `&s:sp:sdk=acme-web-5.2.0&s:sp:channel=www.acme.com&s:sp:player_name=HTML5&s:sp:hb_version=js-2.2.2.230-96e624&l:sp:hb_api_lvl=4` +
    `&s:event:sid=${o.sid ?? SID}&s:event:type=${type}&l:event:duration=0&l:event:playhead=${playhead}&l:event:ts=${BASE + (o.beaconAt ?? at)}&l:event:prev_ts=-1` +
    `&s:asset:type=${o.asset ?? 'main'}&s:asset:name=Episode&s:asset:video_id=123456&l:asset:length=1200&s:stream:type=vod${o.extra ?? ''}`;
  return entry(at, 'GET', url);
}

export function aaMediaStart(at: number, o: { vsid?: string; mid?: string; pe?: string } = {}): RawEntry {
  return entry(
    at,
    'GET',
    `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.17.0/s2048173662${at}?AQB=1&ndh=1&pf=1&mid=${o.mid ?? ECID}&pe=${o.pe ?? 'ms_s'}&pev3=video&c.&a.&contentType=vod&media.&name=123456&friendlyName=Episode&length=1200&playerName=HTML5&channel=www.acme.com&view=true&vsid=${o.vsid ?? SID}&.media&.a&.c&AQE=1`,
    { status: 200 },
  );
}

export function pageView(at: number, q = ''): RawEntry {
  return entry(
    at,
    'GET',
    `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.23.0-LDQM/s6451298${at}?AQB=1&ndh=1&pf=1&mid=${ECID}&pageName=home&g=https%3A%2F%2Fwww.acme.com%2F${q}&AQE=1`,
    { status: 200 },
  );
}

/** A well-behaved heartbeat start: AA ms_s, HB start, aa_start, play. */
export function hbStart(at = 0): RawEntry[] {
  return [aaMediaStart(at), hb(at + 100, 'start', 0), hb(at + 200, 'aa_start', 0), hb(at + 400, 'play', 0)];
}

/** Media Collection call: sessionStart (201 + Location) or an event on the session. */
export function mc(
  at: number,
  eventType: string,
  playhead: number,
  params?: Record<string, unknown>,
  o: { sid?: string; status?: number; tsAt?: number; extra?: Record<string, unknown>; host?: string } = {},
): RawEntry {
  const sid = o.sid ?? MC_SID;
  const host = o.host ?? 'acme.hb-api.omtrdc.net';
  const body = {
    eventType,
    playerTime: { playhead, ts: BASE + (o.tsAt ?? at) },
    ...(params ? { params } : {}),
    ...(o.extra ?? {}),
  };
  if (eventType === 'sessionStart')
    return entry(at, 'POST', `https://${host}/api/v1/sessions`, {
      body,
      status: o.status ?? 201,
      resHeaders: [['Location', `/api/v1/sessions/${sid}`]],
    });
  return entry(at, 'POST', `https://${host}/api/v1/sessions/${sid}/events`, {
    body,
    status: o.status ?? 204,
  });
}

export const MC_START_PARAMS = {
  'media.id': 'ep-1001',
  'media.name': 'Pilot',
  'media.length': 1330.0,
  'media.contentType': 'vod',
  'media.channel': 'Acme TV',
  'media.playerName': 'HTML5',
  'media.libraryVersion': 'js-3.1.0',
  'analytics.trackingServer': 'acme.sc.omtrdc.net',
  'analytics.reportSuite': 'acmeprod',
  'analytics.enableSSL': true,
  'visitor.marketingCloudOrgId': ORG,
  'visitor.marketingCloudUserId': ECID,
};

/** Experience Edge media call from the AEP Android SDK (`/ee/va/v1/<event>`, identityMap on every call). */
export function edgeMedia(
  at: number,
  eventType: string,
  playhead: number,
  o: { beaconAt?: number; params?: Record<string, unknown>; status?: number; host?: string } = {},
): RawEntry {
  const start = eventType === 'sessionStart';
  const mediaCollection: Record<string, unknown> = start
    ? {
        playhead,
        sessionDetails: {
          name: 'ep-1001',
          friendlyName: 'Pilot',
          length: 1330,
          contentType: 'vod',
          streamType: 'video',
          playerName: 'ExoPlayer',
          channel: 'Acme TV Android',
          hasResume: false,
        },
      }
    : { sessionID: EDGE_SID, playhead };
  let identity: unknown = { ECID: [{ id: ECID, authenticatedState: 'ambiguous', primary: false }] };
  for (const [k, v] of Object.entries(o.params ?? {})) {
    if (k === 'identityMap') identity = v;
    else setPath(mediaCollection, k, v);
  }
  const xdm: Record<string, unknown> = {};
  if (identity !== null) xdm.identityMap = identity;
  xdm.implementationDetails = {
    name: 'https://ns.adobe.com/experience/mobilesdk/android',
    version: '3.0.0+3.0.1',
    environment: 'app',
  };
  const body = {
    xdm,
    events: [
      {
        xdm: {
          eventType: `media.${eventType}`,
          _id: `id-${at}`,
          timestamp: new Date(BASE + (o.beaconAt ?? at)).toISOString(),
          mediaCollection,
        },
      },
    ],
  };
  const url = `https://${o.host ?? 'edge.adobedc.net'}/ee/va/v1/${eventType}?configId=${EDGE_CONFIG}&requestId=req-${at}`;
  const e = entry(at, 'POST', url, {
    body,
    ua: UA_ANDROID,
    status: o.status ?? (start ? 200 : 204),
    ...(start
      ? {
          resHeaders: [['Content-Type', 'application/json']] as [string, string][],
          resBody: {
            requestId: `req-${at}`,
            handle: [
              { payload: [{ sessionId: EDGE_SID }], type: 'media-analytics:new-session', eventIndex: 0 },
            ],
          },
        }
      : {}),
  });
  return e;
}

/** Web SDK page view (`/ee/v1/interact`). */
export function edgePageView(
  at: number,
  o: { params?: Record<string, unknown>; status?: number } = {},
): RawEntry {
  const xdm: Record<string, unknown> = {
    eventType: 'web.webpagedetails.pageViews',
    _id: `pv-${at}`,
    timestamp: new Date(BASE + at).toISOString(),
    web: { webPageDetails: { URL: 'https://www.acme.com/', name: 'home', pageViews: { value: 1 } } },
    implementationDetails: {
      name: 'https://ns.adobe.com/experience/alloy',
      version: '2.20.0',
      environment: 'browser',
    },
  };
  for (const [k, v] of Object.entries(o.params ?? {})) setPath(xdm, k, v);
  return entry(
    at,
    'POST',
    `https://edge.adobedc.net/ee/v1/interact?configId=${EDGE_CONFIG}&requestId=pv-${at}`,
    { body: { events: [{ xdm }] }, status: o.status ?? 200 },
  );
}

/** A path set on a nested object; `null` deletes the key. */
function setPath(obj: Record<string, unknown>, path: string, v: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (v === null) delete cur[last];
  else cur[last] = v;
}

/** Replace, add (at the end, before AQE=1 for Analytics) or (null) remove query parameters of a URL. */
function withParams(url: string, params: Record<string, unknown>, beforeTail?: string): string {
  const q = url.indexOf('?');
  const pairs = url
    .slice(q + 1)
    .split('&')
    .map((kv) => {
      const i = kv.indexOf('=');
      return i < 0
        ? ([kv, null] as [string, string | null])
        : ([kv.slice(0, i), kv.slice(i + 1)] as [string, string | null]);
    });
  for (const [k, v] of Object.entries(params)) {
    const i = pairs.findIndex(([n]) => n === k);
    if (v === null) {
      if (i >= 0) pairs.splice(i, 1);
    } else if (i >= 0) pairs[i] = [k, encodeURIComponent(String(v))];
    else {
      const tail = beforeTail ? pairs.findIndex(([n]) => n === beforeTail) : -1;
      pairs.splice(tail >= 0 ? tail : pairs.length, 0, [k, encodeURIComponent(String(v))]);
    }
  }
  return `${url.slice(0, q)}?${pairs.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join('&')}`;
}

/** An entry the HAR reader cannot use (no request URL): it is quarantined, the rest of the file is read. */
export function malformed(at: number): RawEntry {
  const e = entry(at, 'GET', 'https://acme.hb.omtrdc.net/');
  return { ...e, request: { ...e.request, url: undefined as unknown as string } };
}

/** One doc-example event as a real HAR entry. */
export function exampleEntry(ex: Example, ev: ExampleEvent): RawEntry {
  const on = ev.on ?? ex.protocol;
  const params = ev.params ?? {};
  const scheme = ev.scheme ?? 'https';
  let e: RawEntry;
  switch (on) {
    case 'heartbeat': {
      e = hb(ev.at, ev.type, ev.ph ?? 0, {
        asset: ev.asset,
        beaconAt: ev.beaconAt,
        host: ev.host,
        scheme,
      });
      e.request.url = withParams(e.request.url, params);
      break;
    }
    case 'media-collection': {
      const start = ev.type === 'sessionStart';
      const body: Record<string, unknown> = start ? { ...MC_START_PARAMS } : {};
      const extra: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(params)) {
        if (k.startsWith('customMetadata.') || k.startsWith('qoeData.')) setPath(extra, k, v);
        else if (v === null) delete body[k];
        else body[k] = v;
      }
      e = mc(ev.at, ev.type, ev.ph ?? 0, Object.keys(body).length ? body : undefined, {
        status: ev.status,
        tsAt: ev.beaconAt,
        extra,
        host: ev.host,
      });
      break;
    }
    case 'media-edge':
      e = edgeMedia(ev.at, ev.type, ev.ph ?? 0, {
        beaconAt: ev.beaconAt,
        params,
        status: ev.status,
        host: ev.host,
      });
      break;
    case 'aa': {
      const media = ev.type === 'ms_s' || ev.type === 'msa_s';
      e = media ? aaMediaStart(ev.at, { pe: ev.type }) : pageView(ev.at);
      if (!media && ev.type !== 'page') e.request.url = withParams(e.request.url, { pe: ev.type }, 'AQE');
      const { rsid, ...rest } = params;
      if (rsid !== undefined) e.request.url = e.request.url.replace('/b/ss/acmeprod/', `/b/ss/${rsid}/`);
      if (ev.host) e.request.url = e.request.url.replace('acme.sc.omtrdc.net', ev.host);
      e.request.url = withParams(e.request.url, rest, 'AQE');
      break;
    }
    case 'edge':
      e = edgePageView(ev.at, { params, status: ev.status });
      break;
    case 'malformed':
      return malformed(ev.at);
    case 'other':
      return entry(ev.at, 'GET', `https://${ev.host ?? 'cdn.acme.com'}/static/app.js`, { status: 200 });
    default:
      throw new Error(`example event on ${on}: no builder`);
  }
  if (ev.status !== undefined) e.response.status = ev.status;
  if (scheme === 'http') e.request.url = e.request.url.replace(/^https:/, 'http:');
  return e;
}

/** The whole example capture: its events in order, then (captureUntil) one unrelated entry at the end. */
export function exampleEntries(ex: Example): RawEntry[] {
  const out = ex.events.map((ev) => exampleEntry(ex, ev));
  if (ex.captureUntil !== undefined)
    out.push(exampleEntry(ex, { at: ex.captureUntil, on: 'other', type: 'get' }));
  return out;
}

export function harDoc(entries: RawEntry[], creator = 'WebInspector', comment?: string): string {
  return JSON.stringify(
    {
      log: {
        version: '1.2',
        creator: { name: creator, version: '1.0' },
        pages: [],
        entries,
        ...(comment ? { comment } : {}),
      },
    },
    null,
    1,
  );
}
