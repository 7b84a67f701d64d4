/**
 * Writes a run's output files: violations.jsonl/.csv, sessions.jsonl, timelines.jsonl,
 * quarantine.jsonl/.csv, summary.json (+ summary.prev.json) and report.md. The words in them come from
 * tools/publish/ (run-report, quarantine, attribution, csv).
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
  writevSync,
} from 'node:fs';
import { join } from 'node:path';
import type { IngestSummary } from '../ingest/run.js';
import { eachStagedLine, readStaged, writeNdjson } from '../ingest/staging.js';
import { findingVersions, sessionKey, versionKey } from '../publish/attribution.js';
import { csvTable } from '../publish/csv.js';
import {
  QUARANTINE_FILES,
  quarantineCsv,
  quarantineJsonl,
  sortQuarantine,
  toRecord,
} from '../publish/quarantine.js';
import { reportMarkdown } from '../publish/run-report.js';
import type { Finding, QuarantineRecord, SessionRow, Summary } from './outputs.js';

const CSV_COLUMNS = [
  'har',
  'session',
  'code',
  'severity',
  'spec',
  'spec_version',
  'event_id',
  'entry_index',
  'ts',
  'message',
  'expected',
  'observed',
  'platform',
  'sdk',
  'sdk_version',
] as const;

export function toCsv(rows: Finding[]): string {
  return csvTable(CSV_COLUMNS, rows);
}

/** Quarantined files/entries named in summary.json (all of them are in quarantine.jsonl/.csv). */
const SUMMARY_QUARANTINE_CAP = 50;

/** The input side of a summary: what was read, and how each argument maps back to files. */
export type ParseStats = Pick<
  IngestSummary,
  | 'files_seen'
  | 'files_parsed'
  | 'files_quarantined'
  | 'quarantine_by_reason'
  | 'entries'
  | 'beacons'
  | 'beacons_by_family'
  | 'parse_success_rate'
>;

export function buildSummary(
  input: string,
  ingest: ParseStats,
  findings: Finding[],
  sessions: SessionRow[],
  specCount: number,
  commit: string | null,
  extra: { inputs?: Summary['inputs']; quarantine?: QuarantineRecord[]; gate?: Summary['gate'] } = {},
): Summary {
  const count = (xs: string[]) =>
    xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
  const versionOf = findingVersions(sessions);
  const byPv: Record<string, Record<string, number>> = {};
  for (const f of findings) {
    const k = versionKey(f, versionOf(f));
    byPv[k] ??= {};
    byPv[k][f.code] = (byPv[k][f.code] ?? 0) + 1;
  }
  const perSession = new Map<string, { har: string; session: string; findings: number }>();
  for (const f of findings) {
    const k = sessionKey(f.har, f.session);
    const e = perSession.get(k) ?? { har: f.har, session: f.session, findings: 0 };
    e.findings++;
    perSession.set(k, e);
  }
  const v = count(sessions.map((s) => s.verdict));
  const quarantine = sortQuarantine(extra.quarantine ?? []);
  return {
    generated_at: new Date().toISOString(),
    input,
    ...(extra.inputs ? { inputs: extra.inputs } : {}),
    spec_pack: { specs: specCount, commit },
    parse: {
      files_seen: ingest.files_seen,
      files_parsed: ingest.files_parsed,
      files_quarantined: ingest.files_quarantined,
      quarantine_by_reason: ingest.quarantine_by_reason,
      entries: ingest.entries,
      beacons: ingest.beacons,
      beacons_by_family: ingest.beacons_by_family,
      parse_success_rate: ingest.parse_success_rate,
      quarantined: quarantine.slice(0, SUMMARY_QUARANTINE_CAP).map(toRecord),
      quarantined_total: quarantine.length,
    },
    sessions: {
      total: sessions.length,
      pass: v.PASS ?? 0,
      violation: v.VIOLATION ?? 0,
      abstain: v.ABSTAIN ?? 0,
    },
    coverage: sessions.length ? ((v.PASS ?? 0) + (v.VIOLATION ?? 0)) / sessions.length : 0,
    findings: findings.length,
    by_code: count(findings.map((f) => f.code)),
    by_family: count(findings.map((f) => f.family)),
    by_platform_version: byPv,
    rule_hits: count(findings.map((f) => f.spec)),
    top_sessions: [...perSession.values()].sort((a, b) => b.findings - a.findings).slice(0, 20),
    ...(extra.gate ? { gate: extra.gate } : {}),
  };
}

