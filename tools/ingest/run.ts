import { cpus } from 'node:os';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import type { SpecFiles } from '../spec/index.js';
import { createProgress } from '../cli/progress.js';
import { parseSuccessRate } from '../cli/gate.js';
import { expandInputs, inShard, parseShard, storedPath, type InputFile } from '../har/index.js';
import { MAY_BE_ZIP } from '../har/read.js';
import { openStore, queryRows, type Store } from '../store/index.js';
import { withOneDuckDbThread } from '../store/db.js';
import {
  discardPart,
  publishRun,
  refreshEventView,
  settleRun,
  timeStamp,
  unpublishRun,
  writeStagedPart,
} from '../store/lake.js';
import { EVENT_COLUMNS } from '../store/ddl.js';
import { commitRun, keptRowsSql, loadStaging, newCapturesSql, stagedFiles } from './load.js';
import { runInProcess, runPool, startPool } from './pool.js';
import type { BundleResult } from './worker-bundle.js';
import { shapeModel } from '../fingerprint/virtual.js';
import { phaseCpuUs, type FileContext, type PhaseCpu, type QuarantineRow } from './process-file.js';
import { loadOrCreateSalt } from './salt.js';
import type { FileReport } from './sink.js';
import { NdjsonWriter } from './staging.js';
import { loadStages } from './stages.js';
import { makeDirs } from '../util/files.js';

export interface IngestOptions {
  inputs: string[];
  config: GoblinConfig;
  root?: string;
  shard?: string;
  quiet?: boolean;
  /** Run the validator inside the workers (goblin run / validate). Re-reads every input file. */
  validate?: { specsDir: string; learn?: boolean; specs?: SpecFiles } | null;
  workers?: number;
  /** Keep the staging folder (validate reads findings and timelines from it). */
  keepStaging?: boolean;
  runId?: string;
  /**
   * Work to do once the workers are done, while DuckDB loads the store and writes the Parquet part in its
   * own threads (`goblin run`'s learning step: it reads only the staged learn rows). Gets the summary so
   * far (staging folder, counts; not yet the store's numbers) and the inputs as expanded, in order.
   */
  whileStoring?: (summary: IngestSummary, inputs: InputFile[]) => Promise<void>;
  /**
   * Load the store and then write the Parquet part, on one DuckDB thread, instead of both at once on two:
   * for a caller whose `whileStoring` keeps a core busy on its own (`goblin run`'s learning process). Side
   * by side, the two queries and that process shared two cores three ways and the process, the last to
   * finish, waited for its share (docs/ingest.md, "The store phase under `goblin run`"). A function is
   * asked once the workers are done, with the staging folder (a large `goblin run` learns only after the
   * store, and then leaves DuckDB both cores).
   */
  storeSerially?: boolean | ((stagingDir: string) => boolean);
  /** Receives each worker process's peak RSS and CPU time in µs (bench). */
  onWorkerEnd?: (maxRssBytes: number, cpuUs?: number) => void;
}

export interface IngestSummary {
  run_id: string;
  input: string;
  files_seen: number;
  files_skipped_unchanged: number;
  files_parsed: number;
  files_quarantined: number;
  lfs_pointers: number;
  quarantine_by_reason: Record<string, number>;
  /** Every quarantined file and entry of this run, with its reason and position (outputs name them all). */
  quarantined: QuarantineRow[];
  entries_quarantined: number;
  entries: number;
  beacons: number;
  beacons_by_family: Record<string, number>;
  sessions: number;
  findings: number;
  new_hars_stored: number;
  events_exported: number;
  parse_success_rate: number;
  seconds: number;
  /**
   * Wall time of the phases: workers (read/parse/decode/validate), then store load and Parquet export,
   * which run side by side (each counted from their common start, so they overlap; with `storeSerially`
   * the export's time includes the load's). Under `goblin run`
   * they also hold the learning step (`whileStoring`): a step's end is only seen once the JavaScript
   * thread is free again.
   */
  phases: { workers_s: number; load_s: number; parquet_s: number };
  /** CPU µs of all workers per phase (read+parse, decode, sessions, staging, validate): where the time goes. */
  worker_cpu_us: PhaseCpu;
  bytes: number;
  messages: string[];
  staging_dir: string;
}

