/**
 * The Parquet dataset ("lake") beside the DuckDB store, laid out for query engines. It is where a store's
 * events live: the store holds captures, sessions, fingerprints and findings, and reads its events
 * through a view over the parts listed here (`refreshEventView`), so no event is stored twice.
 *
 *   <parquet_dir>/events/part-<run>.parquet   one part per ingest run (zstd), rows sorted by sdk then ts_ms
 *   <parquet_dir>/_manifest.jsonl             one line per complete part
 *   <parquet_dir>/_pending/<run>              a run between publishing its parts and the store's commit
 *
 * One part per run, not one per date × sdk: a 54 k-event drop spread over years made 1,672 tiny files
 * before, and engines pay per file. Row groups sorted by (sdk, time) carry min/max statistics, so a query
 * on one SDK or one month still skips what it does not need; `goblin compact` merges the parts of earlier
 * ingests (or of other shards) into one. A part is written under a temporary name and renamed once DuckDB
 * closed it; the manifest lists only renamed parts. A run publishes its parts before the store commits
 * the captures they hold, with a marker beside them (`_pending/<run>`) that it removes after the commit:
 * a marker found on the next start names a run that may have published parts for captures the store
 * never recorded, and those parts are removed (the captures are read again by the next ingest).
 */
import {
  appendFileSync,
  existsSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { queryRows, sqlString, withOneDuckDbThread } from './db.js';
import { EVENT_COLUMNS, TABLES } from './ddl.js';
import { makeDirs } from '../util/files.js';

export const MANIFEST = '_manifest.jsonl';
const TMP_SUFFIX = '.parquet.tmp';

export const ManifestEntry = z.object({
  /** Relative to the lake root, with forward slashes. */
  path: z.string(),
  run_id: z.string(),
  rows: z.number().int().nonnegative(),
  min_ts_ms: z.number().nullable(),
  max_ts_ms: z.number().nullable(),
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export function readManifest(lake: string): ManifestEntry[] {
  const p = join(lake, MANIFEST);
  if (!existsSync(p)) return [];
  const out: ManifestEntry[] = [];
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    // A torn last line (a crash while appending) is ignored: the run that wrote it never committed, so
    // its parts are removed on the next start, and `publishRun` rewrites the manifest before appending.
    try {
      out.push(ManifestEntry.parse(JSON.parse(line)));
    } catch {
      /* torn line */
    }
  }
  return out;
}

/** Rewrite the manifest whole (compact, doctor): temp name, then rename. */
export function writeManifest(lake: string, entries: ManifestEntry[]): void {
  makeDirs(lake);
  const tmp = join(lake, `${MANIFEST}.tmp`);
  const body = entries.map((e) => JSON.stringify(e)).join('\n');
  appendFileSync(tmp, body ? body + '\n' : '', { flag: 'w' });
  renameSync(tmp, join(lake, MANIFEST));
}

/** Every .parquet file (and leftover temporary) under the lake's events/, relative with forward slashes. */
export function lakeFiles(lake: string): { parts: string[]; temps: string[] } {
  const parts: string[] = [];
  const temps: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith(TMP_SUFFIX)) temps.push(rel(lake, p));
      else if (d.name.endsWith('.parquet')) parts.push(rel(lake, p));
    }
  };
  walk(join(lake, 'events'));
  return { parts: parts.sort(), temps: temps.sort() };
}

const rel = (lake: string, p: string) => relative(lake, p).split(sep).join('/');

/**
 * The first line of a DuckDB error about a part, fit for the console: DuckDB may quote a damaged part's
 * bytes, and control characters would garble the line.
 */
export function partError(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .split('\n')[0]
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

/** True for DuckDB's error when a query needs more than the store's memory limit. */
export const outOfMemory = (e: unknown): boolean => /Out of Memory/i.test(String((e as Error)?.message));

/**
 * A query on the store's events, whose failure says where to look. A part damaged inside gives its schema
 * and row count from its footer, so the view takes it, and the query fails once it decodes the column the
 * damage hit: the error names the dataset and `goblin doctor` (exit 3 from the CLI) instead of DuckDB's
 * bare decoder message. Running out of memory or being interrupted is not the dataset's fault: left as is.
 */
export async function readingEvents<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (e) {
    if (outOfMemory(e) || /INTERRUPT/i.test(String((e as Error)?.message))) throw e;
    throw new Error(
      `the store's events could not be read from its Parquet dataset (${partError(e)}): run goblin doctor`,
    );
  }
}

/** A UTC timestamp to the millisecond, digits only (`20261208030425123`): names runs and parts. */
export const timeStamp = (): string =>
  new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 17);

/**
 * The store's event columns read from Parquet parts that hold the columns `have`, cast to the store's
 * types; a column no part has (parts written before it was added) reads as NULL.
 */
function eventColumnsFrom(have: Set<string> | null): string {
  return Object.entries(EVENT_COLUMNS)
    .map(([c, t]) => (have?.has(c) ? `CAST("${c}" AS ${t}) AS "${c}"` : `NULL::${t} AS "${c}"`))
    .join(', ');
}

