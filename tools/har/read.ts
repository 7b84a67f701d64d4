import { dirname, posix } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { sha256Hex } from '../util/hash.js';
import {
  attachmentRefs,
  folderAttachments,
  safeAttachmentPath,
  zipAttachments,
  zipMemberPath,
  type AttachmentStore,
} from './attachments.js';
import { bytesToText, detectEncoding } from './decode-text.js';
import { EntryError, detectExporter, entryMethod, normalizeEntry, urlOnlyEntry } from './normalize.js';
import { ScanUnsupported, scanHar, scannedValue } from './scan-entries.js';
import { DEFAULT_MAX_CAPTURE_BYTES } from './limits.js';
import { FileTooLarge, ScratchBuffer, readFileInto } from './scratch.js';
import { dropsBody, stripResponseBodies, type StripOptions } from './strip-bodies.js';
import type { ExporterName, HarEntry } from './types.js';

export type QuarantineReason =
  'empty-file' | 'invalid-json' | 'not-a-har' | 'gzip-error' | 'zip-error' | 'read-error' | 'too-large';

export interface ReadOptions {
  /** Response bodies longer than this are dropped before JSON.parse. */
  maxKeptBodyBytes: number;
  /** Which responses decoders need (Edge handles, MC errors); others are dropped after parse. */
  keepBody: (method: string, url: string, status: number) => boolean;
  /**
   * Entries the caller reads past their URL (ingest: Adobe traffic). The others are kept `urlOnly`:
   * index, time, method, URL and status, no headers or bodies. Absent: every entry is read in full.
   */
  relevant?: (method: string, url: string) => boolean;
  /**
   * With `relevant`, entries it rules out are built from a structural scan and never parsed (the
   * selective reader, `readSelectively`). `false` parses the whole text: tests compare the two.
   */
  selective?: boolean;
  /**
   * The most bytes one capture may take in memory (`ingest.max_capture_bytes`, default
   * DEFAULT_MAX_CAPTURE_BYTES): a file on disk, what a `.har.gz` or `.zhar` inflates to, one zip member,
   * one attachment. Past it the capture is quarantined `too-large` without being read or inflated further.
   */
  maxCaptureBytes?: number;
}

/** What a quarantined `too-large` capture says: how big, the bound, and the setting that moves it. */
export function tooLargeDetail(what: string, limit: number): string {
  return `${what}, over the ${sizeText(limit)} one capture may take in memory (raise ingest.max_capture_bytes to read it)`;
}
/** A size as people read it: 1 GiB, 3.2 MiB, 100 bytes. */
function sizeText(n: number): string {
  const [unit, size] =
    n >= 2 ** 30
      ? ['GiB', 2 ** 30]
      : n >= 2 ** 20
        ? ['MiB', 2 ** 20]
        : n >= 1024
          ? ['KiB', 1024]
          : ['bytes', 1];
  return `${Math.round((n / (size as number)) * 10) / 10} ${unit}`;
}
/**
 * A capture quarantined as too large. No content hash, like a file that could not be read: the capture
 * was never read whole, and the next ingest looks at it again (the bound may have been raised).
 */
const tooLarge = (path: string, bytes: number, detail: string): HarSource => ({
  kind: 'broken',
  path,
  hash: '',
  bytes,
  reason: 'too-large',
  detail,
});

/**
 * Inflate a gzip or zlib capture, at most `limit` bytes of it. Node stops inflating once the output
 * would pass `maxOutputLength`, so a compression bomb costs at most the limit, never its full size.
 */
function inflateCapture(kind: 'gzip' | 'zlib', raw: Buffer, limit: number): Buffer | { tooLarge: string } {
  try {
    return kind === 'gzip'
      ? gunzipSync(raw, { maxOutputLength: limit })
      : inflateSync(raw, { maxOutputLength: limit });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      return { tooLarge: tooLargeDetail(`inflates to more than ${sizeText(limit)}`, limit) };
    throw e;
  }
}

export interface EntryProblem {
  index: number;
  reason: string;
}

export type HarSource =
  | {
      kind: 'har';
      path: string;
      hash: string;
      bytes: number;
      exporter: ExporterName;
      encoding: string;
      entries: HarEntry[];
      entryProblems: EntryProblem[];
      strippedBytes: number;
      /** Every `_file` attachment the entries point at (relative to the HAR), loaded or not. */
      attachments: string[];
    }
  | { kind: 'lfs-pointer'; path: string; hash: string; bytes: number; message: string }
  | { kind: 'broken'; path: string; hash: string; bytes: number; reason: QuarantineReason; detail: string };

