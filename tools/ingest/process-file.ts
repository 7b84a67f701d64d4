import { decodeEntry, isBeaconCandidate, needsResponseBody } from '../decode/index.js';
import { scrubUrlIds, type PiiOptions } from '../decode/pii.js';
import type { DecodeContext } from '../decode/types.js';
import type { Envelope } from '../envelope/index.js';
import { readHarFile, type HarSource, type InputFile } from '../har/index.js';
import { buildCapture, type Capture } from '../session/index.js';
import { bracketHoles } from '../validate/holes.js';

export interface FileContext {
  cnames: DecodeContext['cnames'];
  pii: PiiOptions;
  maxKeptBodyBytes: number;
  /** `ingest.max_capture_bytes`: the most bytes one capture may take in memory (tools/har/read.ts). */
  maxCaptureBytes?: number;
}

export interface QuarantineRow {
  scope: 'file' | 'entry';
  path: string;
  hash: string;
  entry_index: number | null;
  url: string | null;
  reason: string;
  detail: string | null;
}

export interface HarFileRow {
  path: string;
  hash: string;
  bytes: number;
  mtime_ms: number;
  status: 'parsed' | 'quarantined' | 'lfs-pointer';
  exporter: string | null;
  encoding: string | null;
  entries: number;
  beacons: number;
  entry_problems: number;
  first_ms: number | null;
  last_ms: number | null;
}

export interface ProcessedSource {
  file: HarFileRow;
  quarantine: QuarantineRow[];
  capture: Capture | null;
  beaconsByFamily: Record<string, number>;
  message: string | null; // e.g. the LFS hint
}

/**
 * CPU time (µs) this process spent per ingest phase, summed over its files: `npm run bench` prints it
 * per beacon (where the µs go). Sampled per file and phase, never per beacon, so it costs nothing.
 */
export const phaseCpuUs = { read_parse: 0, decode: 0, sessions: 0, staging: 0, validate: 0, learn: 0 };
export type PhaseCpu = typeof phaseCpuUs;
export function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Decode every entry of one parsed HAR; a bad entry is quarantined alone. */
export function decodeSource(src: Extract<HarSource, { kind: 'har' }>, ctx: FileContext): ProcessedSource {
  const quarantine: QuarantineRow[] = src.entryProblems.map((p) => ({
    scope: 'entry',
    path: src.path,
    hash: src.hash,
    entry_index: p.index,
    url: null,
    reason: 'malformed-entry',
    detail: p.reason,
  }));
  const dctx: DecodeContext = { harPath: src.path, harHash: src.hash, cnames: ctx.cnames };
  const events: Envelope[] = [];
  const byFamily: Record<string, number> = {};
  let startMs: number | null = null;
  let endMs: number | null = null;
  const t0 = cpuUs();
  for (const entry of src.entries) {
    if (entry.startedMs !== null) {
      if (startMs === null || entry.startedMs < startMs) startMs = entry.startedMs;
      if (endMs === null || entry.startedMs > endMs) endMs = entry.startedMs;
    }
    // The reader stopped at the URL of entries isBeaconCandidate (same cnames) ruled out: no events.
    if (entry.urlOnly) continue;
    const r = decodeEntry(entry, dctx, ctx.pii);
    if (r.rejection)
      quarantine.push({
        scope: 'entry',
        path: src.path,
        hash: src.hash,
        entry_index: r.rejection.entry_index,
        // Same PII policy as the events: the quarantine table and quarantine.csv name the URL.
        url: (ctx.pii.hashIds ? scrubUrlIds(r.rejection.url, ctx.pii.salt) : r.rejection.url).slice(0, 500),
        reason: 'undecodable-beacon',
        detail: r.rejection.reason,
      });
    for (const e of r.events) {
      events.push(e);
      byFamily[e.family] = (byFamily[e.family] ?? 0) + 1;
    }
  }
  const t1 = cpuUs();
  phaseCpuUs.decode += t1 - t0;
  const capture = buildCapture(src.path, src.hash, events, { startMs, endMs });
  // The validator must not judge continuous checks across what the reader had to drop.
  capture.holes = bracketHoles(
    src.entries.map((e) => ({ index: e.index, ms: e.startedMs })),
    quarantine.flatMap((q) =>
      q.entry_index === null ? [] : [{ entry_index: q.entry_index, reason: q.reason }],
    ),
  );
  phaseCpuUs.sessions += cpuUs() - t1;
  // Say why sessions ABSTAIN: beacons kept without the bodies the exporter left out.
  const bodiless = events.filter((e) => e.params._body_omitted !== undefined).length;
  const unchecked = capture.sessions.find((s) => s.unchecked)?.unchecked;
  return {
    file: {
      path: src.path,
      hash: src.hash,
      bytes: src.bytes,
      mtime_ms: 0,
      status: 'parsed',
      exporter: src.exporter,
      encoding: src.encoding,
      entries: src.entries.length + src.entryProblems.length,
      beacons: events.length,
      entry_problems: quarantine.length,
      first_ms: startMs,
      last_ms: endMs,
    },
    quarantine,
    capture,
    beaconsByFamily: byFamily,
    message: unchecked
      ? `${src.path}: ${bodiless} Adobe beacons without their request body — ${unchecked}`
      : null,
  };
}

