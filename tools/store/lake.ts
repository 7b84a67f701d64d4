/**
 * The Parquet dataset ("lake") beside the DuckDB store, laid out for query engines:
 *
 *   <parquet_dir>/events/sdk=<sdk>/month=<YYYY-MM>/part-<run>.parquet   (zstd, rows sorted by ts_ms)
 *   <parquet_dir>/_manifest.jsonl                                        (one line per complete part)
 *
 * One part per ingest run and coarse partition (sdk × month), not one per date × sdk: a 54 k-event drop
 * spread over years made 1,672 tiny files before. Row groups sorted by time give engines the zone maps
 * the date partition used to. A part is written under a temporary name and renamed once DuckDB closed it;
 * the manifest lists only renamed parts, and the store records which runs finished exporting
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

export const MANIFEST = '_manifest.jsonl';
const TMP_SUFFIX = '.parquet.tmp';

export const ManifestEntry = z.object({
  /** Relative to the lake root, with forward slashes. */
  path: z.string(),
  run_id: z.string(),
  sdk: z.string(),
  month: z.string(),
  rows: z.number().int().nonnegative(),
  min_ts_ms: z.number().nullable(),
  max_ts_ms: z.number().nullable(),
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

function partDir(lake: string, sdk: string, month: string): string {
  return join(lake, 'events', `sdk=${sdk}`, `month=${month}`);
}

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

/**
 * COPY one query to `<dir>/<name>.parquet` through a temporary name; returns the manifest entry.
 * The rename is atomic on one filesystem, so a reader never sees a half-written part.
 */
