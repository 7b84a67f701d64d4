/**
 * The Parquet lake as users break it: Ctrl-C in the middle of an export, a second process on the same
 * store, a part truncated on disk, shards ingested on different runners and merged. Real `goblin`
 * processes where the failure is a process's (signals, locks), real DuckDB everywhere.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateCorpus } from '../simulate/index.js';
import {
  checkLake,
  groupsOfSize,
  lakeFiles,
  publishRun,
  readManifest,
  unpublishRun,
  writeManifest,
  writeStagedPart,
} from './lake.js';
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

function writeConfig(dir: string, name: string, storage: string, db = 'g.duckdb') {
  writeFileSync(
    join(dir, name),
    [
      'storage:',
      `  base_dir: ${storage}`,
      `  db_file: ${storage}/${db}`,
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
  return goblinWith(process.env, cwd, ...args);
}

function goblinWith(env: NodeJS.ProcessEnv, cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env, timeout: 110_000 });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    last: r.stderr.trim().split('\n').at(-1) ?? '',
  };
}

/**
 * The events the store says it holds (one parsed capture per content hash, its beacons) against the rows
 * of every Parquet file in the lake, listed or not, and doctor's check.
 */
async function storeVsLake(db: string, lake: string) {
  const store = await openStore(db, { lake });
  try {
    const [s] = await queryRows<{ n: number }>(
      store.con,
      `SELECT coalesce(sum(b), 0)::INT AS n FROM (SELECT max(beacons) AS b FROM har_file WHERE status = 'parsed' GROUP BY hash)`,
    );
    // every Parquet file on disk, listed or not (none at all right after an interrupted first export)
    const files = lakeFiles(lake).parts.map((p) => `'${join(lake, p)}'`);
    const [p] = files.length
      ? await queryRows<{ n: number }>(
          store.con,
          `SELECT count(*)::INT AS n FROM read_parquet([${files.join(', ')}])`,
        )
      : [{ n: 0 }];
    return { store: s.n, lake: p.n, check: await checkLake(store.con, lake) };
  } finally {
    store.close();
  }
}

