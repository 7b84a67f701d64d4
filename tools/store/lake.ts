/**
 * The Parquet dataset ("lake") beside the DuckDB store, laid out for query engines:
 *
 *   <parquet_dir>/events/part-<run>.parquet   one part per ingest run (zstd), rows sorted by sdk then ts_ms
 *   <parquet_dir>/_manifest.jsonl             one line per complete part
 *
 * One part per run, not one per date × sdk: a 54 k-event drop spread over years made 1,672 tiny files
 * before, and engines pay per file. Row groups sorted by (sdk, time) carry min/max statistics, so a query
 * on one SDK or one month still skips what it does not need; `goblin compact` merges the parts of earlier
 * ingests (or of other shards) into one. A part is written under a temporary name and renamed once DuckDB
 * closed it; the manifest lists only renamed parts, and the store records which runs finished exporting
 * (`lake_export`), so a run interrupted mid-export is found and re-exported on the next start.
 */
import { appendFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { queryRows, sqlString, withOneDuckDbThread } from './db.js';
import { EVENT_COLUMNS } from './ddl.js';
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
    // A torn last line (crash while appending) is ignored: that part is re-exported or reported by doctor.
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
const ROW_BYTES = Object.entries(EVENT_COLUMNS)
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
 * Export the events of one run (the HARs it stored, `lake_run`) as parts of a bounded size (one unless
 * the run is large), then record the run as exported. Safe to call again for a run interrupted
 * mid-export: its parts are removed first.
 */
export async function exportRun(con: DuckDBConnection, lake: string, runId: string): Promise<number> {
  removeRunParts(lake, runId);
  const where = `har_hash IN (SELECT har_hash FROM lake_run WHERE run_id = ${sqlString(runId)})`;
  const [c] = await queryRows<{ n: number; bytes: number | null }>(
    con,
    `SELECT count(*)::INT AS n, sum(${ROW_BYTES})::DOUBLE AS bytes FROM event WHERE ${where}`,
  );
  let parts = 0;
  if (c.n > 0) {
    const written = await copyBoundedParts(
      con,
      lake,
      `SELECT ${EVENT_SELECT} FROM event WHERE ${where}`,
      Number(c.bytes ?? 0),
      runId,
      `part-${runId}`,
    );
    appendFileSync(join(lake, MANIFEST), written.map((p) => JSON.stringify(publishPart(p)) + '\n').join(''));
    parts = written.length;
  }
  await con.run(`INSERT INTO lake_export VALUES (${sqlString(runId)}, ${parts}, ${c.n}, current_timestamp)`);
  return c.n;
}

/**
 * A run's parts written straight from its staged event rows (`rows`: a SELECT of exactly the events the
 * load stores; `estimate`: an upper bound of their bytes, the staged files' size), on a connection of its
 * own while the load runs: the same rows, columns and order as `exportRun` reads back from the store,
 * without waiting for the load and reading them again. Left under their temporary names (none when the
 * run stored no event) until `finishStagedExport` publishes them after the load committed; if the load
 * fails the caller removes them with `discardPart`.
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

/** Publish a run's staged parts once the load that stored their rows committed, and record the run as exported. */
export async function finishStagedExport(
  con: DuckDBConnection,
  lake: string,
  runId: string,
  parts: PendingPart[],
): Promise<number> {
  if (parts.length)
    appendFileSync(join(lake, MANIFEST), parts.map((p) => JSON.stringify(publishPart(p)) + '\n').join(''));
  const rows = parts.reduce((a, p) => a + p.entry.rows, 0);
  await con.run(
    `INSERT INTO lake_export VALUES (${sqlString(runId)}, ${parts.length}, ${rows}, current_timestamp)`,
  );
  return rows;
}

export function discardPart(part: PendingPart | PendingPart[] | null): void {
  for (const p of Array.isArray(part) ? part : part ? [part] : []) rmSync(p.tmp, { force: true });
}

/** Drop a run's parts (complete or not) and their manifest lines: before re-exporting it. */
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
  const doomed = [...parts, ...temps].filter(mine);
  for (const p of doomed) rmSync(join(lake, p), { force: true });
  if (m.some((e) => e.run_id === runId))
    writeManifest(
      lake,
      m.filter((e) => e.run_id !== runId),
    );
}

export interface RepairReport {
  /** Runs whose export had not finished, re-exported from the store. */
  reexported: string[];
  /** Temporary part files removed (a COPY interrupted before its rename). */
  temps_removed: string[];
}

/**
 * Before a run writes anything: remove temporary parts and re-export every run whose export did not
 * finish (interrupted by Ctrl-C, a crash or a full disk). The store is the source of truth.
 */
export async function repairLake(con: DuckDBConnection, lake: string): Promise<RepairReport> {
  const { temps } = lakeFiles(lake);
  for (const t of temps) rmSync(join(lake, t), { force: true });
  const pending = await queryRows<{ run_id: string }>(
    con,
    `SELECT DISTINCT run_id FROM lake_run WHERE run_id NOT IN (SELECT run_id FROM lake_export) ORDER BY run_id`,
  );
  if (pending.length)
    await withOneDuckDbThread({ con }, async () => {
      for (const r of pending) await exportRun(con, lake, r.run_id);
    });
  return { reexported: pending.map((r) => r.run_id), temps_removed: temps };
}

