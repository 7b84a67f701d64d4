/**
 * Entry-level HAR edits shared by fixture minimization/scrubbing and the scenario mutators: read/write
 * HAR JSON, drop entries, move an entry in time (capture time and beacon time together), add a parameter,
 * rewrite a host, and scrub PII (ECIDs hashed consistently, user agents truncated, cookies and response
 * bodies dropped).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { bytesToText, detectEncoding } from '../har/decode-text.js';
import { needsResponseBody } from '../decode/index.js';
import { truncateUa } from '../decode/pii.js';

export interface HarEntry {
  startedDateTime: string;
  request: {
    method: string;
    url: string;
    headers: { name: string; value: string }[];
    queryString?: { name: string; value: string }[];
    cookies?: unknown[];
    postData?: { mimeType?: string; text?: string; params?: unknown[] };
    [k: string]: unknown;
  };
  response: {
    content?: { text?: string; size?: number; [k: string]: unknown };
    cookies?: unknown[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}
export interface HarDoc {
  log: { entries: HarEntry[]; [k: string]: unknown };
}

export function readHar(file: string): HarDoc {
  let buf = readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  let text = bytesToText(buf, detectEncoding(buf));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return JSON.parse(text) as HarDoc;
}

export function writeHar(file: string, har: HarDoc): void {
  writeFileSync(file, `${JSON.stringify(har, null, 1)}\n`);
}

/** Bodies of a beacon as JSON (null when not JSON). */
function bodyJson(e: HarEntry): unknown {
  const t = e.request.postData?.text;
  if (!t || !/^\s*[[{]/.test(t)) return null;
  try {
    return JSON.parse(t);
  } catch {
    return null;
  }
}

function setBody(e: HarEntry, v: unknown): void {
  if (e.request.postData) e.request.postData.text = JSON.stringify(v);
}

function walk(
  v: unknown,
  fn: (o: Record<string, unknown>, parentKey: string | null) => void,
  pk: string | null = null,
): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, fn, pk));
  else if (v && typeof v === 'object') {
    fn(v as Record<string, unknown>, pk);
    for (const [k, x] of Object.entries(v)) walk(x, fn, k);
  }
}

/** Replace one query parameter (URL and queryString) when present. */
function setQuery(e: HarEntry, name: string, value: string): void {
  const re = new RegExp(`([?&])${name.replace(/[.:*+?^${}()|[\]\\]/g, '\\$&')}=[^&]*`);
  if (re.test(e.request.url)) e.request.url = e.request.url.replace(re, `$1${name}=${value}`);
  for (const q of e.request.queryString ?? []) if (q.name === name) q.value = value;
}

/** Move an entry to epoch ms `t` (capture time and beacon time), keeping its duration. */
export function moveEntry(e: HarEntry, t: number): void {
  const old = Date.parse(e.startedDateTime);
  const delta = t - old;
  e.startedDateTime = new Date(t).toISOString();
  const m = /[?&]l:event:ts=(\d+)/.exec(e.request.url);
  if (m) setQuery(e, 'l:event:ts', String(Number(m[1]) + delta));
  const b = bodyJson(e);
  if (b) {
    walk(b, (o, pk) => {
      if (pk === 'playerTime' && typeof o.ts === 'number') o.ts = o.ts + delta;
      if (typeof o.timestamp === 'string' && !Number.isNaN(Date.parse(o.timestamp)))
        o.timestamp = new Date(Date.parse(o.timestamp) + delta).toISOString();
    });
    setBody(e, b);
  }
}

/** Shift a playhead value (heartbeat `l:event:playhead`, MC `playerTime.playhead`, Edge `mediaCollection.playhead`). */
export function setPlayhead(e: HarEntry, playhead: number): void {
  if (/[?&]l:event:playhead=/.test(e.request.url)) setQuery(e, 'l:event:playhead', String(playhead));
  const b = bodyJson(e);
  if (b) {
    walk(b, (o, pk) => {
      if (pk === 'playerTime' && typeof o.playhead === 'number') o.playhead = playhead;
      if (pk === 'mediaCollection' && typeof o.playhead === 'number') o.playhead = playhead;
    });
    setBody(e, b);
  }
}

/** Add a parameter: heartbeat GET query, or MC `params` / Edge `mediaCollection.sessionDetails` in the body. */
export function addParam(e: HarEntry, name: string, value: string | number | boolean): void {
  if (e.request.method === 'GET' && /[?&]s:event:type=/.test(e.request.url)) {
    e.request.url += `&${name}=${encodeURIComponent(String(value))}`;
    (e.request.queryString ??= []).push({ name, value: String(value) });
    return;
  }
  const b = bodyJson(e);
  if (!b) return;
  let done = false;
  walk(b, (o, pk) => {
    if (done) return;
    if (pk === 'params' || pk === 'sessionDetails') {
      const key = pk === 'sessionDetails' ? name.replace(/^.*\./, '') : name;
      o[key] = value;
      done = true;
    }
  });
  setBody(e, b);
}

