/**
 * A minimal Parquet writer for the workers' staged parts: one row group, one PLAIN data page per column,
 * every column OPTIONAL, no compression, no statistics — what DuckDB's `read_parquet` needs to load a
 * part into the store and the lake, nothing more. Values are encoded into growing byte buffers as rows
 * arrive (a string is encoded straight from the JavaScript string into the buffer: one native call per
 * string, none per number), and copied nowhere else before the file is written.
 *
 * Why not DuckDB or a library: staging through an in-memory DuckDB (an Appender call per value, the
 * table, then COPY … TO parquet) cost 34–49 µs of CPU per dense beacon once warm, and the hyparquet-writer
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
  /** Empty, with a fresh small buffer if this one grew past `keep` bytes. */
  shrink(keep: number): void {
    this.at = 0;
    if (this.buf.length > keep) this.buf = Buffer.allocUnsafe(1 << 12);
  }
}

/** What a logical type annotation writes into a SchemaElement (field 10, the LogicalType union). */
type Logical = ((t: Thrift) => void) | null;

const TYPES: Record<PartColumnType, { physical: number; converted: number | null; logical: Logical }> = {
  // Parquet physical types: INT32 = 1, INT64 = 2, DOUBLE = 5, BYTE_ARRAY = 6. Converted types (the older
  // annotation, which DuckDB reads): UTF8 = 0, TIMESTAMP_MICROS = 10, JSON = 19. Logical types as well,
  // so that other readers agree: STRING (1), JSON (12), and TIMESTAMP (8) not adjusted to UTC, in
  // microseconds — a store TIMESTAMP is a time without a zone, as DuckDB itself writes it.
  VARCHAR: { physical: 6, converted: 0, logical: (t) => t.struct(1, () => undefined) },
  JSON: { physical: 6, converted: 19, logical: (t) => t.struct(12, () => undefined) },
  DOUBLE: { physical: 5, converted: null, logical: null },
  INTEGER: { physical: 1, converted: null, logical: null },
  BIGINT: { physical: 2, converted: null, logical: null },
  TIMESTAMP: {
    physical: 2,
    converted: 10,
    logical: (t) => t.struct(8, (ts) => ts.bool(1, false).struct(2, (u) => u.struct(2, () => undefined))),
  },
};

const TWO_32 = 2 ** 32;
const INT64_LIMIT = 2 ** 63;
const KEEP_BYTES = 64 << 20;
/** A page's sizes are Thrift i32s. */
const MAX_PAGE_BYTES = 2 ** 31 - 1;

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

  // Each value is written before its level is counted: a value that throws leaves the column as it was.
  null(): void {
    this.level(0);
  }
  /** A text value: 4-byte little-endian length, then its UTF-8 bytes (a lone surrogate becomes U+FFFD). */
  string(s: string): void {
    const v = this.values;
    // UTF-8 takes at most 3 bytes per UTF-16 unit. The length is passed: without it, `write` at an offset
    // 2 GiB or more before the buffer's end writes nothing and returns 0 (Node 20).
    const most = 3 * s.length;
    v.room(4 + most);
    const n = v.buf.write(s, v.at + 4, most, 'utf8');
    v.buf.writeUInt32LE(n, v.at);
    v.at += 4 + n;
    this.level(1);
  }
  double(x: number): void {
    this.values.room(8);
    this.values.at = this.values.buf.writeDoubleLE(x, this.values.at);
    this.level(1);
  }
  /** A 32-bit integer (throws outside [-2^31, 2^31) or for a non-integer). */
  int32(x: number): void {
    if (!Number.isInteger(x)) throw new RangeError(`parquet part: ${this.name}: ${x} is not an integer`);
    this.values.room(4);
    this.values.at = this.values.buf.writeInt32LE(x, this.values.at);
    this.level(1);
  }
  /**
   * A 64-bit integer given as a JavaScript integer in [-2^63, 2^63) (throws otherwise). Exact wherever the
   * number is: above 2^53 a double is itself an integer, and ToUint32 takes the low word modulo 2^32
   * (negative values included) while floor keeps the high word's sign.
   */
  int64(x: number): void {
    if (!Number.isInteger(x) || x < -INT64_LIMIT || x >= INT64_LIMIT)
      throw new RangeError(`parquet part: ${this.name}: ${x} is not a 64-bit integer`);
    const v = this.values;
    v.room(8);
    v.buf.writeUInt32LE(x >>> 0, v.at);
    v.buf.writeInt32LE(Math.floor(x / TWO_32), v.at + 4);
    v.at += 8;
    this.level(1);
  }

  /** Bytes of values held (what a part's size limit counts). */
  get bytes(): number {
    return this.values.at;
  }

  /**
   * Empty again (a worker writes many parts of one table), keeping the buffers unless one grew past
   * 64 MB: a few huge values must not keep their memory for the rest of the worker's life.
   */
  reset(): void {
    this.values.shrink(KEEP_BYTES);
    this.levels.shrink(KEEP_BYTES);
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
  /** A bool field: its value is the field header's type (1 true, 2 false), no byte follows. */
  bool(id: number, v: boolean): this {
    this.field(id, v ? 1 : 2);
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
    if (size > MAX_PAGE_BYTES)
      throw new RangeError(
        `parquet part: column ${c.name} holds ${size} bytes, more than one page can (2 GiB)`,
      );
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
          if (type.logical) s.struct(10, type.logical);
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
