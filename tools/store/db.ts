import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { TABLES, createTableSql } from './ddl.js';

export interface Store {
  instance: DuckDBInstance;
  con: DuckDBConnection;
  path: string;
  close(): void;
}

/**
 * Open (or create) the store. Extension auto-install is off so nothing ever reaches the network:
 * JSON and Parquet are built into the DuckDB binary.
 */
export async function openStore(path: string): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path, {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    // Bounded memory whatever the corpus size: DuckDB spills to disk past this.
    memory_limit: process.env.GOBLIN_DUCKDB_MEMORY ?? '384MB',
    preserve_insertion_order: 'false',
  });
  const con = await instance.connect();
  for (const [name, cols] of Object.entries(TABLES)) await con.run(createTableSql(name, cols));
  return {
    instance,
    con,
    path,
    close() {
      con.closeSync();
      instance.closeSync();
    },
  };
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