export function removeParam(e: HarEntry, name: string): boolean {
  let hit = false;
  const re = new RegExp(`([?&])${name.replace(/[.:*+?^${}()|[\]\\]/g, '\\$&')}=[^&]*`);
  if (re.test(e.request.url)) {
    e.request.url = e.request.url.replace(re, (_m, p1: string) => (p1 === '?' ? '?' : ''));
    e.request.queryString = (e.request.queryString ?? []).filter((q) => q.name !== name);
    hit = true;
  }
  const b = bodyJson(e);
  if (b) {
    walk(b, (o, pk) => {
      if (pk === 'params' && name in o) {
        delete o[name];
        hit = true;
      }
    });
    setBody(e, b);
  }
  return hit;
}

export function setHost(e: HarEntry, host: string): void {
  const u = new URL(e.request.url);
  const old = u.host;
  e.request.url = e.request.url.replace(`//${old}`, `//${host}`);
  for (const h of e.request.headers) if (h.name.toLowerCase() === 'host') h.value = host;
}

/** Replace an exact wire token (e.g. a library version) everywhere in the HAR. */
export function replaceToken(har: HarDoc, from: string, to: string): HarDoc {
  const re = new RegExp(`(?<![\\w.])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.])`, 'g');
  return JSON.parse(JSON.stringify(har).replace(re, to)) as HarDoc;
}

/** A 38-digit stand-in for an ECID, stable per value and salt (keeps identity checks meaningful). */
function hashedEcid(v: string, salt: string): string {
  const h = createHash('sha256').update(`${salt}:${v}`).digest();
  let out = '';
  for (let i = 0; out.length < 38; i++) out += String(h[i % h.length] % 10);
  return out;
}

/**
 * Scrub PII in place: ECIDs (38 digits) hashed consistently, user agents cut to the product token,
 * cookies, response bodies, IPs and page titles dropped.
 */
export function scrubHar(har: HarDoc, salt = 'goblin-fixture'): HarDoc {
  const text = JSON.stringify(har).replace(/(?<!\d)\d{38}(?!\d)/g, (m) => hashedEcid(m, salt));
  const out = JSON.parse(text) as HarDoc;
  for (const e of out.log.entries) {
    // Keep the UA up to its platform group: fingerprinting reads it (Roku/Android/iOS templates).
    for (const h of e.request.headers)
      if (h.name.toLowerCase() === 'user-agent') h.value = truncateUa(h.value);
    e.request.headers = e.request.headers.filter(
      (h) => !/^(cookie|authorization|x-forwarded-for)$/i.test(h.name),
    );
    e.request.cookies = [];
    e.response.cookies = [];
    if (e.response.content && typeof e.response.content.text === 'string') {
      const kept = neededBody(
        e.request.method,
        e.request.url,
        Number(e.response.status),
        e.response.content.text,
      );
      if (kept === null) {
        delete e.response.content.text;
        e.response.content.size = 0;
      } else {
        e.response.content.text = kept;
        e.response.content.size = kept.length;
      }
    }
    delete e.serverIPAddress;
    if (Array.isArray(e.response.headers))
      e.response.headers = (e.response.headers as { name: string }[]).filter(
        (h) => !/^set-cookie$/i.test(h.name),
      );
  }
  const pages = out.log.pages as { title?: string }[] | undefined;
  for (const p of pages ?? []) p.title = 'scrubbed';
  return out;
}

/**
 * The part of a response body decoding needs, identity removed: Edge handles that carry the media
 * session id and location hint, and server errors; Media Collection error bodies. Null = drop the body.
 */
function neededBody(method: string, url: string, status: number, text: string): string | null {
  if (!needsResponseBody(method, url, status)) return null;
  if (!url.includes('/ee')) return text.slice(0, 2000); // Media Collection error message
  try {
    const body = JSON.parse(text) as {
      requestId?: string;
      handle?: { type?: string }[];
      errors?: unknown;
      warnings?: unknown;
    };
    const handle = (body.handle ?? []).filter(
      (h) => h.type === 'media-analytics:new-session' || h.type === 'locationHint:result',
    );
    return JSON.stringify({
      requestId: body.requestId,
      handle,
      ...(body.errors ? { errors: body.errors } : {}),
      ...(body.warnings ? { warnings: body.warnings } : {}),
    });
  } catch {
    return null;
  }
}

/** Keep only the entries at `keep` (and the first and last entry, which fix the capture span). */
export function keepEntries(har: HarDoc, keep: Set<number>): HarDoc {
  const n = har.log.entries.length;
  const idx = new Set([...keep, 0, n - 1]);
  return { ...har, log: { ...har.log, entries: har.log.entries.filter((_e, i) => idx.has(i)) } };
}
