/**
 * The Parquet lake as users break it: Ctrl-C in the middle of an export, a second process on the same
 * store, a part truncated on disk, shards ingested on different runners and merged. Real `goblin`
 * processes where the failure is a process's (signals, locks), real DuckDB everywhere.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateCorpus } from '../simulate/index.js';
import { checkLake, lakeFiles, readManifest } from './lake.js';
import { openStore, queryRows } from './index.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin', 'goblin.js');

/** A scratch folder with a config whose storage lives inside it, and a dense simulated drop. */
function workspace(sessions = 24) {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-lake-'));
  const hars = join(dir, 'hars');
  simulateCorpus({ outDir: hars, seed: 7, sessions, profile: 'dense', bodyBytes: 2000, faultRate: 0 });
  writeConfig(dir, 'goblin.config.yaml', 'storage');
  return { dir, hars, db: join(dir, 'storage', 'g.duckdb'), lake: join(dir, 'storage', 'parquet') };
}

function writeConfig(dir: string, name: string, storage: string) {
  writeFileSync(
    join(dir, name),
    [
      'storage:',
      `  base_dir: ${storage}`,
      `  db_file: ${storage}/g.duckdb`,
      `  parquet_dir: ${storage}/parquet`,
      'pii:',
      '  salt_file: salt', // one salt for every store of the workspace: shards hash ids alike
      '',
    ].join('\n'),
  );
}

/** The simulated drop holds a few deliberately broken files: the parse-rate gate is not under test here. */
const INGEST = ['ingest', 'hars', '--workers', '1', '--min-parse-rate', '0'];

function goblin(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 110_000 });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    last: r.stderr.trim().split('\n').at(-1) ?? '',
  };
}

async function storeVsLake(db: string, lake: string) {
  const store = await openStore(db);
  try {
    const [s] = await queryRows<{ n: number }>(store.con, `SELECT count(*)::INT AS n FROM event`);
    const [p] = await queryRows<{ n: number }>(
      store.con,
      `SELECT count(*)::INT AS n FROM read_parquet('${lake}/events/**/*.parquet', hive_partitioning = true)`,
    );
    return { store: s.n, lake: p.n, check: await checkLake(store.con, lake) };
  } finally {
    store.close();
  }
}

