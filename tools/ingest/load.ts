import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { rowProducers } from './producers.js';
import { stagedFilesOf } from './staging.js';
import {
  HAR_FILE_COLUMNS,
  QUARANTINE_COLUMNS,
  VERDICT_COLUMNS,
  VIOLATION_COLUMNS,
  jsonColumnsLiteral,
} from '../store/ddl.js';
import { sqlString } from '../store/db.js';

function staged(dir: string, table: string): string | null {
  return stagedFilesOf(dir, table, '.ndjson').length ? join(dir, `${table}-*.ndjson`) : null;
}

/** A run's columnar staging for `table` (tools/ingest/columnar.ts), as a read_parquet source (null when none). */
export function stagedParquet(dir: string, table: string): string | null {
  return stagedFilesOf(dir, table, '.parquet').length
    ? `read_parquet(${sqlString(join(dir, `${table}-*.parquet`))})`
    : null;
}

/**
 * A run's staged Parquet files for `table`, in name order (each worker's parts in the order written),
 * with their sizes: values are PLAIN and uncompressed, so a file's size is about its rows' bytes.
 */
export function stagedFiles(dir: string, table: string): { path: string; bytes: number }[] {
  return stagedFilesOf(dir, table, '.parquet').map((path) => ({ path, bytes: statSync(path).size }));
}

/**
 * The rows of a staged table that belong to a capture this load stores (`new_hash`): by content hash,
 * and by path too where the table has one, so a capture read twice in one run is stored once.
 */
export function keptRowsSql(src: string, columns: Record<string, string>, keep = 'new_hash'): string {
  const byPath = 'har_path' in columns ? ' AND s.har_path = n.path' : '';
  return `SELECT s.* FROM ${src} s SEMI JOIN ${keep} n ON s.har_hash = n.hash${byPath}`;
}

function readJson(glob: string, cols: Record<string, string>): string {
  return `read_json(${sqlString(glob)}, format='newline_delimited', columns=${jsonColumnsLiteral(cols)}, maximum_object_size=16777216)`;
}

/**
 * The staged captures a load stores: one (hash, path) per content hash the store does not hold yet. When
 * one run reads the same capture under two paths, the first path by name keeps its rows and the others are
 * recorded as duplicates (before, both copies' events were inserted and exported). The Parquet part of a
 * run (tools/store/lake.ts `writeStagedPart`) selects its rows with the same query on its own connection.
 */
export function newCapturesSql(dir: string): string | null {
  const hf = staged(dir, 'har_file');
  return hf
    ? `SELECT hash, min(path) AS path FROM ${readJson(hf, HAR_FILE_COLUMNS)}
        WHERE status = 'parsed' AND hash NOT IN (SELECT hash FROM har_file WHERE status = 'parsed') GROUP BY hash`
    : null;
}

/**
 * Bulk-load a run's staged rows into the store. Idempotent by content hash: sessions and fingerprints of a
 * HAR already stored are not inserted again; findings of re-validated HARs replace the old. Events are
 * not loaded: they live in the Parquet dataset, whose part the run writes from the same staged files
 * (tools/ingest/run.ts, `storeAndExport`) — except into an in-memory store (`events`), which has no
 * dataset and keeps them in a table. Returns the hashes newly stored.
 */
