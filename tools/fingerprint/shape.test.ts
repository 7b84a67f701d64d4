import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../store/db.js';
import { rowToEnvelope } from '../store/rows.js';
import type { Store } from '../store/index.js';
import { corpus, T0 } from '../dictionary/fixtures.js';
import {
  HB_NEW,
  HB_OLD,
  heartbeatRequests,
  ingestHars,
  ingestInto,
  harJson,
  tmpDir,
} from '../dictionary/testing.js';
import { coreKeys } from './features.js';
import { loadSessionShapes } from './session-shapes.js';
import { versionCore } from './version.js';
import { estimateJaccard, jaccard, lshCluster, MinHasher } from './minhash.js';
import { buildShapeModel, matchShape, readShapeModel, writeShapeModel, type SessionShape } from './shape.js';
import { setShapeModel } from './virtual.js';
import { evaluateShapes } from './eval.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

let store: Store;
let dir: string;
let shapes: SessionShape[];

beforeAll(async () => {
  dir = tmpDir('fp');
  setShapeModel(null); // no committed model influences the fixture store
  store = (await ingestHars(dir, corpus())).store;
  shapes = await loadSessionShapes(store.con);
}, 60_000);
afterAll(() => store?.close());
afterEach(() => setShapeModel(null));

describe('MinHash / LSH', () => {
  it('estimates Jaccard and clusters near-duplicates apart from other sets', () => {
    const h = new MinHasher(128);
    const a = Array.from({ length: 40 }, (_, i) => `k${i}`);
    const b = [...a.slice(0, 36), 'x1', 'x2', 'x3', 'x4']; // J = 36/44
    const j = jaccard(new Set(a), new Set(b));
    expect(Math.abs(estimateJaccard(h.signature(a), h.signature(b)) - j)).toBeLessThan(0.12);
    const other = Array.from({ length: 40 }, (_, i) => `z${i}`);
    const sets = [a, [...a, 'extra'], other, [...other.slice(1), 'y'], b].map((s) => new Set(s));
    const roots = lshCluster(sets, { threshold: 0.85 });
    expect(roots[0]).toBe(roots[1]);
    expect(roots[2]).toBe(roots[3]);
    expect(roots[0]).not.toBe(roots[2]);
    expect(roots[4]).not.toBe(roots[0]); // J 0.82 < 0.85
    expect(lshCluster(sets, { threshold: 0.8 })[4]).toBe(roots[0]);
  });
});

