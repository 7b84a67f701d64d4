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
import type { Finding, QuarantineRecord, SessionBrief, SessionRow, Summary } from './outputs.js';

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
  sessions: readonly SessionBrief[],
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

/** A session of the run: its brief, and where its row's line lies. */
export type SessionLine = StagedLine & SessionBrief;

export interface RunRows {
  findings: Finding[];
  sessions: SessionLine[];
  timelines: StagedLine[];
}

/**
 * A staged line whose JSON opens `{"har":…,"session":…,` (a session row or a timeline, as the workers
 * stage them), held as where its bytes lie plus the two keys the report sorts and renames by. The bytes
 * go from the staging file to the output untouched: parsing and re-serialising the timelines alone cost
 * the report step 0.85 s on the dense bench (30 MB for 2,356 sessions), and holding lines as text or
 * parsed rows grows the parent with the run (~330 MB of timelines at 12,000 captures).
 */
export interface StagedLine {
  har: string;
  session: string;
  /** The line's staging file and byte range; null where the line is held as `bytes`. */
  file: string | null;
  start: number;
  end: number;
  /** The line's bytes, for a line not read from a file (tests, a line written anew). */
  bytes: Buffer | null;
  /** Bytes of the line's `{"har":…,` as staged: a renamed line is written as a new one, then the rest. */
  harEnd: number;
  /** Whether `har` is no longer the staged name (the head is then written from `har`). */
  renamed: boolean;
}

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

/**
 * The pieces a line is written from: as staged, or (renamed) a new `{"har":…,` and the staged bytes
 * after the old one. The new head is made here, when the line is written, so a renamed line holds no
 * bytes of its own.
 */
export function linePieces(t: StagedLine): Piece[] {
  if (!t.renamed) return [t.bytes ?? { file: t.file as string, start: t.start, end: t.end }];
  const head = Buffer.from(`{"har":${JSON.stringify(t.har)},`);
  const rest = t.bytes
    ? t.bytes.subarray(t.harEnd)
    : { file: t.file as string, start: t.start + t.harEnd, end: t.end };
  return [head, rest];
}

/** A staged line's JSON text (tests, and anything that must look inside). */
export function lineText(t: StagedLine): string {
  return Buffer.concat(linePieces(t).map((p) => pieceBytes(p))).toString('utf8');
}

