import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Buffered NDJSON writer: small tables are staged as NDJSON, the parent bulk-loads them with DuckDB read_json. */
export class NdjsonWriter {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  count = 0;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  write(row: unknown): void {
    const line = JSON.stringify(row);
    this.buf.push(line);
    this.size += line.length + 1;
    this.count++;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join('\n') + '\n');
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Tables staged as NDJSON (the validator's outputs, and `goblin run`'s learn rows); events, sessions,
 * fingerprints go columnar.
 */
export const STAGING_TABLES = [
  'violation',
  'session_verdict',
  'session_row',
  'timeline',
  'learn_session',
] as const;
export type StagingTable = (typeof STAGING_TABLES)[number];

export function stagingWriters(dir: string, worker: string): Record<StagingTable, NdjsonWriter> {
  mkdirSync(dir, { recursive: true });
  const out = {} as Record<StagingTable, NdjsonWriter>;
  for (const t of STAGING_TABLES) out[t] = new NdjsonWriter(join(dir, `${t}-${worker}.ndjson`));
  return out;
}

/** Every row a run staged for `table` (all workers' files), for the report writer and the eval. */
export function readStaged<T>(dir: string, table: StagingTable): T[] {
  if (!existsSync(dir)) return [];
  const out: T[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.startsWith(`${table}-`) || !f.endsWith('.ndjson')) continue;
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n'))
      if (line) out.push(JSON.parse(line) as T);
  }
  return out;
}