async function writePart(
  con: DuckDBConnection,
  lake: string,
  select: string,
  p: { run_id: string; sdk: string; month: string; rows: number; min: number | null; max: number | null },
  name: string,
): Promise<ManifestEntry> {
  const dir = partDir(lake, p.sdk, p.month);
  mkdirSync(dir, { recursive: true });
  const final = join(dir, `${name}.parquet`);
  const tmp = join(dir, `${name}${TMP_SUFFIX}`);
  await con.run(
    `COPY (${select}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
  );
  renameSync(tmp, final);
  return {
    path: rel(lake, final),
    run_id: p.run_id,
    sdk: p.sdk,
    month: p.month,
    rows: p.rows,
    min_ts_ms: p.min,
    max_ts_ms: p.max,
  };
}

/** Columns written to a part: every event column but the hive keys (sdk comes back from the path). */
const PART_COLUMNS = `* EXCLUDE (sdk)`;

/**
 * Export the events of one run (the HARs it stored, `lake_run`) as one part per sdk × month, then record
 * the run as exported. Safe to call again for a run interrupted mid-export: its parts are removed first.
 */
export async function exportRun(con: DuckDBConnection, lake: string, runId: string): Promise<number> {
  removeRunParts(lake, runId);
  await con.run(
    `CREATE OR REPLACE TEMP TABLE lake_new AS SELECT *, substr(date, 1, 7) AS month FROM event
     WHERE har_hash IN (SELECT har_hash FROM lake_run WHERE run_id = ${sqlString(runId)})`,
  );
  const parts = await queryRows<{ sdk: string; month: string; n: number; lo: number; hi: number }>(
    con,
    `SELECT sdk, month, count(*)::INT AS n, min(ts_ms) AS lo, max(ts_ms) AS hi FROM lake_new GROUP BY ALL ORDER BY ALL`,
  );
  let total = 0;
  for (const p of parts) {
    const e = await writePart(
      con,
      lake,
      `SELECT * EXCLUDE (sdk, month) FROM lake_new WHERE sdk = ${sqlString(p.sdk)} AND month = ${sqlString(p.month)} ORDER BY ts_ms, har_hash, entry_index, sub_index`,
      { run_id: runId, sdk: p.sdk, month: p.month, rows: p.n, min: p.lo, max: p.hi },
      `part-${runId}`,
    );
    appendFileSync(join(lake, MANIFEST), JSON.stringify(e) + '\n');
    total += p.n;
  }
  await con.run(`DROP TABLE lake_new`);
  await con.run(
    `INSERT INTO lake_export VALUES (${sqlString(runId)}, ${parts.length}, ${total}, current_timestamp)`,
  );
  return total;
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
  for (const e of good)
    lakeCounts.set(`${e.sdk}\u0000${e.month}`, (lakeCounts.get(`${e.sdk}\u0000${e.month}`) ?? 0) + e.rows);
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
 * Make the lake agree with the store: drop temporaries, broken and unlisted parts, then rewrite every
 * mismatched partition whole from the store (one part per partition).
 */
export async function fixLake(con: DuckDBConnection, lake: string, c: LakeCheck): Promise<string[]> {
  const done: string[] = [];
  for (const t of c.temps) rmSync(join(lake, t), { force: true });
  if (c.temps.length) done.push(`removed ${c.temps.length} temporary part(s)`);
  const badPaths = new Set(c.broken.map((b) => b.path));
  const redo = new Set(c.mismatched.map((m) => `${m.sdk}\u0000${m.month}`));
  // A broken or unlisted part makes its partition suspect: rebuild the partition from the store.
  for (const p of [...badPaths, ...c.unlisted]) {
    const m = /sdk=([^/]+)\/month=([^/]+)\//.exec(p);
    if (m) redo.add(`${m[1]}\u0000${m[2]}`);
    rmSync(join(lake, p), { force: true });
  }
  let manifest = readManifest(lake).filter((e) => !badPaths.has(e.path));
  const stamp = new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 17);
  for (const k of [...redo].sort()) {
    const [sdk, month] = k.split('\u0000');
    for (const e of manifest.filter((x) => x.sdk === sdk && x.month === month))
      rmSync(join(lake, e.path), { force: true });
    manifest = manifest.filter((x) => !(x.sdk === sdk && x.month === month));
    const where = `sdk = ${sqlString(sdk)} AND substr(date, 1, 7) = ${sqlString(month)}`;
    const [s] = await queryRows<{ n: number; lo: number; hi: number }>(
      con,
      `SELECT count(*)::INT AS n, min(ts_ms) AS lo, max(ts_ms) AS hi FROM event WHERE ${where}`,
    );
    if (s.n > 0)
      manifest.push(
        await writePart(
          con,
          lake,
          `SELECT ${PART_COLUMNS} FROM event WHERE ${where} ORDER BY ts_ms, har_hash, entry_index, sub_index`,
          { run_id: `doctor-${stamp}`, sdk, month, rows: s.n, min: s.lo, max: s.hi },
          `part-doctor-${stamp}`,
        ),
      );
    done.push(`rebuilt sdk=${sdk}/month=${month} from the store (${s.n} rows)`);
  }
  writeManifest(lake, manifest);
  for (const r of c.pending_runs)
    await con.run(`INSERT INTO lake_export VALUES (${sqlString(r)}, 0, 0, current_timestamp)`);
  return done;
}

/**
 * Merge parts into one per partition (`goblin compact`), optionally pulling in other lakes first (the
 * parts each shard of a matrix ingest uploaded). Reads only Parquet: works without the stores behind
 * the parts. Each merged part is written and renamed before the parts it replaces are removed.
 */
export async function compactLake(
  con: DuckDBConnection,
  lake: string,
  from: string[] = [],
): Promise<{ partitions: number; before: number; after: number; rows: number }> {
  let manifest = readManifest(lake);
  const sources: ManifestEntry[] = [];
  const abs = new Map<string, string>();
  for (const e of manifest) abs.set(e.path, join(lake, e.path));
  for (const other of from) {
    for (const e of readManifest(other)) {
      const key = `${other}\u0000${e.path}`;
      abs.set(key, join(other, e.path));
      sources.push({ ...e, path: key });
    }
  }
  const all = [...manifest, ...sources];
  const groups = new Map<string, ManifestEntry[]>();
  for (const e of all) {
    const k = `${e.sdk}\u0000${e.month}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const stamp = new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 17);
  let partitions = 0;
  let rows = 0;
  for (const [k, entries] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    const [sdk, month] = k.split('\u0000');
    const n = entries.reduce((a, e) => a + e.rows, 0);
    rows += n;
    if (entries.length === 1 && !entries[0].path.includes('\u0000')) continue;
    partitions++;
    const files = entries.map((e) => sqlString(abs.get(e.path)!)).join(', ');
    const lo = Math.min(...entries.map((e) => e.min_ts_ms ?? Infinity));
    const hi = Math.max(...entries.map((e) => e.max_ts_ms ?? -Infinity));
    const merged = await writePart(
      con,
      lake,
      `SELECT * FROM read_parquet([${files}], hive_partitioning = false) ORDER BY ts_ms, har_hash, entry_index, sub_index`,
      {
        run_id: `compact-${stamp}`,
        sdk,
        month,
        rows: n,
        min: Number.isFinite(lo) ? lo : null,
        max: Number.isFinite(hi) ? hi : null,
      },
      `part-compact-${stamp}`,
    );
    const replaced = new Set(entries.filter((e) => !e.path.includes('\u0000')).map((e) => e.path));
    manifest = [...manifest.filter((e) => !replaced.has(e.path)), merged];
    writeManifest(lake, manifest);
    for (const p of replaced) if (p !== merged.path) rmSync(join(lake, p), { force: true });
  }
  return { partitions, before: all.length, after: manifest.length, rows };
}
