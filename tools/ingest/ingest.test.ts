import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { openStore, queryRows } from '../store/index.js';
import { ECID, harDoc, hb, hbStart, mc, MC_START_PARAMS, pageView } from '../validate/testing/index.js';
import { loadStaging } from './load.js';
import { ingest } from './run.js';
import { runPool, startPool } from './pool.js';
import { expandInputs } from '../har/index.js';
import { fileContext } from '../validate/files.js';
import { withOneDuckDbThread } from '../store/db.js';

const root = resolve(import.meta.dirname, '../..');

/** This process's ingest workers still alive after up to `ms` (a killed child takes a moment to go). */
async function childWorkersAfter(ms: number): Promise<string[]> {
  const alive = () =>
    execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('ingest-worker'));
  for (const until = Date.now() + ms; alive().length && Date.now() < until;)
    await new Promise((r) => setTimeout(r, 50));
  return alive();
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-ingest-'));
  const hars = join(dir, 'hars');
  mkdirSync(join(hars, 'web'), { recursive: true });
  mkdirSync(join(hars, 'ios'), { recursive: true });
  const session = [
    ...hbStart(0),
    hb(10400, 'play', 10),
    hb(20400, 'play', 20),
    hb(21000, 'complete', 20),
    hb(21100, 'end', 20),
  ];
  writeFileSync(join(hars, 'web', 'hb.har'), harDoc([pageView(-1000), ...session]));
  writeFileSync(
    join(hars, 'ios', 'mc.har.gz'),
    gzipSync(
      harDoc(
        [
          mc(0, 'sessionStart', 0, MC_START_PARAMS),
          mc(300, 'play', 0),
          mc(10300, 'ping', 10),
          mc(11000, 'sessionEnd', 10),
        ],
        'Charles Proxy',
      ),
    ),
  );
  // a file with one malformed entry among good ones
  const withBad = JSON.parse(harDoc([pageView(0), pageView(5000)]));
  withBad.log.entries.splice(1, 0, { request: { method: 'GET' } });
  writeFileSync(join(hars, 'web', 'bad-entry.har'), JSON.stringify(withBad));
  writeFileSync(join(hars, 'web', 'truncated.har'), '{"log":{"version":"1.2","entries":[{"request":');
  writeFileSync(
    join(hars, 'web', 'pointer.har'),
    'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 1234\n',
  );
  for (let i = 0; i < 10; i++)
    writeFileSync(join(hars, 'web', `extra-${i}.har`), harDoc([pageView(i * 1000, `&v${i + 1}=x`)]));
  const config = GoblinConfig.parse({
    storage: {
      base_dir: join(dir, 'storage'),
      db_file: join(dir, 'storage', 'g.duckdb'),
      parquet_dir: join(dir, 'storage', 'parquet'),
    },
    pii: { salt_file: join(dir, 'salt') },
  });
  return { dir, hars, config };
}

/** A file the store has under the same path, size and mtime is read (not skipped as unchanged) and stored. */
async function expectReadAgain(file: string, config: GoblinConfig): Promise<void> {
  const again = await ingest({ inputs: [file], config, root, quiet: true, workers: 1 });
  try {
    expect(again.summary).toMatchObject({ files_skipped_unchanged: 0, files_parsed: 1, new_hars_stored: 1 });
  } finally {
    again.store.close();
  }
}

