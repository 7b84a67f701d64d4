/**
 * A minimal Parquet writer for the workers' staged parts: one row group, one PLAIN data page per column,
 * every column OPTIONAL, no compression, no statistics — what DuckDB's `read_parquet` needs to load a
 * part into the store and the lake, nothing more. Values are encoded into growing byte buffers as rows
 * arrive (strings straight from the JavaScript string into the buffer), so a row costs no native call per
 * value and no copy beyond that one.
 *
 * Why not DuckDB or a library: staging through an in-memory DuckDB (an Appender call per value, the
 * table, then COPY … TO parquet) cost 40–49 µs of CPU per dense beacon once warm, and the hyparquet-writer
 * package 85–117 µs (it encodes every string into its own array first); this writer's figure is in
 * docs/measured.md ("Staged parts written by the workers").
 *
 * The format is the Apache Parquet file format specification ("parquet-format": the file layout, the
 * Thrift definitions in parquet.thrift and the encodings document); metadata is Thrift's compact
 * protocol. Only the pieces named above are written; tools/ingest/parquet-part.test.ts reads every type
 * back through DuckDB.
 */
import { closeSync, openSync, writevSync } from 'node:fs';

/** Store column types (tools/store/ddl.ts) a part can hold. */
export type PartColumnType = 'VARCHAR' | 'JSON' | 'DOUBLE' | 'INTEGER' | 'BIGINT' | 'TIMESTAMP';

