import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartColumn, writeParquetPart, type PartColumnType } from './parquet-part.js';

const dir = mkdtempSync(join(tmpdir(), 'goblin-parquet-part-'));
let db: DuckDBInstance;
let con: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
});
afterAll(() => {
  con.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

type Cell = string | number | null;
/** Write one column per entry (values in order; null = NULL) and read the file back through DuckDB. */
async function roundTrip(name: string, cols: Record<string, [PartColumnType, Cell[]]>) {
  const rows = Object.values(cols)[0][1].length;
  const columns = Object.entries(cols).map(([n, [type, values]]) => {
    const c = new PartColumn(n, type);
    for (const v of values) {
      if (v === null) c.null();
      else if (type === 'VARCHAR' || type === 'JSON') c.string(v as string);
      else if (type === 'DOUBLE') c.double(v as number);
      else if (type === 'INTEGER') c.int32(v as number);
      else c.int64(v as number);
    }
    return c;
  });
  const file = join(dir, `${name}.parquet`);
  writeParquetPart(file, columns, rows);
  const types = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`))
    .getRows()
    .map((r) => `${String(r[0])}:${String(r[1])}`);
  const read = (await con.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)).getRowsJS();
  return { types, read, file };
}

describe('parquet parts (read back by DuckDB)', () => {
  it('every store column type, with NULLs, keeps its DuckDB type and its values', async () => {
    const { types, read } = await roundTrip('types', {
      event_id: ['VARCHAR', ['f0ecf1797c1ca355', null, '']],
      params: ['JSON', ['{"a.media.name":"Big Buck Bunny","c.a.ap.sv":"3.1.2"}', '{}', null]],
      playhead_s: ['DOUBLE', [10.25, null, -0.5]],
      status: ['INTEGER', [200, 2147483647, null]],
      bytes: ['BIGINT', [null, 2 ** 40 + 3, -(2 ** 33) - 1]],
      // micros since 1970: 2025-02-24T12:02:21.712Z, and one before 1970
      ts: ['TIMESTAMP', [1740398541712000, null, -86_400_001_000]],
    });
    expect(types).toEqual([
      'event_id:VARCHAR',
      'params:JSON',
      'playhead_s:DOUBLE',
      'status:INTEGER',
      'bytes:BIGINT',
      'ts:TIMESTAMP',
    ]);
    expect(read[0].slice(0, 4)).toEqual([
      'f0ecf1797c1ca355',
      '{"a.media.name":"Big Buck Bunny","c.a.ap.sv":"3.1.2"}',
      10.25,
      200,
    ]);
    expect(read.map((r) => r[0])).toEqual(['f0ecf1797c1ca355', null, '']);
    expect(read.map((r) => r[3])).toEqual([200, 2147483647, null]);
    expect(read.map((r) => (r[4] === null ? null : String(r[4])))).toEqual([
      null,
      String(2 ** 40 + 3),
      String(-(2 ** 33) - 1),
    ]);
    expect(read.map((r) => (r[5] === null ? null : (r[5] as Date).toISOString()))).toEqual([
      '2025-02-24T12:02:21.712Z',
      null,
      '1969-12-30T23:59:59.999Z',
    ]);
  });

  it('text outside ASCII (a player name in Japanese, an emoji in a title) is written as UTF-8', async () => {
    const names = ['再生中の動画', 'Live 🎬 Finale', 'Ünïcödé straße', '\u{1F600}'.repeat(40)];
    const { read } = await roundTrip('utf8', { name: ['VARCHAR', names] });
    expect(read.map((r) => r[0])).toEqual(names);
  });

  it('long runs of NULLs and of values (run lengths past one varint byte), across 20,000 rows', async () => {
    const values: Cell[] = [];
    for (let i = 0; i < 20_000; i++) values.push(i < 300 || (i > 10_000 && i % 7 === 0) ? null : `v${i}`);
    const { read } = await roundTrip('runs', { v: ['VARCHAR', values] });
    expect(read.map((r) => r[0])).toEqual(values);
  });

  it('a column of NULLs only, and one large value (a 1 MB raw body) that outgrows the buffer', async () => {
    const body = 'x'.repeat(1 << 20);
    const { read } = await roundTrip('large', {
      raw_body: ['VARCHAR', [null, body, null]],
      errors: ['JSON', [null, null, null]],
    });
    expect(read.map((r) => (r[0] === null ? null : (r[0] as string).length))).toEqual([null, 1 << 20, null]);
    expect(read.map((r) => r[1])).toEqual([null, null, null]);
  });

  it('64-bit integers are exact up to ±2^63; a value that cannot be written leaves its column as it was', async () => {
    const big = [2 ** 62, -(2 ** 63), 2 ** 63 - 2048, -(2 ** 53) - 2];
    const { read } = await roundTrip('int64', { v: ['BIGINT', big] });
    expect(read.map((r) => String(r[0]))).toEqual(big.map((x) => BigInt(x).toString()));
    const c = new PartColumn('v', 'INTEGER');
    c.int32(7);
    expect(() => c.int32(2 ** 31)).toThrow(RangeError);
    expect(() => c.int32(0.5)).toThrow(/not an integer/);
    const d = new PartColumn('w', 'BIGINT');
    expect(() => d.int64(2 ** 63)).toThrow(/not a 64-bit integer/);
    expect(() => d.int64(-0.5)).toThrow(RangeError);
    d.int64(1);
    expect([c.rows, d.rows]).toEqual([1, 1]);
    writeParquetPart(join(dir, 'after-throw.parquet'), [c, d], 1);
    const r = await con.runAndReadAll(`SELECT v, w FROM read_parquet('${join(dir, 'after-throw.parquet')}')`);
    expect(r.getRowsJS()).toEqual([[7, 1n]]);
  });

  it('refuses columns of different lengths instead of writing a file no reader can trust', () => {
    const a = new PartColumn('a', 'VARCHAR');
    const b = new PartColumn('b', 'DOUBLE');
    a.string('x');
    expect(() => writeParquetPart(join(dir, 'bad.parquet'), [a, b], 1)).toThrow(/column b has 0 rows/);
  });
});
