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

/**
 * One producer's staging: rows go straight into an open appender on the worker's DuckDB table while that
 * part has room (`direct`), and into column arrays (`cols`) only when it has none: before `open`, or past
 * `partRows` rows within one batch (one huge capture). Appending at once lets each capture's values die
 * young: buffered in arrays until the flush, every value of up to 10 k rows survived several scavenges of
 * the worker's young generation and was copied each time (docs/measured.md, "Staging straight into the
 * appender").
 */
interface Batch {
  producer: RowProducer;
  names: string[];
  put: Append[];
  /** Per column: JSON type (its values are kept as their JSON text from `add` on). */
  json: boolean[];
  appender: DuckDBAppender | null;
  /** Rows in the open appender's table (the part being filled). */
  direct: number;
  cols: unknown[][];
  /** Rows waiting in `cols`, written as parts after the direct one. */
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
        put: names.map((c) => appenderFor(p.columns[c])),
        json: names.map((n) => p.columns[n] === 'JSON'),
        appender: null,
        direct: 0,
        cols: names.map(() => []),
        rows: 0,
      };
    });
  }

  /** Open the worker's DuckDB and an appender per table, so that `add` appends straight away. */
  async open(): Promise<void> {
    const con = await this.connection();
    for (const b of this.batches) if (!b.appender) b.appender = await this.freshTable(con, b);
  }

  /**
   * Collect one capture's rows (no async call): appended to the open part while it has room, else kept as
   * columns. JSON columns are kept as their text, not as the envelope objects.
   */
  add(c: Capture): void {
    for (const b of this.batches)
      for (const row of b.producer.rows(c)) {
        const a = b.appender;
        if (a && b.direct < this.partRows) {
          for (let i = 0; i < b.names.length; i++) {
            const v = row[b.names[i]];
            b.put[i](a, b.json[i] && !isNull(v) ? JSON.stringify(v) : v);
          }
          a.endRow();
          b.direct++;
          continue;
        }
        for (let i = 0; i < b.names.length; i++) {
          const v = row[b.names[i]];
          b.cols[i].push(b.json[i] && !isNull(v) ? JSON.stringify(v) : v);
        }
        b.rows++;
      }
  }

  /** Rows collected and not yet written (the largest table's count). */
  pending(): number {
    return Math.max(0, ...this.batches.map((b) => b.direct + b.rows));
  }

  /**
   * Write what was collected as Parquet files (parts of at most `partRows` rows per table), then start
   * empty with a fresh appender per table (none after `close`).
   */
  async flush(reopen = true): Promise<void> {
    if (!this.batches.some((b) => b.direct + b.rows)) return;
    const con = await this.connection();
    // Parts of at most `partRows` rows: one capture can hold more than a flush's worth (a soak test's HAR
    // of 35 k beacons ran this DuckDB out of its 128 MB in one part). Part numbers only grow, so the
    // loader's glob reads every table's parts in the order they were written; a table's direct part comes
    // before the rows that overflowed it.
    const n = this.part;
    for (const b of this.batches) {
      if (!b.direct && !b.rows) continue;
      let k = n;
      if (b.direct) {
        b.appender!.closeSync();
        b.appender = null;
        await this.copyPart(con, b, k++);
        b.direct = 0;
      }
      for (let from = 0; from < b.rows; from += this.partRows) {
        b.appender?.closeSync();
        const a = await this.freshTable(con, b);
        const to = Math.min(b.rows, from + this.partRows);
        for (let r = from; r < to; r++) {
          for (let i = 0; i < b.put.length; i++) b.put[i](a, b.cols[i][r]);
          a.endRow();
        }
        a.closeSync();
        b.appender = null;
        await this.copyPart(con, b, k++);
      }
      b.cols = b.names.map(() => []);
      b.rows = 0;
      this.part = Math.max(this.part, k);
    }
    if (reopen) await this.open();
  }

  private async connection(): Promise<DuckDBConnection> {
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
    return this.db.con;
  }

  /** An empty table for the producer's next part, and an appender on it. */
  private async freshTable(con: DuckDBConnection, b: Batch): Promise<DuckDBAppender> {
    const t = b.producer.table;
    await con.run(`DROP TABLE IF EXISTS "${t}"`);
    await con.run(createTableSql(`"${t}"`, b.producer.columns));
    return con.createAppender(t);
  }

  /** COPY the producer's table (its appender closed) to part `k`, then drop it. */
  private async copyPart(con: DuckDBConnection, b: Batch, k: number): Promise<void> {
    const t = b.producer.table;
    const file = join(this.dir, `${t}-${this.workerId}-${String(k).padStart(5, '0')}.parquet`);
    await con.run(`COPY "${t}" TO ${sqlString(file)} (FORMAT parquet, COMPRESSION uncompressed)`);
    await con.run(`DROP TABLE "${t}"`);
  }

  async close(): Promise<void> {
    await this.flush(false);
    for (const b of this.batches) {
      b.appender?.closeSync();
      b.appender = null;
    }
    if (this.db) {
      this.db.con.closeSync();
      this.db.instance.closeSync();
      this.db = null;
    }
  }
}