const LFS_PREFIX = Buffer.from('version https://git-lfs.github.com/spec/');
export const LFS_MESSAGE = 'LFS object not fetched — run git lfs pull';
// V8's string limit; above it JSON.parse cannot even see the text.
const MAX_TEXT_BYTES = 512 * 1024 * 1024 - 64;

// The reader's own buffers, reused file after file (tools/har/scratch.ts): the file's bytes, and the copy
// without its response bodies. Neither outlives the readHarFile / parseHarBytes call that fills it.
const fileScratch = new ScratchBuffer();
const strippedScratch = new ScratchBuffer();

export function isLfsPointer(buf: Buffer): boolean {
  return buf.length < 1024 && buf.subarray(0, LFS_PREFIX.length).equals(LFS_PREFIX);
}

/**
 * Parse one HAR document from bytes. Never throws: problems become a `broken` source. `attachments` is
 * where `_file` bodies live (the HAR's folder or zip); without it they count as missing.
 */
export function parseHarBytes(
  raw: Buffer,
  path: string,
  opts: ReadOptions,
  attachments?: AttachmentStore,
): HarSource {
  const hash = sha256Hex(raw);
  const base = { path, hash, bytes: raw.length };
  if (raw.length === 0 || raw.toString('utf8', 0, Math.min(raw.length, 64)).trim() === '')
    return { kind: 'broken', ...base, reason: 'empty-file', detail: 'file is empty' };
  if (isLfsPointer(raw)) return { kind: 'lfs-pointer', ...base, message: LFS_MESSAGE };

  const enc = detectEncoding(raw);
  // Ingest reads past the URL of few entries: parse only those (the selective reader); anything the
  // scan does not take exactly as JSON.parse would goes the whole-text way below.
  if (
    opts.relevant &&
    opts.selective !== false &&
    (enc === 'utf8' || enc === 'utf8-bom') &&
    raw.indexOf(FILE_KEY) < 0
  ) {
    const src = readSelectively(raw, enc === 'utf8-bom' ? 3 : 0, base, enc, opts, opts.relevant);
    if (src) return src;
  }
  let buf = raw;
  let strippedBytes = 0;
  if (enc === 'utf8' || enc === 'utf8-bom') {
    // Keep small bodies only where decoders need them (the keepBody predicate, by URL); drop the rest
    // before JSON.parse, which otherwise spends most of its time copying them.
    const s = stripResponseBodies(raw, { ...stripOptions(opts), scratch: strippedScratch });
    buf = s.buf;
    strippedBytes = s.removedBytes;
  }
  if (buf.length > MAX_TEXT_BYTES)
    return {
      kind: 'broken',
      ...base,
      reason: 'too-large',
      detail: `${buf.length} bytes after stripping bodies`,
    };

  let doc: unknown;
  try {
    doc = JSON.parse(bytesToText(buf, enc));
  } catch (e) {
    return { kind: 'broken', ...base, reason: 'invalid-json', detail: (e as Error).message.slice(0, 200) };
  }
  const log = (doc as { log?: unknown } | null)?.log as Record<string, unknown> | undefined;
  if (!log || typeof log !== 'object' || !Array.isArray(log.entries))
    return { kind: 'broken', ...base, reason: 'not-a-har', detail: 'no log.entries array' };

  const entries: HarEntry[] = [];
  const entryProblems: EntryProblem[] = [];
  const list = log.entries as unknown[];
  const refs = attachmentRefs(list, opts.keepBody);
  const bodies = refs.needed.length && attachments ? attachments.read(refs.needed) : undefined;
  for (let i = 0; i < list.length; i++) {
    try {
      entries.push(normalizeEntry(list[i], i, opts.keepBody, bodies, opts.relevant));
    } catch (e) {
      entryProblems.push({
        index: i,
        reason: e instanceof EntryError ? e.message : `entry: ${(e as Error).message}`,
      });
    }
  }
  // Exporters write entries in any order; decoders and sessions need send order.
  entries.sort((a, b) => (a.startedMs ?? 0) - (b.startedMs ?? 0) || a.index - b.index);
  return {
    kind: 'har',
    ...base,
    exporter: detectExporter(log),
    encoding: enc,
    entries,
    entryProblems,
    strippedBytes,
    attachments: refs.all,
  };
}