export interface LakeCheck {
  /** sdk × month partitions whose Parquet row count differs from the store's. */
  mismatched: { sdk: string; month: string; store: number; lake: number }[];
  /** Parts in the manifest that are missing on disk or whose row count differs. */
  broken: { path: string; problem: string }[];
  /** Parquet files not listed in the manifest (left by a crash, or copied in by hand). */
  unlisted: string[];
  temps: string[];
  pending_runs: string[];
  parts: number;
  rows: number;
}

/** What `goblin doctor` checks: store and lake agree per partition, every listed part is whole. */
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
      // count(*) comes from the footer: a truncated part (no magic bytes) fails here.
      const [r] = await queryRows<{ n: number }>(
        con,
        `SELECT count(*)::DOUBLE AS n FROM read_parquet(${sqlString(join(lake, e.path))})`,
      );
      if (Number(r.n) !== e.rows)
        broken.push({ path: e.path, problem: `${r.n} rows in the file, ${e.rows} in the manifest` });
      else good.push(e);
    } catch (err) {
      broken.push({ path: e.path, problem: `unreadable: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  const listed = new Set(manifest.map((e) => e.path));
  const unlisted = parts.filter((p) => !listed.has(p));
  const lakeCounts = new Map<string, number>();
  if (good.length) {
    const files = good.map((e) => sqlString(join(lake, e.path))).join(', ');
    for (const r of await queryRows<{ sdk: string; month: string; n: number }>(
      con,
      `SELECT sdk, substr(date, 1, 7) AS month, count(*)::INT AS n FROM read_parquet([${files}]) GROUP BY ALL`,
    ))
      lakeCounts.set(`${r.sdk}\u0000${r.month}`, r.n);
  }
  const storeCounts = await queryRows<{ sdk: string; month: string; n: number }>(
    con,
    `SELECT sdk, substr(date, 1, 7) AS month, count(*)::INT AS n FROM event GROUP BY ALL ORDER BY ALL`,
  );
  const mismatched: LakeCheck['mismatched'] = [];
  const seen = new Set<string>();
  for (const s of storeCounts) {
    const k = `${s.sdk}\u0000${s.month}`;
    seen.add(k);
    const n = lakeCounts.get(k) ?? 0;
    if (n !== s.n) mismatched.push({ sdk: s.sdk, month: s.month, store: s.n, lake: n });
  }
  for (const [k, n] of lakeCounts)
    if (!seen.has(k)) {
      const [sdk, month] = k.split('\u0000');
      mismatched.push({ sdk, month, store: 0, lake: n });
    }
  const pending = await queryRows<{ run_id: string }>(
    con,
    `SELECT DISTINCT run_id FROM lake_run WHERE run_id NOT IN (SELECT run_id FROM lake_export) ORDER BY run_id`,
  );
  return {
    mismatched,
    broken,
    unlisted,
    temps,
    pending_runs: pending.map((r) => r.run_id),
    parts: good.length,
    rows: good.reduce((a, e) => a + e.rows, 0),
  };
}

/**
 * Make the lake agree with the store: drop temporaries, and when any part is broken, unlisted or any
 * partition disagrees, rewrite the dataset whole from the store (the store is the truth), as one part
 * unless the events are more than PART_BUDGET_BYTES.
 */
export async function fixLake(con: DuckDBConnection, lake: string, c: LakeCheck): Promise<string[]> {
  const done: string[] = [];
  for (const t of c.temps) rmSync(join(lake, t), { force: true });
  if (c.temps.length) done.push(`removed ${c.temps.length} temporary part(s)`);
  if (c.broken.length || c.unlisted.length || c.mismatched.length) {
    const old = [...readManifest(lake).map((e) => e.path), ...c.unlisted];
    const stamp = new Date()
      .toISOString()
      .replace(/[-:.TZ]/g, '')
      .slice(0, 17);
    const [n] = await queryRows<{ n: number; bytes: number | null }>(
      con,
      `SELECT count(*)::INT AS n, sum(${ROW_BYTES})::DOUBLE AS bytes FROM event`,
    );
    const manifest =
      n.n > 0
        ? (
            await withOneDuckDbThread({ con }, () =>
              copyBoundedParts(
                con,
                lake,
                `SELECT ${EVENT_SELECT} FROM event`,
                Number(n.bytes ?? 0),
                `doctor-${stamp}`,
                `part-doctor-${stamp}`,
              ),
            )
          ).map(publishPart)
        : [];
    writeManifest(lake, manifest);
    for (const p of old) if (!manifest.some((e) => e.path === p)) rmSync(join(lake, p), { force: true });
    done.push(
      `rebuilt the dataset from the store: ${n.n} events in ${manifest.length} part(s) (was ${old.length} part(s): ${c.broken.length} broken, ${c.unlisted.length} unlisted, ${c.mismatched.length} partition(s) disagreeing)`,
    );
  }
  for (const r of c.pending_runs)
    await con.run(`INSERT INTO lake_export VALUES (${sqlString(r)}, 0, 0, current_timestamp)`);
  return done;
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
  const stamp = new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 17);
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
  return { before: files.length, after: merged.length, rows: merged.reduce((n, e) => n + e.rows, 0) };
}