describe('shape clusters from a real store', () => {
  it('computes the same core keys in SQL and in memory', async () => {
    const rows = await queryRows(
      store.con,
      `SELECT * EXCLUDE (ts), CAST(ts AS VARCHAR) AS ts FROM event WHERE session_key IS NOT NULL ORDER BY ts_ms`,
    );
    const bySession = new Map<string, ReturnType<typeof rowToEnvelope>[]>();
    for (const r of rows) {
      const k = `${r.har_hash}\u0000${r.session_key}`;
      bySession.set(k, [...(bySession.get(k) ?? []), rowToEnvelope(r)]);
    }
    let compared = 0;
    for (const s of shapes) {
      const evs = bySession.get(`${s.har_hash}\u0000${s.session_key}`)!;
      expect(coreKeys(evs.map((e) => ({ event_type: e.sequence.event_type, params: e.params })))).toEqual(
        s.keys,
      );
      compared++;
    }
    expect(compared).toBe(shapes.length);
    const hb = shapes.find((s) => s.sdk === 'heartbeat')!;
    expect(hb.keys).toContain('l:event:playhead');
    expect(hb.keys).not.toContain('s:sp:hb_version'); // explicit version: never a feature
    expect(hb.keys).not.toContain('s:asset:ad_id'); // minority (ad) events: not core
    expect(shapes.find((s) => s.sdk === 'hb-api')!.keys).toContain('media.id'); // start-event metadata is core
  });

  it('separates SDK builds; sessions with and without ads share their build cluster', () => {
    const { model, assignment } = buildShapeModel(shapes);
    const hb = model.clusters.filter((c) => c.sdk === 'heartbeat');
    expect(hb.map((c) => c.dominant_version).sort()).toEqual([
      versionCore(HB_OLD.version),
      versionCore(HB_NEW.version),
    ]); // sessions carry the comparable core
    for (const c of hb) expect(c.version_share).toBe(1);
    expect(hb.every((c) => c.sessions === 4 && !c.novel)).toBe(true);
    const mc = model.clusters.filter((c) => c.sdk === 'hb-api');
    expect(mc.map((c) => c.dominant_version).sort()).toEqual(['3.1.2', '3.2.0']);
    const newer = mc.find((c) => c.dominant_version === '3.2.0')!;
    expect(newer.separating).toEqual(
      expect.arrayContaining(['+media.streamFormat', '+visitor.aamLocationHint']),
    );
    // ids are stable: same sessions in another order → same model
    const again = buildShapeModel([...shapes].reverse());
    expect(again.model).toEqual(model);
    expect(new Set(assignment).size).toBe(model.clusters.length);
    const ev = evaluateShapes(shapes, { holdOut: 0.5 });
    expect(ev.purity).toBe(1);
    expect(ev.recall).toBe(1);
  });

  it('model YAML round-trips and matches shapes: shape match, nearest neighbour, novel', () => {
    const { model } = buildShapeModel(shapes);
    const path = join(dir, 'dictionary', '_shapes.yaml');
    expect(writeShapeModel(path, model)).toBe(true);
    expect(writeShapeModel(path, model)).toBe(false); // unchanged bytes
    expect(readShapeModel(path)).toEqual(model);
    expect(readFileSync(path, 'utf8')).toContain('dominant_version: 2.2.2.230'); // the core of js-2.2.2.230-96e624
    const newHb = shapes.find((s) => s.sdk_version === versionCore(HB_NEW.version))!;
    expect(matchShape(model, newHb)).toMatchObject({
      method: 'shape',
      version_guess: versionCore(HB_NEW.version),
      confidence: 1,
    });
    const drifted = { ...newHb, keys: [...newHb.keys.slice(0, -6), 'l:new:a', 'l:new:b'] };
    const g = matchShape(model, drifted)!;
    expect(g.method).toBe('nearest');
    expect(g.confidence).toBeLessThan(0.5);
    expect(matchShape(model, { sdk: 'heartbeat', platform: 'web', keys: ['q1', 'q2'] })!.novel).toBe(true);
    expect(matchShape(model, { sdk: 'edge', platform: 'web', keys: ['x'] })).toBeNull();
  });

  it('gives sessions without an explicit version their cluster as virtual version at ingest', async () => {
    const { model } = buildShapeModel(shapes);
    setShapeModel(model);
    const newCluster = model.clusters.find((c) => c.dominant_version === versionCore(HB_NEW.version))!;
    mkdirSync(join(dir, 'unversioned'), { recursive: true });
    writeFileSync(
      join(dir, 'unversioned', 'nover.har'),
      harJson([
        ...heartbeatRequests({
          sid: '99990000111122223333',
          videoId: 'vid-9',
          name: 'X',
          length: 600,
          build: { ...HB_NEW, version: null },
          pings: 4,
          t0: T0 + 86_400_000,
        }),
        ...heartbeatRequests({
          sid: '99990000111122224444',
          videoId: 'vid-8',
          name: 'Y',
          length: 600,
          build: HB_OLD,
          pings: 2,
          t0: T0 + 86_400_000 + 5000,
        }),
      ]),
    );
    await ingestInto(store, dir, [join(dir, 'unversioned')]);
    const rows = await queryRows<{
      session_key: string;
      sdk_version: string | null;
      virtual_version: string | null;
      confidence: number;
    }>(
      store.con,
      `SELECT session_key, sdk_version, virtual_version, confidence FROM session WHERE session_key LIKE '9999%' ORDER BY session_key`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ sdk_version: null, virtual_version: newCluster.id });
    expect(rows[0].confidence).toBeGreaterThan(0);
    expect(rows[1]).toMatchObject({ sdk_version: versionCore(HB_OLD.version), virtual_version: null }); // explicit wins
  });

  it('ingest workers use the shape model of the process that started them (parsed once, sent at init)', async () => {
    const { model } = buildShapeModel(shapes);
    setShapeModel(model);
    const newCluster = model.clusters.find((c) => c.dominant_version === versionCore(HB_NEW.version))!;
    const drop = join(dir, 'pooled');
    mkdirSync(drop, { recursive: true });
    // ≥ 8 files so ingest forks its worker pool; each worker would otherwise read dictionary/_shapes.yaml.
    for (let i = 0; i < 8; i++)
      writeFileSync(
        join(drop, `nover-${i}.har`),
        harJson(
          heartbeatRequests({
            sid: `8888000011112222000${i}`,
            videoId: `vid-p${i}`,
            name: 'P',
            length: 600,
            build: { ...HB_NEW, version: null },
            pings: 4,
            t0: T0 + 2 * 86_400_000 + i * 60_000,
          }),
        ),
      );
    const { ingest } = await import('../ingest/run.js');
    const { GoblinConfig } = await import('../config/index.js');
    const work = join(dir, 'pooled-store');
    const config = GoblinConfig.parse({
      storage: { base_dir: work, db_file: join(work, 'g.duckdb'), parquet_dir: join(work, 'parquet') },
      pii: { salt_file: join(work, 'salt') },
    });
    const { store: pooled } = await ingest({ inputs: [drop], config, root: dir, quiet: true, workers: 2 });
    try {
      const rows = await queryRows<{ virtual_version: string | null }>(
        pooled.con,
        `SELECT virtual_version FROM session WHERE session_key LIKE '8888%'`,
      );
      expect(rows).toHaveLength(8);
      expect(rows.every((r) => r.virtual_version === newCluster.id)).toBe(true);
    } finally {
      pooled.close();
    }
  }, 60_000);
});