/** Fewer input files than this are read in this process: a pool's start costs more than it saves. */
const POOL_FROM_FILES = 8;

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function addPhases(into: PhaseCpu, add: PhaseCpu, minus?: PhaseCpu): void {
  for (const k of Object.keys(into) as (keyof PhaseCpu)[]) into[k] += add[k] - (minus?.[k] ?? 0);
}

/**
 * Store a run's staged rows and write its Parquet part at the same time, on two connections: the store
 * load (captures, sessions, fingerprints, findings) and the part (the run's events, which live in the lake
 * alone), both from the staged files, the part selecting the same captures the load keeps (one query
 * chooses them, before the load writes anything). The load's transaction stays open until the part is
 * published; then the store commits the run (`publishRun` in tools/store/lake.ts says why in that order).
 * A failure of either stores nothing and leaves no part. An in-memory store has no lake: its events go
 * into its own table. `serially`: the part after the load, leaving the second core to the caller.
 */
export async function storeAndExport(
  store: Store,
  stagingDir: string,
  runId: string,
  phases: IngestSummary['phases'],
  whileStoring: () => Promise<void> = async () => undefined,
  serially = false,
): Promise<{ newHashes: number; exported: number }> {
  const lake = store.lake;
  const fresh = newCapturesSql(stagingDir);
  const events = stagedFiles(stagingDir, 'event');
  const t = performance.now();
  const timed = async <T>(p: Promise<T>, k: 'load_s' | 'parquet_s'): Promise<T> => {
    const v = await p;
    phases[k] = (performance.now() - t) / 1000;
    return v;
  };
  if (!lake || !fresh || !events.length) {
    // No part to write: nothing staged (every file quarantined, or no event), or no lake to write to.
    const loading = timed(
      loadStaging(store.con, stagingDir, runId, { events: !lake, commit: false }),
      'load_s',
    );
    const sideError = await alongsideError(whileStoring, loading);
    const loaded = await loading;
    await commitRun(store.con, runId, 0, 0);
    if (sideError !== null) throw sideError;
    return { newHashes: loaded.newHashes, exported: 0 };
  }
  const exportCon = await store.instance.connect();
  try {
    // The captures to keep are chosen before the load's transaction writes har_file, so both
    // connections see the same set.
    await exportCon.run(`CREATE OR REPLACE TEMP TABLE export_keep AS ${fresh}`);
    // Both calls hand DuckDB their whole work at once (one script each), so `whileStoring` may hold the
    // JavaScript thread while they run.
    const loading = timed(loadStaging(store.con, stagingDir, runId, { commit: false }), 'load_s');
    const exportPart = () =>
      timed(
        writeStagedPart(exportCon, lake, runId, events, (source) =>
          keptRowsSql(`read_parquet(${source})`, EVENT_COLUMNS, 'export_keep'),
        ),
        'parquet_s',
      );
    // Serially, a load that fails writes no part (its error is the one reported, as side by side).
    const both = Promise.allSettled([loading, serially ? loading.then(exportPart) : exportPart()]);
    const sideError = await alongsideError(whileStoring, both);
    const [loaded, part] = await both;
    if (loaded.status === 'rejected' || part.status === 'rejected') {
      if (part.status === 'fulfilled') discardPart(part.value);
      // A load that succeeded left its transaction open: nothing of the run is stored.
      if (loaded.status === 'fulfilled') await store.con.run('ROLLBACK').catch(() => undefined);
      throw loaded.status === 'rejected' ? loaded.reason : (part as PromiseRejectedResult).reason;
    }
    let published: ReturnType<typeof publishRun>;
    try {
      published = publishRun(lake, runId, part.value);
    } catch (e) {
      // A rename or the manifest failed (a full disk): nothing of the run is kept.
      await store.con.run('ROLLBACK').catch(() => undefined);
      discardPart(part.value);
      unpublishRun(lake, runId);
      throw e;
    }
    const rows = published.reduce((a, e) => a + e.rows, 0);
    try {
      await commitRun(store.con, runId, published.length, rows);
    } catch (e) {
      unpublishRun(lake, runId);
      throw e;
    }
    settleRun(lake, runId);
    await refreshEventView(store.con, lake);
    if (sideError !== null) throw sideError;
    return { newHashes: loaded.value.newHashes, exported: rows };
  } finally {
    exportCon.closeSync();
  }
}