describe('Parquet lake: layout, crash safety, doctor, compact', () => {
  it('writes one part per run, sorted by sdk then time, listed in the manifest; compact merges runs', async () => {
    const w = workspace();
    const r = goblin(w.dir, ...INGEST, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const { parts, temps } = lakeFiles(w.lake);
    expect(temps).toEqual([]);
    // several years of captures, yet one file (the old layout wrote one per date × sdk)
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatch(/^events\/part-[^/]+\.parquet$/);
    expect(readManifest(w.lake).map((e) => e.path)).toEqual(parts);
    const c = await storeVsLake(w.db, w.lake);
    expect(c.lake).toBe(c.store);
    expect(c.check.missing).toEqual([]);
    // the query docs/ingest.md shows, as written there
    const mem = await openStore(':memory:');
    try {
      const rows = await queryRows<{ sdk: string; month: string; events: number }>(
        mem.con,
        `SELECT sdk, substr(date, 1, 7) AS month, count(*)::INT AS events
         FROM read_parquet('${w.lake}/events/*.parquet')
         GROUP BY ALL ORDER BY ALL`,
      );
      expect(new Set(rows.map((x) => x.month)).size).toBeGreaterThan(12);
      expect(rows.reduce((a, x) => a + x.events, 0)).toBe(c.store);
      // rows are stored in (sdk, time) order: what lets engines skip row groups
      const [o] = await queryRows<{ bad: number }>(
        mem.con,
        `SELECT count(*)::INT AS bad FROM (SELECT sdk, ts_ms, lag(sdk) OVER () AS psdk, lag(ts_ms) OVER () AS pts
           FROM read_parquet('${w.lake}/${parts[0]}')) WHERE psdk = sdk AND pts > ts_ms OR psdk > sdk`,
      );
      expect(o.bad).toBe(0);
    } finally {
      mem.close();
    }
    // a second drop is a second part; compact merges them into one
    simulateCorpus({ outDir: join(w.dir, 'more'), seed: 8, sessions: 6, profile: 'dense', bodyBytes: 2000 });
    expect(goblin(w.dir, 'ingest', 'more', '--min-parse-rate', '0', '--quiet').code).toBe(0);
    expect(lakeFiles(w.lake).parts).toHaveLength(2);
    const m = goblin(w.dir, 'compact');
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/^2 part\(s\) → 1/m);
    expect(lakeFiles(w.lake).parts).toHaveLength(1);
    const after = await storeVsLake(w.db, w.lake);
    expect(after.lake).toBe(after.store);
    expect(after.check).toMatchObject({ missing: [], broken: [], unlisted: [] });
  }, 120_000);

  it('a run past the part bound is written as several sorted parts; compact keeps the bound', async () => {
    // Before: one part per run, sorted in one DuckDB query, and a 4,000-capture drop (~300 MB of events)
    // failed at the 384 MB limit with "Out of Memory Error", nothing stored. Here the limit is scaled down
    // (192 MB: parts of at most 32 MB of events) so that a drop of 700 captures needs several parts.
    const w = workspace(700);
    const env = { ...process.env, GOBLIN_DUCKDB_MEMORY: '192MB' };
    const r = goblinWith(env, w.dir, ...INGEST, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const parts = lakeFiles(w.lake).parts;
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p).toMatch(/^events\/part-[^/]+-\d{3}\.parquet$/);
    expect(
      readManifest(w.lake)
        .map((e) => e.path)
        .sort(),
    ).toEqual(parts);
    const c = await storeVsLake(w.db, w.lake);
    expect(c.lake).toBe(c.store);
    expect(c.check).toMatchObject({ missing: [], broken: [], unlisted: [] });
    const mem = await openStore(':memory:');
    try {
      for (const p of parts) {
        // each part sorted by (sdk, time)
        const [o] = await queryRows<{ bad: number }>(
          mem.con,
          `SELECT count(*)::INT AS bad FROM (SELECT sdk, ts_ms, lag(sdk) OVER () AS psdk, lag(ts_ms) OVER () AS pts
             FROM read_parquet('${w.lake}/${p}')) WHERE psdk = sdk AND pts > ts_ms OR psdk > sdk`,
        );
        expect(o.bad).toBe(0);
      }
      // no event twice across the run's parts
      const [d] = await queryRows<{ n: number; ids: number }>(
        mem.con,
        `SELECT count(*)::INT AS n, count(DISTINCT (har_hash, entry_index, sub_index))::INT AS ids FROM read_parquet('${w.lake}/events/*.parquet')`,
      );
      expect(d.n).toBe(d.ids);
    } finally {
      mem.close();
    }
    // compact at the same limit: merges what fits, never one part past the bound, loses nothing
    const m = goblinWith(env, w.dir, 'compact');
    expect(m.code, m.stderr).toBe(0);
    const after = await storeVsLake(w.db, w.lake);
    expect(after.lake).toBe(after.store);
    expect(lakeFiles(w.lake).parts.length).toBeGreaterThan(1);
    // a part lost on disk: doctor --fix drops it and forgets its captures; the next ingest reads them again
    const [broken] = lakeFiles(w.lake).parts;
    truncateSync(join(w.lake, broken), 100);
    const fix = goblinWith(env, w.dir, 'doctor', '--fix');
    expect(fix.code, fix.stderr).toBe(0);
    expect(fix.stdout).toContain('fixed: removed 1 broken and 0 unlisted part(s)');
    expect(fix.stdout).toMatch(
      /fixed: forgot \d+ capture\(s\) whose events the dataset no longer holds whole/,
    );
    const forgot = await storeVsLake(w.db, w.lake);
    expect(forgot.lake).toBe(forgot.store);
    expect(forgot.store).toBeLessThan(after.store);
    expect(forgot.check).toMatchObject({ missing: [], foreign: 0, broken: [], unlisted: [] });
    const reread = goblinWith(env, w.dir, ...INGEST, '--quiet');
    expect(reread.code, reread.stderr).toBe(0);
    const fixed = await storeVsLake(w.db, w.lake);
    expect(fixed.lake).toBe(fixed.store);
    expect(fixed.store).toBe(after.store);
    expect(fixed.check).toMatchObject({ missing: [], broken: [], unlisted: [] });
  }, 120_000);

  it('SIGINT while the part is written (the load runs beside it): the next run leaves the dataset whole', async () => {
    const w = workspace(300);
    const child = spawn(process.execPath, [BIN, ...INGEST, '--quiet'], {
      cwd: w.dir,
      stdio: 'ignore',
    });
    // Interrupt as soon as the run's part exists under its temporary name: its COPY has begun, and the
    // store's load (on another connection) may or may not have committed yet.
    const events = join(w.lake, 'events');
    const writing = () => existsSync(events) && lakeFiles(w.lake).temps.length > 0;
    await new Promise<void>((res, rej) => {
      const t = setInterval(() => {
        if (writing()) {
          clearInterval(t);
          child.kill('SIGINT');
          res();
        }
      }, 2);
      child.on('exit', () => (clearInterval(t), rej(new Error('ingest ended before it was interrupted'))));
    });
    await new Promise((res) => child.on('exit', res));
    expect(readManifest(w.lake)).toEqual([]);
    const broken = await storeVsLake(w.db, w.lake);
    // The store commits a run only after its part is published: nothing of the run is stored.
    expect(broken.store).toBe(0);
    expect(broken.lake).toBe(0);
    // a staging folder of the interrupted run would also be left behind: the next run removes it
    mkdirSync(join(w.dir, 'storage', 'staging', 'interrupted-run'), { recursive: true });
    const again = goblin(w.dir, ...INGEST);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/new HARs stored [1-9]/);
    expect(again.stdout).toMatch(/removed [12] staging folder\(s\) of interrupted runs/);
    expect(existsSync(join(w.dir, 'storage', 'staging', 'interrupted-run'))).toBe(false);
    const fixed = await storeVsLake(w.db, w.lake);
    expect(fixed.lake).toBe(fixed.store);
    expect(fixed.store).toBeGreaterThan(0);
    expect(fixed.check).toMatchObject({ missing: [], broken: [], unlisted: [], temps: [] });
    expect(goblin(w.dir, 'doctor').code).toBe(0);
  }, 180_000);

  it('a run that published its part and died before the store committed it: the part goes, the captures are stored once', async () => {
    const w = workspace(40);
    // What a crash between publishing and the store's commit leaves: a listed part and its marker, and
    // nothing of the run in the store. Made from the staged rows of a real ingest into another store.
    const { ingest, storeAndExport } = await import('../ingest/run.js');
    const { loadStaging } = await import('../ingest/load.js');
    const { stagedFiles } = await import('../ingest/load.js');
    const { GoblinConfig } = await import('../config/index.js');
    const cfg = GoblinConfig.parse({
      storage: { base_dir: join(w.dir, 'storage'), db_file: w.db, parquet_dir: join(w.dir, 'other-lake') },
      pii: { salt_file: join(w.dir, 'salt') },
    });
    const first = await ingest({
      inputs: [w.hars],
      config: cfg,
      root: w.dir,
      quiet: true,
      workers: 1,
      keepStaging: true,
    });
    first.store.close();
    const staged = first.summary.staging_dir;
    const crashedDb = join(w.dir, 'storage', 'crashed.duckdb');
    const store = await openStore(crashedDb, { lake: w.lake });
    try {
      await loadStaging(store.con, staged, 'crashed-run', { commit: false });
      const parts = await writeStagedPart(
        store.con,
        w.lake,
        'crashed-run',
        stagedFiles(staged, 'event'),
        (src) => `SELECT * FROM read_parquet(${src})`,
      );
      publishRun(w.lake, 'crashed-run', parts);
      // the process dies here: closing without a commit rolls the load back, as a crash does
    } finally {
      store.close();
    }
    expect(readManifest(w.lake).map((e) => e.run_id)).toEqual(['crashed-run']);
    expect(existsSync(join(w.lake, '_pending', 'crashed-run'))).toBe(true);
    writeConfig(w.dir, 'crashed.yaml', 'storage', 'crashed.duckdb');
    const again = goblin(w.dir, ...INGEST, '--config', 'crashed.yaml');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      'removed the Parquet parts of interrupted run crashed-run: the store never recorded its captures, so the next ingest reads them again',
    );
    expect(existsSync(join(w.lake, '_pending'))).toBe(true);
    expect(existsSync(join(w.lake, '_pending', 'crashed-run'))).toBe(false);
    const fixed = await storeVsLake(crashedDb, w.lake);
    expect(fixed.lake).toBe(fixed.store);
    expect(fixed.store).toBe(first.summary.events_exported);
    expect(fixed.check).toMatchObject({ missing: [], foreign: 0, broken: [], unlisted: [], temps: [] });

    // A crash after the commit, before the marker went: the run is the store's, its part stays.
    const kept = join(w.dir, 'storage', 'kept.duckdb');
    const k = await openStore(kept, { lake: join(w.dir, 'kept-lake') });
    try {
      await storeAndExport(k, staged, 'kept-run', { workers_s: 0, load_s: 0, parquet_s: 0 });
    } finally {
      k.close();
    }
    writeFileSync(join(w.dir, 'kept-lake', '_pending', 'kept-run'), 'kept-run');
    const reopened = await openStore(kept, { lake: join(w.dir, 'kept-lake') });
    try {
      expect(reopened.notes).toEqual([]);
      const [n] = await queryRows<{ n: number }>(reopened.con, `SELECT count(*)::INT AS n FROM event`);
      expect(n.n).toBe(first.summary.events_exported);
    } finally {
      reopened.close();
    }
    expect(existsSync(join(w.dir, 'kept-lake', '_pending', 'kept-run'))).toBe(false);
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

  it('goblin doctor finds a truncated part; --fix drops it and forgets its captures, which the next ingest reads again', async () => {
    const w = workspace(8);
    expect(goblin(w.dir, ...INGEST, '--quiet').code).toBe(0);
    const whole = await storeVsLake(w.db, w.lake);
    const [victim] = readManifest(w.lake);
    truncateSync(join(w.lake, victim.path), 100); // "No magic bytes": what a killed writer leaves
    writeFileSync(join(w.lake, 'events', 'stray.parquet.tmp'), 'x');
    const sick = goblin(w.dir, 'doctor');
    expect(sick.code).toBe(1);
    expect(sick.stdout).toContain(`broken part ${victim.path}: unreadable`);
    // the temporary went when the store was opened (under its lock, no export can be running)
    expect(sick.stdout).toContain(
      'note: removed 1 temporary Parquet part(s) left by an interrupted run: events/stray.parquet.tmp',
    );
    expect(existsSync(join(w.lake, 'events', 'stray.parquet.tmp'))).toBe(false);
    expect(sick.stdout).toMatch(/: \d+ events stored for it, 0 in the Parquet dataset/);
    expect(sick.last).toMatch(/run goblin doctor --fix/);
    const fix = goblin(w.dir, 'doctor', '--fix');
    expect(fix.code, fix.stdout + fix.stderr).toBe(0);
    expect(fix.stdout).toContain('fixed: removed 1 broken and 0 unlisted part(s)');
    expect(fix.stdout).toMatch(/fixed: forgot \d+ capture\(s\)/);
    expect(goblin(w.dir, 'doctor').code).toBe(0);
    const again = goblin(w.dir, ...INGEST);
    expect(again.code, again.stderr).toBe(0);
    const c = await storeVsLake(w.db, w.lake);
    expect(c.lake).toBe(c.store);
    expect(c.store).toBe(whole.store);
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
    expect(mergedParts).toHaveLength(1);
    const mem = await openStore(':memory:');
    try {
      const q = (lake: string) =>
        queryRows<{ sdk: string; month: string; n: number; digest: string }>(
          mem.con,
          `SELECT sdk, substr(date, 1, 7) AS month, count(*)::INT AS n,
             md5(string_agg(event_id || '|' || coalesce(ecid, '') || '|' || CAST(params AS VARCHAR), ',' ORDER BY event_id)) AS digest
           FROM read_parquet('${lake}/events/*.parquet') GROUP BY ALL ORDER BY ALL`,
        );
      const one = await q(w.lake);
      expect(one.length).toBeGreaterThan(3);
      expect(await q(merged)).toEqual(one);
    } finally {
      mem.close();
    }
    // compacting again is a no-op: one part per partition already
    const again = goblin(w.dir, 'compact', '--config', 'merged.yaml');
    expect(again.stdout).toMatch(/^1 part\(s\) → 1/m);
    expect(readFileSync(join(merged, '_manifest.jsonl'), 'utf8').trim().split('\n').length).toBe(
      mergedParts.length,
    );
  }, 240_000);
});