export async function loadStaging(
  con: DuckDBConnection,
  dir: string,
  /** The ingest run that stores these HARs (`lake_run`); null when none (tests, re-validation). */
  runId: string | null = null,
  opts: {
    /** Insert the staged events into the store's own `event` table (an in-memory store's). */
    events?: boolean;
    /**
     * Leave the transaction open on success: the caller publishes the run's parts, then commits
     * (`commitRun`) or rolls back. A load that fails always rolls back.
     */
    commit?: boolean;
  } = {},
): Promise<{ newHashes: number }> {
  // One script, one call: DuckDB runs every statement without coming back to JavaScript in between, so
  // `goblin run`'s learning step can hold the JavaScript thread meanwhile without stalling the load
  // (tools/ingest/run.ts, `whileStoring`).
  const sql: string[] = ['BEGIN TRANSACTION'];
  const hf = staged(dir, 'har_file');
  const fresh = newCapturesSql(dir);
  sql.push(
    `CREATE OR REPLACE TEMP TABLE new_hash AS ${fresh ?? 'SELECT NULL::VARCHAR AS hash, NULL::VARCHAR AS path WHERE false'}`,
  );
  if (hf) {
    sql.push(`CREATE OR REPLACE TEMP TABLE staged_har AS SELECT * FROM ${readJson(hf, HAR_FILE_COLUMNS)}`);
    // Record every new (path, hash); a parsed capture that does not keep its rows is a duplicate (its
    // hash is stored already, or another path of this run holds the same bytes).
    // BY NAME everywhere: a store migrated from an older version has its added columns last.
    sql.push(`INSERT INTO har_file BY NAME SELECT s.path, s.hash, s.bytes, s.mtime_ms,
          CASE WHEN s.status = 'parsed' AND NOT EXISTS (SELECT 1 FROM new_hash n WHERE n.hash = s.hash AND n.path = s.path)
            THEN 'duplicate' ELSE s.status END AS status,
          s.exporter, s.encoding, s.entries, s.beacons, s.entry_problems, s.first_ms, s.last_ms, s.ingested_at, s.shard
        FROM staged_har s WHERE NOT EXISTS (SELECT 1 FROM har_file h WHERE h.path = s.path AND h.hash = s.hash)`);
  }
  // Archives this run read whole: recorded once one of their members is staged (a zip quarantined as a
  // whole has a row of its own path instead), in the same transaction as those members.
  const archives = staged(dir, 'har_archive');
  if (archives && hf)
    sql.push(`INSERT INTO har_archive BY NAME SELECT DISTINCT a.path, a.bytes, a.mtime_ms, a.ingested_at
        FROM ${readJson(archives, { path: 'VARCHAR', bytes: 'BIGINT', mtime_ms: 'DOUBLE', ingested_at: 'TIMESTAMP' })} a
        WHERE EXISTS (SELECT 1 FROM staged_har s WHERE starts_with(s.path, a.path || '!/'))
          AND NOT EXISTS (SELECT 1 FROM har_archive h WHERE h.path = a.path AND h.bytes = a.bytes AND h.mtime_ms = a.mtime_ms)`);
  const q = staged(dir, 'quarantine');
  if (q)
    sql.push(`INSERT INTO quarantine BY NAME SELECT * FROM ${readJson(q, QUARANTINE_COLUMNS)} s
        WHERE NOT EXISTS (SELECT 1 FROM quarantine x WHERE x.path = s.path AND x.hash = s.hash AND x.entry_index IS NOT DISTINCT FROM s.entry_index)`);
  // Every producer's table (sessions, fingerprints, and whatever a stage registered; events only where
  // the store keeps them itself).
  for (const p of rowProducers()) {
    if (p.table === 'event' && !opts.events) continue;
    const src = stagedParquet(dir, p.table);
    if (src) sql.push(`INSERT INTO ${p.table} BY NAME ${keptRowsSql(src, p.columns)}`);
  }
  // Findings and verdicts of every re-validated HAR are replaced — also when none remain — so the
  // set of HARs comes from the verdict rows (every validated session has one) and the findings.
  const vg = staged(dir, 'violation');
  const sg = staged(dir, 'session_verdict');
  if (vg || sg) {
    sql.push(
      `CREATE OR REPLACE TEMP TABLE staged_violation AS SELECT * FROM ${vg ? readJson(vg, VIOLATION_COLUMNS) : 'violation WHERE false'}`,
      `CREATE OR REPLACE TEMP TABLE staged_session_verdict AS SELECT * FROM ${sg ? readJson(sg, VERDICT_COLUMNS) : 'session_verdict WHERE false'}`,
      `CREATE OR REPLACE TEMP TABLE revalidated AS SELECT har_hash FROM staged_session_verdict UNION SELECT har_hash FROM staged_violation`,
    );
    for (const t of ['violation', 'session_verdict'])
      sql.push(
        `DELETE FROM ${t} WHERE har_hash IN (SELECT har_hash FROM revalidated)`,
        `INSERT INTO ${t} BY NAME SELECT * FROM staged_${t}`,
      );
  }
  // Same transaction as the captures: the HARs a run stored (the lake's parts hold their events).
  if (runId) sql.push(`INSERT INTO lake_run SELECT ${sqlString(runId)}, hash FROM new_hash`);
  if (opts.commit !== false) sql.push('COMMIT');
  try {
    await con.run(sql.join(';\n'));
  } catch (e) {
    // The statement that failed left the transaction open (aborted): end it.
    await con.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
  const r = await con.runAndReadAll('SELECT count(*)::INT AS n FROM new_hash');
  return { newHashes: Number(r.getRowObjectsJson()[0].n) };
}

/**
 * End a load left open (`commit: false`): the run is recorded as stored with its parts (`lake_export`),
 * in the same transaction as its captures. A commit that fails rolls back and throws.
 */
export async function commitRun(
  con: DuckDBConnection,
  runId: string,
  parts: number,
  rows: number,
): Promise<void> {
  try {
    await con.run(
      `INSERT INTO lake_export VALUES (${sqlString(runId)}, ${parts}, ${rows}, current_timestamp);\nCOMMIT`,
    );
  } catch (e) {
    await con.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