/**
 * The inputs an incremental ingest still has to read: a file is skipped when the store holds its path
 * with the same size and mtime. A member named on the command line (`bundle.zip!/cap.har`) is stored
 * under that path; a whole archive is skipped only when it was read whole before (`har_archive`), never
 * because one of its members was asked for by name — that had skipped every other member for good. A
 * file quarantined because it could not be read (permissions, an I/O error) is read again: its bytes
 * were never seen, so its size and mtime say nothing.
 */
async function unchangedInputs(store: Store, all: InputFile[]): Promise<InputFile[]> {
  const key = (path: string, bytes: number, mtime: number) => `${path}\u0000${bytes}\u0000${mtime}`;
  const known = await queryRows<{ path: string; bytes: number; mtime_ms: number }>(
    store.con,
    // hash '': the file could not be opened (read-error), so no bytes of it were ever seen
    `SELECT path, bytes::DOUBLE AS bytes, mtime_ms FROM har_file WHERE hash <> ''
     UNION ALL SELECT path, bytes::DOUBLE, mtime_ms FROM har_archive`,
  );
  const seen = new Set(known.map((k) => key(k.path, k.bytes, k.mtime_ms)));
  return all.filter((f) => !seen.has(key(f.rel, f.size, f.mtimeMs)));
}

/**
 * `alongside`, its failure returned instead of thrown: the store finishes what it settled on (the run
 * stored and its part published) before `work`'s failure fails the run, so the next run has nothing of it
 * to redo. A store that failed is reported instead (`storeAndExport` checks it first).
 */
async function alongsideError(work: () => Promise<void>, storing: Promise<unknown>): Promise<unknown> {
  try {
    await alongside(work, storing);
    return null;
  } catch (e) {
    return e;
  }
}

/**
 * Run `work` while `storing` is under way; its failure is reported after the store settled (a half-done
 * load must not be abandoned), and never hides the store's own error.
 */
async function alongside(work: () => Promise<void>, storing: Promise<unknown>): Promise<void> {
  // Handled from the start: a store that fails while `work` is still awaiting something would otherwise be
  // an unhandled rejection (Node ends the process with exit 1, which means "findings" here). The caller
  // awaits `storing` itself afterwards and gets its error there.
  const settled = Promise.allSettled([storing]);
  let failed: unknown = null;
  try {
    await work();
  } catch (e) {
    failed = e ?? new Error('whileStoring failed');
  }
  if (failed !== null) {
    await settled;
    throw failed;
  }
}

