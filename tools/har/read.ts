import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { sha256Hex } from '../util/hash.js';
import { bytesToText, detectEncoding } from './decode-text.js';
import { EntryError, detectExporter, normalizeEntry } from './normalize.js';
import { stripResponseBodies } from './strip-bodies.js';
import type { ExporterName, HarEntry } from './types.js';

export type QuarantineReason =
  'empty-file' | 'invalid-json' | 'not-a-har' | 'gzip-error' | 'zip-error' | 'read-error' | 'too-large';

export interface ReadOptions {
  /** Response bodies longer than this are dropped before JSON.parse. */
  maxKeptBodyBytes: number;
  /** Which responses decoders need (Edge handles, MC errors); others are dropped after parse. */
  keepBody: (method: string, url: string, status: number) => boolean;
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
    }
  | { kind: 'lfs-pointer'; path: string; hash: string; bytes: number; message: string }
  | { kind: 'broken'; path: string; hash: string; bytes: number; reason: QuarantineReason; detail: string };

const LFS_PREFIX = Buffer.from('version https://git-lfs.github.com/spec/');
export const LFS_MESSAGE = 'LFS object not fetched — run git lfs pull';
// V8's string limit; above it JSON.parse cannot even see the text.
const MAX_TEXT_BYTES = 512 * 1024 * 1024 - 64;

export function isLfsPointer(buf: Buffer): boolean {
  return buf.length < 1024 && buf.subarray(0, LFS_PREFIX.length).equals(LFS_PREFIX);
}

/** Parse one HAR document from bytes. Never throws: problems become a `broken` source. */
export function parseHarBytes(raw: Buffer, path: string, opts: ReadOptions): HarSource {
  const hash = sha256Hex(raw);
  const base = { path, hash, bytes: raw.length };
  if (raw.length === 0 || raw.toString('utf8', 0, Math.min(raw.length, 64)).trim() === '')
    return { kind: 'broken', ...base, reason: 'empty-file', detail: 'file is empty' };
  if (isLfsPointer(raw)) return { kind: 'lfs-pointer', ...base, message: LFS_MESSAGE };

  const enc = detectEncoding(raw);
  let buf = raw;
  let strippedBytes = 0;
  if (enc === 'utf8' || enc === 'utf8-bom') {
    // Keep small bodies only where decoders need them (the keepBody predicate, by URL); drop the rest
    // before JSON.parse, which otherwise spends most of its time copying them.
    const s = stripResponseBodies(raw, {
      maxKeep: opts.maxKeptBodyBytes,
      minStrip: 512,
      keepUrl: (url) => opts.keepBody('POST', url, 400),
    });
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
  for (let i = 0; i < list.length; i++) {
    try {
      entries.push(normalizeEntry(list[i], i, opts.keepBody));
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
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
function containerOf(lower: string, raw: Buffer): 'gzip' | 'zip' | 'plain' {
  if (lower.endsWith('.harz'))
    return raw.subarray(0, 2).equals(GZIP_MAGIC)
      ? 'gzip'
      : raw.subarray(0, 4).equals(ZIP_MAGIC)
        ? 'zip'
        : 'plain';
  return lower.endsWith('.gz') ? 'gzip' : lower.endsWith('.zip') ? 'zip' : 'plain';
}

/**
 * Read a file that may be `.har`, `.har.gz`, `.harz` or a `.zip` of HARs; zips yield one source per
 * member. `archive.zip!/member.har` (see tools/har/inputs.ts) reads that one member.
 */
export function readHarFile(absPath: string, relPath: string, opts: ReadOptions): HarSource[] {
  const member = /^(.*\.zip)!\/(.+)$/i.exec(absPath);
  if (member) absPath = member[1];
  let raw: Buffer;
  try {
    raw = readFileSync(absPath);
  } catch (e) {
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
  const container = containerOf(lower, raw);
  if (container === 'gzip') {
    if (isLfsPointer(raw)) return [lfsSource(relPath, raw)];
    try {
      return [parseHarBytes(gunzipSync(raw), relPath, opts)];
    } catch (e) {
      return [brokenSource(relPath, raw, 'gzip-error', (e as Error).message)];
    }
  }
  if (container === 'zip') {
    if (isLfsPointer(raw)) return [lfsSource(relPath, raw)];
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(raw, {
        filter: (f) =>
          member ? f.name === member[2] : /\.(har|json)$/i.test(f.name) && !f.name.startsWith('__MACOSX/'),
      });
    } catch (e) {
      return [brokenSource(relPath, raw, 'zip-error', (e as Error).message)];
    }
    const names = Object.keys(files).sort();
    if (member)
      return names.length
        ? [parseHarBytes(Buffer.from(files[names[0]]), relPath, opts)]
        : [brokenSource(relPath, raw, 'zip-error', `zip has no member '${member[2]}'`)];
    if (names.length === 0) return [brokenSource(relPath, raw, 'zip-error', 'zip holds no .har file')];
    return names.map((n) => parseHarBytes(Buffer.from(files[n]), `${relPath}!/${n}`, opts));
  }
  return [parseHarBytes(raw, relPath, opts)];
}
