import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { EVENT_COLUMNS, LAKE_DDL, TABLES, createTableSql } from './ddl.js';
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
  /**
   * The Parquet dataset that holds this store's events (its `event` is a view over the listed parts);
   * null for an in-memory store, whose events sit in a temporary table of its own, and for a store an
   * older Goblin wrote opened without one (its events still in its own table).
   */
  lake: string | null;
  /** What opening repaired or migrated, for the console (interrupted runs settled, events moved). */
  notes: string[];
  close(): void;
}

/**
 * The lake of a store on disk: the one given (the configuration's; recorded in the store, relative to its
 * folder, so a moved storage folder keeps it), else the one recorded, else `parquet/` beside the store
 * file — the layout of the default configuration (storage/goblin.duckdb, storage/parquet). Null for a
 * store an older Goblin wrote (its events still in a table) opened without a lake: where its events
 * should go is the configuration's to say, so it is migrated by the next command that knows.
 */
async function lakeOf(
  con: DuckDBConnection,
  path: string,
  given: string | undefined,
  notes: string[],
): Promise<string | null> {
  const home = dirname(path);
  const [r] = await queryRows<{ value: string }>(con, `SELECT value FROM store_meta WHERE key = 'lake'`);
  const recorded = r ? (isAbsolute(r.value) ? r.value : resolve(home, r.value)) : null;
  if (given) {
    const lake = resolve(given);
    if (recorded !== lake) {
      if (recorded)
        notes.push(
          `the store's Parquet dataset is now ${lake} (storage.parquet_dir; it was ${recorded}): its events are read from there`,
        );
      await con.run(`BEGIN TRANSACTION;
        DELETE FROM store_meta WHERE key = 'lake';
        INSERT INTO store_meta VALUES ('lake', ${sqlString(relative(home, lake) || '.')});
        COMMIT`);
    }
    return lake;
  }
  if (recorded) return recorded;
  const [legacy] = await queryRows<{ n: number }>(
    con,
    `SELECT count(*)::INT AS n FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'event'`,
  );
  return legacy.n ? null : join(home, 'parquet');
}

/**
 * Open (or create) the store. Extension auto-install is off so nothing ever reaches the network:
 * JSON and Parquet are built into the DuckDB binary.
 */
export async function openStore(path: string, opts: { lake?: string } = {}): Promise<Store> {
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
  const notes: string[] = [];
  let lake: string | null = null;
  if (path === ':memory:' && !opts.lake)
    // Nothing on disk to read events from: an in-memory store (tests, benches) keeps them in a table.
    await con.run(createTableSql('event', EVENT_COLUMNS).replace('CREATE TABLE', 'CREATE TEMP TABLE'));
  else {
    try {
      lake = path === ':memory:' ? resolve(opts.lake!) : await lakeOf(con, path, opts.lake, notes);
      if (lake) {
        // Loaded here, not at the top: lake.ts imports this module.
        const { moveLegacyEvents, refreshEventView, removeTemps, settlePendingRuns } =
          await import('./lake.js');
        const moved = await moveLegacyEvents(con, lake);
        if (moved) notes.push(moved);
        notes.push(...(await settlePendingRuns(con, lake)));
        const temps = removeTemps(lake);
        if (temps) notes.push(temps);
        const left = await refreshEventView(con, lake);
        if (left.length)
          notes.push(
            `left out of the store's events: ${left.join(', ')} — run goblin doctor (their captures' events are not read)`,
          );
      }
    } catch (e) {
      con.closeSync();
      instance.closeSync();
      throw e;
    }
  }
  return {
    instance,
    con,
    path,
    upgraded,
    lake,
    notes,
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
