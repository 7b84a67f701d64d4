/**
 * A store written by an older Goblin: the user upgrades and runs `goblin run` on the same storage/.
 * Before the migration every insert failed with `Binder Error: Table "session" does not have a column
 * with name "sdk_version_raw"` (exit 3, nothing ingested).
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { ingest } from '../ingest/run.js';
import { simulateCorpus } from '../simulate/index.js';
import { EVENT_COLUMNS, SESSION_COLUMNS, createTableSql } from './ddl.js';
import { openStore, queryRows } from './index.js';
import { lakeFiles } from './lake.js';

const without = (cols: Record<string, string>, drop: string) =>
  Object.fromEntries(Object.entries(cols).filter(([c]) => c !== drop));

describe('a store from an older version', () => {
  it('gains the columns added since, keeps its rows, and ingests into them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-migrate-'));
    const db = join(dir, 'storage', 'g.duckdb');
    // The old layout: session without sdk_version_raw, event without http_version (a middle column).
    mkdirSync(join(dir, 'storage'), { recursive: true });
    const old = await DuckDBInstance.create(db);
    const con = await old.connect();
    await con.run(createTableSql('session', without(SESSION_COLUMNS, 'sdk_version_raw')));
    await con.run(createTableSql('event', without(EVENT_COLUMNS, 'http_version')));
    await con.run(
      `INSERT INTO session (har_path, har_hash, session_key) VALUES ('old.har', 'h-old', 's-old')`,
    );
    con.closeSync();
    old.closeSync();

    const hars = join(dir, 'hars');
    simulateCorpus({ outDir: hars, seed: 11, sessions: 10, profile: 'dense', bodyBytes: 1000, faultRate: 0 });
    const config = GoblinConfig.parse({
      storage: {
        base_dir: join(dir, 'storage'),
        db_file: db,
        parquet_dir: join(dir, 'storage', 'parquet'),
      },
      pii: { salt_file: join(dir, 'salt') },
    });
    const { summary, store } = await ingest({
      inputs: [hars],
      config,
      root: dir,
      quiet: true,
      workers: 2,
    });
    try {
      expect(summary.new_hars_stored).toBeGreaterThan(0);
      expect(summary.messages).toContain(
        'upgraded a store written by an older Goblin: added session.sdk_version_raw (empty for rows stored before)',
      );
      // its (empty) event table went: events live in the Parquet dataset now
      expect(summary.messages).toContain(
        "moved the store's 0 events to the Parquet dataset, where they now live alone (this store was written by an older Goblin)",
      );
      const cols = await queryRows<{ c: string }>(
        store.con,
        `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'session'`,
      );
      expect(cols.map((r) => r.c)).toContain('sdk_version_raw');
      const rows = await queryRows<{ key: string; raw: string | null }>(
        store.con,
        `SELECT session_key AS key, sdk_version_raw AS raw FROM session ORDER BY key`,
      );
      expect(rows.find((r) => r.key === 's-old')).toEqual({ key: 's-old', raw: null }); // kept
      expect(rows.filter((r) => r.raw !== null).length).toBeGreaterThan(0); // new rows fill it
    } finally {
      store.close();
    }
    // The part lists the event columns in the declared order, not the migrated table's.
    const [part] = lakeFiles(config.storage.parquet_dir).parts;
    const mem = await openStore(':memory:');
    try {
      const schema = await queryRows<{ name: string }>(
        mem.con,
        `SELECT column_name AS name FROM (DESCRIBE SELECT * FROM read_parquet('${resolve(config.storage.parquet_dir, part)}'))`,
      );
      expect(schema.map((r) => r.name)).toEqual(Object.keys(EVENT_COLUMNS));
    } finally {
      mem.close();
    }
  }, 120_000);

  it('holding its events in a table: they move to the Parquet dataset, which is rewritten from them where it disagrees', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-migrate-'));
    const hars = join(dir, 'hars');
    simulateCorpus({ outDir: hars, seed: 12, sessions: 12, profile: 'dense', bodyBytes: 1000, faultRate: 0 });
    const lake = join(dir, 'storage', 'parquet');
    const config = GoblinConfig.parse({
      storage: {
        base_dir: join(dir, 'storage'),
        db_file: join(dir, 'storage', 'g.duckdb'),
        parquet_dir: lake,
      },
      pii: { salt_file: join(dir, 'salt') },
    });
    const first = await ingest({ inputs: [hars], config, root: dir, quiet: true, workers: 1 });
    first.store.close();
    const events = first.summary.events_exported;
    expect(events).toBeGreaterThan(100);
    // What an older Goblin left: the same events in a table of the store, beside the dataset.
    const legacy = async (extra = '') => {
      const db = await DuckDBInstance.create(config.storage.db_file);
      const con = await db.connect();
      // (and no record of where its dataset is: older stores had none)
      await con.run(
        `CREATE TABLE event AS SELECT * FROM read_parquet('${lake}/events/*.parquet'); DROP TABLE IF EXISTS store_meta; ${extra}`,
      );
      con.closeSync();
      db.closeSync();
    };
    const count = async (s: Awaited<ReturnType<typeof openStore>>) =>
      (await queryRows<{ n: number }>(s.con, `SELECT count(*)::INT AS n FROM event`))[0].n;
    const tables = async (s: Awaited<ReturnType<typeof openStore>>) =>
      (
        await queryRows<{ t: string }>(
          s.con,
          `SELECT table_name AS t FROM duckdb_tables() WHERE table_name = 'event' AND NOT temporary`,
        )
      ).length;

    await legacy();
    const [part] = lakeFiles(lake).parts;
    // Opened by a command that does not say where the dataset is: left as it is, its table still the events.
    const unsure = await openStore(config.storage.db_file);
    try {
      expect(unsure.lake).toBeNull();
      expect(unsure.notes).toEqual([]);
      expect(await tables(unsure)).toBe(1);
      expect(await count(unsure)).toBe(events);
    } finally {
      unsure.close();
    }
    const agreeing = await openStore(config.storage.db_file, { lake });
    try {
      expect(agreeing.notes).toEqual([
        `moved the store's ${events} events to the Parquet dataset, where they now live alone (this store was written by an older Goblin)`,
      ]);
      expect(await tables(agreeing)).toBe(0);
      expect(await count(agreeing)).toBe(events);
      expect(lakeFiles(lake).parts).toEqual([part]); // the dataset held them all: left as it was
    } finally {
      agreeing.close();
    }

    // The dataset lost its part, and a run still owed its export: the table is the truth, the dataset is
    // rewritten from it, and no event is in it twice.
    await legacy(
      `INSERT INTO lake_run SELECT 'owed-run', hash FROM har_file WHERE status = 'parsed' LIMIT 3`,
    );
    // …and a part merged in from another dataset, whose captures the store does not know: kept.
    const db = await DuckDBInstance.create(':memory:');
    const c2 = await db.connect();
    await c2.run(
      `COPY (SELECT * REPLACE ('foreign-' || har_hash AS har_hash) FROM read_parquet('${join(lake, part)}') LIMIT 50) TO '${join(lake, 'events', 'part-foreign.parquet')}' (FORMAT parquet)`,
    );
    c2.closeSync();
    db.closeSync();
    appendFileSync(
      join(lake, '_manifest.jsonl'),
      JSON.stringify({
        path: 'events/part-foreign.parquet',
        run_id: 'foreign',
        rows: 50,
        min_ts_ms: 0,
        max_ts_ms: 0,
      }) + '\n',
    );
    rmSync(join(lake, part));
    const disagreeing = await openStore(config.storage.db_file, { lake });
    try {
      expect(disagreeing.notes).toHaveLength(1);
      expect(disagreeing.notes[0]).toMatch(
        /the dataset disagreed with the store and was rewritten from it, keeping the events of captures only the dataset held \(1 part\(s\)\)$/,
      );
      expect(await tables(disagreeing)).toBe(0);
      expect(await count(disagreeing)).toBe(events + 50);
      const [d] = await queryRows<{ n: number; foreign: number }>(
        disagreeing.con,
        `SELECT count(*)::INT AS n, count(*) FILTER (WHERE starts_with(har_hash, 'foreign-'))::INT AS foreign
         FROM (SELECT DISTINCT har_hash, entry_index, sub_index FROM event)`,
      );
      expect(d).toEqual({ n: events + 50, foreign: 50 });
      expect(lakeFiles(lake).parts).toHaveLength(1);
      expect(lakeFiles(lake).parts[0]).toMatch(/^events\/part-migrate-\d+\.parquet$/);
    } finally {
      disagreeing.close();
    }
  }, 120_000);
});
