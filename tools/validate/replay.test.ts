import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GoblinConfig } from '../config/index.js';
import type { Envelope } from '../envelope/index.js';
import { ingest } from '../ingest/run.js';
import { simulateCorpus } from '../simulate/index.js';
import { openStore, type Store } from '../store/index.js';
import { storeConfig } from '../store/testing.js';
import { rowToEnvelope } from '../store/rows.js';
import { capturesFromStore } from './replay.js';
import { edgeMedia, entry, harDoc, hb, hbStart, mc, MC_START_PARAMS, pageView } from './testing/index.js';

/**
 * The events a replay must give back: every column of every row read as its own value (the way the
 * store was read before rows crossed as JSON text), grouped by capture in the replay's order.
 */
async function valueByValue(store: Store): Promise<Map<string, Envelope[]>> {
  const rows = (
    await store.con.runAndReadAll(
      `SELECT * EXCLUDE (ts) FROM event ORDER BY har_hash, ts_ms, entry_index, sub_index`,
    )
  ).getRowObjectsJS();
  const out = new Map<string, Envelope[]>();
  for (const r of rows) {
    const list = out.get(String(r.har_hash)) ?? [];
    list.push(rowToEnvelope(r));
    out.set(String(r.har_hash), list);
  }
  return out;
}

/** Ingest `dir/hars` into a store of its own below `dir`; its configuration. */
async function ingestInto(dir: string): Promise<GoblinConfig> {
  const config = storeConfig(dir);
  (await ingest({ inputs: [join(dir, 'hars')], config, root: dir, quiet: true, workers: 1 })).store.close();
  return config;
}

async function replayed(store: Store, opts: { hashes?: string[]; budget?: number } = {}) {
  const out = new Map<string, Envelope[]>();
  for await (const c of capturesFromStore(store.con, opts)) out.set(c.harHash, c.events);
  return out;
}

describe('capturesFromStore', () => {
  it('gives back every stored value exactly, text the JSON route must escape included, whatever the batching', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-replay-'));
    // Simulated captures of every family and platform, plus one whose values test the JSON route:
    // quotes, backslashes, control characters, astral characters and a NUL inside a context key,
    // decimals with no short form, a Media Collection body and a Media Edge batch.
    simulateCorpus({ outDir: join(dir, 'hars', 'sim'), seed: 7, sessions: 12, faultRate: 0.3 });
    const tricky = '%22quoted%22%20back%5Cslash%20tab%09bell%07%20%F0%9F%8E%AC%20caf%C3%A9%20%E2%80%A8line';
    writeFileSync(
      join(dir, 'hars', 'tricky.har'),
      harDoc([
        pageView(0, `&c.&a.&weird.&k%00ey=${tricky}&.weird&.a&.c&v1=${tricky}`),
        ...hbStart(100),
        hb(10_433, 'play', 10.333333333333334),
        hb(20_100, 'play', 0.1 + 0.2),
        mc(30_000, 'sessionStart', 0, { ...MC_START_PARAMS, 'media.name': `a "b" \\ c \u0001 \u{1F3AC}` }),
        edgeMedia(40_000, 'ping', 12.000000000000002, { params: { 'customMetadata.note': 'x\u0002"y"' } }),
        entry(
          50_000,
          'GET',
          'https://acme.hb.omtrdc.net/?s:event:type=play&l:event:playhead=1e-7&s:asset:name=%5C%22',
        ),
      ]),
    );
    const config = await ingestInto(dir);

    const store = await openStore(config.storage.db_file, { lake: config.storage.parquet_dir });
    try {
      const want = await valueByValue(store);
      expect(want.size).toBeGreaterThan(12);
      const trickyEvents = [...want.values()].find((evs) =>
        evs.some((e) => e.provenance.har_path.endsWith('tricky.har')),
      );
      expect(JSON.stringify(trickyEvents)).toContain('\\u0001');

      // One query for the store, then one capture a query (a store past the sort budget): same
      // captures, same events, same order.
      const whole = await replayed(store);
      expect([...whole.keys()]).toEqual([...want.keys()]);
      expect(whole).toEqual(want);
      // Params without a prototype, as decoded: a key named like an Object.prototype member is absent.
      for (const evs of whole.values())
        for (const e of evs)
          expect(['constructor' in e.params, Object.getPrototypeOf(e.params)]).toEqual([false, null]);
      const oneEach = await replayed(store, { budget: 1 });
      expect([...oneEach.keys()]).toEqual([...want.keys()]);
      expect(oneEach).toEqual(want);

      // A sample: only the captures named, each whole.
      const sample = [...want.keys()].filter((_, i) => i % 3 === 0);
      const some = await replayed(store, { hashes: sample, budget: 1 });
      expect([...some.keys()]).toEqual(sample);
      for (const h of sample) expect(some.get(h)).toEqual(want.get(h));
    } finally {
      store.close();
    }
  });

  it('reads a capture whose row is too large for its JSON text value by value, and the others as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-replay-big-'));
    mkdirSync(join(dir, 'hars'));
    // A 2 MB media name of quotes: its row's JSON text escapes it twice (the name, and the raw body that
    // holds it), and DuckDB grows that text by doubling. Beside it, an ordinary capture.
    writeFileSync(
      join(dir, 'hars', 'big.har'),
      harDoc([
        pageView(0),
        mc(1000, 'sessionStart', 0, { ...MC_START_PARAMS, 'media.name': '"x",'.repeat(500_000) }),
        mc(11_000, 'play', 0),
        mc(21_000, 'ping', 10),
      ]),
    );
    writeFileSync(join(dir, 'hars', 'small.har'), harDoc([pageView(0), ...hbStart(100)]));
    const config = await ingestInto(dir);
    const store = await openStore(config.storage.db_file, { lake: config.storage.parquet_dir });
    try {
      const want = await valueByValue(store);
      // A memory limit under which the big row's JSON text does not fit and its values do.
      await store.con.run(`SET memory_limit = '64MB'`);
      const got = await replayed(store);
      expect([...got.keys()]).toEqual([...want.keys()]);
      expect(got).toEqual(want);
      const big = [...got.values()].find((evs) => evs.some((e) => e.provenance.har_path.endsWith('big.har')));
      expect(String(big?.find((e) => e.family === 'media-collection')?.params['media.name']).length).toBe(
        2_000_000,
      );
    } finally {
      store.close();
    }
  });
});
