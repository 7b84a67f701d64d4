// HAR 1.2 writers in the styles of the tools people export captures from. They differ in exactly the
// ways parsers trip on: HTTP/2 pseudo-headers and `_initiator` (Chromium DevTools), local-time
// `startedDateTime` with an offset (Firefox, Charles, BrowserMob), seven fractional digits (Fiddler),
// Python `isoformat()` microseconds (mitmproxy), form bodies only as `postData.params` (BrowserMob),
// decoded vs raw `queryString` values, lower-case response headers, base64 binary bodies.
// Spec: http://www.softwareishard.com/blog/har-12-spec/; mitmproxy's writer:
// https://github.com/mitmproxy/mitmproxy/blob/main/mitmproxy/addons/savehar.py

import type { Exporter, Req } from './model.js';
import type { Rng } from './prng.js';

type Json = Record<string, unknown>;

export interface HarOptions {
  rng: Rng;
  exporter: Exporter;
  /** Offset of the capturing machine's clock zone (minutes, `Date#getTimezoneOffset` sign). */
  tzOffsetMin: number;
  pageTitle: string;
  pageStart: number;
}

const pad = (n: number, w = 2) => String(Math.abs(Math.trunc(n))).padStart(w, '0');

function offsetSuffix(tzOffsetMin: number): string {
  if (tzOffsetMin === 0) return '+00:00';
  const east = -tzOffsetMin;
  return `${east >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(east) / 60))}:${pad(Math.abs(east) % 60)}`;
}

