// Adobe Analytics image requests (`/b/ss/{rsid}/{hitSource}/{version}/s{random}`) the way each client
// library builds them: AppMeasurement JS (GET wrapped in AQB/AQE, XHR POST for long hits, sendBeacon),
// the AEP Analytics extension and ADBMobile 4.x (form POST starting `ndh=1`), legacy Roku and Chromecast.
// Sources: https://experienceleague.adobe.com/en/docs/analytics/implementation/validate/query-parameters,
// https://github.com/adobe/aepsdk-analytics-android, https://github.com/MisterPhilip/omnibug.

import type { Initiator, Req, Resp } from './model.js';
import type { Rng } from './prng.js';

export type AaStyle = 'web' | 'aep' | 'adbmobile' | 'roku' | 'chromecast';

export interface AaClient {
  style: AaStyle;
  token: string;
  server: string;
  /** Report-suite list as it appears in the path (mobile clients may percent-encode the comma). */
  rsidPath: string;
  hitSource: string;
  scheme: 'https' | 'http';
  ua: string;
  /** Web only: page the hits come from. */
  pageUrl?: string;
  origin?: string;
  tzOffsetMin: number;
}

/** AppMeasurement's `t`: local `d/m/yyyy h:m:s weekday offset`, month 0-based, nothing zero-padded. */
export function aaLocalTime(ms: number, tzOffsetMin: number): string {
  const d = new Date(ms - tzOffsetMin * 60_000);
  return `${d.getUTCDate()}/${d.getUTCMonth()}/${d.getUTCFullYear()} ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()} ${d.getUTCDay()} ${tzOffsetMin}`;
}

/** Mobile SDKs and legacy Roku send the zero date with only the time-zone offset. */
export function aaZeroTime(tzOffsetMin: number): string {
  return `00/00/0000 00:00:00 0 ${tzOffsetMin}`;
}

const enc = (v: string) => encodeURIComponent(v);

/**
 * Context data (`c.` … `.c`) with dotted keys nested the way AppMeasurement and the mobile SDKs write it:
 * `a.media.name=X` becomes `c.&a.&media.&name=X&.media&.a&.c`; siblings share their open levels.
 */
export function encodeContext(entries: [string, string][]): string {
  interface Node {
    children: Map<string, Node>;
    value?: string;
  }
  const root: Node = { children: new Map() };
  for (const [key, value] of entries) {
    const parts = key.split('.');
    let node = root;
    for (const p of parts) {
      let next = node.children.get(p);
      if (!next) {
        next = { children: new Map() };
        node.children.set(p, next);
      }
      node = next;
    }
    node.value = value;
  }
  const out: string[] = [];
  const walk = (node: Node) => {
    for (const [name, child] of node.children) {
      if (child.value !== undefined) out.push(`${enc(name)}=${enc(child.value)}`);
      if (child.children.size > 0) {
        out.push(`${enc(name)}.`);
        walk(child);
        out.push(`.${enc(name)}`);
      }
    }
  };
  walk(root);
  return ['c.', ...out, '.c'].join('&');
}

export function queryString(params: [string, string][]): string {
  return params.map(([k, v]) => (k === '__raw' ? v : `${k}=${enc(v)}`)).join('&');
}

const GIF_1X1_BASE64 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export function aaResponse(client: AaClient, t: number, method: 'GET' | 'POST'): Resp {
  const headers: [string, string][] = [
    ['Date', httpDate(t)],
    ['Server', 'jag'],
    ['Cache-Control', 'no-cache, no-store, max-age=0, no-transform, private'],
    ['Pragma', 'no-cache'],
    ['Expires', 'Fri, 01 Jan 1990 00:00:00 GMT'],
  ];
  if (client.origin) {
    headers.push(
      ['Access-Control-Allow-Origin', client.origin],
      ['Access-Control-Allow-Credentials', 'true'],
    );
  }
  if (method === 'GET') {
    headers.push(['Content-Type', 'image/gif'], ['Content-Length', '43']);
    return {
      status: 200,
      statusText: 'OK',
      headers,
      mime: 'image/gif',
      text: GIF_1X1_BASE64,
      binary: true,
      size: 43,
    };
  }
  headers.push(['Content-Type', 'text/plain;charset=utf-8'], ['Content-Length', '0']);
  return { status: 200, statusText: 'OK', headers, mime: 'text/plain', text: '', size: 0 };
}

