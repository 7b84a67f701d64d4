/**
 * Drop large response bodies from raw HAR bytes before JSON.parse: bodies are ~70 % of capture bytes and
 * parsing them dominates ingest time (docs/ingest.md, "Big captures"). A `"text": "<long string>"` whose nearest
 * preceding key is `"content"` (not `"postData"`) is replaced by `""`. Request bodies are never touched.
 */
import type { ScratchBuffer } from './scratch.js';

const TEXT_KEY = Buffer.from('"text"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Index of the closing quote of a JSON string whose opening quote is at `open`, or -1. */
function stringEnd(buf: Buffer, open: number): number {
  let i = open + 1;
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    if (q < 0) return -1;
    let bs = 0;
    for (let j = q - 1; j > open && buf[j] === BACKSLASH; j--) bs++;
    if (bs % 2 === 0) return q;
    i = q + 1;
  }
}

export interface StripResult {
  buf: Buffer;
  removedBytes: number;
  stripped: number;
}

const URL_KEY = Buffer.from('"url"');

/** The request URL of the entry a body belongs to: the nearest preceding `"url"` string (request comes first). */
function precedingUrl(buf: Buffer, pos: number): string | null {
  const k = buf.lastIndexOf(URL_KEY, pos);
  if (k < 0 || pos - k > 1 << 20) return null;
  let i = k + URL_KEY.length;
  while (i < buf.length && (isWs(buf[i]) || buf[i] === 0x3a)) i++;
  if (buf[i] !== QUOTE) return null;
  const end = stringEnd(buf, i);
  return end < 0 ? null : buf.toString('latin1', i + 1, Math.min(end, i + 2049));
}

/** Whether the `"text"` key at `k` is a response's (`"content"` is nearer before it than `"postData"`). */
function isResponseText(buf: Buffer, k: number): boolean {
  const window = buf.subarray(Math.max(0, k - 2048), k);
  return window.lastIndexOf('"content"') > window.lastIndexOf('"postData"');
}

export interface StripOptions {
  /** Bodies longer than this are always dropped. */
  maxKeep: number;
  /** Bodies longer than this are dropped unless `keepUrl` says their entry needs them. */
  minStrip?: number;
  keepUrl?: (url: string) => boolean;
  /** Where the stripped copy goes (valid until the scratch's next use); a fresh buffer without it. */
  scratch?: ScratchBuffer;
}

/**
 * Whether a response body of `len` bytes is dropped (the one rule: the selective reader in read.ts counts
 * and drops bodies by it too). `urlOf` gives the entry's request URL, asked for only when it decides.
 */
export function dropsBody(len: number, urlOf: () => string, o: StripOptions): boolean {
  const minStrip = o.keepUrl ? Math.min(o.minStrip ?? 512, o.maxKeep) : o.maxKeep;
  if (len <= minStrip) return false;
  return !(len <= o.maxKeep && o.keepUrl !== undefined && o.keepUrl(urlOf()));
}

export function stripResponseBodies(buf: Buffer, maxKeepOrOpts: number | StripOptions): StripResult {
  const o: StripOptions = typeof maxKeepOrOpts === 'number' ? { maxKeep: maxKeepOrOpts } : maxKeepOrOpts;
  const parts: Buffer[] = [];
  let last = 0;
  let pos = 0;
  let removed = 0;
  let stripped = 0;
  for (;;) {
    const k = buf.indexOf(TEXT_KEY, pos);
    if (k < 0) break;
    let i = k + TEXT_KEY.length;
    while (i < buf.length && isWs(buf[i])) i++;
    if (buf[i] !== 0x3a /* : */) {
      pos = k + 1;
      continue;
    }
    i++;
    while (i < buf.length && isWs(buf[i])) i++;
    if (buf[i] !== QUOTE) {
      pos = i;
      continue;
    }
    // Request bodies are never stripped, so their end is never looked for: Adobe POST bodies are JSON
    // full of escaped quotes, and walking them quote by quote was most of this function's time. Scanning
    // on inside one is safe: a `"text"` key cannot start inside a string (its quotes would be escaped).
    if (!isResponseText(buf, k)) {
      pos = i + 1;
      continue;
    }
    const end = stringEnd(buf, i);
    if (end < 0) break; // truncated file: let JSON.parse report it
    const len = end - i - 1;
    if (dropsBody(len, () => precedingUrl(buf, k) ?? '', o)) {
      parts.push(buf.subarray(last, i + 1));
      last = end; // keep the closing quote
      removed += end - i - 1;
      stripped++;
    }
    pos = end + 1;
  }
  if (stripped === 0) return { buf, removedBytes: 0, stripped: 0 };
  parts.push(buf.subarray(last));
  if (!o.scratch) return { buf: Buffer.concat(parts), removedBytes: removed, stripped };
  const out = o.scratch.take(buf.length - removed);
  let at = 0;
  for (const p of parts) at += p.copy(out, at);
  return { buf: out, removedBytes: removed, stripped };
}
