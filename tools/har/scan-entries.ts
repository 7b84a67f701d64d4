/**
 * A structural scan of a HAR's bytes: where each `log.entries` element starts and ends, and — without
 * building any JavaScript value — the few fields every entry must give (start time, method, URL, status,
 * the response body's extent). The reader (tools/har/read.ts) then parses only the entries its caller
 * reads past the URL (ingest: Adobe traffic) and builds the rest from these fields: `JSON.parse` of a
 * whole capture spent most of its time on headers, cookies and timings of entries nobody reads
 * (docs/ingest.md, "The selective reader").
 *
 * The scan checks the JSON structure it walks (objects, arrays, strings, literals, numbers' characters)
 * and gives up with `ScanUnsupported` on anything it does not handle exactly as `JSON.parse` would (an
 * escaped key among the keys it reads, a second `log` or `entries`, nesting deeper than MAX_DEPTH, a raw
 * control character at the start of a string, bytes after the document): the reader then parses the whole
 * text as before, so a broken file gets `JSON.parse`'s own error and nothing is read differently.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MAX_DEPTH = 512;

export class ScanUnsupported extends Error {}

/** A JSON value's byte range [start, end); start is -1 when the key was absent. */
export interface ScannedEntry {
  start: number;
  end: number;
  /** JSON type of the element: entries that are not objects are entry problems, as in normalizeEntry. */
  shape: 'object' | 'array' | 'other';
  /** Type of its (last) `request` value; `absent` when it has none. */
  request: 'object' | 'array' | 'other' | 'absent';
  startedStart: number;
  startedEnd: number;
  methodStart: number;
  methodEnd: number;
  urlStart: number;
  urlEnd: number;
  /** `response.status`, only when `response` is an object (otherwise normalizeEntry reads status 0). */
  statusStart: number;
  statusEnd: number;
  /** Bytes between the quotes of `response.content.text` when it is a string, else -1. */
  bodyBytes: number;
}

export interface ScannedHar {
  /** Byte range of `log.creator` (exporter detection), or start -1. */
  creatorStart: number;
  creatorEnd: number;
  entries: ScannedEntry[];
}

// Keys the scan reads, as bytes.
const K = (s: string) => Buffer.from(s, 'latin1');
const KEY_LOG = K('log');
const KEY_ENTRIES = K('entries');
const KEY_CREATOR = K('creator');
const KEY_STARTED = K('startedDateTime');
const KEY_REQUEST = K('request');
const KEY_RESPONSE = K('response');
const KEY_METHOD = K('method');
const KEY_URL = K('url');
const KEY_STATUS = K('status');
const KEY_CONTENT = K('content');
const KEY_TEXT = K('text');

const unsupported = (why: string): never => {
  throw new ScanUnsupported(why);
};

// States of `skip`.
const VALUE = 0;
const FIRST_VALUE = 1;
const FIRST_KEY = 2;
const KEY = 3;
const COLON_NEXT = 4;
const AFTER = 5;

/** The bytes of `b` scanned, and the cursor's helpers; one instance per document. */
class Scanner {
  private readonly stack = new Uint8Array(MAX_DEPTH);
  constructor(private readonly b: Buffer) {}