/**
 * Which response bodies both readers drop: small ones never; up to `maxKeptBodyBytes` where a decoder may
 * need them (keepBody by URL, asked as for the widest case: a POST answered with an error); none above.
 */
function stripOptions(opts: ReadOptions): StripOptions {
  return {
    maxKeep: opts.maxKeptBodyBytes,
    minStrip: 512,
    keepUrl: (url) => opts.keepBody('POST', url, 400),
  };
}

// A `_file` attachment (Playwright's zipped HARs) anywhere: the whole-text reader lists and loads them.
const FILE_KEY = Buffer.from('"_file"');

/**
 * The selective reader: scan the structure (tools/har/scan-entries.ts), JSON.parse only the entries
 * `relevant` keeps, build the others from their scanned start time, method, URL and status. Gives what
 * the whole-text path gives for the same bytes — the same entries, entry problems and exporter, and
 * the same stripped-body count for well-formed entries (tools/har/scan-entries.test.ts compares both) — or null
 * where the scan leaves the document to JSON.parse.
 */
function readSelectively(
  raw: Buffer,
  from: number,
  base: { path: string; hash: string; bytes: number },
  enc: string,
  opts: ReadOptions,
  relevant: (method: string, url: string) => boolean,
): HarSource | null {
  let scanned;
  try {
    scanned = scanHar(raw, from);
  } catch (e) {
    if (e instanceof ScanUnsupported) return null;
    throw e;
  }
  const entries: HarEntry[] = [];
  const entryProblems: EntryProblem[] = [];
  let strippedBytes = 0;
  const list = scanned.entries;
  const strip = stripOptions(opts);
  for (let i = 0; i < list.length; i++) {
    const se = list[i];
    try {
      // The checks normalizeEntry makes, in its order, with its messages.
      if (se.shape !== 'object')
        throw new EntryError(se.shape === 'array' ? 'entry has no request' : 'entry is not an object');
      if (se.request === 'absent' || se.request === 'other') throw new EntryError('entry has no request');
      const url = se.request === 'object' ? scannedValue(raw, se.urlStart, se.urlEnd) : undefined;
      if (typeof url !== 'string' || url.length === 0) throw new EntryError('request has no url');
      // Bodies the whole-text path strips before JSON.parse are counted the same way.
      const dropped = se.bodyBytes >= 0 && dropsBody(se.bodyBytes, () => url, strip);
      if (dropped) strippedBytes += se.bodyBytes;
      const method = entryMethod(scannedValue(raw, se.methodStart, se.methodEnd));
      if (!relevant(method, url)) {
        const started = scannedValue(raw, se.startedStart, se.startedEnd);
        entries.push(urlOnlyEntry(i, started, method, url, scannedValue(raw, se.statusStart, se.statusEnd)));
        continue;
      }
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(bytesToText(raw.subarray(se.start, se.end), 'utf8')) as Record<string, unknown>;
      } catch {
        // Something the scan let through (a control character deep in a string): JSON.parse decides,
        // for the whole document, as the whole-text path does.
        return null;
      }
      if (dropped) {
        const content = (obj.response as { content?: { text?: unknown } }).content!;
        content.text = '';
      }
      entries.push(normalizeEntry(obj, i, opts.keepBody));
    } catch (e) {
      entryProblems.push({
        index: i,
        reason: e instanceof EntryError ? e.message : `entry: ${(e as Error).message}`,
      });
    }
  }
  entries.sort((a, b) => (a.startedMs ?? 0) - (b.startedMs ?? 0) || a.index - b.index);
  const creator = scannedValue(raw, scanned.creatorStart, scanned.creatorEnd);
  return {
    kind: 'har',
    ...base,
    exporter: detectExporter({ creator }),
    encoding: enc,
    entries,
    entryProblems,
    strippedBytes,
    attachments: [],
  };
}

const lfsSource = (path: string, raw: Buffer): HarSource => ({
  kind: 'lfs-pointer',
  path,
  hash: sha256Hex(raw),
  bytes: raw.length,
  message: LFS_MESSAGE,
});
const brokenSource = (path: string, raw: Buffer, reason: QuarantineReason, detail: string): HarSource => ({
  kind: 'broken',
  path,
  hash: sha256Hex(raw),
  bytes: raw.length,
  reason,
  detail,
});

