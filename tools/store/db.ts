import { dirname, relative } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LAKE_DDL, TABLES, createTableSql } from './ddl.js';
import { makeDirs } from '../util/files.js';

/** Raised when another process holds the store: a message a user can act on (exit 3). */
export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
}

/** DuckDB says `Conflicting lock is held in <exe> (PID n)`; say who and what to do instead. */
function lockedMessage(path: string, e: Error): string | null {
  if (!/lock/i.test(e.message)) return null;
  const pid = /PID (\d+)/.exec(e.message)?.[1];
  return `another goblin process${pid ? ` (PID ${pid})` : ''} is using ${path}; wait or use another --config`;
}

export interface Store {
  instance: DuckDBInstance;
  con: DuckDBConnection;
  path: string;
  /** Columns added on open because an older Goblin wrote this store (`table.column`). */
  upgraded: string[];
  close(): void;
}

/**
 * Open (or create) the store. Extension auto-install is off so nothing ever reaches the network:
 * JSON and Parquet are built into the DuckDB binary.
 */
export async function openStore(path: string): Promise<Store> {
  if (path !== ':memory:') makeDirs(dirname(path));
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      // Bounded memory whatever the corpus size: DuckDB spills to disk past this.
      memory_limit: process.env.GOBLIN_DUCKDB_MEMORY ?? '384MB',
      preserve_insertion_order: 'false',
    });
  } catch (e) {
    const msg = lockedMessage(relative(process.cwd(), path) || path, e as Error);
    throw msg ? new StoreLockedError(msg) : e;
  }
  const con = await instance.connect();
  for (const [name, cols] of Object.entries(TABLES)) await con.run(createTableSql(name, cols));
  const upgraded = await addMissingColumns(con);
  for (const ddl of LAKE_DDL) await con.run(ddl);
  return {
    instance,
    con,
    path,
    upgraded,
    close() {
      con.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * A store written by an older Goblin lacks the columns added since (e.g. `session.sdk_version_raw`): add
 * them, empty, instead of failing every insert with a binder error. Rows keep their data; the new column
 * fills as captures are ingested or re-validated. Inserts name their columns (BY NAME), so the order
 * ALTER TABLE leaves does not matter.
 */
async function addMissingColumns(con: DuckDBConnection): Promise<string[]> {
  const have = new Set(
    (
      await queryRows<{ t: string; c: string }>(
        con,
        `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'main'`,
      )
    ).map((r) => `${r.t}.${r.c}`),
  );
  const added: string[] = [];
  for (const [table, cols] of Object.entries(TABLES))
    for (const [col, type] of Object.entries(cols))
      if (!have.has(`${table}.${col}`)) {
        await con.run(`ALTER TABLE ${table} ADD COLUMN "${col}" ${type}`);
        added.push(`${table}.${col}`);
      }
  return added;
}

/** Rows as plain JS objects (BIGINT → number via SQL casts where callers need numbers). */
export async function queryRows<T = Record<string, unknown>>(
  con: DuckDBConnection,
  sql: string,
): Promise<T[]> {
  const reader = await con.runAndReadAll(sql);
  return reader.getRowObjectsJson() as T[];
}

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The store load and the Parquet export run on one DuckDB thread each: they are two queries on two
 * connections, so both cores stay busy, and DuckDB's own parallelism inside each only added work. On the
 * dense bench's staged events the pair took 1.89–2.08 s of wall time and 3.3–4.1 s of CPU with the
 * instance's two threads, 1.54–1.60 s and 2.8–2.9 s with one (docs/measured.md, "DuckDB's
 * threads"). Writing lake parts (tools/store/lake.ts) takes one thread too: each thread reads and sorts
 * its own share, so the memory a part needs grows with them, and `goblin compact` of parts that one
 * thread merges in 480 MB failed at the store's memory limit with two. The instance's setting is put back
 * afterwards: other queries on the store (the site's data) keep every core.
 */
export async function withOneDuckDbThread<T>(
  store: { con: DuckDBConnection },
  work: () => Promise<T>,
): Promise<T> {
  const [{ threads }] = await queryRows<{ threads: string }>(
    store.con,
    `SELECT current_setting('threads')::VARCHAR AS threads`,
  );
  await store.con.run('SET threads = 1');
  const restore = () => store.con.run(`SET threads = ${Number(threads) || 1}`);
  let result: T;
  try {
    result = await work();
  } catch (e) {
    // The load's own error is the one to report: a restore that fails after it must not replace it.
    await restore().catch(() => undefined);
    throw e;
  }
  await restore();
  return result;
}