describe('Parquet lake: layout, crash safety, doctor, compact', () => {
  it('writes one part per sdk × month, sorted by time, all listed in the manifest', async () => {
    const w = workspace();
    const r = goblin(w.dir, ...INGEST, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const { parts, temps } = lakeFiles(w.lake);
    expect(temps).toEqual([]);
    expect(parts.every((p) => /^events\/sdk=[^/]+\/month=\d{4}-\d{2}\/part-[^/]+\.parquet$/.test(p))).toBe(
      true,
    );
    expect(
      readManifest(w.lake)
        .map((e) => e.path)
        .sort(),
    ).toEqual(parts);
    // several years of captures: many months, yet one part per partition (not one per date)
    const months = new Set(parts.map((p) => p.split('/')[2]));
    expect(months.size).toBeGreaterThan(12);
    expect(parts.length).toBe(new Set(parts.map((p) => p.split('/').slice(0, 3).join('/'))).size);
    const c = await storeVsLake(w.db, w.lake);
    expect(c.lake).toBe(c.store);
    expect(c.check.mismatched).toEqual([]);
    // the query docs/ingest.md shows, as written there
    const mem = await openStore(':memory:');
    try {
      const rows = await queryRows<{ sdk: string; month: string; events: number }>(
        mem.con,
        `SELECT sdk, month, count(*)::INT AS events, min(ts) <= max(ts) AS ordered
         FROM read_parquet('${w.lake}/events/**/*.parquet', hive_partitioning = true)
         GROUP BY ALL ORDER BY sdk, month`,
      );
      expect(rows.reduce((a, x) => a + x.events, 0)).toBe(c.store);
    } finally {
      mem.close();
    }
  }, 120_000);

  it('SIGINT in the middle of a real export: the next run re-exports it and the dataset is whole', async () => {
    const w = workspace(60);
    const child = spawn(process.execPath, [BIN, ...INGEST, '--quiet'], {
      cwd: w.dir,
      stdio: 'ignore',
    });
    // Interrupt as soon as the first part is renamed into place: the export has begun, not ended.
    const events = join(w.lake, 'events');
    await new Promise<void>((res, rej) => {
      const t = setInterval(() => {
        if (existsSync(join(w.lake, '_manifest.jsonl'))) {
          clearInterval(t);
          child.kill('SIGINT');
          res();
        }
      }, 2);
      child.on('exit', () => (clearInterval(t), rej(new Error('ingest ended before it was interrupted'))));
    });
    await new Promise((res) => child.on('exit', res));
    expect(existsSync(events)).toBe(true);
    const broken = await storeVsLake(w.db, w.lake);
    expect(broken.check.pending_runs.length).toBe(1);
    expect(broken.lake).toBeLessThan(broken.store);
    // a staging folder of the interrupted run would also be left behind: the next run removes it
    mkdirSync(join(w.dir, 'storage', 'staging', 'interrupted-run'), { recursive: true });
    const again = goblin(w.dir, ...INGEST);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/repaired the Parquet export of interrupted run/);
    expect(again.stdout).toMatch(/removed [12] staging folder\(s\) of interrupted runs/);
    expect(existsSync(join(w.dir, 'storage', 'staging', 'interrupted-run'))).toBe(false);
    const fixed = await storeVsLake(w.db, w.lake);
    expect(fixed.lake).toBe(fixed.store);
    expect(fixed.check).toMatchObject({
      mismatched: [],
      broken: [],
      unlisted: [],
      temps: [],
      pending_runs: [],
    });
    expect(goblin(w.dir, 'doctor').code).toBe(0);
  }, 180_000);

  it('a second process on the same store is told who holds it (exit 3), not a raw lock error', async () => {
    const w = workspace(4);
    expect(goblin(w.dir, ...INGEST, '--quiet').code).toBe(0);
    const held = await openStore(w.db);
    try {
      const r = goblin(w.dir, ...INGEST, '--quiet');
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`another goblin process (PID ${process.pid}) is using storage/g.duckdb`);
      expect(r.stderr).toContain('wait or use another --config');
    } finally {
      held.close();
    }
  }, 120_000);

  it('goblin doctor finds a truncated part and --fix rebuilds its partition from the store', async () => {
    const w = workspace(8);
    expect(goblin(w.dir, ...INGEST, '--quiet').code).toBe(0);
    const [victim] = readManifest(w.lake);
    truncateSync(join(w.lake, victim.path), 100); // "No magic bytes": what a killed writer leaves
    writeFileSync(join(w.lake, 'events', 'stray.parquet.tmp'), 'x');
    const sick = goblin(w.dir, 'doctor');
    expect(sick.code).toBe(1);
    expect(sick.stdout).toContain(`broken part ${victim.path}: unreadable`);
    expect(sick.stdout).toContain('temporary part left by an interrupted export: events/stray.parquet.tmp');
    expect(sick.last).toMatch(/run goblin doctor --fix/);
    const fix = goblin(w.dir, 'doctor', '--fix');
    expect(fix.code, fix.stdout + fix.stderr).toBe(0);
    expect(fix.stdout).toContain(`fixed: rebuilt sdk=${victim.sdk}/month=${victim.month} from the store`);
    const c = await storeVsLake(w.db, w.lake);
    expect(c.lake).toBe(c.store);
  }, 120_000);

  it('n shards ingested apart + goblin compact --from give the same query results as one ingest', async () => {
    const w = workspace(30);
    expect(goblin(w.dir, ...INGEST, '--quiet').code).toBe(0);
    for (const i of [0, 1, 2]) {
      writeConfig(w.dir, `shard${i}.yaml`, `shard${i}`);
      const r = goblin(w.dir, ...INGEST, '--shard', `${i}/3`, '--quiet', '--config', `shard${i}.yaml`);
      expect(r.code, r.stderr).toBe(0);
    }
    writeConfig(w.dir, 'merged.yaml', 'merged');
    const m = goblin(
      w.dir,
      'compact',
      '--config',
      'merged.yaml',
      ...[0, 1, 2].flatMap((i) => ['--from', `shard${i}/parquet`]),
    );
    expect(m.code, m.stderr).toBe(0);
    const merged = join(w.dir, 'merged', 'parquet');
    const mergedParts = lakeFiles(merged).parts;
    expect(mergedParts.length).toBe(lakeFiles(w.lake).parts.length);
    const mem = await openStore(':memory:');
    try {
      const q = (lake: string) =>
        queryRows<{ sdk: string; month: string; n: number; digest: string }>(
          mem.con,
          `SELECT sdk, month, count(*)::INT AS n,
             md5(string_agg(event_id || '|' || coalesce(ecid, '') || '|' || CAST(params AS VARCHAR), ',' ORDER BY event_id)) AS digest
           FROM read_parquet('${lake}/events/**/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL`,
        );
      const one = await q(w.lake);
      expect(one.length).toBeGreaterThan(3);
      expect(await q(merged)).toEqual(one);
    } finally {
      mem.close();
    }
    // compacting again is a no-op: one part per partition already
    const again = goblin(w.dir, 'compact', '--config', 'merged.yaml');
    expect(again.stdout).toMatch(/0 partition\(s\) rewritten/);
    expect(readFileSync(join(merged, '_manifest.jsonl'), 'utf8').trim().split('\n').length).toBe(
      mergedParts.length,
    );
  }, 240_000);
});