/** Read, parse and decode one input file (zips give several sources). Never throws. */
export function processFile(input: InputFile, ctx: FileContext): ProcessedSource[] {
  const t0 = cpuUs();
  const sources = readHarFile(input.abs, input.rel, {
    maxKeptBodyBytes: ctx.maxKeptBodyBytes,
    ...(ctx.maxCaptureBytes !== undefined ? { maxCaptureBytes: ctx.maxCaptureBytes } : {}),
    keepBody: needsResponseBody,
    relevant: (method, url) => isBeaconCandidate(method, url, ctx.cnames),
  });
  phaseCpuUs.read_parse += cpuUs() - t0;
  return sources.map((src): ProcessedSource => {
    if (src.kind === 'har') {
      try {
        const p = decodeSource(src, ctx);
        // bytes/mtime of the file on disk (the container for .gz/.zip): what incremental ingest compares.
        p.file.mtime_ms = input.mtimeMs;
        p.file.bytes = input.size;
        return p;
      } catch (e) {
        // A decoder bug must not sink the batch: quarantine the file with the reason.
        return brokenResult(
          src.path,
          src.hash,
          src.bytes,
          input.mtimeMs,
          'decode-failure',
          (e as Error).message,
        );
      }
    }
    if (src.kind === 'lfs-pointer')
      return unparsed(src.path, src.hash, input, 'lfs-pointer', [], `${src.path}: ${src.message}`);
    return brokenResult(src.path, src.hash, input.size, input.mtimeMs, src.reason, src.detail);
  });
}

/** A HAR document that gave no capture: an LFS pointer (reported) or a quarantined file (with its reason). */
function unparsed(
  path: string,
  hash: string,
  input: { size: number; mtimeMs: number },
  status: 'lfs-pointer' | 'quarantined',
  quarantine: QuarantineRow[],
  message: string | null,
): ProcessedSource {
  return {
    file: {
      path,
      hash,
      bytes: input.size,
      mtime_ms: input.mtimeMs,
      status,
      exporter: null,
      encoding: null,
      entries: 0,
      beacons: 0,
      entry_problems: 0,
      first_ms: null,
      last_ms: null,
    },
    quarantine,
    capture: null,
    beaconsByFamily: {},
    message,
  };
}

function brokenResult(
  path: string,
  hash: string,
  bytes: number,
  mtime: number,
  reason: string,
  detail: string,
): ProcessedSource {
  return unparsed(
    path,
    hash,
    { size: bytes, mtimeMs: mtime },
    'quarantined',
    [{ scope: 'file', path, hash, entry_index: null, url: null, reason, detail }],
    null,
  );
}
