/**
 * Writes a run's output files: violations.jsonl/.csv, sessions.jsonl, timelines.jsonl,
 * quarantine.jsonl/.csv, summary.json (+ summary.prev.json) and report.md. The words in them come from
 * tools/publish/ (run-report, quarantine, attribution, csv).
 */
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestSummary } from '../ingest/run.js';
import { eachStagedLine, writeNdjson } from '../ingest/staging.js';
import { findingVersionFrom, sessionKey, versionKey } from '../publish/attribution.js';
import { csvTable } from '../publish/csv.js';
import {
  QUARANTINE_FILES,
  quarantineCsv,
  quarantineJsonl,
  sortQuarantine,
  toRecord,
} from '../publish/quarantine.js';
import { reportMarkdown } from '../publish/run-report.js';
import { Finding, type QuarantineRecord, type SessionRow, type Summary } from './outputs.js';
import { emptyTally, tallySession, type SessionTally } from './session-tally.js';
import { StagedLines } from './staged-lines.js';
import { makeDirs } from '../util/files.js';
import { StringPool } from '../util/string-pool.js';

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
  sessions: SessionTally,
  specCount: number,
  commit: string | null,
  extra: { inputs?: Summary['inputs']; quarantine?: QuarantineRecord[]; gate?: Summary['gate'] } = {},
): Summary {
  const count = (xs: string[]) =>
    xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
  const versionOf = findingVersionFrom(sessions.versions);
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
  const v = sessions.verdicts;
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
      total: sessions.total,
      pass: v.PASS,
      violation: v.VIOLATION,
      abstain: v.ABSTAIN,
    },
    coverage: sessions.total ? (v.PASS + v.VIOLATION) / sessions.total : 0,
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
  /** Parsed, sorted, and named as the run's outputs name captures. */
  findings: Finding[];
  /** What the report reads of the sessions, counted as their rows were read. */
  tally: SessionTally;
  /** Session rows and timelines, as where they lie in the staging files (written out sorted). */
  sessions: StagedLines;
  timelines: StagedLines;
}

// A lone surrogate is staged as a `\ufffd` escape (util/json-text.ts).
const ESCAPED_REPLACEMENT = Buffer.from('\\ufffd');

/**
 * Finding fields whose values repeat from one finding to the next — every field but those of one event
 * (its id, time and position): the capture and session of each finding, its code, spec and build, the
 * message, and most expected/observed values ("1", "missing").
 */
const PER_EVENT_FIELDS: ReadonlySet<string> = new Set(['event_id', 'ts', 'entry_index']);
const REPEATED_FIELDS = Object.keys(Finding.shape).filter((k) => !PER_EVENT_FIELDS.has(k));

/**
 * The staged findings, each value that repeats held once. The report keeps every finding until it is
 * written, and `JSON.parse` gives every finding its own copy of each text: 668 bytes of heap a finding on
 * the 12,000-capture dense run's findings, 420 with the copies shared (docs/measured.md, "Findings held
 * once per value") — a drop from a broken build, where most sessions have findings, grew the parent by
 * that much per finding.
 */
function readFindings(stagingDir: string): Finding[] {
  const pool = new StringPool();
  const findings: Finding[] = [];
  eachStagedLine(stagingDir, 'violation', (line) => {
    const f = JSON.parse(line.toString('utf8')) as Finding & { har_hash?: string };
    // The key the worker wrote last: deleting it leaves the object in its fast shape.
    delete f.har_hash;
    pool.inFields(f as unknown as Record<string, unknown>, REPEATED_FIELDS);
    findings.push(f);
  });
  return findings;
}

/**
 * The rows the workers staged for a run: the findings parsed and sorted, the session rows counted into
 * a tally and, like the timelines, kept as where they lie, to be written sorted by capture and session.
 * `name` gives each capture its name in the outputs (the run names captures by input; the staging
 * files by their path from the repository root); the order is the staged names'.
 */
export function collectRun(stagingDir: string, name: (har: string) => string = (h) => h): RunRows {
  const findings = readFindings(stagingDir).sort(
    (a, b) =>
      a.har.localeCompare(b.har) ||
      a.session.localeCompare(b.session) ||
      (a.ts ?? '').localeCompare(b.ts ?? ''),
  );
  // The sessions a finding points at: the only ones whose version label is kept.
  const pointedAt = new Set(findings.map((f) => sessionKey(f.har, f.session)));
  // One output name per capture, shared by its findings (`name` makes a new string at every call).
  const named = new Map<string, string>();
  for (const f of findings) {
    let n = named.get(f.har);
    if (n === undefined) named.set(f.har, (n = name(f.har)));
    f.har = n;
  }
  const tally = emptyTally();
  const sessions = new StagedLines(name);
  eachStagedLine(stagingDir, 'session_row', (line, file, start, end) => {
    const row = JSON.parse(line.toString('utf8')) as SessionRow;
    // sessions.jsonl has always been JSON.stringify of the row, which writes a lone surrogate's U+FFFD
    // itself, not the escape it was staged as: such a line is held written anew.
    if (line.indexOf(ESCAPED_REPLACEMENT) < 0) sessions.add(line, { file, start, end });
    else sessions.add(JSON.stringify(row));
    // Only a session a finding points at keeps its key (under the output name, which its findings' capture
    // already has); the others are counted, never named.
    const pointed = pointedAt.has(sessionKey(row.har, row.session));
    if (pointed) row.har = named.get(row.har) ?? name(row.har);
    tallySession(tally, row, pointed);
  });
  const timelines = new StagedLines(name);
  eachStagedLine(stagingDir, 'timeline', (line, file, start, end) =>
    timelines.add(line, { file, start, end }),
  );
  return { findings, tally, sessions, timelines };
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
}): { summary: Summary; findings: Finding[]; tally: SessionTally; quarantine: QuarantineRecord[] } {
  makeDirs(opts.outDir);
  const { findings, tally, sessions, timelines } =
    opts.rows ?? collectRun(opts.stagingDir ?? join(opts.outDir, '.no-staging'));
  const quarantine = sortQuarantine((opts.quarantine ?? opts.ingest.quarantined ?? []).map(toRecord));
  const summary = buildSummary(opts.input, opts.ingest, findings, tally, opts.specCount, opts.commit, {
    inputs: opts.inputs,
    quarantine,
    gate: opts.gate,
  });
  // Findings a line at a time (never one string of every line), with JSON.stringify, as the file was
  // always written (DuckDB does not read it). Session rows and timelines go from their staging files.
  writeNdjson(join(opts.outDir, 'violations.jsonl'), findings, JSON.stringify);
  writeFileSync(join(opts.outDir, 'violations.csv'), toCsv(findings));
  sessions.write(join(opts.outDir, 'sessions.jsonl'));
  timelines.write(join(opts.outDir, 'timelines.jsonl'));
  writeFileSync(join(opts.outDir, QUARANTINE_FILES.jsonl), quarantineJsonl(quarantine));
  writeFileSync(join(opts.outDir, QUARANTINE_FILES.csv), quarantineCsv(quarantine));
  const summaryPath = join(opts.outDir, 'summary.json');
  if (existsSync(summaryPath)) copyFileSync(summaryPath, join(opts.outDir, 'summary.prev.json'));
  writeFileSync(summaryPath, JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(opts.outDir, 'report.md'), reportMarkdown(summary, findings, tally, quarantine));
  return { summary, findings, tally, quarantine };
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