describe('events in the dataset alone: what a user can break', () => {
  it('a part damaged inside (its footer whole): doctor finds it, validate --store refuses to pass, --fix and a re-ingest mend it', async () => {
    const w = workspace(8);
    expect(goblin(w.dir, ...INGEST, '--quiet').code).toBe(0);
    const whole = await storeVsLake(w.db, w.lake);
    const [part] = readManifest(w.lake);
    const file = join(w.lake, part.path);
    const bytes = readFileSync(file);
    const footer = bytes.readUInt32LE(bytes.length - 8);
    // noise over the column data, the footer (and so the row count) left as it was
    for (let i = 4; i < bytes.length - 8 - footer; i++) bytes[i] = (i * 2654435761) >>> 24;
    writeFileSync(file, bytes);
    const sick = goblin(w.dir, 'doctor');
    expect(sick.code, sick.stdout + sick.stderr).toBe(1);
    expect(sick.stdout).toContain(`broken part ${part.path}: unreadable`);
    const replay = goblin(w.dir, 'validate', '--store', '--out', 'out', '--min-parse-rate', '0');
    expect(replay.code, replay.stdout + replay.stderr).toBe(3);
    expect(replay.last).toMatch(
      /the store's events could not be read from its Parquet dataset \(.*\): run goblin doctor$/,
    );
    // every reader of the store's events says the same (the view is where they are read)
    const stats = goblin(w.dir, 'stats');
    expect(stats.code).toBe(3);
    expect(stats.last).toMatch(/could not be read from its Parquet dataset \(.*\): run goblin doctor$/);
    expect(goblin(w.dir, 'doctor', '--fix').code).toBe(0);
    expect(goblin(w.dir, ...INGEST, '--quiet').code).toBe(0);
    const c = await storeVsLake(w.db, w.lake);
    expect(c.store).toBe(whole.store);
    expect(c.lake).toBe(c.store);
    expect(goblin(w.dir, 'validate', '--store', '--out', 'out', '--min-parse-rate', '0').code).toBe(0);
    // a part gone altogether: the view leaves it out, and the replay names what it could not read
    const [only] = readManifest(w.lake);
    rmSync(join(w.lake, only.path));
    const missing = goblin(w.dir, 'validate', '--store', '--out', 'out', '--min-parse-rate', '0');
    expect(missing.code).toBe(3);
    expect(missing.last).toMatch(
      /stored capture\(s\) have no events in the Parquet dataset .*left out of the store's events: .* \(missing\)/,
    );
  }, 120_000);

  it("a torn last manifest line does not swallow the next run's line; odd entries in _pending are settled, not fatal", async () => {
    const w = workspace(6);
    expect(goblin(w.dir, ...INGEST, '--quiet').code).toBe(0);
    // a crash while appending a line, then an empty marker (a crash between creating and writing it) and
    // a stray folder
    writeFileSync(
      join(w.lake, '_manifest.jsonl'),
      readFileSync(join(w.lake, '_manifest.jsonl'), 'utf8') +
        '{"path":"events/part-x.parquet","run_id":"x","ro',
    );
    mkdirSync(join(w.lake, '_pending', 'stray-folder'), { recursive: true });
    writeFileSync(join(w.lake, '_pending', 'crashed-before-writing'), '');
    simulateCorpus({
      outDir: join(w.dir, 'more'),
      seed: 9,
      sessions: 4,
      profile: 'dense',
      bodyBytes: 2000,
      faultRate: 0,
    });
    const more = goblin(w.dir, 'ingest', 'more', '--min-parse-rate', '0');
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).toContain('removed the Parquet parts of interrupted run crashed-before-writing');
    expect(readManifest(w.lake)).toHaveLength(2);
    const c = await storeVsLake(w.db, w.lake);
    expect(c.lake).toBe(c.store);
    expect(c.check).toMatchObject({ missing: [], broken: [], unlisted: [] });
    expect(goblin(w.dir, 'doctor').code).toBe(0);
  }, 120_000);

  it('compact --from refuses a dataset that has a store (it would count captures the store never read)', async () => {
    const w = workspace(4);
    expect(goblin(w.dir, ...INGEST, '--quiet').code).toBe(0);
    writeConfig(w.dir, 'other.yaml', 'other');
    expect(goblin(w.dir, ...INGEST, '--quiet', '--config', 'other.yaml').code).toBe(0);
    const before = readFileSync(join(w.lake, '_manifest.jsonl'), 'utf8');
    const r = goblin(w.dir, 'compact', '--from', 'other/parquet');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from merges other datasets into one that has no store of its own');
    expect(readFileSync(join(w.lake, '_manifest.jsonl'), 'utf8')).toBe(before);
  }, 120_000);

  it("dictionary diff reads the store's events from its dataset (a copy of the store alone has none)", async () => {
    const w = workspace(6);
    expect(goblin(w.dir, ...INGEST, '--quiet').code).toBe(0);
    expect(goblin(w.dir, 'dictionary', 'induce', '--dir', 'dict').code).toBe(0);
    // the same files again: nothing new is stored, so nothing in the dictionary may change
    const d = goblin(w.dir, 'dictionary', 'diff', 'hars', '--dir', 'dict', '--stat', '--quiet');
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout.trim()).toBe('');
  }, 120_000);
});