export interface AaHit {
  /** Ordered query parameters (before context data). */
  params: [string, string][];
  context: [string, string][];
  /** Parameters written after the context block (mobile POST bodies put t/mid/pageName there). */
  after?: [string, string][];
  /** Web: force XHR POST of the query (long hits), or `navigator.sendBeacon` (exit links). */
  transport?: 'get' | 'post' | 'beacon';
  /** Web GET only: cut the URL at this many characters, the way a too-long image request gets cut. */
  truncateAt?: number;
}

export function randomPart(rng: Rng, style: AaStyle, t: number): string {
  switch (style) {
    case 'web':
      return `s${Math.floor(t / 10_800_000) % 10}${rng.digits(13)}`;
    case 'aep':
      return `s${rng.int(0, 100_000_000)}`;
    case 'roku':
      return `s${rng.int(0, 1_000_000)}`;
    case 'chromecast':
      return `s${rng.int(0, 10_000_000)}`;
    case 'adbmobile':
      return `s${rng.int(0, 100_000_000)}`;
  }
}

/** Build the request of one Analytics hit; `random` is the cache-buster path segment. */
export function aaRequest(client: AaClient, hit: AaHit, t: number, random: string, owner: string): Req {
  const base = `${client.scheme}://${client.server}/b/ss/${client.rsidPath}/${client.hitSource}/${client.token}/${random}`;
  const ctx = hit.context.length > 0 ? encodeContext(hit.context) : '';
  const parts = [queryString(hit.params), ctx, queryString(hit.after ?? [])].filter((p) => p.length > 0);
  const headers: [string, string][] = [['User-Agent', client.ua]];
  let method: 'GET' | 'POST';
  let url: string;
  let body: Req['body'];
  let initiator: Initiator;
  if (client.style === 'web') {
    const query = ['AQB=1&ndh=1&pf=1', ...parts, 'AQE=1'].join('&');
    if (hit.transport === 'post') {
      method = 'POST';
      url = base;
      body = { mime: 'application/x-www-form-urlencoded', text: query };
      headers.push(['Content-Type', 'application/x-www-form-urlencoded'], ['Accept', '*/*']);
      initiator = 'xhr';
    } else if (hit.transport === 'beacon') {
      method = 'POST';
      url = `${base}?${query}`;
      body = { mime: 'text/plain;charset=UTF-8', text: '' };
      initiator = 'beacon';
    } else {
      method = 'GET';
      url = `${base}?${query}`;
      if (hit.truncateAt !== undefined && url.length > hit.truncateAt) {
        url = url.slice(0, hit.truncateAt);
        // Never leave half a percent-escape at the cut.
        const pct = url.lastIndexOf('%');
        if (pct >= url.length - 2) url = url.slice(0, pct);
      }
      headers.push(['Accept', 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8']);
      initiator = 'image';
    }
    if (client.pageUrl) headers.push(['Referer', client.pageUrl]);
    if (client.origin && method === 'POST') headers.push(['Origin', client.origin]);
  } else {
    method = 'POST';
    url = base;
    body = { mime: 'application/x-www-form-urlencoded', text: ['ndh=1', ...parts].join('&') };
    headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
    if (client.style === 'aep' || client.style === 'adbmobile') {
      headers.push(['Accept-Language', 'en-US'], ['Connection', 'Keep-Alive'], ['Accept-Encoding', 'gzip']);
    } else headers.push(['Accept', '*/*']);
    initiator = 'other';
  }
  return {
    t,
    capT: t,
    owner,
    method,
    url,
    headers,
    body,
    resp: aaResponse(client, t, method),
    initiator,
    marks: [],
  };
}