/**
 * A part's row count, every value of every column decoded on the way: a part damaged inside keeps a
 * footer that reads, so a count from the footer alone says it is whole. Throws when it does not read.
 */
async function wholePartRows(con: DuckDBConnection, file: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(
    con,
    `SELECT count(*)::DOUBLE AS n, max(length(CAST(COLUMNS(*) AS VARCHAR))) FROM read_parquet(${sqlString(file)})`,
  );
  return Number(r.n);
}

/** Rows of a part, in the order engines like: by SDK, then time (row-group statistics do the pruning). */
/**
 * Parts list the event columns in the store's declared order, whatever order the table has (a store
 * migrated from an older version has its added columns last), so every part has the same schema.
 */
const EVENT_SELECT = Object.keys(EVENT_COLUMNS)
  .map((c) => `"${c}"`)
  .join(', ');

const PART_ORDER = `ORDER BY sdk, ts_ms, har_hash, entry_index, sub_index`;

/** A part written under its temporary name, not yet visible to readers (`publishPart` renames it). */
export interface PendingPart {
  tmp: string;
  final: string;
  entry: ManifestEntry;
}

/** COPY one query to `events/<name>.parquet.tmp`; `publishPart` makes it a part. */
async function copyPart(
  con: DuckDBConnection,
  lake: string,
  select: string,
  runId: string,
  name: string,
  rowGroupBytes = ROW_GROUP_BYTES,
): Promise<PendingPart> {
  const dir = join(lake, 'events');
  makeDirs(dir);
  const final = join(dir, `${name}.parquet`);
  const tmp = join(dir, `${name}${TMP_SUFFIX}`);
  // zstd level 1, not DuckDB's default 3: on the dense bench's 46 k events the part came out slightly
  // smaller (4.72 vs 4.78 MB, rows sorted by sdk and time compress well either way) in 1.4 s of CPU instead
  // of 2.2–3.7 s.
  // Row groups of at most 64 MB before compression (less under a smaller memory limit): DuckDB's writer
  // holds a whole row group in memory, and 122,880 rows of large events did not fit the store's memory
  // limit (docs/ingest.md, "Parts of a bounded size").
  await con.run(
    `COPY (${select} ${PART_ORDER}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 122880, ROW_GROUP_SIZE_BYTES ${Math.max(1 << 20, Math.floor(rowGroupBytes))})`,
  );
  const [m] = await queryRows<{ n: number; lo: number | null; hi: number | null }>(
    con,
    `SELECT count(*)::DOUBLE AS n, min(ts_ms) AS lo, max(ts_ms) AS hi FROM read_parquet(${sqlString(tmp)})`,
  );
  return {
    tmp,
    final,
    entry: { path: rel(lake, final), run_id: runId, rows: Number(m.n), min_ts_ms: m.lo, max_ts_ms: m.hi },
  };
}

/**
 * The most event bytes (before compression) one part is sorted and written from. DuckDB sorts a part's
 * rows in memory, and its sort of wide rows does not spill far enough: under the store's 384 MB limit a
 * 4,000-capture dense drop (~300 MB of events) failed `goblin ingest` with "Out of Memory Error" and
 * stored nothing. Measured with the store load beside it (docs/ingest.md, "Parts of a bounded size"):
 * 128 MB per sort passed and 160 MB failed, so 96 MB leaves a margin. Rows past it go to further parts.
 * `partBudget` scales it with the store's own limit (GOBLIN_DUCKDB_MEMORY).
 */
const PART_BUDGET_BYTES = 96 << 20;
const LOAD_RESERVE_BYTES = 96 << 20;

/**
 * The part bound for the connection's memory limit: a third of what is left after 96 MB the store load
 * needs beside the export whatever the data (its JSON reader alone takes a 32 MB buffer) — 96 MB at the
 * default 384 MB, 32 MB at 192 MB. Linear in the limit instead (a quarter), a 128 MB store failed beside
 * its load under a busy test run.
 */
export async function partBudget(con: DuckDBConnection): Promise<number> {
  const [r] = await queryRows<{ v: string }>(con, `SELECT current_setting('memory_limit')::VARCHAR AS v`);
  const m = /^([\d.]+)\s*(KiB|MiB|GiB|TiB|KB|MB|GB|TB|bytes?)$/i.exec(r.v.trim());
  if (!m) return PART_BUDGET_BYTES;
  const unit = m[2].toLowerCase()[0];
  const scale = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[unit] ?? 1;
  return Math.max(8 << 20, Math.floor((Number(m[1]) * scale - LOAD_RESERVE_BYTES) / 3));
}

/** An event's size before compression, as SQL: its text columns’ UTF-8 bytes (strlen) plus 8 per other column. */
export const ROW_BYTES = Object.entries(EVENT_COLUMNS)
  .map(([c, t]) => (t === 'VARCHAR' || t === 'JSON' ? `coalesce(strlen(CAST("${c}" AS VARCHAR)), 0)` : '8'))
  .join(' + ');

