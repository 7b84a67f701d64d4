/**
 * Drop large response bodies from raw HAR bytes before JSON.parse: bodies are ~70 % of capture bytes and
 * parsing them dominates ingest time (ingest-performance.md §4c). A `"text": "<long string>"` whose nearest
 * preceding key is `"content"` (not `"postData"`) is replaced by `""`. Request bodies are never touched.
 */
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

export function stripResponseBodies(buf: Buffer, maxKeep: number): StripResult {
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
    const end = stringEnd(buf, i);
    if (end < 0) break; // truncated file: let JSON.parse report it
    if (end - i - 1 > maxKeep) {
      const from = Math.max(0, k - 2048);
      const window = buf.subarray(from, k);
      const content = window.lastIndexOf('"content"');
      const post = window.lastIndexOf('"postData"');
      if (content > post) {
        parts.push(buf.subarray(last, i + 1));
        last = end; // keep the closing quote
        removed += end - i - 1;
        stripped++;
      }
    }
    pos = end + 1;
  }
  if (stripped === 0) return { buf, removedBytes: 0, stripped: 0 };
  parts.push(buf.subarray(last));
  return { buf: Buffer.concat(parts), removedBytes: removed, stripped };
}