const NEWLINE = Buffer.from('\n');
// JSON.stringify writes session rows' and timelines' keys in the order they are built: har, then session.
const LINE_HEAD = /^\{"har":("(?:[^"\\]|\\.)*"),"session":("(?:[^"\\]|\\.)*"),/;
// Enough of a line to hold its head (capture path and session id): only this much is decoded.
const HEAD_BYTES = 8192;

/**
 * A staged line (its bytes, and where it lies in its file when it was read from one). `intern` shares
 * equal names between lines: a capture's sessions share its path, and most session keys
 * (`app:<rsid>`, `page:<rsid>`) recur across captures.
 */
export function stagedLine(
  line: Buffer | string,
  where?: FileSlice,
  intern: (s: string) => string = (s) => s,
): StagedLine {
  const bytes = typeof line === 'string' ? Buffer.from(line) : line;
  const m = LINE_HEAD.exec(bytes.toString('utf8', 0, Math.min(bytes.length, HEAD_BYTES)));
  if (m) {
    return {
      har: intern(JSON.parse(m[1]) as string),
      session: intern(JSON.parse(m[2]) as string),
      file: where ? where.file : null,
      start: where ? where.start : 0,
      end: where ? where.end : bytes.length,
      bytes: where ? null : bytes,
      harEnd: 8 + Buffer.byteLength(m[1]),
      renamed: false,
    };
  }
  // Any other shape (a hand-written staging file, a head longer than HEAD_BYTES): read it whole, write
  // it back in the usual key order.
  const t = JSON.parse(bytes.toString('utf8')) as { har: string; session: string };
  const { har, session, ...rest } = t;
  return stagedLine(JSON.stringify({ har, session, ...rest }), undefined, intern);
}

/**
 * Name a line's capture `har` (the run's outputs name captures by input): in place — the report renames
 * every line it collected once, and copies would stay as garbage while the parent waits for DuckDB.
 */
export function renameLine<T extends StagedLine>(t: T, har: string): T {
  if (har !== t.har) ((t.har = har), (t.renamed = true));
  return t;
}

/**
 * Write `lines` to `path`, each from its pieces and a newline, with writev (at most 1024 pieces a call,
 * the usual IOV_MAX), going on after a short write.
 */
export function writeLines(path: string, lines: readonly StagedLine[]): void {
  writeLinePieces(path, lines.length, (i) => [...linePieces(lines[i]), NEWLINE]);
}

function writeLinePieces(path: string, n: number, piecesOf: (i: number) => Piece[]): void {
  const fd = openSync(path, 'w');
  const sources = new Map<string, number>();
  try {
    for (let at = 0; at < n;) {
      // Pieces are made and slices of staging files read here, one batch at a time: the report holds
      // ~1,024 pieces' bytes at most (a line is at most three pieces).
      const batch: Buffer[] = [];
      for (; at < n && batch.length <= 1024 - 3; at++)
        for (const p of piecesOf(at)) batch.push(pieceBytes(p, sources));
      let left = writevSync(fd, batch);
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

/** One copy of each distinct string met while collecting a run (names, versions, verdicts). */
function interner(): <S extends string | null | undefined>(s: S) => S {
  const seen = new Map<string, string>();
  return <S extends string | null | undefined>(s: S): S => {
    if (typeof s !== 'string') return s;
    const had = seen.get(s);
    if (had !== undefined) return had as S;
    seen.set(s, s);
    return s;
  };
}

const byCaptureThenSession = (a: StagedLine, b: StagedLine) =>
  a.har.localeCompare(b.har) || a.session.localeCompare(b.session);

/**
 * The rows the workers staged for a run, sorted for stable output: the findings parsed, each session as
 * its brief and where its row lies, each timeline as where it lies. Lines are read again, in order, only
 * as sessions.jsonl and timelines.jsonl are written.
 */
export function collectRun(stagingDir: string): RunRows {
  const findings = readStaged<Finding & { har_hash?: string }>(stagingDir, 'violation')
    .map(({ har_hash: _h, ...f }) => f as Finding)
    .sort(
      (a, b) =>
        a.har.localeCompare(b.har) ||
        a.session.localeCompare(b.session) ||
        (a.ts ?? '').localeCompare(b.ts ?? ''),
    );
  const intern = interner();
  const sessions: SessionLine[] = [];
  eachStagedLine(stagingDir, 'session_row', (line, file, start, end) => {
    const row = JSON.parse(line.toString('utf8')) as SessionRow;
    // A lone surrogate was staged as a `\ufffd` escape (util/json-text.ts); sessions.jsonl has always
    // been JSON.stringify of the row, which writes U+FFFD itself: such a line is written anew.
    const asStaged = line.indexOf(ESCAPED_REPLACEMENT) < 0;
    const t = asStaged
      ? stagedLine(line, { file, start, end }, intern)
      : stagedLine(JSON.stringify(row), undefined, intern);
    // One literal with every field: the brief's fields added to the line object afterwards went to a
    // second allocation per session (an out-of-object property store).
    sessions.push({
      har: t.har,
      session: t.session,
      file: t.file,
      start: t.start,
      end: t.end,
      bytes: t.bytes,
      harEnd: t.harEnd,
      renamed: t.renamed,
      kind: intern(row.kind),
      platform: intern(row.platform),
      sdk: intern(row.sdk),
      sdk_version: intern(row.sdk_version),
      virtual_version: intern(row.virtual_version),
      verdict: intern(row.verdict),
      unchecked: intern(row.unchecked),
    });
  });
  sessions.sort(byCaptureThenSession);
  const timelines: StagedLine[] = [];
  eachStagedLine(stagingDir, 'timeline', (line, file, start, end) =>
    timelines.push(stagedLine(line, { file, start, end }, intern)),
  );
  timelines.sort(byCaptureThenSession);
  return { findings, sessions, timelines };
}

const ESCAPED_REPLACEMENT = Buffer.from('\\ufffd');

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
}): { summary: Summary; findings: Finding[]; sessions: SessionBrief[]; quarantine: QuarantineRecord[] } {
  mkdirSync(opts.outDir, { recursive: true });
  const { findings, sessions, timelines } =
    opts.rows ?? collectRun(opts.stagingDir ?? join(opts.outDir, '.no-staging'));
  const quarantine = sortQuarantine((opts.quarantine ?? opts.ingest.quarantined ?? []).map(toRecord));
  const summary = buildSummary(opts.input, opts.ingest, findings, sessions, opts.specCount, opts.commit, {
    inputs: opts.inputs,
    quarantine,
    gate: opts.gate,
  });
  // Findings a line at a time (never one string of every line), with JSON.stringify, as the file was
  // always written (DuckDB does not read it). Session rows and timelines go from their staging files.
  writeNdjson(join(opts.outDir, 'violations.jsonl'), findings, JSON.stringify);
  writeFileSync(join(opts.outDir, 'violations.csv'), toCsv(findings));
  writeLines(join(opts.outDir, 'sessions.jsonl'), sessions);
  writeLines(join(opts.outDir, 'timelines.jsonl'), timelines);
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