describe('goblin ingest', () => {
  it('stores every beacon, quarantines bad input with reasons, and exports partitioned Parquet (worker pool)', async () => {
    const w = workspace();
    const { summary, store } = await ingest({
      inputs: [w.hars],
      config: w.config,
      root: w.dir, // stored paths are relative to it: hars/web/…
      quiet: true,
      workers: 2,
    });
    try {
      expect(summary).toMatchObject({
        files_seen: 15,
        files_parsed: 13,
        files_quarantined: 1,
        lfs_pointers: 1,
        entries_quarantined: 1,
        new_hars_stored: 13,
      });
      expect(summary.quarantine_by_reason).toEqual({ 'invalid-json': 1, 'malformed-entry': 1 });
      expect(summary.messages).toEqual(['hars/web/pointer.har: LFS object not fetched — run git lfs pull']);
      expect(summary.beacons_by_family).toMatchObject({ heartbeat: 7, aa: 14, 'media-collection': 4 });
      // Most beacons first, whichever worker reported first: summary.json is the same from run to run.
      const counts = Object.values(summary.beacons_by_family);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      const q = await queryRows<{ scope: string; path: string; reason: string; detail: string }>(
        store.con,
        'SELECT scope, path, reason, detail FROM quarantine ORDER BY path',
      );
      expect(q).toEqual([
        {
          scope: 'entry',
          path: 'hars/web/bad-entry.har',
          reason: 'malformed-entry',
          detail: 'request has no url',
        },
        {
          scope: 'file',
          path: 'hars/web/truncated.har',
          reason: 'invalid-json',
          detail: expect.stringMatching(/JSON/),
        },
      ]);
      const sessions = await queryRows<{
        session_key: string;
        protocol: string;
        platform: string;
        sdk_version: string;
        sdk_version_raw: string;
      }>(
        store.con,
        `SELECT session_key, protocol, platform, sdk_version, sdk_version_raw FROM session WHERE kind = 'media' ORDER BY protocol`,
      );
      expect(sessions).toEqual([
        {
          session_key: '1527464150037459529420',
          protocol: 'heartbeat',
          platform: 'web',
          sdk_version: '2.2.2.230',
          sdk_version_raw: 'js-2.2.2.230-96e624',
        },
        {
          session_key: expect.stringMatching(/^139bd3c6/),
          protocol: 'media-collection',
          platform: 'web',
          sdk_version: '3.1.0',
          sdk_version_raw: 'js-3.1.0',
        },
      ]);
      // PII on by default: no clear ECID anywhere in the stored events; equal ids stay equal.
      const leaks = await queryRows<{ n: number }>(
        store.con,
        `SELECT count(*)::INT AS n FROM event WHERE CAST(params AS VARCHAR) LIKE '%${ECID}%' OR raw_query LIKE '%${ECID}%' OR raw_body LIKE '%${ECID}%' OR ecid = '${ECID}'`,
      );
      expect(leaks[0].n).toBe(0);
      const ids = await queryRows<{ n: number }>(
        store.con,
        `SELECT count(DISTINCT ecid)::INT AS n FROM event WHERE ecid IS NOT NULL`,
      );
      expect(ids[0].n).toBe(1);
      const parquet = await queryRows<{ sdk: string; n: number }>(
        store.con,
        `SELECT sdk, count(*)::INT AS n FROM read_parquet('${w.config.storage.parquet_dir}/events/**/*.parquet', hive_partitioning = true) GROUP BY sdk ORDER BY sdk`,
      );
      expect(parquet).toEqual([
        { sdk: 'aa', n: 14 },
        { sdk: 'hb-api', n: 4 },
        { sdk: 'heartbeat', n: 7 },
      ]);
    } finally {
      store.close();
    }
  });

  it('re-ingesting is a no-op and new files are added incrementally (content hash)', async () => {
    const w = workspace();
    (await ingest({ inputs: [w.hars], config: w.config, root, quiet: true, workers: 1 })).store.close();
    const again = await ingest({ inputs: [w.hars], config: w.config, root, quiet: true, workers: 1 });
    again.store.close();
    expect(again.summary).toMatchObject({
      files_skipped_unchanged: 15,
      new_hars_stored: 0,
      events_exported: 0,
    });
    // touched file with identical content: re-read, but the hash is known → nothing stored twice
    utimesSync(join(w.hars, 'web', 'hb.har'), new Date(), new Date(Date.now() + 5000));
    writeFileSync(join(w.hars, 'web', 'new.har'), harDoc([pageView(0, '&v9=new')]));
    const third = await ingest({ inputs: [w.hars], config: w.config, root, quiet: true, workers: 1 });
    try {
      expect(third.summary).toMatchObject({
        files_skipped_unchanged: 14,
        files_parsed: 2,
        new_hars_stored: 1,
      });
      const n = await queryRows<{ n: number }>(third.store.con, `SELECT count(*)::INT AS n FROM event`);
      expect(n[0].n).toBe(26);
    } finally {
      third.store.close();
    }
  });

  it('an incremental ingest into a store that exists forks no worker until it knows what is new', async () => {
    const w = workspace();
    (await ingest({ inputs: [w.hars], config: w.config, root, quiet: true, workers: 2 })).store.close();
    // 15 inputs, every one unchanged: workers forked ahead would only have been ended (0.53 → 0.86 s for a
    // no-op ingest of 40 files).
    let started = 0;
    const again = await ingest({
      inputs: [w.hars],
      config: w.config,
      root,
      quiet: true,
      workers: 2,
      onWorkerEnd: () => void started++,
    });
    again.store.close();
    expect(again.summary).toMatchObject({ files_skipped_unchanged: 15, new_hars_stored: 0 });
    expect(started).toBe(0);
    expect(await childWorkersAfter(0)).toEqual([]);
  });

  it('workers forked ahead are ended when the store cannot be opened (another process holds it)', async () => {
    const w = workspace();
    mkdirSync(join(w.dir, 'storage'), { recursive: true });
    // Another process holds the store until told to let go.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api'; const db = await DuckDBInstance.create(${JSON.stringify(w.config.storage.db_file)}); console.log('held'); process.stdin.once('data', () => { db.closeSync(); process.exit(0); });`,
      ],
      { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((res) => holder.stdout!.once('data', res));
      // Validation reads every input, so the pool is forked before the store is opened.
      await expect(
        ingest({
          inputs: [w.hars],
          config: w.config,
          root,
          quiet: true,
          workers: 2,
          validate: { specsDir: 'specs' },
        }),
      ).rejects.toThrow(/another goblin process/);
      expect(await childWorkersAfter(5000)).toEqual([]);
    } finally {
      holder.stdin!.write('x');
    }
  });

  it('an input that is not there fails the ingest before the store is opened: no store is made', async () => {
    const w = workspace();
    await expect(
      ingest({ inputs: [join(w.hars, 'nope.har')], config: w.config, root, quiet: true, workers: 2 }),
    ).rejects.toThrow(/input not found/);
    expect(existsSync(w.config.storage.db_file)).toBe(false);
  });

  it('a worker forked ahead that dies before the pool takes it over fails the run with its exit code', async () => {
    const w = workspace();
    const pool = await startPool(2);
    const dead = new Promise((r) => pool.children[1].once('exit', r));
    pool.children[1].kill('SIGKILL');
    await dead;
    const files = expandInputs([w.hars], w.dir);
    mkdirSync(join(w.dir, 'staging'), { recursive: true });
    const run = runPool(
      files,
      {
        workers: 2,
        batchFiles: 2,
        stagingDir: join(w.dir, 'staging'),
        ctx: fileContext(w.config),
        validate: null,
        onReports: () => undefined,
      },
      pool,
    );
    await expect(run).rejects.toThrow(/ingest worker 1 exited with code null/);
    expect(await childWorkersAfter(5000)).toEqual([]);
  });

  it('a zip member asked for by name does not make the whole zip look read; a whole zip read once is skipped after', async () => {
    const w = workspace();
    const zip = join(w.dir, 'bundle.zip');
    writeFileSync(
      zip,
      zipSync({
        'cap-1.har': strToU8(harDoc([pageView(0, '&v1=one')])),
        'cap-2.har': strToU8(harDoc([pageView(0, '&v1=two'), pageView(1000, '&v1=two')])),
      }),
    );
    const run = async (input: string) => {
      const r = await ingest({ inputs: [input], config: w.config, root, quiet: true, workers: 1 });
      const stored = await queryRows<{ path: string }>(
        r.store.con,
        `SELECT path FROM har_file WHERE status = 'parsed' ORDER BY path`,
      );
      r.store.close();
      return { summary: r.summary, stored: stored.map((x) => x.path.replace(/^.*bundle/, 'bundle')) };
    };
    const one = await run(`${zip}!/cap-1.har`);
    expect(one.stored).toEqual(['bundle.zip!/cap-1.har']);
    // before: "nothing new to read", and cap-2.har was never stored
    const whole = await run(zip);
    expect(whole.summary).toMatchObject({ files_skipped_unchanged: 0, new_hars_stored: 1 });
    expect(whole.stored).toEqual(['bundle.zip!/cap-1.har', 'bundle.zip!/cap-2.har']);
    const again = await run(zip);
    expect(again.summary).toMatchObject({ files_skipped_unchanged: 1, files_parsed: 0, new_hars_stored: 0 });
    // the member by name is skipped too once stored
    expect((await run(`${zip}!/cap-2.har`)).summary).toMatchObject({ files_skipped_unchanged: 1 });
  });

  it('a file quarantined because it could not be read is read again, though its size and mtime did not change', async () => {
    const w = workspace();
    const file = join(w.hars, 'web', 'hb.har');
    const first = await ingest({ inputs: [file], config: w.config, root, quiet: true, workers: 1 });
    // what a run without read permission left: the path quarantined as read-error (same size and mtime)
    const path = (await queryRows<{ path: string }>(first.store.con, `SELECT path FROM har_file`))[0].path;
    await first.store.con.run(`DELETE FROM har_file; DELETE FROM session; DELETE FROM lake_run`);
    // nor its events: they live in the dataset alone
    rmSync(w.config.storage.parquet_dir, { recursive: true, force: true });
    await first.store.con.run(
      `INSERT INTO har_file (path, hash, bytes, mtime_ms, status) SELECT '${path}', '', ${readFileSync(file).length}, ${statSync(file).mtimeMs}, 'quarantined'`,
    );
    await first.store.con.run(
      `INSERT INTO quarantine (scope, path, hash, reason, detail) VALUES ('file', '${path}', '', 'read-error', 'EACCES: permission denied')`,
    );
    first.store.close();
    await expectReadAgain(file, w.config);
  });

  it('a capture over ingest.max_capture_bytes is quarantined unread, and read by the next ingest once the bound is raised', async () => {
    const w = workspace();
    // A .har.gz that inflates ~250× (a miniature compression bomb): before, it was inflated whole — one
    // 13 MB file of this kind took goblin ingest to 6 GB of memory.
    const bomb = join(w.hars, 'web', 'bomb.har.gz');
    writeFileSync(bomb, gzipSync(harDoc([pageView(0, `&c1=${'a'.repeat(2 << 20)}`)])));
    const small = { ...w.config, ingest: { ...w.config.ingest, max_capture_bytes: 1 << 20 } };
    const first = await ingest({ inputs: [bomb], config: small, root, quiet: true, workers: 2 });
    try {
      expect(first.summary).toMatchObject({ files_parsed: 0, files_quarantined: 1, new_hars_stored: 0 });
      const q = await queryRows<{ reason: string; detail: string }>(
        first.store.con,
        `SELECT reason, detail FROM quarantine`,
      );
      expect(q).toEqual([
        {
          reason: 'too-large',
          detail: expect.stringMatching(/^inflates to more than 1 MiB, .*raise ingest\.max_capture_bytes/),
        },
      ]);
    } finally {
      first.store.close();
    }
    // Same file, same size and mtime: looked at again (it was never read), and stored under the default.
    await expectReadAgain(bomb, w.config);
  });

  it('the same capture under two paths in one run is stored and exported once (pool and in-process)', async () => {
    for (const workers of [1, 2]) {
      const w = workspace();
      // A QA drop often holds a capture twice (a copy in another folder): before, one run stored and
      // exported its events twice, and both files read "parsed".
      writeFileSync(join(w.hars, 'ios', 'hb-copy.har'), readFileSync(join(w.hars, 'web', 'hb.har')));
      const r = await ingest({ inputs: [w.hars], config: w.config, root, quiet: true, workers });
      try {
        const single = await queryRows<{ n: number; ids: number }>(
          r.store.con,
          `SELECT count(*)::INT AS n, count(DISTINCT event_id)::INT AS ids FROM event`,
        );
        expect(single[0].n).toBe(single[0].ids);
        expect(r.summary.events_exported).toBe(single[0].n);
        const files = await queryRows<{ path: string; status: string }>(
          r.store.con,
          `SELECT path, status FROM har_file WHERE path LIKE '%hb%.har' ORDER BY path`,
        );
        // the first path by name keeps the rows; the other is recorded as a duplicate
        expect(files.map((f) => [f.path.split('/').slice(-2).join('/'), f.status])).toEqual([
          ['ios/hb-copy.har', 'parsed'],
          ['web/hb.har', 'duplicate'],
        ]);
        const paths = await queryRows<{ har_path: string }>(
          r.store.con,
          `SELECT DISTINCT har_path FROM session WHERE har_path LIKE '%hb%'`,
        );
        expect(paths.map((p) => p.har_path.split('/').slice(-2).join('/'))).toEqual(['ios/hb-copy.har']);
      } finally {
        r.store.close();
      }
    }
  });

  it('whileStoring runs once the workers staged everything, beside the load; if it fails the run is stored first', async () => {
    const w = workspace();
    const seen: { files: string[]; stored: number }[] = [];
    const r = await ingest({
      inputs: [w.hars],
      config: w.config,
      root,
      quiet: true,
      workers: 2,
      whileStoring: async (sofar) => {
        // the staged rows are complete; the store's numbers are not in yet
        seen.push({ files: readdirSync(sofar.staging_dir).sort(), stored: sofar.new_hars_stored });
      },
    });
    const [n] = await queryRows<{ n: number }>(r.store.con, `SELECT count(*)::INT AS n FROM event`);
    r.store.close();
    expect(seen).toHaveLength(1);
    expect(seen[0].stored).toBe(0);
    expect(seen[0].files).toEqual(expect.arrayContaining(['har_file-parent.ndjson']));
    expect(seen[0].files.some((f) => /^event-w\d+-\d+\.parquet$/.test(f))).toBe(true);
    expect(r.summary.events_exported).toBe(n.n);

    // A failing whileStoring fails the run only after the store settled: the HARs are stored and their
    // part published, so the next run has nothing of them to redo.
    const w2 = workspace();
    await expect(
      ingest({
        inputs: [w2.hars],
        config: w2.config,
        root,
        quiet: true,
        workers: 1,
        whileStoring: async () => {
          throw new Error('learning blew up');
        },
      }),
    ).rejects.toThrow('learning blew up');
    const again = await ingest({ inputs: [w2.hars], config: w2.config, root, quiet: true, workers: 1 });
    try {
      expect(again.summary.messages.join('\n')).not.toMatch(/interrupted run/);
      expect(again.summary.new_hars_stored).toBe(0);
      expect(again.summary.events_exported).toBe(0);
      // the events of every capture the store holds, once each
      const [m] = await queryRows<{ stored: number; lake: number }>(
        again.store.con,
        `SELECT (SELECT sum(beacons) FROM har_file WHERE status = 'parsed')::INT AS stored,
                (SELECT count(*) FROM read_parquet('${w2.config.storage.parquet_dir}/events/*.parquet'))::INT AS lake`,
      );
      expect(m.stored).toBeGreaterThan(0);
      expect(m.lake).toBe(m.stored);
    } finally {
      again.store.close();
    }
  });

  it('storeSerially stores and exports the same rows as side by side, and whileStoring already sees the parse rate', async () => {
    const results: { rows: string; lake: string; rate: number; sofarRate: number }[] = [];
    for (const storeSerially of [false, true]) {
      const w = workspace();
      // one salt for both workspaces, so that their hashed ids are comparable
      writeFileSync(w.config.pii.salt_file, 'a-fixed-salt-for-this-comparison\n');
      let sofarRate = -1;
      const r = await ingest({
        inputs: [w.hars],
        config: w.config,
        root,
        quiet: true,
        workers: 2,
        storeSerially,
        // the run's report and gate are written here, from the summary so far
        whileStoring: async (sofar) => void (sofarRate = sofar.parse_success_rate),
      });
      try {
        const digest = async (sql: string) =>
          (
            await queryRows<{ d: string }>(
              r.store.con,
              `SELECT md5(string_agg(x, '|' ORDER BY x)) AS d FROM (${sql}) t(x)`,
            )
          )[0].d;
        results.push({
          rows: await digest(
            `SELECT event_id || coalesce(params::VARCHAR, '') || coalesce(session_key, '') FROM event`,
          ),
          lake: await digest(
            `SELECT event_id || coalesce(params::VARCHAR, '') || coalesce(session_key, '') FROM read_parquet('${w.config.storage.parquet_dir}/events/*.parquet')`,
          ),
          rate: r.summary.parse_success_rate,
          sofarRate,
        });
      } finally {
        r.store.close();
      }
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0].rows).toBe(results[0].lake);
    // the workspace holds a broken capture: the rate is below 1, and known before the store is
    expect(results[0].rate).toBeLessThan(1);
    expect(results[0].sofarRate).toBe(results[0].rate);
  });

  it("a store that fails while whileStoring is still awaiting is the run's error, not an unhandled rejection", async () => {
    // Only a truncated capture: nothing is staged to export, so the load runs alone while whileStoring
    // waits (as goblin run's does for the learning process). A staged file DuckDB cannot read fails it.
    const dir = mkdtempSync(join(tmpdir(), 'goblin-ingest-'));
    mkdirSync(join(dir, 'hars'));
    writeFileSync(join(dir, 'hars', 'truncated.har'), '{"log":{"version":"1.2","entries":[{"request":');
    const s = join(dir, 'storage');
    const config = GoblinConfig.parse({
      storage: { base_dir: s, db_file: join(s, 'g.duckdb'), parquet_dir: join(s, 'parquet') },
      pii: { salt_file: join(dir, 'salt') },
    });
    const runId = `failing-load-${process.pid}`; // a live PID: the start-up sweep keeps its staging folder
    mkdirSync(join(s, 'staging', runId), { recursive: true });
    writeFileSync(join(s, 'staging', runId, 'violation-w9.ndjson'), '{"har": "x", "code": \n');
    const unhandled: unknown[] = [];
    const note = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', note);
    try {
      await expect(
        ingest({
          inputs: [join(dir, 'hars')],
          config,
          root: dir,
          quiet: true,
          workers: 1,
          runId,
          whileStoring: () => new Promise((r) => setTimeout(r, 300)),
        }),
      ).rejects.toThrow(/violation-w9/);
      await new Promise((r) => setTimeout(r, 50)); // an unhandled rejection is reported on a later tick
    } finally {
      process.off('unhandledRejection', note);
    }
    expect(unhandled).toEqual([]);
  });

  it('the store load and the export run on one DuckDB thread each; the store gets its threads back, also after a failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-threads-'));
    const store = await openStore(join(dir, 'store.duckdb'));
    try {
      const threads = async () =>
        (await queryRows<{ t: number }>(store.con, `SELECT current_setting('threads')::INT AS t`))[0].t;
      await store.con.run('SET threads = 3');
      const other = await store.instance.connect();
      const during = await withOneDuckDbThread(store, async () => {
        const r = await other.runAndReadAll(`SELECT current_setting('threads')::INT AS t`);
        return Number(r.getRowObjectsJson()[0].t);
      });
      other.closeSync();
      expect(during).toBe(1); // instance-wide: the export's connection sees it too
      expect(await threads()).toBe(3);
      await expect(
        withOneDuckDbThread(store, async () => Promise.reject(new Error('load failed'))),
      ).rejects.toThrow('load failed');
      expect(await threads()).toBe(3);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a load whose script fails half-way leaves the store as it was (one transaction)', async () => {
    const w = workspace();
    const r = await ingest({
      inputs: [w.hars],
      config: w.config,
      root,
      quiet: true,
      workers: 1,
      keepStaging: true,
    });
    const before = await queryRows<{ n: number }>(r.store.con, `SELECT count(*)::INT AS n FROM har_file`);
    // a staged violation file DuckDB cannot read: the script stops after har_file and events were inserted
    writeFileSync(join(r.summary.staging_dir, 'violation-w9.ndjson'), '{"har": "x", "code": \n');
    await r.store.con.run(`DELETE FROM har_file`);
    await expect(loadStaging(r.store.con, r.summary.staging_dir, 'broken-run')).rejects.toThrow();
    const after = await queryRows<{ n: number; runs: number }>(
      r.store.con,
      `SELECT (SELECT count(*) FROM har_file)::INT AS n, (SELECT count(*) FROM lake_run WHERE run_id = 'broken-run')::INT AS runs`,
    );
    r.store.close();
    expect(before[0].n).toBeGreaterThan(0);
    expect(after[0]).toEqual({ n: 0, runs: 0 });
  });

  it('stores paths from the repository root: A/capture.har and B/capture.har in two runs do not collide', async () => {
    const w = workspace();
    const t = new Date('2024-03-01T00:00:00Z');
    for (const [folder, v] of [
      ['A', 'a'],
      ['B', 'b'],
    ] as const) {
      mkdirSync(join(w.dir, folder));
      // Same name, same size, same mtime: only the folder tells them apart.
      writeFileSync(join(w.dir, folder, 'capture.har'), harDoc([pageView(0, `&v1=${v}`)]));
      utimesSync(join(w.dir, folder, 'capture.har'), t, t);
    }
    (await ingest({ inputs: ['A'], config: w.config, root: w.dir, quiet: true, workers: 1 })).store.close();
    const b = await ingest({ inputs: ['B'], config: w.config, root: w.dir, quiet: true, workers: 1 });
    try {
      expect(b.summary).toMatchObject({ files_skipped_unchanged: 0, files_parsed: 1, new_hars_stored: 1 });
      const files = await queryRows<{ path: string }>(b.store.con, `SELECT path FROM har_file ORDER BY path`);
      expect(files.map((f) => f.path)).toEqual(['A/capture.har', 'B/capture.har']);
      const hars = await queryRows<{ har: string }>(
        b.store.con,
        `SELECT DISTINCT har_path AS har FROM event ORDER BY har`,
      );
      expect(hars.map((h) => h.har)).toEqual(['A/capture.har', 'B/capture.har']);
    } finally {
      b.store.close();
    }
  });

  it('--shard i/n splits the drop into disjoint parts whose union is the whole', async () => {
    const w = workspace();
    const counts: number[] = [];
    const beacons: number[] = [];
    for (const shard of ['0/2', '1/2']) {
      const cfg = GoblinConfig.parse({
        ...w.config,
        storage: {
          ...w.config.storage,
          db_file: join(w.dir, `s${shard[0]}.duckdb`),
          parquet_dir: join(w.dir, `p${shard[0]}`),
        },
      });
      const r = await ingest({ inputs: [w.hars], config: cfg, root, quiet: true, shard, workers: 1 });
      r.store.close();
      counts.push(r.summary.files_seen);
      beacons.push(r.summary.beacons);
    }
    expect(counts[0] + counts[1]).toBe(15);
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(beacons[0] + beacons[1]).toBe(25);
    // the combined Parquet dataset of both shards is one queryable table
    const store = await openStore(':memory:');
    const all = await queryRows<{ n: number }>(
      store.con,
      `SELECT count(*)::INT AS n FROM read_parquet(['${w.dir}/p0/events/**/*.parquet', '${w.dir}/p1/events/**/*.parquet'])`,
    );
    store.close();
    expect(all[0].n).toBe(25);
  });

  it('a beacon body with a lone surrogate (a broken player name) is stored, not the reason the load fails', async () => {
    const w = workspace();
    // Before, the staged JSON kept the "\ud800" escape, DuckDB refused the part, and the whole ingest
    // exited 3 with nothing stored.
    writeFileSync(
      join(w.hars, 'ios', 'lone.har'),
      harDoc([
        mc(0, 'sessionStart', 0, { ...MC_START_PARAMS, 'media.name': 'Finale \ud800' }),
        mc(300, 'play', 0),
        mc(10300, 'sessionEnd', 10),
      ]),
    );
    const r = await ingest({ inputs: [w.hars], config: w.config, root: w.dir, quiet: true, workers: 2 });
    try {
      const rows = await queryRows<{ name: string }>(
        r.store.con,
        `SELECT params->>'media.name' AS name FROM event WHERE har_path = 'hars/ios/lone.har' AND event_type = 'sessionStart'`,
      );
      expect(rows).toEqual([{ name: 'Finale \ufffd' }]);
      expect(r.summary.events_exported).toBe(r.summary.beacons);
    } finally {
      r.store.close();
    }
  });
});
