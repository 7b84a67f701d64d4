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

export async function runPool(files: InputFile[], opts: PoolOptions): Promise<void> {
  const queue = batches(files, opts.batchFiles);
  const n = Math.max(1, Math.min(opts.workers, queue.length));
  const children: ChildProcess[] = [];
  // The precompiled worker starts in ~0.4 s instead of ~0.7 s and runs without tsx's wrappers.
  const bundle = await ingestWorkerBundle();
  const { script, execArgv } = bundle;
  opts.onWorkerStart?.(bundle);
  await new Promise<void>((resolve, reject) => {
    let ended = 0;
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const c of children) c.kill();
      reject(e);
    };
    for (let i = 0; i < n; i++) {
      const child = fork(script, [], {
        execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
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
            if (++ended === n) resolve();
          } else if (m.type === 'error') fail(new Error(`ingest worker ${i}: ${m.message}`));
        },
      );
      child.on('exit', (code) => {
        if (code !== 0 && !failed && ended < n)
          fail(new Error(`ingest worker ${i} exited with code ${code}`));
      });
    }
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
