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
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { queryRows, sqlString } from './db.js';
import { EVENT_COLUMNS } from './ddl.js';

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
  mkdirSync(lake, { recursive: true });
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
): Promise<PendingPart> {
  const dir = join(lake, 'events');
  mkdirSync(dir, { recursive: true });
  const final = join(dir, `${name}.parquet`);
  const tmp = join(dir, `${name}${TMP_SUFFIX}`);
  // zstd level 1, not DuckDB's default 3: on the dense bench's 46 k events the part came out slightly
  // smaller (4.72 vs 4.78 MB, rows sorted by sdk and time compress well either way) in 1.4 s of CPU instead
  // of 2.2–3.7 s.
  await con.run(
    `COPY (${select} ${PART_ORDER}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 122880)`,
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

/** The rename is atomic on one filesystem, so a reader never sees a half-written part. */
function publishPart(p: PendingPart): ManifestEntry {
  renameSync(p.tmp, p.final);
  return p.entry;
}

/** COPY one query to `events/<name>.parquet` through a temporary name; returns the manifest entry. */
async function writePart(
  con: DuckDBConnection,
  lake: string,
  select: string,
  runId: string,
  name: string,
): Promise<ManifestEntry> {
  return publishPart(await copyPart(con, lake, select, runId, name));
}

/**
 * Export the events of one run (the HARs it stored, `lake_run`) as one part, then record the run as
 * exported. Safe to call again for a run interrupted mid-export: its part is removed first.
 */
export async function exportRun(con: DuckDBConnection, lake: string, runId: string): Promise<number> {
  removeRunParts(lake, runId);
  const where = `har_hash IN (SELECT har_hash FROM lake_run WHERE run_id = ${sqlString(runId)})`;
  const [c] = await queryRows<{ n: number }>(con, `SELECT count(*)::INT AS n FROM event WHERE ${where}`);
  let parts = 0;
  if (c.n > 0) {
    const e = await writePart(
      con,
      lake,
      `SELECT ${EVENT_SELECT} FROM event WHERE ${where}`,
      runId,
      `part-${runId}`,
    );
    appendFileSync(join(lake, MANIFEST), JSON.stringify(e) + '\n');
    parts = 1;
  }
  await con.run(`INSERT INTO lake_export VALUES (${sqlString(runId)}, ${parts}, ${c.n}, current_timestamp)`);
  return c.n;
}

/**
 * A run's part written straight from its staged event rows (`rows`: a SELECT of exactly the events the
 * load stores), on a connection of its own while the load runs: the same rows, columns and order as
 * `exportRun` reads back from the store, without waiting for the load and reading them again. Left under
 * its temporary name (null when the run stored no event) until `finishStagedExport` publishes it after the
 * load committed; if the load fails the caller removes it with `discardPart`.
 */
export async function writeStagedPart(
  con: DuckDBConnection,
  lake: string,
  runId: string,
  rows: string,
): Promise<PendingPart | null> {
  removeRunParts(lake, runId);
  const cast = Object.entries(EVENT_COLUMNS)
    .map(([c, t]) => `CAST("${c}" AS ${t}) AS "${c}"`)
    .join(', ');
  const p = await copyPart(con, lake, `SELECT ${cast} FROM (${rows})`, runId, `part-${runId}`);
  if (p.entry.rows === 0) {
    rmSync(p.tmp, { force: true });
    return null;
  }
  return p;
}

/** Publish a staged part once the load that stored its rows committed, and record the run as exported. */
export async function finishStagedExport(
  con: DuckDBConnection,
  lake: string,
  runId: string,
  part: PendingPart | null,
): Promise<number> {
  if (part) appendFileSync(join(lake, MANIFEST), JSON.stringify(publishPart(part)) + '\n');
  const rows = part?.entry.rows ?? 0;
  await con.run(
    `INSERT INTO lake_export VALUES (${sqlString(runId)}, ${part ? 1 : 0}, ${rows}, current_timestamp)`,
  );
  return rows;
}

export function discardPart(part: PendingPart | null): void {
  if (part) rmSync(part.tmp, { force: true });
}

/** Drop a run's parts (complete or not) and their manifest lines: before re-exporting it. */
function removeRunParts(lake: string, runId: string): void {
  const { parts, temps } = lakeFiles(lake);
  const mine = (p: string) =>
    p.endsWith(`/part-${runId}.parquet`) || p.endsWith(`/part-${runId}${TMP_SUFFIX}`);
  const doomed = [...parts, ...temps].filter(mine);
  for (const p of doomed) rmSync(join(lake, p), { force: true });
  const m = readManifest(lake);
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
  for (const r of pending) await exportRun(con, lake, r.run_id);
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
 * partition disagrees, rewrite the dataset whole from the store as one part (the store is the truth).
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
    const [n] = await queryRows<{ n: number }>(con, `SELECT count(*)::INT AS n FROM event`);
    const manifest =
      n.n > 0
        ? [
            await writePart(
              con,
              lake,
              `SELECT ${EVENT_SELECT} FROM event`,
              `doctor-${stamp}`,
              `part-doctor-${stamp}`,
            ),
          ]
        : [];
    writeManifest(lake, manifest);
    for (const p of old) if (!manifest.some((e) => e.path === p)) rmSync(join(lake, p), { force: true });
    done.push(
      `rebuilt the dataset from the store: ${n.n} events in one part (was ${old.length} part(s): ${c.broken.length} broken, ${c.unlisted.length} unlisted, ${c.mismatched.length} partition(s) disagreeing)`,
    );
  }
  for (const r of c.pending_runs)
    await con.run(`INSERT INTO lake_export VALUES (${sqlString(r)}, 0, 0, current_timestamp)`);
  return done;
}

/**
 * Merge parts into one (`goblin compact`), optionally pulling in other lakes first (the parts each shard
 * of a matrix ingest uploaded). Reads only Parquet: works without the stores behind the parts. The merged
 * part is written and renamed, and the manifest rewritten, before the parts it replaces are removed.
 */
export async function compactLake(
  con: DuckDBConnection,
  lake: string,
  from: string[] = [],
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
  const merged = await writePart(
    con,
    lake,
    `SELECT ${EVENT_SELECT} FROM read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false, union_by_name = true)`,
    `compact-${stamp}`,
    `part-compact-${stamp}`,
  );
  writeManifest(lake, [merged]);
  for (const e of local) if (e.path !== merged.path) rmSync(join(lake, e.path), { force: true });
  return { before: files.length, after: 1, rows: merged.rows };
}