// `.harz` is not one format: exporters write gzip, zip or plain JSON under that name; the bytes decide.
// mitmproxy's `hardump` writes zlib (not gzip) when the name ends in `.zhar`.
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
/** Names whose bytes may be a zip of captures (`containerOf` decides from the bytes for `.harz`). */
export const MAY_BE_ZIP = /\.(zip|harz)$/i;
function containerOf(lower: string, raw: Buffer): 'gzip' | 'zip' | 'zlib' | 'plain' {
  if (lower.endsWith('.harz'))
    return raw.subarray(0, 2).equals(GZIP_MAGIC)
      ? 'gzip'
      : raw.subarray(0, 4).equals(ZIP_MAGIC)
        ? 'zip'
        : 'plain';
  if (lower.endsWith('.zhar')) return raw.subarray(0, 2).equals(GZIP_MAGIC) ? 'gzip' : 'zlib';
  return lower.endsWith('.gz') ? 'gzip' : lower.endsWith('.zip') ? 'zip' : 'plain';
}

/**
 * Read a file that may be `.har`, `.har.gz`, `.harz`, mitmproxy's zlib `.zhar`, or a `.zip` of HARs
 * (zips yield one source per HAR member; `archive.zip!/member.har`, see tools/har/inputs.ts, reads that
 * one member). `_file` attachments are read from the HAR's folder, or from the same zip.
 */
export function readHarFile(absPath: string, relPath: string, opts: ReadOptions): HarSource[] {
  const member = /^(.*\.zip)!\/(.+)$/i.exec(absPath);
  if (member) absPath = member[1];
  const limit = opts.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES;
  let raw: Buffer;
  try {
    raw = readFileInto(absPath, fileScratch, limit);
  } catch (e) {
    if (e instanceof FileTooLarge)
      return [tooLarge(relPath, e.size, tooLargeDetail(`${sizeText(e.size)} on disk`, limit))];
    return [
      {
        kind: 'broken',
        path: relPath,
        hash: '',
        bytes: 0,
        reason: 'read-error',
        detail: (e as Error).message,
      },
    ];
  }
  const lower = absPath.toLowerCase();
  const beside = folderAttachments(dirname(absPath), limit);
  const container = containerOf(lower, raw);
  if (container === 'gzip' || container === 'zlib') {
    if (isLfsPointer(raw)) return [lfsSource(relPath, raw)];
    try {
      const text = inflateCapture(container, raw, limit);
      return [
        'tooLarge' in text
          ? tooLarge(relPath, raw.length, text.tooLarge)
          : parseHarBytes(text, relPath, opts, beside),
      ];
    } catch (e) {
      return [
        brokenSource(
          relPath,
          raw,
          'gzip-error',
          container === 'zlib' ? `zlib: ${(e as Error).message}` : (e as Error).message,
        ),
      ];
    }
  }
  if (container === 'zip') {
    if (isLfsPointer(raw)) return [lfsSource(relPath, raw)];
    // Own copy: stored (uncompressed) members come back as views of these bytes, and a member is parsed
    // with the reader's scratch buffers in use.
    return readZip(Buffer.from(raw), relPath, opts, limit, member?.[2]);
  }
  return [parseHarBytes(raw, relPath, opts, beside)];
}

const HAR_MEMBER = /\.har$/i;
const JSON_MEMBER = /\.json$/i;
/** Captures inside a zip that are themselves compressed (read) or archives (named, not read). */
const PACKED_MEMBER = /\.(har\.gz|harz|zhar|zip)$/i;
/** A zip member a capture could be stored as: what `readZip` inflates and looks at. */
const captureMember = (n: string) => HAR_MEMBER.test(n) || JSON_MEMBER.test(n) || PACKED_MEMBER.test(n);

/** Whether a zip's member names include anything a capture could be stored as (or it cannot be listed). */
function zipMayHoldCaptures(bytes: Uint8Array): boolean {
  let may = false;
  try {
    unzipSync(bytes, {
      filter: (f) => {
        if (captureMember(f.name)) may = true;
        return false;
      },
    });
  } catch {
    return true; // unreadable: it may hold captures, so it is named
  }
  return may;
}

/**
 * Every HAR document of a zip (or only `only`, one member asked for by name). `.har` members are HARs; a
 * `.json` member is one too unless a HAR of the zip points at it with `_file` — Playwright's `.har.zip`
 * stores request and response bodies as `<sha1>.json|.txt|.gif…` members next to `har.har`, and those are
 * bodies, not broken HARs.
 */