describe('parts of a bounded size: the pieces', () => {
  it('cuts files into consecutive groups of at most the budget; a file over it is a group of its own', () => {
    const f = (bytes: number) => ({ path: `p${bytes}`, bytes });
    expect(groupsOfSize([f(40), f(50), f(20), f(200), f(10)], 100).map((g) => g.map((x) => x.bytes))).toEqual(
      [[40, 50], [20], [200], [10]],
    );
    expect(groupsOfSize([], 100)).toEqual([]);
  });

  it("removing a run's parts never removes another run's part whose name starts like it", async () => {
    const lake = mkdtempSync(join(tmpdir(), 'goblin-parts-'));
    mkdirSync(join(lake, 'events'));
    // `nightly-001` is a run of its own; `nightly` once wrote several parts and is removed
    for (const n of ['part-nightly-001', 'part-nightly-000', 'part-nightly-002'])
      writeFileSync(join(lake, 'events', `${n}.parquet`), 'x');
    writeManifest(lake, [
      { path: 'events/part-nightly-001.parquet', run_id: 'nightly-001', rows: 1, min_ts_ms: 0, max_ts_ms: 0 },
      { path: 'events/part-nightly-000.parquet', run_id: 'nightly', rows: 1, min_ts_ms: 0, max_ts_ms: 0 },
      { path: 'events/part-nightly-002.parquet', run_id: 'nightly', rows: 1, min_ts_ms: 0, max_ts_ms: 0 },
    ]);
    unpublishRun(lake, 'nightly');
    expect(lakeFiles(lake).parts).toEqual(['events/part-nightly-001.parquet']);
    expect(readManifest(lake).map((e) => e.run_id)).toEqual(['nightly-001']);
  });
});