/** Bytes before compression per row group; at most the part budget (a smaller memory limit). */
const ROW_GROUP_BYTES = 64 << 20;

/** `name`, or `name-<k>` when a write makes several parts. */
const partName = (name: string, k: number, of: number) =>
  of === 1 ? name : `${name}-${String(k).padStart(3, '0')}`;

/**
 * Files in order, cut into consecutive groups of at most `budget` bytes (a file larger than that is a
 * group of its own).
 */
export function groupsOfSize<T extends { bytes: number }>(files: readonly T[], budget: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const f of files) {
    if (cur.length && bytes + f.bytes > budget) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(f);
    bytes += f.bytes;
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * Parts written from files (a run's staged event files, or the parts `goblin compact` merges): the files
 * are cut into groups of at most `budget` bytes before compression, and each group is read once and
 * written as one part, its rows sorted. One group — every ingest of the bench corpora — is one part
 * named `name`, as before. Several parts of one run may overlap in SDK and time, like the parts of two
 * runs (and one capture cut across two staged files may sit in two parts).
 */
async function copyFileGroups(
  con: DuckDBConnection,
  lake: string,
  files: readonly { path: string; bytes: number }[],
  selectFrom: (source: string) => string,
  runId: string,
  name: string,
  budget?: number,
): Promise<PendingPart[]> {
  const bound = budget ?? (await partBudget(con));
  const groups = groupsOfSize(files, bound);
  const parts: PendingPart[] = [];
  try {
    for (const [k, g] of groups.entries()) {
      const source = `[${g.map((f) => sqlString(f.path)).join(', ')}]`;
      const partFile = partName(name, k, groups.length);
      parts.push(
        await copyPart(con, lake, selectFrom(source), runId, partFile, Math.min(ROW_GROUP_BYTES, bound)),
      );
    }
  } catch (e) {
    discardPart(parts);
    throw e;
  }
  return parts;
}

/**
 * Write `select`'s rows (events in the store) as parts of at most `budget` bytes each (`estimate`: all
 * the rows' bytes). Within the bound, one part named `name`. Past it, captures are numbered into batches
 * by their running total of bytes in content-hash order (one pass over the rows), and each batch is one
 * part `name-<k>` (one more pass each): a capture is never split.
 */
async function copyBoundedParts(
  con: DuckDBConnection,
  lake: string,
  select: string,
  estimate: number,
  runId: string,
  name: string,
  limit?: number,
): Promise<PendingPart[]> {
  const budget = limit ?? (await partBudget(con));
  const rowGroups = Math.min(ROW_GROUP_BYTES, budget);
  if (estimate <= budget) return [await copyPart(con, lake, select, runId, name, rowGroups)];
  await con.run(`CREATE OR REPLACE TEMP TABLE part_batch AS
    SELECT har_hash, floor(coalesce(sum(b) OVER (ORDER BY har_hash ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) / ${budget})::INTEGER AS batch
    FROM (SELECT har_hash, sum(${ROW_BYTES}) AS b FROM (${select}) GROUP BY har_hash)`);
  const batches = await queryRows<{ batch: number }>(
    con,
    `SELECT DISTINCT batch FROM part_batch ORDER BY batch`,
  );
  const parts: PendingPart[] = [];
  try {
    for (const { batch } of batches) {
      const k = Number(batch);
      parts.push(
        await copyPart(
          con,
          lake,
          `SELECT s.* FROM (${select}) s SEMI JOIN (SELECT har_hash FROM part_batch WHERE batch = ${k}) b ON s.har_hash = b.har_hash`,
          runId,
          partName(name, k, 2),
          rowGroups,
        ),
      );
    }
  } catch (e) {
    discardPart(parts);
    throw e;
  } finally {
    await con.run('DROP TABLE IF EXISTS part_batch');
  }
  return parts;
}

/** The rename is atomic on one filesystem, so a reader never sees a half-written part. */
function publishPart(p: PendingPart): ManifestEntry {
  renameSync(p.tmp, p.final);
  return p.entry;
}

/**
 * A run's parts written straight from its staged event rows (`rows`: a SELECT of exactly the events the
 * load stores; `estimate`: an upper bound of their bytes, the staged files' size), on a connection of its
 * own while the load runs. Left under their temporary names (none when the run stored no event) until
 * `publishRun` makes them parts; if the load fails the caller removes them with `discardPart`.
 */
export async function writeStagedPart(
  con: DuckDBConnection,
  lake: string,
  runId: string,
  files: readonly { path: string; bytes: number }[],
  rowsFrom: (source: string) => string,
  budget?: number,
): Promise<PendingPart[]> {
  removeRunParts(lake, runId);
  const cast = Object.entries(EVENT_COLUMNS)
    .map(([c, t]) => `CAST("${c}" AS ${t}) AS "${c}"`)
    .join(', ');
  const parts = await copyFileGroups(
    con,
    lake,
    files,
    (source) => `SELECT ${cast} FROM (${rowsFrom(source)})`,
    runId,
    `part-${runId}`,
    budget,
  );
  for (const p of parts) if (p.entry.rows === 0) discardPart(p);
  return parts.filter((p) => p.entry.rows > 0);
}

const PENDING_DIR = '_pending';
/** The marker of a run between publishing its parts and the store's commit (run ids are file-name safe). */
const pendingMarker = (lake: string, runId: string) => join(lake, PENDING_DIR, encodeURIComponent(runId));

/**
 * Publish a run's parts — before the store commits the captures they hold. The marker goes first: a crash
 * anywhere from here to `settleRun` leaves it, and the next start removes the run's parts unless the
 * store committed the run (`settlePendingRuns`).
 */
export function publishRun(lake: string, runId: string, parts: PendingPart[]): ManifestEntry[] {
  if (!parts.length) return [];
  makeDirs(join(lake, PENDING_DIR));
  writeFileSync(pendingMarker(lake, runId), runId);
  healManifest(lake);
  const entries = parts.map(publishPart);
  appendFileSync(join(lake, MANIFEST), entries.map((e) => JSON.stringify(e) + '\n').join(''));
  return entries;
}

/**
 * A manifest whose last line is torn (a crash while appending) is rewritten without it before anything
 * is appended: appended to the torn text, the next line would be unreadable too, and its part unlisted.
 */
function healManifest(lake: string): void {
  const p = join(lake, MANIFEST);
  if (!existsSync(p)) return;
  const text = readFileSync(p, 'utf8');
  if (text === '' || text.endsWith('\n')) return;
  writeManifest(lake, readManifest(lake));
}

/** The store committed the run (or it published nothing): its marker goes. */
export function settleRun(lake: string, runId: string): void {
  rmSync(pendingMarker(lake, runId), { force: true });
}

/** A run that published parts and failed before the store committed it: its parts and marker go. */
export function unpublishRun(lake: string, runId: string): void {
  removeRunParts(lake, runId);
  settleRun(lake, runId);
}

/**
 * On opening the store (under its lock, so no run is alive): every marker left names a run interrupted
 * between publishing its parts and the store's commit. A run the store committed (`lake_export`) keeps
 * its parts; any other loses them — the store never recorded its captures, so the next ingest reads them
 * again, and keeping the parts would count their events twice. Returns what it did, for the console.
 */
export async function settlePendingRuns(con: DuckDBConnection, lake: string): Promise<string[]> {
  const dir = join(lake, PENDING_DIR);
  if (!existsSync(dir)) return [];
  const notes: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    // The run is the file's name (its content may be empty: a crash between creating and writing it).
    if (!d.isFile()) continue;
    let runId = d.name;
    try {
      runId = decodeURIComponent(d.name);
    } catch {
      /* not a name publishRun wrote: taken as it is */
    }
    const [c] = await queryRows<{ n: number }>(
      con,
      `SELECT count(*)::INT AS n FROM lake_export WHERE run_id = ${sqlString(runId)}`,
    );
    if (c.n === 0) {
      unpublishRun(lake, runId);
      notes.push(
        `removed the Parquet parts of interrupted run ${runId}: the store never recorded its captures, so the next ingest reads them again`,
      );
    } else settleRun(lake, runId);
  }
  return notes;
}

export function discardPart(part: PendingPart | PendingPart[] | null): void {
  for (const p of Array.isArray(part) ? part : part ? [part] : []) rmSync(p.tmp, { force: true });
}

/** Drop a run's parts (complete or not) and their manifest lines. */
function removeRunParts(lake: string, runId: string): void {
  const { parts, temps } = lakeFiles(lake);
  const m = readManifest(lake);
  // Parts the manifest gives to another run are never this run's, whatever their names: a run named
  // `nightly` must not take `part-nightly-001.parquet`, the one part of a run named `nightly-001`.
  const others = new Set(m.filter((e) => e.run_id !== runId).map((e) => e.path));
  const base = `/part-${runId}`;
  // `part-<run>.parquet`, or `part-<run>-<k>.parquet` for a run written as several parts.
  const mine = (p: string) => {
    if (others.has(p)) return false;
    const i = p.lastIndexOf(base);
    if (i < 0) return false;
    const rest = p.slice(i + base.length);
    return /^(-\d{3,})?\.parquet(\.tmp)?$/.test(rest);
  };
  // …and whatever the manifest gives to this run, whatever its name (a part doctor rewrote).
  const doomed = new Set([
    ...[...parts, ...temps].filter(mine),
    ...m.filter((e) => e.run_id === runId).map((e) => e.path),
  ]);
  for (const p of doomed) rmSync(join(lake, p), { force: true });
  if (m.some((e) => e.run_id === runId))
    writeManifest(
      lake,
      m.filter((e) => e.run_id !== runId),
    );
}

/**
 * Temporary part files (a COPY interrupted before its rename) are removed when the store is opened, under
 * its lock: no run of this store can be writing one. Returns a note for the console, or null.
 */
export function removeTemps(lake: string): string | null {
  const { temps } = lakeFiles(lake);
  for (const t of temps) rmSync(join(lake, t), { force: true });
  return temps.length
    ? `removed ${temps.length} temporary Parquet part(s) left by an interrupted run: ${temps.join(', ')}`
    : null;
}

/**
 * The store's `event`: a temporary view (this connection's) over the parts the manifest lists, with the
 * store's column types. A column no part has yet (parts written before it was added) reads as NULL; a
 * listed part missing on disk or unreadable is left out, so one broken file does not stop every query on
 * the store, and returned (`goblin doctor` repairs it; `goblin validate --store` refuses to pass a store
 * whose captures lack events). Called on opening the store and after anything that changes the manifest
 * on this connection's behalf.
 */
export async function refreshEventView(con: DuckDBConnection, lake: string): Promise<string[]> {
  const left: string[] = [];
  const listed = readManifest(lake).filter((e) => {
    if (existsSync(join(lake, e.path))) return true;
    left.push(`${e.path} (missing)`);
    return false;
  });
  const source = (files: string[]) =>
    `read_parquet([${files.map((f) => sqlString(join(lake, f))).join(', ')}], union_by_name = true)`;
  let files = listed.map((e) => e.path);
  let have: Set<string> | null = null;
  const columnsOf = async (fs: string[]) =>
    new Set(
      (await queryRows<{ column_name: string }>(con, `DESCRIBE SELECT * FROM ${source(fs)}`)).map(
        (r) => r.column_name,
      ),
    );
  if (files.length)
    try {
      have = await columnsOf(files);
    } catch {
      // Some part is unreadable (truncated, not Parquet): keep the ones that read.
      const good: string[] = [];
      for (const f of files)
        try {
          await columnsOf([f]);
          good.push(f);
        } catch {
          left.push(`${f} (unreadable)`);
        }
      files = good;
      have = files.length ? await columnsOf(files) : null;
    }
  const cols = eventColumnsFrom(have);
  // Every query on the view reads the parts' footers again (union_by_name reads all of them to bind):
  // DuckDB keeps them in memory instead, keyed by file and modification time.
  await con.run(`SET parquet_metadata_cache = true`);
  await con.run(
    `CREATE OR REPLACE TEMP VIEW event AS SELECT ${cols} ${have ? `FROM ${source(files)}` : 'WHERE false'}`,
  );
  return left;
}

/** The store's tables keyed by capture, and the column that holds its content hash. */
function captureKeyed(): [string, string][] {
  return Object.entries(TABLES).flatMap(([t, cols]): [string, string][] =>
    'har_hash' in cols ? [[t, 'har_hash']] : 'hash' in cols ? [[t, 'hash']] : [],
  );
}

/**
 * Forget captures (by content hash) whose events the lake no longer holds whole: every row of them in the
 * store goes, with the archives that held them, so the next ingest of the same files reads them again
 * instead of skipping them as already stored.
 */
async function forgetCaptures(con: DuckDBConnection, hashes: string[]): Promise<void> {
  if (!hashes.length) return;
  const list = `(${hashes.map(sqlString).join(', ')})`;
  const sql = ['BEGIN TRANSACTION'];
  sql.push(`DELETE FROM har_archive a WHERE EXISTS (SELECT 1 FROM har_file h
      WHERE h.hash IN ${list} AND starts_with(h.path, a.path || '!/'))`);
  for (const [t, col] of captureKeyed()) sql.push(`DELETE FROM ${t} WHERE ${col} IN ${list}`);
  sql.push(`DELETE FROM lake_run WHERE har_hash IN ${list}`, 'COMMIT');
  try {
    await con.run(sql.join(';\n'));
  } catch (e) {
    await con.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * Rewrite the listed parts that hold events of `hashes` without them: a capture whose events were cut
 * across two parts keeps none of them when one part is lost, or the next ingest, reading it again, would
 * store part of its events twice. Each part is rewritten under a new name; the manifest is rewritten to
 * list the new parts; only then do the old ones go. A crash on the way leaves an unlisted part (the old
 * one, or the new one), never a listed part that lost rows.
 */
async function dropCapturesFromParts(con: DuckDBConnection, lake: string, hashes: string[]): Promise<void> {
  const manifest = readManifest(lake);
  if (!manifest.length) return;
  const list = `(${hashes.map(sqlString).join(', ')})`;
  const files = manifest.map((e) => sqlString(join(lake, e.path))).join(', ');
  const holding = new Set(
    (
      await queryRows<{ f: string }>(
        con,
        `SELECT DISTINCT filename AS f FROM read_parquet([${files}], filename = true, union_by_name = true) WHERE har_hash IN ${list}`,
      )
    ).map((r) => r.f),
  );
  if (!holding.size) return;
  const stamp = timeStamp();
  const next: ManifestEntry[] = [];
  const replaced: string[] = [];
  await withOneDuckDbThread({ con }, async () => {
    for (const e of manifest) {
      const file = join(lake, e.path);
      if (!holding.has(file)) {
        next.push(e);
        continue;
      }
      replaced.push(file);
      const name = e.path.slice(e.path.lastIndexOf('/') + 1).replace(/\.parquet$/, '');
      const p = await copyPart(
        con,
        lake,
        `SELECT ${EVENT_SELECT} FROM read_parquet(${sqlString(file)}) WHERE har_hash NOT IN ${list}`,
        e.run_id,
        `${name}-fix${stamp}`,
      );
      if (p.entry.rows === 0) discardPart(p);
      else next.push(publishPart(p));
    }
  });
  writeManifest(lake, next);
  for (const f of replaced) rmSync(f, { force: true });
}

export interface LakeCheck {
  /** Captures the store holds whose events the lake lacks, or holds in another number. */
  missing: { path: string; hash: string; store: number; lake: number }[];
  /** Captures whose events the lake holds but the store does not know (merged from another dataset). */
  foreign: number;
  /** Parts in the manifest that are missing on disk or whose row count differs. */
  broken: { path: string; problem: string }[];
  /** Parquet files not listed in the manifest (left by a crash, or copied in by hand). */
  unlisted: string[];
  temps: string[];
  parts: number;
  rows: number;
}

/**
 * What `goblin doctor` checks: every listed part is whole, nothing unlisted or temporary is left, and
 * every capture the store holds has all its events in the lake (as many as it had beacons).
 */
export async function checkLake(con: DuckDBConnection, lake: string): Promise<LakeCheck> {
  const manifest = readManifest(lake);
  const { parts, temps } = lakeFiles(lake);
  const onDisk = new Set(parts);
  const broken: LakeCheck['broken'] = [];
  const good: ManifestEntry[] = [];
  for (const e of manifest) {
    if (!onDisk.has(e.path)) {
      broken.push({ path: e.path, problem: 'listed in the manifest but missing' });
      continue;
    }
    try {
      const n = await wholePartRows(con, join(lake, e.path));
      if (n !== e.rows)
        broken.push({ path: e.path, problem: `${n} rows in the file, ${e.rows} in the manifest` });
      else good.push(e);
    } catch (err) {
      broken.push({ path: e.path, problem: `unreadable: ${partError(err)}` });
    }
  }
  const listed = new Set(manifest.map((e) => e.path));
  const unlisted = parts.filter((p) => !listed.has(p));
  return {
    ...(await capturesAgainst(con, lake, good)),
    broken,
    unlisted,
    temps,
    parts: good.length,
    rows: good.reduce((a, e) => a + e.rows, 0),
  };
}

/** Each capture the store holds against its events in the parts `good` (already read whole). */
async function capturesAgainst(
  con: DuckDBConnection,
  lake: string,
  good: readonly ManifestEntry[],
): Promise<Pick<LakeCheck, 'missing' | 'foreign'>> {
  const lakeCounts = good.length
    ? `SELECT har_hash, count(*)::INT AS n FROM read_parquet([${good.map((e) => sqlString(join(lake, e.path))).join(', ')}]) GROUP BY 1`
    : `SELECT NULL::VARCHAR AS har_hash, 0 AS n WHERE false`;
  // One parsed row per content hash holds the capture's events (a copy under another path is a
  // `duplicate`); a capture with no beacon has nothing in the lake.
  const missing = await queryRows<LakeCheck['missing'][number]>(
    con,
    `WITH l AS (${lakeCounts}),
          s AS (SELECT hash, min(path) AS path, max(beacons)::INT AS beacons FROM har_file WHERE status = 'parsed' GROUP BY hash)
     SELECT s.path, s.hash, s.beacons AS store, coalesce(l.n, 0)::INT AS lake
     FROM s LEFT JOIN l ON l.har_hash = s.hash
     WHERE coalesce(l.n, 0) <> s.beacons ORDER BY s.path`,
  );
  const [f] = await queryRows<{ n: number }>(
    con,
    `WITH l AS (${lakeCounts}) SELECT count(*)::INT AS n FROM l
     WHERE har_hash NOT IN (SELECT hash FROM har_file WHERE status = 'parsed')`,
  );
  return { missing, foreign: f.n };
}

/**
 * Make the lake and the store agree again: temporaries go; a broken listed part and an unlisted one
 * leave the manifest and the disk (an unlisted part was never committed: `publishRun` lists a part
 * before the store commits its captures); then every capture whose events are no longer all in the lake
 * is forgotten by the store, so the next ingest of the same files reads it again. The lake holds the only
 * copy of the events, so a lost part is re-read from the captures, never rebuilt from the store.
 */
export async function fixLake(con: DuckDBConnection, lake: string, c: LakeCheck): Promise<string[]> {
  const done: string[] = [];
  for (const t of c.temps) rmSync(join(lake, t), { force: true });
  if (c.temps.length) done.push(`removed ${c.temps.length} temporary part(s)`);
  if (c.broken.length || c.unlisted.length) {
    const bad = new Set(c.broken.map((b) => b.path));
    writeManifest(
      lake,
      readManifest(lake).filter((e) => !bad.has(e.path)),
    );
    for (const p of [...bad, ...c.unlisted]) rmSync(join(lake, p), { force: true });
    done.push(`removed ${bad.size} broken and ${c.unlisted.length} unlisted part(s)`);
  }
  // The parts left are the ones `c` read whole: only the captures need checking again.
  const after = await capturesAgainst(con, lake, readManifest(lake));
  if (after.missing.length) {
    const hashes = after.missing.map((m) => m.hash);
    await dropCapturesFromParts(con, lake, hashes);
    await forgetCaptures(con, hashes);
    const shown = after.missing.slice(0, 5).map((m) => m.path);
    done.push(
      `forgot ${after.missing.length} capture(s) whose events the dataset no longer holds whole (${shown.join(', ')}${after.missing.length > shown.length ? ', …' : ''}): the next ingest of their files reads them again`,
    );
  }
  await refreshEventView(con, lake);
  return done;
}

/**
 * A store written before its events moved to the lake holds them in a table `event`. On opening it:
 * every run it still owed an export is exported from that table; if the lake then holds exactly the
 * table's events per capture, the table goes; if not, the lake is rewritten from the table first (it was
 * the source of truth then). Returns a note for the console, or null when there was no such table.
 */
export async function moveLegacyEvents(con: DuckDBConnection, lake: string): Promise<string | null> {
  const [t] = await queryRows<{ n: number }>(
    con,
    `SELECT count(*)::INT AS n FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'event' AND NOT temporary`,
  );
  if (t.n === 0) return null;
  // A table from before a column was added: add it, empty, so every part has the same schema.
  const have = new Set(
    (
      await queryRows<{ c: string }>(
        con,
        `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'main' AND table_name = 'event'`,
      )
    ).map((r) => r.c),
  );
  for (const [c, type] of Object.entries(EVENT_COLUMNS))
    if (!have.has(c)) await con.run(`ALTER TABLE main.event ADD COLUMN "${c}" ${type}`);
  removeTemps(lake);
  const owed = await queryRows<{ run_id: string }>(
    con,
    `SELECT DISTINCT run_id FROM lake_run WHERE run_id NOT IN (SELECT run_id FROM lake_export) ORDER BY run_id`,
  );
  const [n] = await queryRows<{ n: number; bytes: number | null }>(
    con,
    `SELECT count(*)::INT AS n, sum(${ROW_BYTES})::DOUBLE AS bytes FROM main.event`,
  );
  await withOneDuckDbThread({ con }, async () => {
    for (const { run_id } of owed) {
      removeRunParts(lake, run_id);
      const where = `har_hash IN (SELECT har_hash FROM lake_run WHERE run_id = ${sqlString(run_id)})`;
      const [c] = await queryRows<{ n: number; bytes: number | null }>(
        con,
        `SELECT count(*)::INT AS n, sum(${ROW_BYTES})::DOUBLE AS bytes FROM main.event WHERE ${where}`,
      );
      const written =
        c.n > 0
          ? await copyBoundedParts(
              con,
              lake,
              `SELECT ${EVENT_SELECT} FROM main.event WHERE ${where}`,
              Number(c.bytes ?? 0),
              run_id,
              `part-${run_id}`,
            )
          : [];
      appendFileSync(
        join(lake, MANIFEST),
        written.map((p) => JSON.stringify(publishPart(p)) + '\n').join(''),
      );
      await con.run(
        `INSERT INTO lake_export VALUES (${sqlString(run_id)}, ${written.length}, ${c.n}, current_timestamp)`,
      );
    }
  });
  // Per capture the table holds, the table against the listed parts. Captures only the dataset holds
  // (merged from another dataset by `goblin compact --from`) are not the table's to judge: they are kept.
  const manifestNow = readManifest(lake);
  const readable: string[] = [];
  for (const e of manifestNow)
    try {
      await wholePartRows(con, join(lake, e.path));
      readable.push(join(lake, e.path));
    } catch {
      /* missing or damaged: the table's events replace it */
    }
  const lakeSource = readable.length
    ? `read_parquet([${readable.map(sqlString).join(', ')}], union_by_name = true)`
    : null;
  let agree = readable.length === manifestNow.length;
  if (agree) {
    const lakeCounts = lakeSource
      ? `SELECT har_hash, count(*) AS n FROM ${lakeSource} GROUP BY 1`
      : `SELECT NULL::VARCHAR AS har_hash, 0 AS n WHERE false`;
    const [d] = await queryRows<{ n: number }>(
      con,
      `WITH a AS (SELECT har_hash, count(*) AS n FROM main.event GROUP BY 1), b AS (${lakeCounts})
       SELECT count(*)::INT AS n FROM a LEFT JOIN b USING (har_hash) WHERE a.n IS DISTINCT FROM b.n`,
    );
    agree = d.n === 0;
  }
  let note = `moved the store's ${n.n} events to the Parquet dataset, where they now live alone (this store was written by an older Goblin)`;
  if (!agree) {
    const stamp = timeStamp();
    const old = [...manifestNow.map((e) => e.path), ...lakeFiles(lake).parts];
    // The table's events, and the events of the readable parts for captures the table does not hold.
    let select = `SELECT ${EVENT_SELECT} FROM main.event`;
    let bytes = Number(n.bytes ?? 0);
    if (lakeSource) {
      const have = new Set(
        (await queryRows<{ column_name: string }>(con, `DESCRIBE SELECT * FROM ${lakeSource}`)).map(
          (r) => r.column_name,
        ),
      );
      const cols = eventColumnsFrom(have);
      select += ` UNION ALL SELECT ${cols} FROM ${lakeSource} WHERE har_hash NOT IN (SELECT DISTINCT har_hash FROM main.event)`;
      const [f] = await queryRows<{ b: number | null }>(
        con,
        `SELECT sum(total_uncompressed_size)::DOUBLE AS b FROM parquet_metadata([${readable.map(sqlString).join(', ')}])`,
      );
      bytes += Number(f.b ?? 0);
    }
    const [c] = await queryRows<{ n: number }>(con, `SELECT count(*)::INT AS n FROM (${select})`);
    const manifest =
      c.n > 0
        ? (
            await withOneDuckDbThread({ con }, () =>
              copyBoundedParts(con, lake, select, bytes, `migrate-${stamp}`, `part-migrate-${stamp}`),
            )
          ).map(publishPart)
        : [];
    writeManifest(lake, manifest);
    for (const p of new Set(old))
      if (!manifest.some((e) => e.path === p)) rmSync(join(lake, p), { force: true });
    note += `; the dataset disagreed with the store and was rewritten from it, keeping the events of captures only the dataset held (${manifest.length} part(s))`;
  }
  await con.run('DROP TABLE main.event');
  await con.run('CHECKPOINT');
  return note;
}

/**
 * Merge parts into one (`goblin compact`), optionally pulling in other lakes first (the parts each shard
 * of a matrix ingest uploaded) — into several of at most PART_BUDGET_BYTES each when the events are more
 * than that. Reads only Parquet: works without the stores behind the parts. The merged parts are written
 * and renamed, and the manifest rewritten, before the parts they replace are removed.
 */
export async function compactLake(
  con: DuckDBConnection,
  lake: string,
  from: string[] = [],
  /** Bytes before compression per merged part (tests); default `partBudget`. */
  budget?: number,
): Promise<{ before: number; after: number; rows: number }> {
  const local = readManifest(lake);
  const files = [
    ...local.map((e) => join(lake, e.path)),
    ...from.flatMap((o) => readManifest(o).map((e) => join(o, e.path))),
  ];
  const rows = [...local, ...from.flatMap((o) => readManifest(o))].reduce((a, e) => a + e.rows, 0);
  if (files.length <= 1 && from.length === 0) return { before: files.length, after: files.length, rows };
  if (files.length === 0) return { before: 0, after: 0, rows: 0 };
  const stamp = timeStamp();
  // Bytes before compression, from the parts' footers: what bounds each merged part (copyFileGroups).
  const sizes = await queryRows<{ f: string; bytes: number }>(
    con,
    `SELECT file_name AS f, sum(total_uncompressed_size)::DOUBLE AS bytes FROM parquet_metadata([${files.map(sqlString).join(', ')}]) GROUP BY file_name`,
  );
  const bytesOf = new Map(sizes.map((r) => [r.f, Number(r.bytes)]));
  // A path DuckDB names otherwise counts ten times its size on disk (zstd parts hold ~5–17× less).
  const sized = files.map((path) => ({ path, bytes: bytesOf.get(path) ?? 10 * statSync(path).size }));
  const bound = budget ?? (await partBudget(con));
  // Parts each already at the bound (no two fit in one): rewriting them would merge nothing.
  if (from.length === 0 && groupsOfSize(sized, bound).every((g) => g.length === 1))
    return { before: files.length, after: files.length, rows };
  const merged = (
    await withOneDuckDbThread({ con }, () =>
      copyFileGroups(
        con,
        lake,
        sized,
        (source) =>
          `SELECT ${EVENT_SELECT} FROM read_parquet(${source}, hive_partitioning = false, union_by_name = true)`,
        `compact-${stamp}`,
        `part-compact-${stamp}`,
        bound,
      ),
    )
  ).map(publishPart);
  writeManifest(lake, merged);
  const kept = new Set(merged.map((e) => e.path));
  for (const e of local) if (!kept.has(e.path)) rmSync(join(lake, e.path), { force: true });
  // A store's connection reads its events through the view: point it at the merged parts.
  const [v] = await queryRows<{ n: number }>(
    con,
    `SELECT count(*)::INT AS n FROM duckdb_views() WHERE view_name = 'event' AND temporary`,
  );
  if (v.n) await refreshEventView(con, lake);
  return { before: files.length, after: merged.length, rows: merged.reduce((n, e) => n + e.rows, 0) };
}
