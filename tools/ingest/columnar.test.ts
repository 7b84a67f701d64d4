import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { harDoc, hb, hbStart } from '../validate/example-har.js';
import { fileContext } from '../validate/files.js';
import { ColumnarStager, putFor } from './columnar.js';
import { PartColumn, writeParquetPart } from './parquet-part.js';
import { processFile } from './process-file.js';

const dir = mkdtempSync(join(tmpdir(), 'goblin-columnar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A long heartbeat session (a soak test in small): start, then a ping every 10 s. */
function longCapture(pings: number) {
  const f = join(dir, 'soak.har');
  const entries = [...hbStart(0)];
  for (let i = 1; i <= pings; i++) entries.push(hb(i * 10_000, 'play', i * 10));
  writeFileSync(f, harDoc(entries));
  const [p] = processFile(
    { abs: f, rel: 'soak.har', size: statSync(f).size, mtimeMs: 0 },
    fileContext(GoblinConfig.parse({})),
  );
  return p.capture!;
}

async function eventIds(stagingDir: string): Promise<string[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const r = await con.runAndReadAll(
    `SELECT event_id FROM read_parquet('${join(stagingDir, 'event-*.parquet')}')`,
  );
  const ids = r.getRows().map((row) => String(row[0]));
  con.closeSync();
  db.closeSync();
  return ids;
}

describe('columnar staging', () => {
  it('writes a capture larger than one part as several parts, every row once and in order', async () => {
    const capture = longCapture(120);
    const n = capture.events.length;
    expect(n).toBeGreaterThan(120);
    const staged = (name: string, partRows?: number, partBytes?: number) => {
      const d = join(dir, name);
      mkdirSync(d);
      const s = new ColumnarStager(d, 'w0', partRows, partBytes);
      s.add(capture);
      s.close();
      return d;
    };
    const whole = staged('whole');
    // A part is written as soon as it is full, while the capture's rows are still being encoded.
    const split = staged('split', 50);
    const parts = readdirSync(split).filter((f) => f.startsWith('event-'));
    expect(parts).toHaveLength(Math.ceil(n / 50));
    // the session table has one row: one part
    expect(readdirSync(split).filter((f) => f.startsWith('session-'))).toEqual(['session-w0-00000.parquet']);
    expect(await eventIds(split)).toEqual(await eventIds(whole));
    expect(new Set(await eventIds(split)).size).toBe(n);
    // Large values cut parts by size too: a few kB here (each part ends with the row that passed it), 256
    // MB in a worker.
    const bySize = staged('by-size', undefined, 4096);
    const sized = readdirSync(bySize).filter((f) => f.startsWith('event-')).length;
    expect(sized).toBeGreaterThan(n / 20);
    expect(sized).toBeLessThan(n);
    expect(await eventIds(bySize)).toEqual(await eventIds(whole));
  });

  it('writes each flush as a fresh part, and a flush with nothing pending writes nothing', async () => {
    const capture = longCapture(30);
    const d = join(dir, 'flushes');
    mkdirSync(d);
    const s = new ColumnarStager(d, 'w0');
    s.add(capture);
    expect(s.pending()).toBe(capture.events.length);
    s.flush();
    expect(s.pending()).toBe(0);
    s.flush();
    s.add(capture);
    s.close();
    expect(
      readdirSync(d)
        .filter((f) => f.startsWith('event-'))
        .sort(),
    ).toEqual(['event-w0-00000.parquet', 'event-w0-00001.parquet']);
    const ids = capture.events.map((e) => e.event_id);
    expect(await eventIds(d)).toEqual([...ids, ...ids]);
  });

  it('converts values as the store keeps them: the zero time, int32 and int64 extremes; unusable ones NULL', async () => {
    const cases: [string, unknown[], unknown[]][] = [
      // A HAR exporter's zero time (Go, .NET) and far dates stay dates; a date Date.parse refuses is NULL.
      [
        'TIMESTAMP',
        ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 1740398541712, 'yesterday', 1e300],
        ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.000Z', '2025-02-24T12:02:21.712Z', null, null],
      ],
      [
        'INTEGER',
        [-(2 ** 31), 2 ** 31 - 1, '404', 2 ** 31, 12.9, 'n/a'],
        [-(2 ** 31), 2 ** 31 - 1, 404, null, 12, null],
      ],
      [
        'BIGINT',
        [2 ** 62, -(2 ** 63), 2 ** 63, '42'],
        ['4611686018427387904', '-9223372036854775808', null, '42'],
      ],
      ['DOUBLE', ['1.5', 'x', Infinity, null], [1.5, null, Infinity, null]],
      // A lone surrogate (a broken player name in a beacon body) would make DuckDB refuse the whole part.
      ['JSON', [{ playerName: 'P\ud800' }, null], ['{"playerName":"P\\ufffd"}', null]],
    ];
    const columns = cases.map(([type], i) => new PartColumn(`c${i}`, type as 'VARCHAR'));
    const rows = Math.max(...cases.map(([, ins]) => ins.length));
    cases.forEach(([type, ins], i) => {
      const put = putFor(type);
      for (let r = 0; r < rows; r++) put(columns[i], r < ins.length ? ins[r] : null);
    });
    const file = join(dir, 'conversions.parquet');
    writeParquetPart(file, columns, rows);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const read = (await con.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)).getRowsJS();
    con.closeSync();
    db.closeSync();
    cases.forEach(([type, , want], i) => {
      const got = read.slice(0, want.length).map((r) => {
        const v = r[i];
        if (v instanceof Date) return v.toISOString();
        if (typeof v === 'bigint') return String(v);
        return v;
      });
      expect(got, type).toEqual(want);
    });
  });
});
