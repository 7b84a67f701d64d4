/**
 * Columnar staging: a worker collects each producer's rows as column arrays while captures are in
 * memory, and at the end of a batch hands them to a private in-memory DuckDB through its Appender, which
 * writes one Parquet file per table (`<table>-<worker>-<n>.parquet`). The parent inserts those with
 * read_parquet — typed columns, no JSON text to write, re-read and parse (staging used to be NDJSON
 * loaded with read_json: ~15 % of worker CPU to write it, most of the load phase to read it).
 */
import { join } from 'node:path';
import {
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import type { Capture } from '../session/index.js';
import { createTableSql } from '../store/ddl.js';
import { sqlString } from '../store/db.js';
import { rowProducers, type RowProducer } from './producers.js';

type Append = (a: DuckDBAppender, v: unknown) => void;

const isNull = (v: unknown) => v === null || v === undefined;
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));

/** How a value of each column type goes into the appender; anything unusable becomes NULL. */
function appenderFor(type: string): Append {
  switch (type) {
    case 'VARCHAR':
      return (a, v) => (isNull(v) ? a.appendNull() : a.appendVarchar(typeof v === 'string' ? v : String(v)));
    case 'JSON':
      // Already JSON text: `add` stringified it (see there).
      return (a, v) => (isNull(v) ? a.appendNull() : a.appendVarchar(v as string));
    case 'DOUBLE':
      return (a, v) => {
        const n = num(v);
        return isNull(v) || Number.isNaN(n) ? a.appendNull() : a.appendDouble(n);
      };
    case 'INTEGER':
      return (a, v) => {
        const n = num(v);
        return isNull(v) || !Number.isFinite(n) ? a.appendNull() : a.appendInteger(Math.trunc(n));
      };
    case 'BIGINT':
      return (a, v) => {
        const n = num(v);
        return isNull(v) || !Number.isFinite(n) ? a.appendNull() : a.appendBigInt(BigInt(Math.trunc(n)));
      };
    case 'TIMESTAMP':
      return (a, v) => {
        const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
        return Number.isFinite(ms)
          ? a.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(ms * 1000))))
          : a.appendNull();
      };
    default:
      throw new Error(`columnar staging: no appender for column type ${type}`);
  }
}

interface Batch {
  producer: RowProducer;
  names: string[];
  cols: unknown[][];
  /** Per column: JSON type (its values are kept as their JSON text from `add` on). */
  json: boolean[];
  rows: number;
}

/** Rows per staged Parquet part: what the worker's 128 MB DuckDB holds with room to spare. */
const PART_ROWS = 10_000;

export class ColumnarStager {
  private batches: Batch[];
  private db: { instance: DuckDBInstance; con: DuckDBConnection } | null = null;
  private part = 0;
  constructor(
    private dir: string,
    private workerId: string,
    private partRows = PART_ROWS,
  ) {
    this.batches = rowProducers().map((p) => {
      const names = Object.keys(p.columns);
      return {
        producer: p,
        names,
        cols: names.map(() => []),
        json: names.map((n) => p.columns[n] === 'JSON'),
        rows: 0,
      };
    });
  }

  /**
   * Collect one capture's rows, column by column (no DuckDB call). JSON columns are kept as their text,
   * not as the envelope objects: up to FLUSH_ROWS rows wait here, and holding their params/dims object
   * graphs made every major GC of the worker mark them (read, decode and staging all paid for it).
   */
  add(c: Capture): void {
    for (const b of this.batches)
      for (const row of b.producer.rows(c)) {
        for (let i = 0; i < b.names.length; i++) {
          const v = row[b.names[i]];
          b.cols[i].push(b.json[i] && !isNull(v) ? JSON.stringify(v) : v);
        }
        b.rows++;
      }
  }

  /** Rows collected and not yet written (the largest table's count). */
  pending(): number {
    return Math.max(0, ...this.batches.map((b) => b.rows));
  }

  /** Write what was collected as one Parquet file per table, then start empty. */
  async flush(): Promise<void> {
    if (!this.batches.some((b) => b.rows)) return;
    if (!this.db) {
      // One thread, small memory: the worker's core is the one doing the decoding. 128 MB holds a part of
      // PART_ROWS events with room to spare.
      const instance = await DuckDBInstance.create(':memory:', {
        threads: '1',
        memory_limit: '128MB',
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
      });
      this.db = { instance, con: await instance.connect() };
    }
    const con = this.db.con;
    // Parts of at most PART_ROWS rows: one capture can hold more than a flush's worth (a soak test's HAR
    // of 35 k beacons ran this DuckDB out of its 128 MB in one part). Part numbers only grow, so the
    // loader's glob reads every table's parts in the order they were written.
    const n = this.part;
    for (const b of this.batches) {
      if (!b.rows) continue;
      const t = b.producer.table;
      const put = b.names.map((c) => appenderFor(b.producer.columns[c]));
      for (let from = 0, k = n; from < b.rows; from += this.partRows, k++) {
        await con.run(`DROP TABLE IF EXISTS "${t}"`);
        await con.run(createTableSql(`"${t}"`, b.producer.columns));
        const a = await con.createAppender(t);
        const to = Math.min(b.rows, from + this.partRows);
        for (let r = from; r < to; r++) {
          for (let i = 0; i < put.length; i++) put[i](a, b.cols[i][r]);
          a.endRow();
        }
        a.closeSync();
        const file = join(this.dir, `${t}-${this.workerId}-${String(k).padStart(5, '0')}.parquet`);
        await con.run(`COPY "${t}" TO ${sqlString(file)} (FORMAT parquet, COMPRESSION uncompressed)`);
        await con.run(`DROP TABLE "${t}"`);
        this.part = Math.max(this.part, k + 1);
      }
      b.cols = b.names.map(() => []);
      b.rows = 0;
    }
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.db) {
      this.db.con.closeSync();
      this.db.instance.closeSync();
      this.db = null;
    }
  }
}
