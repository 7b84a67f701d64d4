export * from './schema.js';
export * from './infer.js';
export * from './induce.js';
export * from './files.js';
export * from './seed.js';
export * from './unknowns.js';
export * from './diff.js';

import type { DuckDBConnection } from '@duckdb/node-api';
import { induceFromStore, type InduceOptions } from './induce.js';
import { writeDictionary, type WriteResult } from './files.js';

/** Induce from the store and merge into the tree at `dir`. */
export async function induceDictionary(
  con: DuckDBConnection,
  dir: string,
  opts: InduceOptions & { root?: string } = {},
): Promise<WriteResult & { entries: number; events: number; seconds: number }> {
  const r = await induceFromStore(con, opts);
  const w = writeDictionary(dir, r.entries, opts.root);
  return { ...w, entries: r.entries.length, events: r.events, seconds: r.seconds };
}