export interface RunRows {
  findings: Finding[];
  sessions: SessionRow[];
  timelines: TimelineLine[];
}

/**
 * A staged timeline as the worker wrote it: its JSON bytes, with the capture and session it belongs to
 * read from the text's start. Timelines are most of what a run stages (30 MB for the dense bench's 2,356
 * sessions): parsing and re-serialising them cost the report step 0.85 s, and holding them as strings
 * (decode each line, join, encode the file again) another ~0.9 s of CPU; nothing in the report needs
 * more than these two keys, so the bytes go from the staging file to timelines.jsonl untouched.
 */
export interface TimelineLine {
  har: string;
  session: string;
  /**
   * The line's JSON as pieces, written one after the other: one piece as staged, or a new head and
   * the staged bytes after the old one once renamed. Joining them cost the report step two copies of the
   * 30 MB (~0.25 s): timelines.jsonl is written from the pieces as they are. A piece is bytes, or where
   * the bytes lie in a staging file (`collectRun`: read only while timelines.jsonl is written, so the
   * report holds no run's timelines whole — ~330 MB for 12,000 captures).
   */
  parts: Piece[];
}

/**
 * Bytes of a line's head (`{"har":…,"session":…,`) at the start of its first piece, and the session's
 * JSON text, as read when the line was: a rename reuses them instead of reading the head again (from the
 * staging file, for a line that lies there).
 */
const heads = new WeakMap<TimelineLine, { bytes: number; session: string }>();
const withHead = (t: TimelineLine, head: { bytes: number; session: string }) => (heads.set(t, head), t);

/** Bytes `start` to `end` of a file, read when they are written. */
export interface FileSlice {
  file: string;
  start: number;
  end: number;
}
export type Piece = Buffer | FileSlice;

/** A piece's bytes (a slice is read from its file; `fds` keeps files open across calls). */
function pieceBytes(p: Piece, fds?: Map<string, number>): Buffer {
  if (Buffer.isBuffer(p)) return p;
  const fd = fds?.get(p.file) ?? openSync(p.file, 'r');
  try {
    const out = Buffer.allocUnsafe(p.end - p.start);
    for (let got = 0; got < out.length;) {
      const n = readSync(fd, out, got, out.length - got, p.start + got);
      if (n === 0) throw new Error(`${p.file}: ended before byte ${p.end} (a staging file changed)`);
      got += n;
    }
    return out;
  } finally {
    if (fds && !fds.has(p.file)) fds.set(p.file, fd);
    else if (!fds) closeSync(fd);
  }
}

/** A timeline line's JSON text (tests, and anything that must look inside). */
export function timelineText(t: TimelineLine): string {
  return Buffer.concat(t.parts.map((p) => pieceBytes(p))).toString('utf8');
}

