import { fork, type ChildProcess } from 'node:child_process';
import type { ShapeModel } from '../fingerprint/shape.js';
import type { InputFile } from '../har/index.js';
import type { FileContext, PhaseCpu } from './process-file.js';
import { IngestSink, type CaptureLearner, type CaptureValidator, type FileReport } from './sink.js';
import { prepareStageData, type StageData, type StageSpec } from './stages.js';
import { ingestWorkerBundle, type BundleResult } from './worker-bundle.js';

export interface PoolOptions {
  workers: number;
  batchFiles: number;
  stagingDir: string;
  ctx: FileContext;
  validate: StageSpec | null;
  onReports: (r: FileReport[]) => void;
  /** Receives each worker's peak RSS, CPU time (µs) and CPU per phase when it ends. */
  onWorkerEnd?: (maxRssBytes: number, cpuUs?: number, phases?: PhaseCpu) => void;
  /**
   * Called once the workers are forked (they boot meanwhile): its result goes to each worker with its
   * init message, so the shape model's YAML is parsed once in the parent, not once per worker.
   */
  shapeModel?: () => ShapeModel | null;
  /** Told how the workers start: the precompiled bundle, or (file null) the TypeScript source and why. */
  onWorkerStart?: (bundle: BundleResult) => void;
}

/** Largest files first so no worker is left holding a big capture at the end. */
function batches(files: InputFile[], size: number): InputFile[][] {
  const sorted = [...files].sort((a, b) => b.size - a.size);
  const out: InputFile[][] = [];
  for (let i = 0; i < sorted.length; i += size) out.push(sorted.slice(i, i + size));
  return out;
}

/** In-process run (one worker, tests, tiny inputs): same sink, no fork overhead. */
export async function runInProcess(
  files: InputFile[],
  opts: PoolOptions,
  stages: { validator: CaptureValidator | null; learner: CaptureLearner | null },
): Promise<void> {
  const sink = new IngestSink(opts.stagingDir, 'w0', opts.ctx, stages.validator, stages.learner);
  try {
    for (const f of files) opts.onReports(sink.handle(f));
  } finally {
    sink.close();
  }
}

/**
 * Worker processes forked ahead of their work: `ingest()` forks them as soon as it knows the drop is big
 * enough for a pool and every input will be read, so that they load their bundle (~0.3 s each) while the
 * parent opens the store, repairs the lake and picks the unchanged inputs, instead of after all of that. A child that dies before
 * `runPool` takes it over is remembered, not missed; `dispose` ends children nobody will use.
 */
export interface StartedPool {
  children: ChildProcess[];
  bundle: BundleResult;
  /** Exit codes of children that ended before `runPool` listened (by index). */
  early: Map<number, number | null>;
  /** Why a child could not start or run (its 'error' event), by index. */
  errors: Map<number, Error>;
  dispose(): void;
}

export async function startPool(n: number): Promise<StartedPool> {
  // The precompiled worker starts in ~0.4 s instead of ~0.7 s and runs without tsx's wrappers.
  const bundle = await ingestWorkerBundle();
  const { script, execArgv } = bundle;
  const early = new Map<number, number | null>();
  const errors = new Map<number, Error>();
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < Math.max(1, n); i++) {
      const child = fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.once('exit', (code) => early.set(i, code));
      // A fork that fails emits 'error', maybe with no 'exit': without a listener it would throw.
      child.on('error', (e) => {
        errors.set(i, e);
        early.set(i, early.get(i) ?? null);
      });
      children.push(child);
    }
  } catch (e) {
    // A fork that throws (no process to start) leaves the ones started before it without an owner.
    for (const c of children) c.kill();
    throw e;
  }
  return {
    children,
    bundle,
    early,
    errors,
    dispose: () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
    },
  };
}

/**
 * Run `files` on a pool of worker processes: `started` (forked ahead, see `startPool`; children beyond what
 * the batches need are ended) or forked here.
 */
export async function runPool(files: InputFile[], opts: PoolOptions, started?: StartedPool): Promise<void> {
  const queue = batches(files, opts.batchFiles);
  const n = Math.max(1, Math.min(opts.workers, queue.length));
  const pool = started ?? (await startPool(n));
  for (const extra of pool.children.splice(n)) extra.kill();
  const children = pool.children;
  opts.onWorkerStart?.(pool.bundle);
  await new Promise<void>((resolve, reject) => {
    let ended = 0;
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const c of children) c.kill();
      reject(e);
    };
    children.forEach((child, i) => {
      const next = () => {
        const b = queue.shift();
        if (b) child.send({ type: 'batch', files: b });
        else child.send({ type: 'end' });
      };
      child.on(
        'message',
        (m: {
          type: string;
          reports?: FileReport[];
          message?: string;
          maxRssBytes?: number;
          cpuUs?: number;
          phaseCpuUs?: PhaseCpu;
        }) => {
          if (m.type === 'ready') next();
          else if (m.type === 'batch-done') {
            opts.onReports(m.reports!);
            next();
          } else if (m.type === 'ended') {
            opts.onWorkerEnd?.(m.maxRssBytes ?? 0, m.cpuUs, m.phaseCpuUs);
            if (++ended === children.length) resolve();
          } else if (m.type === 'error') fail(new Error(`ingest worker ${i}: ${m.message}`));
        },
      );
      const exited = (code: number | null) => {
        const why = pool.errors.get(i);
        if (code !== 0 && !failed && ended < children.length)
          fail(
            new Error(`ingest worker ${i} ${why ? `failed: ${why.message}` : `exited with code ${code}`}`),
          );
      };
      if (pool.early.has(i)) exited(pool.early.get(i) ?? null);
      else {
        child.on('exit', exited);
        child.on('error', (e) => fail(new Error(`ingest worker ${i}: ${e.message}`)));
      }
    });
    // The children boot while the parent parses the shape model once for all of them.
    let shapeModel: ShapeModel | null | undefined;
    try {
      shapeModel = opts.shapeModel?.();
    } catch {
      shapeModel = undefined; // each worker then loads (or fails to load) it itself, as before
    }
    // The same for the validator's dictionary; a worker that gets none reads it itself.
    prepareStageData(opts.validate)
      .catch((): StageData | null => null)
      .then((stageData) =>
        children.forEach((child, i) => {
          // A worker that failed meanwhile took the pool down: nothing is left to initialise.
          if (failed || !child.connected) return;
          child.send({
            type: 'init',
            stagingDir: opts.stagingDir,
            workerId: `w${i}`,
            ctx: opts.ctx,
            validate: opts.validate,
            stageData,
            ...(shapeModel !== undefined ? { shapeModel } : {}),
          });
        }),
      );
  });
}