function readZip(raw: Buffer, relPath: string, opts: ReadOptions, limit: number, only?: string): HarSource[] {
  const names: string[] = [];
  /** Members whose inflated size (as the zip declares it) is over the bound: named, never inflated. */
  const oversize = new Map<string, number>();
  let docs: Record<string, Uint8Array>;
  try {
    // Pass 1 lists members without inflating any; pass 2 inflates only the candidate documents. fflate
    // inflates a member into a buffer of its declared size and no further, so a member that lies about
    // its size comes out cut short (and fails to parse), never larger.
    unzipSync(raw, {
      filter: (f) => {
        if (!f.name.startsWith('__MACOSX/') && !f.name.endsWith('/')) names.push(f.name);
        if (f.originalSize > limit) oversize.set(f.name, f.originalSize);
        return false;
      },
    });
    const wanted = new Set(
      (only !== undefined ? names.filter((n) => n === only) : names.filter(captureMember)).filter(
        (n) => !oversize.has(n),
      ),
    );
    docs = unzipSync(raw, { filter: (f) => wanted.has(f.name) });
  } catch (e) {
    return [brokenSource(relPath, raw, 'zip-error', (e as Error).message)];
  }
  const parse = (n: string, path: string): HarSource => {
    const size = oversize.get(n);
    if (size !== undefined) return tooLarge(path, size, tooLargeDetail(`${sizeText(size)} inflated`, limit));
    return parseHarBytes(
      Buffer.from(docs[n]),
      path,
      opts,
      zipAttachments(raw, posix.dirname(n), docs, limit),
    );
  };
  // A gzip, zlib or `.harz` capture inside the zip is read like the same file on disk. A zip inside the
  // zip is named, not opened (its members would need names with two `!/`), and only when it holds
  // something a capture could be in (screenshots.zip beside a session is not a capture that could not be
  // read; null: not a capture). Until 2026-12-07 all of them were skipped without a word.
  const packed1 = (n: string, path: string): HarSource | null => {
    if (oversize.has(n)) return parse(n, path);
    const bytes = Buffer.from(docs[n]);
    const kind = containerOf(n.toLowerCase(), bytes);
    if (kind === 'zip')
      return zipMayHoldCaptures(bytes)
        ? brokenSource(
            path,
            bytes,
            'zip-error',
            'a zip inside a zip is not read: unzip the outer archive first',
          )
        : null;
    try {
      const text = kind === 'plain' ? bytes : inflateCapture(kind, bytes, limit);
      return 'tooLarge' in text
        ? tooLarge(path, bytes.length, text.tooLarge)
        : parseHarBytes(text, path, opts);
    } catch (e) {
      return brokenSource(
        path,
        bytes,
        'gzip-error',
        `${kind === 'zlib' ? 'zlib: ' : ''}${(e as Error).message}`,
      );
    }
  };
  if (only !== undefined)
    return docs[only] || oversize.has(only)
      ? [(PACKED_MEMBER.test(only) ? packed1(only, relPath) : null) ?? parse(only, relPath)]
      : [brokenSource(relPath, raw, 'zip-error', `zip has no member '${only}'`)];
  const hars = names.filter((n) => HAR_MEMBER.test(n)).sort();
  const jsons = names.filter((n) => JSON_MEMBER.test(n)).sort();
  const packed = names.filter((n) => PACKED_MEMBER.test(n)).sort();
  if (hars.length + jsons.length + packed.length === 0)
    return [brokenSource(relPath, raw, 'zip-error', 'zip holds no .har file')];
  const out: HarSource[] = [];
  const attached = new Set<string>();
  const add = (n: string) => {
    const src = parse(n, `${relPath}!/${n}`);
    if (src.kind === 'har')
      for (const a of src.attachments) {
        const rel = safeAttachmentPath(a);
        if (rel !== null) attached.add(zipMemberPath(posix.dirname(n), rel));
      }
    out.push(src);
  };
  for (const n of hars) add(n);
  for (const n of jsons) if (!attached.has(n)) add(n);
  // A body Playwright stored beside its HAR (`<sha1>.zip` for a zip download) is an attachment, not a capture.
  for (const n of packed) {
    const src = attached.has(n) ? null : packed1(n, `${relPath}!/${n}`);
    if (src) out.push(src);
  }
  return out;
}