/** A growable byte buffer. */
class Bytes {
  buf: Buffer;
  at = 0;
  constructor(size = 1 << 12) {
    this.buf = Buffer.allocUnsafe(size);
  }
  room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }
  /** Unsigned LEB128 varint of a non-negative integer below 2^53 (no 32-bit operators: sizes can exceed them). */
  varint(n: number): void {
    this.room(8);
    while (n >= 0x80) {
      this.buf[this.at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.at++] = n;
  }
  view(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

const TYPES: Record<PartColumnType, { physical: number; converted: number | null; width: number }> = {
  // Parquet physical types: INT32 = 1, INT64 = 2, DOUBLE = 5, BYTE_ARRAY = 6. Converted types: UTF8 = 0,
  // TIMESTAMP_MICROS = 10, JSON = 19 (DuckDB reads those as VARCHAR, TIMESTAMP and JSON).
  VARCHAR: { physical: 6, converted: 0, width: 0 },
  JSON: { physical: 6, converted: 19, width: 0 },
  DOUBLE: { physical: 5, converted: null, width: 8 },
  INTEGER: { physical: 1, converted: null, width: 4 },
  BIGINT: { physical: 2, converted: null, width: 8 },
  TIMESTAMP: { physical: 2, converted: 10, width: 8 },
};

const TWO_32 = 2 ** 32;

/**
 * One column's values: PLAIN-encoded non-null values, and the definition levels (1 = value, 0 = null)
 * as runs of the RLE / bit-packing hybrid encoding, built as they arrive.
 */
export class PartColumn {
  readonly values = new Bytes();
  readonly levels = new Bytes(64);
  rows = 0;
  private runLevel = -1;
  private run = 0;
  constructor(
    readonly name: string,
    readonly type: PartColumnType,
  ) {}

  private level(l: 0 | 1): void {
    this.rows++;
    if (l === this.runLevel) {
      this.run++;
      return;
    }
    this.endRun();
    this.runLevel = l;
    this.run = 1;
  }
  /** An RLE run: its length shifted left once (the low bit 0 says RLE), then the level in one byte. */
  private endRun(): void {
    if (this.run === 0) return;
    this.levels.varint(this.run * 2);
    this.levels.byte(this.runLevel);
    this.run = 0;
  }

  null(): void {
    this.level(0);
  }
  /** A text value: 4-byte little-endian length, then its UTF-8 bytes. */
  string(s: string): void {
    this.level(1);
    const v = this.values;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    v.room(4 + 3 * s.length);
    const n = v.buf.write(s, v.at + 4);
    v.buf.writeUInt32LE(n, v.at);
    v.at += 4 + n;
  }
  double(x: number): void {
    this.level(1);
    this.values.room(8);
    this.values.at = this.values.buf.writeDoubleLE(x, this.values.at);
  }
  int32(x: number): void {
    this.level(1);
    this.values.room(4);
    this.values.at = this.values.buf.writeInt32LE(x, this.values.at);
  }
  /** A 64-bit integer given as a JavaScript integer of at most 2^53 in magnitude. */
  int64(x: number): void {
    this.level(1);
    const v = this.values;
    v.room(8);
    // ToUint32 is the low word modulo 2^32 for negative values too; floor keeps the high word's sign.
    v.buf.writeUInt32LE(x >>> 0, v.at);
    v.buf.writeInt32LE(Math.floor(x / TWO_32), v.at + 4);
    v.at += 8;
  }

  /** Empty again, keeping the buffers (a worker writes many parts of one table). */
  reset(): void {
    this.values.at = 0;
    this.levels.at = 0;
    this.rows = 0;
    this.runLevel = -1;
    this.run = 0;
  }

  /** The column's data page: levels (4-byte length first), then values. Ends the last run. */
  page(): Buffer[] {
    this.endRun();
    const levels = this.levels.view();
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32LE(levels.length, 0);
    return [len, levels, this.values.view()];
  }
}

/** Thrift compact protocol, the parts a Parquet footer and page header use. */
class Thrift {
  readonly out = new Bytes(1 << 10);
  private last: number[] = [0];
  private field(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1];
    this.last[this.last.length - 1] = id;
    if (delta > 0 && delta <= 15) this.out.byte((delta << 4) | type);
    else {
      this.out.byte(type);
      this.zigzag(id);
    }
  }
  private zigzag(n: number): void {
    this.out.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }
  i32(id: number, v: number): this {
    this.field(id, 5);
    this.zigzag(v);
    return this;
  }
  i64(id: number, v: number): this {
    this.field(id, 6);
    this.zigzag(v);
    return this;
  }
  string(id: number, s: string): this {
    this.field(id, 8);
    this.bytes(s);
    return this;
  }
  private bytes(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.out.varint(b.length);
    this.out.room(b.length);
    this.out.at += b.copy(this.out.buf, this.out.at);
  }
  struct(id: number, body: (t: this) => void): this {
    this.field(id, 12);
    this.inner(body);
    return this;
  }
  private inner(body: (t: this) => void): void {
    this.last.push(0);
    body(this);
    this.out.byte(0); // stop
    this.last.pop();
  }
  private listHead(id: number, type: number, size: number): void {
    this.field(id, 9);
    if (size < 15) this.out.byte((size << 4) | type);
    else {
      this.out.byte(0xf0 | type);
      this.out.varint(size);
    }
  }
  structs<T>(id: number, items: readonly T[], body: (t: this, item: T) => void): this {
    this.listHead(id, 12, items.length);
    for (const item of items) this.inner((t) => body(t, item));
    return this;
  }
  i32s(id: number, items: readonly number[]): this {
    this.listHead(id, 5, items.length);
    for (const v of items) this.zigzag(v);
    return this;
  }
  strings(id: number, items: readonly string[]): this {
    this.listHead(id, 8, items.length);
    for (const s of items) this.bytes(s);
    return this;
  }
  /** A whole message (a top-level struct). */
  message(body: (t: this) => void): Buffer {
    this.inner(body);
    return this.out.view();
  }
}

const MAGIC = Buffer.from('PAR1', 'ascii');
const PLAIN = 0;
const RLE = 3;

/** Write `columns` (all of `rows` rows) as one Parquet file at `path`. */
export function writeParquetPart(path: string, columns: readonly PartColumn[], rows: number): void {
  const pieces: Buffer[] = [MAGIC];
  let offset = MAGIC.length;
  const chunks: { column: PartColumn; offset: number; size: number }[] = [];
  for (const c of columns) {
    if (c.rows !== rows)
      throw new Error(`parquet part: column ${c.name} has ${c.rows} rows, expected ${rows}`);
    const page = c.page();
    const size = page.reduce((n, b) => n + b.length, 0);
    const header = new Thrift().message((t) =>
      t
        .i32(1, 0) // DATA_PAGE
        .i32(2, size)
        .i32(3, size)
        .struct(5, (d) => d.i32(1, rows).i32(2, PLAIN).i32(3, RLE).i32(4, RLE)),
    );
    chunks.push({ column: c, offset, size: header.length + size });
    pieces.push(header, ...page);
    offset += header.length + size;
  }
  const total = chunks.reduce((n, c) => n + c.size, 0);
  const footer = new Thrift().message((t) =>
    t
      .i32(1, 1)
      .structs(2, [null, ...columns], (s, c) => {
        if (c === null) s.string(4, 'schema').i32(5, columns.length);
        else {
          const type = TYPES[c.type];
          s.i32(1, type.physical).i32(3, 1 /* OPTIONAL */).string(4, c.name);
          if (type.converted !== null) s.i32(6, type.converted);
        }
      })
      .i64(3, rows)
      .structs(4, [null], (rg) =>
        rg
          .structs(1, chunks, (cc, ch) =>
            cc.i64(2, ch.offset).struct(3, (m) =>
              m
                .i32(1, TYPES[ch.column.type].physical)
                .i32s(2, [PLAIN, RLE])
                .strings(3, [ch.column.name])
                .i32(4, 0) // UNCOMPRESSED
                .i64(5, rows)
                .i64(6, ch.size)
                .i64(7, ch.size)
                .i64(9, ch.offset),
            ),
          )
          .i64(2, total)
          .i64(3, rows),
      )
      .string(6, 'weird-goblin staging'),
  );
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32LE(footer.length, 0);
  pieces.push(footer, len, MAGIC);
  const fd = openSync(path, 'w');
  try {
    // writev takes at most IOV_MAX (1024) buffers a call, and may write less than asked.
    let i = 0;
    let skip = 0; // bytes of pieces[i] already written
    for (;;) {
      while (i < pieces.length && pieces[i].length === skip) ((i += 1), (skip = 0));
      if (i === pieces.length) break;
      const batch = pieces.slice(i, i + 512);
      batch[0] = batch[0].subarray(skip);
      let n = writevSync(fd, batch);
      while (n > 0) {
        const left = pieces[i].length - skip;
        if (n >= left) ((n -= left), (i += 1), (skip = 0));
        else ((skip += n), (n = 0));
      }
    }
  } finally {
    closeSync(fd);
  }
}