  ws(i: number): number {
    const b = this.b;
    for (;;) {
      const c = b[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return i;
    }
  }

  /** Index just after the closing quote of the string whose opening quote is at `i`. */
  stringEnd(i: number): number {
    const b = this.b;
    let j = i + 1;
    // Most strings (header names and values, keys) are short: a loop here costs less than a native call.
    const lim = Math.min(j + 64, b.length);
    for (; j < lim; j++) {
      const c = b[j];
      if (c === QUOTE) return j + 1;
      if (c === BACKSLASH) j++;
      else if (c < 0x20) unsupported('control character in a string');
    }
    for (;;) {
      const q = b.indexOf(QUOTE, j);
      if (q < 0) return unsupported('unterminated string');
      let bs = 0;
      for (let k = q - 1; k > i && b[k] === BACKSLASH; k--) bs++;
      if (bs % 2 === 0) return q + 1;
      j = q + 1;
    }
  }

  /** Whether the key string at [ks, ke) (quotes included) is `key` (escaped keys never get here). */
  keyIs(ks: number, ke: number, key: Buffer): boolean {
    const b = this.b;
    const len = ke - ks - 2;
    if (len !== key.length) return false;
    for (let k = 0; k < len; k++) if (b[ks + 1 + k] !== key[k]) return false;
    return true;
  }

  /** End of the literal or number at `i`, validated by JSON's grammar. */
  scalarEnd(i: number): number {
    const b = this.b;
    const c = b[i];
    if (c === 0x74 /* t */) return this.literal(i, 'true');
    if (c === 0x66 /* f */) return this.literal(i, 'false');
    if (c === 0x6e /* n */) return this.literal(i, 'null');
    // A number by JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    let j = c === 0x2d ? i + 1 : i;
    if (b[j] === 0x30) j++;
    else if (b[j] >= 0x31 && b[j] <= 0x39) j = this.digits(j);
    else unsupported('bad number');
    if (b[j] === 0x2e) {
      if (!(b[j + 1] >= 0x30 && b[j + 1] <= 0x39)) unsupported('bad number');
      j = this.digits(j + 1);
    }
    if (b[j] === 0x65 || b[j] === 0x45) {
      j++;
      if (b[j] === 0x2b || b[j] === 0x2d) j++;
      if (!(b[j] >= 0x30 && b[j] <= 0x39)) unsupported('bad number');
      j = this.digits(j);
    }
    return j;
  }

  private digits(j: number): number {
    const b = this.b;
    while (b[j] >= 0x30 && b[j] <= 0x39) j++;
    return j;
  }

  private literal(i: number, word: string): number {
    for (let k = 0; k < word.length; k++)
      if (this.b[i + k] !== word.charCodeAt(k)) unsupported('bad literal');
    return i + word.length;
  }

  /**
   * End of the value at `i`, validated as JSON.parse would (structure, literals, numbers' characters) but
   * without building it. One loop with its own stack instead of a call per value: headers, cookies and
   * timings of entries nobody reads are most of what the scan walks.
   */
  skip(i: number): number {
    const b = this.b;
    const stack = this.stack;
    let sp = 0;
    let state = VALUE;
    for (;;) {
      const c = b[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      if (state === VALUE) {
        if (c === QUOTE) i = this.stringEnd(i);
        else if (c === LBRACE || c === LBRACKET) {
          if (sp === MAX_DEPTH) unsupported('nesting too deep');
          stack[sp++] = c;
          i++;
          state = c === LBRACE ? FIRST_KEY : FIRST_VALUE;
          continue;
        } else i = this.scalarEnd(i);
      } else if (state === FIRST_VALUE) {
        if (c !== RBRACKET) {
          state = VALUE;
          continue;
        }
        sp--;
        i++;
      } else if (state === KEY || state === FIRST_KEY) {
        if (state === FIRST_KEY && c === RBRACE) {
          sp--;
          i++;
        } else {
          if (c !== QUOTE) unsupported('expected a key');
          i = this.stringEnd(i);
          state = COLON_NEXT;
          continue;
        }
      } else if (state === COLON_NEXT) {
        if (c !== COLON) unsupported('expected :');
        i++;
        state = VALUE;
        continue;
      } else {
        // After a value inside a container: a comma, or the container's own closing bracket.
        const open = stack[sp - 1];
        if (c === COMMA) {
          i++;
          state = open === LBRACE ? KEY : VALUE;
          continue;
        }
        if ((c === RBRACE && open === LBRACE) || (c === RBRACKET && open === LBRACKET)) {
          sp--;
          i++;
        } else unsupported('expected , or a closing bracket');
      }
      // A value just ended (a scalar, a string, or a container closed).
      if (sp === 0) return i;
      state = AFTER;
    }
  }

  /**
   * The object at `i`; `onKey(ks, ke, vs)` is told each key (quotes included) and where its value starts,
   * and returns the value's end when it read the value itself (or -1 to have it skipped).
   */
  object(i: number, depth: number, onKey: ((ks: number, ke: number, vs: number) => number) | null): number {
    if (depth > MAX_DEPTH) unsupported('nesting too deep');
    const b = this.b;
    i = this.ws(i + 1);
    if (b[i] === RBRACE) return i + 1;
    for (;;) {
      if (b[i] !== QUOTE) return unsupported('expected a key');
      const ks = i;
      const ke = this.stringEnd(i);
      // An escaped key could spell one this scan reads (`"u\u0072l"` is `url` to JSON.parse): where keys
      // are read, such a document is left to JSON.parse.
      if (onKey) for (let k = ks + 1; k < ke - 1; k++) if (b[k] === BACKSLASH) unsupported('escaped key');
      i = this.ws(ke);
      if (b[i] !== COLON) return unsupported('expected :');
      const vs = this.ws(i + 1);
      let ve = onKey ? onKey(ks, ke, vs) : -1;
      if (ve < 0) ve = this.skip(vs);
      i = this.ws(ve);
      if (b[i] === COMMA) i = this.ws(i + 1);
      else if (b[i] === RBRACE) return i + 1;
      else return unsupported('expected , or }');
    }
  }

  entry(i: number): ScannedEntry {
    const b = this.b;
    const e: ScannedEntry = {
      start: i,
      end: -1,
      shape: b[i] === LBRACE ? 'object' : b[i] === LBRACKET ? 'array' : 'other',
      request: 'absent',
      startedStart: -1,
      startedEnd: -1,
      methodStart: -1,
      methodEnd: -1,
      urlStart: -1,
      urlEnd: -1,
      statusStart: -1,
      statusEnd: -1,
      bodyBytes: -1,
    };
    if (e.shape !== 'object') {
      e.end = this.skip(i);
      return e;
    }
    // JSON.parse keeps the last of duplicate keys: so does every field here.
    e.end = this.object(i, 4, (ks, ke, vs) => {
      if (this.keyIs(ks, ke, KEY_STARTED)) {
        e.startedStart = vs;
        return (e.startedEnd = this.skip(vs));
      }
      if (this.keyIs(ks, ke, KEY_REQUEST)) {
        e.methodStart = e.methodEnd = e.urlStart = e.urlEnd = -1;
        const c = b[vs];
        e.request = c === LBRACE ? 'object' : c === LBRACKET ? 'array' : 'other';
        if (c !== LBRACE) return this.skip(vs);
        return this.object(vs, 5, (ks2, ke2, vs2) => {
          if (this.keyIs(ks2, ke2, KEY_URL)) {
            e.urlStart = vs2;
            return (e.urlEnd = this.skip(vs2));
          }
          if (this.keyIs(ks2, ke2, KEY_METHOD)) {
            e.methodStart = vs2;
            return (e.methodEnd = this.skip(vs2));
          }
          return -1;
        });
      }
      if (this.keyIs(ks, ke, KEY_RESPONSE)) {
        e.statusStart = e.statusEnd = e.bodyBytes = -1;
        if (b[vs] !== LBRACE) return this.skip(vs);
        return this.object(vs, 5, (ks2, ke2, vs2) => {
          if (this.keyIs(ks2, ke2, KEY_STATUS)) {
            e.statusStart = vs2;
            return (e.statusEnd = this.skip(vs2));
          }
          if (this.keyIs(ks2, ke2, KEY_CONTENT)) {
            e.bodyBytes = -1;
            if (b[vs2] !== LBRACE) return this.skip(vs2);
            return this.object(vs2, 6, (ks3, ke3, vs3) => {
              if (!this.keyIs(ks3, ke3, KEY_TEXT)) return -1;
              if (b[vs3] !== QUOTE) {
                e.bodyBytes = -1;
                return -1;
              }
              const end = this.stringEnd(vs3);
              e.bodyBytes = end - vs3 - 2;
              return end;
            });
          }
          return -1;
        });
      }
      return -1;
    });
    return e;
  }

  har(start: number): ScannedHar {
    const b = this.b;
    const out: ScannedHar = { creatorStart: -1, creatorEnd: -1, entries: [] };
    let logs = 0;
    let lists = 0;
    let i = this.ws(start);
    if (b[i] !== LBRACE) unsupported('not an object');
    i = this.object(i, 1, (ks, ke, vs) => {
      if (!this.keyIs(ks, ke, KEY_LOG)) return -1;
      if (++logs > 1 || b[vs] !== LBRACE) unsupported('log is not one object');
      return this.object(vs, 2, (ks2, ke2, vs2) => {
        if (this.keyIs(ks2, ke2, KEY_CREATOR)) {
          out.creatorStart = vs2;
          return (out.creatorEnd = this.skip(vs2));
        }
        if (!this.keyIs(ks2, ke2, KEY_ENTRIES)) return -1;
        if (++lists > 1 || b[vs2] !== LBRACKET) unsupported('entries is not one array');
        // The entries array, element by element.
        let j = this.ws(vs2 + 1);
        if (b[j] === RBRACKET) return j + 1;
        for (;;) {
          const e = this.entry(j);
          out.entries.push(e);
          j = this.ws(e.end);
          if (b[j] === COMMA) j = this.ws(j + 1);
          else if (b[j] === RBRACKET) return j + 1;
          else return unsupported('expected , or ] in entries');
        }
      });
    });
    if (this.ws(i) !== b.length) unsupported('bytes after the document');
    if (lists !== 1) unsupported('no log.entries array');
    return out;
  }
}

/** Scan a HAR document's bytes from `start` (after a BOM). Throws ScanUnsupported where JSON.parse must decide. */
export function scanHar(buf: Buffer, start = 0): ScannedHar {
  try {
    return new Scanner(buf).har(start);
  } catch (e) {
    // Deep recursion in a pathological file: let JSON.parse (iterative) have it.
    if (e instanceof RangeError) throw new ScanUnsupported('too deep');
    throw e;
  }
}

/**
 * The JavaScript value of the scanned range [s, e): a string without escapes is decoded straight from the
 * bytes, anything else through JSON.parse of its (small) text.
 */
export function scannedValue(buf: Buffer, s: number, e: number): unknown {
  if (s < 0) return undefined;
  if (buf[s] === QUOTE) {
    let plain = true;
    for (let k = s + 1; k < e - 1; k++)
      if (buf[k] === BACKSLASH) {
        plain = false;
        break;
      }
    if (plain) return buf.toString('utf8', s + 1, e - 1);
  }
  return JSON.parse(buf.toString('utf8', s, e));
}
