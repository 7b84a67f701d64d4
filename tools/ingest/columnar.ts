/**
 * Columnar staging: a worker encodes each producer's rows into Parquet column buffers while captures are
 * in memory (tools/ingest/parquet-part.ts) and writes a table's part (`<table>-<worker>-<n>.parquet`) when
 * it holds `partRows` rows or about `partBytes` bytes, and the rest when the worker ends. The parent
 * inserts those with read_parquet: typed columns, no JSON text to write, re-read and parse (staging used to
 * be NDJSON loaded with read_json, then an in-memory DuckDB per worker fed through its Appender and copied
 * out as Parquet: docs/measured.md, "Staged parts written by the workers").
 */
import { join } from 'node:path';
import type { Capture } from '../session/index.js';
import { jsonText } from '../util/json-text.js';
import { PartColumn, writeParquetPart, type PartColumnType } from './parquet-part.js';
import { rowProducers, type RowProducer } from './producers.js';

type Put = (c: PartColumn, v: unknown) => void;

const isNull = (v: unknown) => v === null || v === undefined;
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));
const INT32 = 2 ** 31;
const INT64 = 2 ** 63;
/** A JavaScript integer that fits a signed integer of 2^bits values: [-limit, limit). */
const fits = (n: number, limit: number) => n >= -limit && n < limit;

/** How a value of each column type is encoded; anything unusable becomes NULL. */
export function putFor(type: string): Put {
  switch (type) {
    case 'VARCHAR':
      return (c, v) => (isNull(v) ? c.null() : c.string(typeof v === 'string' ? v : String(v)));
    case 'JSON':
      // Stored as JSON text that DuckDB accepts (lone surrogates as U+FFFD: util/json-text.ts).
      return (c, v) => (isNull(v) ? c.null() : c.string(jsonText(v)));
    case 'DOUBLE':
      return (c, v) => {
        const n = num(v);
        return isNull(v) || Number.isNaN(n) ? c.null() : c.double(n);
      };
    case 'INTEGER':
      return (c, v) => {
        const n = isNull(v) ? NaN : Math.trunc(num(v));
        return fits(n, INT32) ? c.int32(n) : c.null();
      };
    case 'BIGINT':
      return (c, v) => {
        const n = isNull(v) ? NaN : Math.trunc(num(v));
        return fits(n, INT64) ? c.int64(n) : c.null();
      };
    case 'TIMESTAMP':
      return (c, v) => {
        const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
        const us = Math.round(ms * 1000);
        // Every date Date.parse gives fits (±8.64e18 µs); a number of ms may not.
        return fits(us, INT64) ? c.int64(us) : c.null();
      };
    default:
      throw new Error(`columnar staging: no encoding for column type ${type}`);
  }
}

/**
 * One row into the part's columns, with the column names written into its source: `row["event_id"]` is a
 * load V8 caches for the row's one shape, where `row[names[i]]` (a different name at each step of one
 * loop) was a generic keyed lookup per value.
 */
type Encode = (row: Record<string, unknown>, columns: PartColumn[]) => void;
function encoderFor(names: readonly string[], put: readonly Put[]): Encode {
  const body = names.map((n, i) => `put[${i}](columns[${i}], row[${JSON.stringify(n)}]);`).join('\n');
  return new Function('put', `return function encode(row, columns) {\n${body}\n}`)(put) as Encode;
}

/** One producer's staging: the part being filled. */
interface Batch {
  producer: RowProducer;
  names: string[];
  encode: Encode;
  columns: PartColumn[];
  rows: number;
  /** Parts of this table written so far (numbers only grow: the loader's glob reads them in order). */
  parts: number;
}

/**
 * Rows per staged Parquet part: bounds a worker's memory (a part's columns are held until written; a
 * soak test's capture of 35 k beacons is written as several parts).
 */
const PART_ROWS = 10_000;
/**
 * …and of about this many bytes of values at most (checked after each row): 10,000 rows of large request
 * bodies could otherwise outgrow a buffer and a page's 32-bit size. A single value of 2 GiB or more
 * cannot be staged; writeParquetPart refuses the page rather than write a file no reader can trust.
 */
const PART_BYTES = 256 << 20;

export class ColumnarStager {
  private batches: Batch[];
  constructor(
    private dir: string,
    private workerId: string,
    private partRows = PART_ROWS,
    private partBytes = PART_BYTES,
  ) {
    this.batches = rowProducers().map((p) => {
      const names = Object.keys(p.columns);
      return {
        producer: p,
        names,
        encode: encoderFor(
          names,
          names.map((c) => putFor(p.columns[c])),
        ),
        columns: names.map((n) => new PartColumn(n, p.columns[n] as PartColumnType)),
        rows: 0,
        parts: 0,
      };
    });
  }

  /** Encode one capture's rows; a table's part is written as soon as it is full (rows or bytes). */
  add(c: Capture): void {
    for (const b of this.batches)
      for (const row of b.producer.rows(c)) {
        b.encode(row, b.columns);
        if (++b.rows >= this.partRows || this.bytes(b) >= this.partBytes) this.writePart(b);
      }
  }

  /** Rows encoded and not yet written (the largest table's count). */
  pending(): number {
    return Math.max(0, ...this.batches.map((b) => b.rows));
  }

  /** Write every table's pending rows as a part. */
  flush(): void {
    for (const b of this.batches) if (b.rows) this.writePart(b);
  }

  close(): void {
    this.flush();
  }

  private bytes(b: Batch): number {
    let n = 0;
    for (const c of b.columns) n += c.bytes;
    return n;
  }

  private writePart(b: Batch): void {
    const t = b.producer.table;
    const file = join(this.dir, `${t}-${this.workerId}-${String(b.parts++).padStart(5, '0')}.parquet`);
    writeParquetPart(file, b.columns, b.rows);
    // Written synchronously: the buffers can take the next part's values.
    for (const c of b.columns) c.reset();
    b.rows = 0;
  }
}