/** Ingest HAR inputs into the store (and optionally validate them on the way). */
export async function ingest(
  opts: IngestOptions,
): Promise<{ summary: IngestSummary; store: Store; inputs: InputFile[] }> {
  const t0 = performance.now();
  const root = opts.root ?? process.cwd();
  const cfg = opts.config;
  const runId = opts.runId ?? `${timeStamp()}-${process.pid}`;
  const shard = parseShard(opts.shard);
  // Shards hash the input-relative name; the store keeps the root-relative path (no collisions).
  const walkNotes: string[] = [];
  const inputs = expandInputs(opts.inputs, root, walkNotes);
  const all = inputs
    .filter((f) => inShard(f.rel, shard))
    .map((f) => ({ ...f, rel: storedPath(f.abs, root) }));
  const workers = opts.workers ?? (cfg.ingest.workers || cpus().length);
  const dbFile = resolve(root, cfg.storage.db_file);
  // Forked now, the workers load their code while the store opens, the lake is repaired and the unchanged
  // inputs are picked (~0.3 s before the first batch on the dense bench) — where a pool will surely be
  // asked for: enough inputs, and every one of them read (validation reads them all; a store not made
  // yet has none of them). An incremental ingest into a store that exists forks once it knows what is
  // new, as before: most of its inputs may be unchanged, and workers forked for nothing made a no-op
  // ingest of 40 files take 0.86 s instead of 0.53.
  const forked =
    workers > 1 && all.length >= POOL_FROM_FILES && (opts.validate || !existsSync(dbFile))
      ? startPool(Math.min(workers, Math.ceil(all.length / cfg.ingest.batch_files)))
      : null;
  // Handled at once: a store that fails to open must not leave an unhandled rejection behind.
  forked?.catch(() => undefined);
  const unusedPool = () =>
    void forked?.then(
      (p) => p.dispose(),
      () => undefined,
    );
  // Whatever fails before the pool takes the workers over ends them (after it, they have ended already).
  let opened: Store | null = null;
  try {
    // Opening it under its lock (no other run is alive) settles what an interrupted run left in the lake.
    const store = await openStore(dbFile, { lake: resolve(root, cfg.storage.parquet_dir) });
    opened = store;
    const stagingRoot = resolve(root, cfg.storage.base_dir, 'staging');
    // A finished `goblin run` may still be writing its reports from its staging folder after closing the
    // store: folders named after a live process (run ids end in -<pid>) are left alone.
    const staleStaging = (existsSync(stagingRoot) ? readdirSync(stagingRoot) : []).filter(
      (d) => !processAlive(Number(/-(\d+)$/.exec(d)?.[1])),
    );
    for (const d of staleStaging) rmSync(join(stagingRoot, d), { recursive: true, force: true });

    // Incremental ingest skips files whose (path, size, mtime) are already stored; validation needs them all.
    const files = opts.validate ? all : await unchangedInputs(store, all);

    const stagingDir = join(stagingRoot, runId);
    makeDirs(stagingDir);
    // Archives read whole in this run (a member named on the command line is not the whole archive); the
    // load records those that had a member staged (tools/ingest/load.ts).
    const wholeArchives = files.filter((f) => !f.abs.includes('!/') && MAY_BE_ZIP.test(f.rel));
    if (wholeArchives.length) {
      const archiveRows = new NdjsonWriter(join(stagingDir, 'har_archive-parent.ndjson'));
      const at = new Date().toISOString();
      for (const f of wholeArchives)
        archiveRows.write({ path: f.rel, bytes: f.size, mtime_ms: f.mtimeMs, ingested_at: at });
      archiveRows.close();
    }
    const ctx: FileContext = {
      cnames: cfg.hosts.cname_allowlist,
      pii: {
        hashIds: cfg.pii.hash_ids,
        truncateUa: cfg.pii.truncate_ua,
        salt: loadOrCreateSalt(resolve(root, cfg.pii.salt_file)),
        extraRegexes: cfg.pii.extra_regexes,
      },
      maxKeptBodyBytes: cfg.ingest.max_kept_body_bytes,
      maxCaptureBytes: cfg.ingest.max_capture_bytes,
    };
    const s: IngestSummary = {
      run_id: runId,
      input: opts.inputs.join(' '),
      files_seen: all.length,
      files_skipped_unchanged: all.length - files.length,
      files_parsed: 0,
      files_quarantined: 0,
      lfs_pointers: 0,
      quarantine_by_reason: {},
      quarantined: [],
      entries_quarantined: 0,
      entries: 0,
      beacons: 0,
      beacons_by_family: {},
      sessions: 0,
      findings: 0,
      new_hars_stored: 0,
      events_exported: 0,
      parse_success_rate: 1,
      seconds: 0,
      phases: { workers_s: 0, load_s: 0, parquet_s: 0 },
      worker_cpu_us: { read_parse: 0, decode: 0, sessions: 0, staging: 0, validate: 0, learn: 0 },
      bytes: files.reduce((a, f) => a + f.size, 0),
      messages: [
        ...walkNotes,
        ...(store.upgraded.length
          ? [
              `upgraded a store written by an older Goblin: added ${store.upgraded.join(', ')} (empty for rows stored before)`,
            ]
          : []),
        ...store.notes,
        ...(staleStaging.length
          ? [`removed ${staleStaging.length} staging folder(s) of interrupted runs`]
          : []),
      ],
      staging_dir: stagingDir,
    };
    const harRows = new NdjsonWriter(join(stagingDir, 'har_file-parent.ndjson'));
    const qRows = new NdjsonWriter(join(stagingDir, 'quarantine-parent.ndjson'));
    const now = new Date().toISOString();
    let documents = 0;
    const progress = createProgress({
      label: 'ingest',
      total: files.length,
      unit: 'files',
      quiet: opts.quiet,
    });
    const onReports = (reports: FileReport[]) => {
      for (const r of reports) {
        // One report per HAR document: a zip counts each member, so seen = parsed + quarantined + LFS + skipped.
        documents++;
        harRows.write({ ...r.file, ingested_at: now, shard: opts.shard ?? null });
        for (const q of r.quarantine) {
          qRows.write({ ...q, at: now });
          s.quarantined.push(q);
          s.quarantine_by_reason[q.reason] = (s.quarantine_by_reason[q.reason] ?? 0) + 1;
          if (q.scope === 'entry') s.entries_quarantined++;
        }
        if (r.file.status === 'parsed') s.files_parsed++;
        else if (r.file.status === 'lfs-pointer') s.lfs_pointers++;
        else s.files_quarantined++;
        if (r.message) s.messages.push(r.message);
        s.entries += r.file.entries;
        s.beacons += r.file.beacons;
        for (const [f, n] of Object.entries(r.beaconsByFamily))
          s.beacons_by_family[f] = (s.beacons_by_family[f] ?? 0) + n;
        s.sessions += r.sessions;
        s.findings += r.findings;
      }
      progress.tick(
        reports.length && new Set(reports.map((r) => r.file.path.split('!/')[0])).size,
        `${s.beacons} beacons`,
      );
    };
    const poolOpts = {
      workers,
      batchFiles: cfg.ingest.batch_files,
      stagingDir,
      ctx,
      validate: opts.validate
        ? {
            specsDir: resolve(root, opts.validate.specsDir),
            root,
            cnames: ctx.cnames,
            learn: opts.validate.learn === true,
            ...(opts.validate.specs ? { specs: opts.validate.specs } : {}),
          }
        : null,
      onReports,
      shapeModel,
      onWorkerStart: (b: BundleResult) => {
        // Slower, not wrong: say so unless the user asked for the source on purpose.
        if (!b.file && process.env.GOBLIN_WORKER_TSX !== '1')
          s.messages.push(`ingest workers run the TypeScript source through tsx (slower start): ${b.reason}`);
      },
      onWorkerEnd: (rss: number, cpu?: number, phases?: PhaseCpu) => {
        if (phases) addPhases(s.worker_cpu_us, phases);
        opts.onWorkerEnd?.(rss, cpu);
      },
    };
    try {
      if (workers <= 1 || files.length < POOL_FROM_FILES) {
        unusedPool();
        const stages = await loadStages(poolOpts.validate);
        const before = { ...phaseCpuUs };
        await runInProcess(files, poolOpts, stages);
        addPhases(s.worker_cpu_us, phaseCpuUs, before);
      } else await runPool(files, poolOpts, (await forked) ?? undefined);
    } finally {
      harRows.close();
      qRows.close();
    }
    progress.done();
    // Workers report in whatever order they finish: most beacons first, then by name, so summary.json
    // is the same from run to run.
    s.beacons_by_family = Object.fromEntries(
      Object.entries(s.beacons_by_family).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    );
    s.files_seen = s.files_skipped_unchanged + documents;
    const t1 = performance.now();
    s.phases.workers_s = (t1 - t0) / 1000;
    // Known once the workers are done: `whileStoring` (the run's report and gate) reads it.
    s.parse_success_rate = parseSuccessRate(s.files_parsed, s.files_quarantined, s.lfs_pointers);
    const stored = await withOneDuckDbThread(store, () =>
      storeAndExport(
        store,
        stagingDir,
        runId,
        s.phases,
        opts.whileStoring ? () => opts.whileStoring!(s, inputs) : async () => undefined,
        typeof opts.storeSerially === 'function'
          ? opts.storeSerially(stagingDir)
          : opts.storeSerially === true,
      ),
    );
    s.new_hars_stored = stored.newHashes;
    s.events_exported = stored.exported;
    if (!opts.keepStaging) rmSync(stagingDir, { recursive: true, force: true });
    s.seconds = (performance.now() - t0) / 1000;
    return { summary: s, store, inputs };
  } catch (e) {
    unusedPool();
    // A failed ingest gives its store back (a load left open rolls back): the caller never gets it.
    try {
      opened?.close();
    } catch {
      /* the ingest's own error is the one to report */
    }
    throw e;
  }
}