function localIso(ms: number, tzOffsetMin: number, fraction: string): string {
  const d = new Date(ms - tzOffsetMin * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${fraction}${offsetSuffix(tzOffsetMin)}`;
}

function startedDateTime(o: HarOptions, ms: number): string {
  const milli = pad(((ms % 1000) + 1000) % 1000, 3);
  switch (o.exporter) {
    case 'firefox':
    case 'charles':
    case 'browsermob':
      return localIso(ms, o.tzOffsetMin, milli);
    case 'fiddler':
      // .NET round-trip format: seven fractional digits and the local offset.
      return localIso(ms, o.tzOffsetMin, `${milli}${o.rng.digits(4).slice(0, 4)}`);
    case 'mitmproxy':
      return localIso(ms, 0, `${milli}000`);
    default:
      return new Date(ms).toISOString();
  }
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    return v;
  }
}

function pairs(query: string, decode: boolean): { name: string; value: string }[] {
  if (!query) return [];
  return query.split('&').map((part) => {
    const i = part.indexOf('=');
    const name = i < 0 ? part : part.slice(0, i);
    const value = i < 0 ? '' : part.slice(i + 1);
    return decode ? { name: safeDecode(name), value: safeDecode(value) } : { name, value };
  });
}

const CHROMIUM: readonly Exporter[] = ['chrome', 'edge'];

function httpVersion(e: Exporter): string {
  switch (e) {
    case 'chrome':
    case 'edge':
      return 'http/2.0';
    case 'firefox':
      return 'HTTP/2';
    case 'safari':
      return 'h2';
    case 'fiddler':
    case 'browsermob':
    case 'charles':
      return 'HTTP/1.1';
    default:
      return 'HTTP/2.0';
  }
}

function headersSize(headers: [string, string][]): number {
  return headers.reduce((s, [k, v]) => s + k.length + v.length + 4, 2);
}

function resourceType(req: Req): string {
  switch (req.initiator) {
    case 'image':
      return 'image';
    case 'beacon':
      return 'ping';
    case 'script':
      return 'script';
    case 'document':
      return 'document';
    case 'fetch':
      return 'fetch';
    case 'media':
      return 'media';
    default:
      return 'xhr';
  }
}

function entry(o: HarOptions, req: Req, pageref: string | undefined): Json {
  const { rng, exporter } = o;
  const url = new URL(req.url);
  const chromium = CHROMIUM.includes(exporter);
  const h2 = httpVersion(exporter);
  const reqHeaders: [string, string][] = [['Host', url.host], ...req.headers];
  let outReqHeaders: { name: string; value: string }[];
  if (chromium) {
    outReqHeaders = [
      { name: ':authority', value: url.host },
      { name: ':method', value: req.method },
      { name: ':path', value: `${url.pathname}${url.search}` },
      { name: ':scheme', value: url.protocol.replace(':', '') },
      ...req.headers.map(([name, value]) => ({ name: name.toLowerCase(), value })),
    ];
  } else if (exporter === 'firefox') {
    outReqHeaders = reqHeaders.map(([name, value]) => ({ name: name.toLowerCase(), value }));
  } else outReqHeaders = reqHeaders.map(([name, value]) => ({ name, value }));

  const rawQuery = url.search.startsWith('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
  const decodeQuery = !(chromium || exporter === 'safari');
  const request: Json = {
    method: req.method,
    url: req.url,
    httpVersion: h2,
    cookies: [],
    headers: outReqHeaders,
    queryString: pairs(rawQuery, decodeQuery),
    headersSize: chromium ? -1 : headersSize(reqHeaders),
    bodySize: req.body ? Buffer.byteLength(req.body.text) : 0,
  };
  if (req.body) {
    const form = req.body.mime.startsWith('application/x-www-form-urlencoded');
    let postData: Json;
    if (exporter === 'browsermob') {
      postData = form
        ? { mimeType: req.body.mime, params: pairs(req.body.text, true), comment: '' }
        : { mimeType: req.body.mime, text: req.body.text, comment: '' };
    } else if (exporter === 'mitmproxy') {
      postData = {
        mimeType: req.body.mime,
        text: req.body.text,
        params: form ? pairs(req.body.text, true) : [],
      };
    } else if (exporter === 'firefox') {
      postData = { mimeType: req.body.mime, params: [], text: req.body.text };
    } else postData = { mimeType: req.body.mime, text: req.body.text };
    request.postData = postData;
  }
  if (exporter === 'browsermob') request.comment = '';

  const r = req.resp;
  const respHeaders =
    chromium || exporter === 'firefox' || exporter === 'safari' || h2 === 'HTTP/2.0'
      ? r.headers.map(([name, value]) => ({ name: name.toLowerCase(), value }))
      : r.headers.map(([name, value]) => ({ name, value }));
  const content: Json = { size: r.size, mimeType: r.mime || (chromium ? 'x-unknown' : '') };
  const keepsBinary = ['chrome', 'edge', 'safari', 'charles', 'fiddler', 'mitmproxy'].includes(exporter);
  if (r.text !== undefined && r.text !== '' && exporter !== 'browsermob') {
    if (r.binary) {
      if (keepsBinary) {
        content.text = r.text;
        content.encoding = 'base64';
      }
    } else content.text = r.text;
  } else if (r.text !== undefined && r.text !== '' && exporter === 'browsermob' && !r.binary)
    content.text = r.text;
  if (exporter === 'mitmproxy') content.compression = 0;
  if (exporter === 'browsermob') content.comment = '';
  const location = r.headers.find(([k]) => k.toLowerCase() === 'location')?.[1] ?? '';
  const response: Json = {
    status: r.status,
    statusText: chromium && h2 === 'http/2.0' ? '' : r.statusText,
    httpVersion: h2,
    cookies: [],
    headers: respHeaders,
    content,
    redirectURL: r.status >= 300 && r.status < 400 ? location : '',
    headersSize: chromium ? -1 : headersSize(r.headers),
    bodySize: r.size,
  };
  if (chromium) {
    response._transferSize = r.size + rng.int(120, 480);
    response._error = null;
  }
  if (exporter === 'browsermob') response.comment = '';

  const wait = rng.float(18, 260);
  const timings: Json = {
    blocked: chromium ? rng.float(0.4, 6) : -1,
    dns: -1,
    ssl: -1,
    connect: -1,
    send: rng.float(0.05, 0.6),
    wait,
    receive: rng.float(0.05, 2.5),
  };
  if (chromium) timings._blocked_queueing = rng.float(0.2, 3);
  if (exporter === 'mitmproxy') {
    delete timings.blocked;
    delete timings.dns;
  }
  for (const [k, v] of Object.entries(timings))
    if (typeof v === 'number') timings[k] = Math.round(v * 1000) / 1000;
  if (exporter === 'browsermob') timings.comment = '';
  const time =
    Math.round(
      Object.values(timings)
        .filter((v): v is number => typeof v === 'number' && v >= 0)
        .reduce((s, v) => s + v, 0) * 1000,
    ) / 1000;

  const e: Json = {};
  if (pageref !== undefined) e.pageref = pageref;
  e.startedDateTime = startedDateTime(o, req.capT);
  e.time = time;
  e.request = request;
  e.response = response;
  e.cache = {};
  e.timings = timings;
  if (exporter !== 'safari')
    e.serverIPAddress = `${rng.int(2, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  if (chromium) {
    e._initiator =
      req.initiator === 'document'
        ? { type: 'other' }
        : {
            type: 'script',
            stack: {
              callFrames: [
                {
                  functionName: req.initiator === 'image' ? 'h.mr' : 'e.send',
                  scriptId: String(rng.int(10, 400)),
                  url: `https://assets.adobedtm.com/launch-${rng.hex(12)}.min.js`,
                  lineNumber: rng.int(0, 20),
                  columnNumber: rng.int(100, 90_000),
                },
              ],
            },
          };
    e._priority = req.initiator === 'image' ? 'Low' : 'High';
    e._resourceType = resourceType(req);
    e.connection = String(rng.int(1000, 99_999));
  }
  if (exporter === 'firefox') {
    e.connection = '443';
    e._securityState = 'secure';
  }
  if (exporter === 'safari') {
    e._fetchType = 'Network Load';
    e._priority = 'medium';
  }
  if (exporter === 'charles') e._charlesStatus = 'COMPLETE';
  if (exporter === 'browsermob') e.comment = '';
  return e;
}

const CREATORS: Record<Exporter, Json> = {
  chrome: { name: 'WebInspector', version: '537.36' },
  edge: { name: 'WebInspector', version: '537.36' },
  firefox: { name: 'Firefox', version: '128.0' },
  safari: { name: 'WebKit Web Inspector', version: '1.0' },
  charles: { name: 'Charles Proxy', version: '4.6.6' },
  fiddler: { name: 'Fiddler', version: '5.0.20204.45441', comment: 'http://www.telerik.com/fiddler' },
  browsermob: { name: 'BrowserMob Proxy', version: '2.1.4', comment: '' },
  proxyman: { name: 'Proxyman', version: '5.6.1' },
  mitmproxy: { name: 'mitmproxy exporthar', version: '0.1', comment: 'mitmproxy version 10.4.2' },
  httptoolkit: { name: 'HTTP Toolkit', version: '1.19.2' },
};

/** `reqs` must already be in capture order. */
export function buildHar(o: HarOptions, reqs: Req[]): Json {
  const withPages = ['chrome', 'edge', 'firefox', 'safari', 'browsermob'].includes(o.exporter);
  const pageId = o.exporter === 'browsermob' ? 'Page 0' : o.exporter === 'safari' ? 'page_0' : 'page_1';
  const log: Json = { version: '1.2', creator: CREATORS[o.exporter] };
  if (o.exporter === 'firefox') log.browser = { name: 'Firefox', version: '128.0' };
  if (o.exporter === 'chrome' || o.exporter === 'edge') log.version = '1.2';
  if (withPages) {
    const page: Json = {
      startedDateTime: startedDateTime(o, o.pageStart),
      id: pageId,
      title: o.pageTitle,
      pageTimings:
        o.exporter === 'browsermob'
          ? { comment: '' }
          : { onContentLoad: o.rng.int(300, 1500), onLoad: o.rng.int(1500, 4000) },
    };
    if (o.exporter === 'browsermob') page.comment = '';
    log.pages = [page];
  } else if (o.exporter === 'mitmproxy' || o.exporter === 'httptoolkit') log.pages = [];
  log.entries = reqs.map((r) => entry(o, r, withPages ? pageId : undefined));
  if (o.exporter === 'browsermob') log.comment = '';
  return { log };
}

export function serializeHar(har: Json, exporter: Exporter, pretty: boolean): string {
  if (exporter === 'mitmproxy') return JSON.stringify(har, null, 4);
  return pretty ? JSON.stringify(har, null, 2) : JSON.stringify(har);
}