const NEWLINE = Buffer.from('\n');
// JSON.stringify writes a timeline's keys in the order timelineOf builds them: har, then session.
const TIMELINE_HEAD = /^\{"har":("(?:[^"\\]|\\.)*"),"session":("(?:[^"\\]|\\.)*"),/;
// Enough of a line to hold its head (capture path and session id): only this much is decoded.
const HEAD_BYTES = 8192;

export function timelineLine(line: Buffer | string, where?: FileSlice): TimelineLine {
  const bytes = typeof line === 'string' ? Buffer.from(line) : line;
  const m = TIMELINE_HEAD.exec(bytes.toString('utf8', 0, Math.min(bytes.length, HEAD_BYTES)));
  if (m) {
    const headBytes = Buffer.byteLength(m[0]);
    // The session's JSON text decoded again from its own bytes (it ends just before the head's last
    // comma): `m[2]` is a slice of the 8 KB decoded above, and V8 keeps a slice's whole string alive —
    // kept per timeline, that was ~5 KB each, 292 MB of the report's heap at 24,000 captures.
    const session = bytes.toString('utf8', headBytes - 1 - Buffer.byteLength(m[2]), headBytes - 1);
    return withHead(
      { har: JSON.parse(m[1]) as string, session: JSON.parse(m[2]) as string, parts: [where ?? bytes] },
      { bytes: headBytes, session },
    );
  }
  // Any other shape (a hand-written staging file, a head longer than HEAD_BYTES): read it whole, write
  // it back in the usual key order.
  const t = JSON.parse(bytes.toString('utf8')) as { har: string; session: string };
  const { har, session, ...rest } = t;
  return timelineLine(JSON.stringify({ har, session, ...rest }));
}

/** The same timeline under another capture name (the run's outputs name captures by input). */
export function renameTimeline(t: TimelineLine, har: string): TimelineLine {
  if (har === t.har) return t;
  // The head is always whole at the start of the first piece: as staged, or the head an earlier rename made.
  const [first, ...rest] = t.parts;
  let head = heads.get(t);
  if (!head) {
    const text = pieceBytes(first).toString('utf8', 0, HEAD_BYTES);
    const m = TIMELINE_HEAD.exec(text)!;
    head = { bytes: Buffer.byteLength(m[0]), session: m[2] };
  }
  const bytes = Buffer.from(`{"har":${JSON.stringify(har)},"session":${head.session},`);
  const after: Piece | null = Buffer.isBuffer(first)
    ? first.length > head.bytes
      ? first.subarray(head.bytes)
      : null
    : first.end > first.start + head.bytes
      ? { ...first, start: first.start + head.bytes }
      : null;
  return withHead(
    { ...t, har, parts: after ? [bytes, after, ...rest] : [bytes, ...rest] },
    { bytes: bytes.length, session: head.session },
  );
}

/**
 * Write byte pieces to `path` in order with writev (at most 1024 pieces a call, the usual IOV_MAX),
 * going on after a short write.
 */
export function writePieces(path: string, pieces: readonly Piece[]): void {
  const fd = openSync(path, 'w');
  const sources = new Map<string, number>();
  try {
    for (let at = 0; at < pieces.length;) {
      // Slices of staging files are read here, one batch at a time: the report holds ~1,024 lines at most.
      const batch = pieces.slice(at, at + 1024).map((p) => pieceBytes(p, sources));
      let left = writevSync(fd, batch);
      at += batch.length;
      // A short write: finish this batch piece by piece from where it stopped.
      for (const b of batch) {
        if (left >= b.length) {
          left -= b.length;
          continue;
        }
        for (let off = left; off < b.length;) off += writeSync(fd, b, off, b.length - off);
        left = 0;
      }
    }
  } finally {
    closeSync(fd);
    for (const s of sources.values()) closeSync(s);
  }
}

/** The rows the workers staged for a run (findings, session rows, timelines), sorted for stable output. */
export function collectRun(stagingDir: string): RunRows {
  const findings = readStaged<Finding & { har_hash?: string }>(stagingDir, 'violation')
    .map(({ har_hash: _h, ...f }) => f as Finding)
    .sort(
      (a, b) =>
        a.har.localeCompare(b.har) ||
        a.session.localeCompare(b.session) ||
        (a.ts ?? '').localeCompare(b.ts ?? ''),
    );
  const sessions = readStaged<SessionRow>(stagingDir, 'session_row').sort(
    (a, b) => a.har.localeCompare(b.har) || a.session.localeCompare(b.session),
  );
  // Each timeline as where it lies in its staging file (and its head's two keys): the lines are read
  // again, in order, only as timelines.jsonl is written.
  const timelines: TimelineLine[] = [];
  eachStagedLine(stagingDir, 'timeline', (line, file, start, end) =>
    timelines.push(timelineLine(line, { file, start, end })),
  );
  timelines.sort((a, b) => a.har.localeCompare(b.har) || a.session.localeCompare(b.session));
  return { findings, sessions, timelines };
}

/**
 * Write violations.jsonl/.csv, sessions.jsonl, timelines.jsonl, quarantine.jsonl/.csv, summary.json
 * (+ .prev) and report.md.
 */
export function writeRunOutputs(opts: {
  stagingDir?: string;
  rows?: RunRows;
  outDir: string;
  input: string;
  inputs?: Summary['inputs'];
  ingest: ParseStats & { quarantined?: QuarantineRecord[] };
  /** Quarantined files and entries (default: the ingest summary's). */
  quarantine?: QuarantineRecord[];
  specCount: number;
  commit: string | null;
  gate?: Summary['gate'];
}): { summary: Summary; findings: Finding[]; sessions: SessionRow[]; quarantine: QuarantineRecord[] } {
  mkdirSync(opts.outDir, { recursive: true });
  const { findings, sessions, timelines } =
    opts.rows ?? collectRun(opts.stagingDir ?? join(opts.outDir, '.no-staging'));
  const quarantine = sortQuarantine((opts.quarantine ?? opts.ingest.quarantined ?? []).map(toRecord));
  const summary = buildSummary(opts.input, opts.ingest, findings, sessions, opts.specCount, opts.commit, {
    inputs: opts.inputs,
    quarantine,
    gate: opts.gate,
  });
  // A line at a time: one string of every line was ~57 MB of sessions.jsonl at 24,000 captures, its lines
  // as much again. JSON.stringify, as these files were always written (DuckDB does not read them).
  writeNdjson(join(opts.outDir, 'violations.jsonl'), findings, JSON.stringify);
  writeFileSync(join(opts.outDir, 'violations.csv'), toCsv(findings));
  writeNdjson(join(opts.outDir, 'sessions.jsonl'), sessions, JSON.stringify);
  writePieces(
    join(opts.outDir, 'timelines.jsonl'),
    timelines.flatMap((t) => [...t.parts, NEWLINE]),
  );
  writeFileSync(join(opts.outDir, QUARANTINE_FILES.jsonl), quarantineJsonl(quarantine));
  writeFileSync(join(opts.outDir, QUARANTINE_FILES.csv), quarantineCsv(quarantine));
  const summaryPath = join(opts.outDir, 'summary.json');
  if (existsSync(summaryPath)) copyFileSync(summaryPath, join(opts.outDir, 'summary.prev.json'));
  writeFileSync(summaryPath, JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(opts.outDir, 'report.md'), reportMarkdown(summary, findings, sessions, quarantine));
  return { summary, findings, sessions, quarantine };
}

/**
 * A folder inside `outDir` for a report written before the run knows it will succeed (`goblin run`
 * writes it while DuckDB stores): `publishRunOutputs` moves it into place once the store committed, and
 * a run that fails removes it, so no `summary.json` says "ran" for a run that did not store what it read.
 */
export function pendingRunOutputs(outDir: string): string {
  return join(outDir, `.pending-${process.pid}`);
}

/**
 * Move the files `writeRunOutputs` wrote into `pendingDir` into `outDir` (renames, same folder tree):
 * the previous `summary.json` becomes `summary.prev.json` as when writing in place, and `summary.json`
 * comes last, so whoever sees the new one sees every other file of the run already there.
 */
export function publishRunOutputs(pendingDir: string, outDir: string): void {
  const summaryPath = join(outDir, 'summary.json');
  if (existsSync(summaryPath)) copyFileSync(summaryPath, join(outDir, 'summary.prev.json'));
  const names = readdirSync(pendingDir).sort(
    (a, b) => Number(a === 'summary.json') - Number(b === 'summary.json'),
  );
  for (const name of names) renameSync(join(pendingDir, name), join(outDir, name));
  rmSync(pendingDir, { recursive: true, force: true });
}
