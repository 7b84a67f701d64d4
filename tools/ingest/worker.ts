/**
 * Ingest worker process. Child processes, not worker_threads: on this VM page faults serialize inside a
 * process, so threads gave no speed-up (docs/ingest.md, "Speed").
 */
import { setShapeModel } from '../fingerprint/virtual.js';
import type { ShapeModel } from '../fingerprint/shape.js';
import type { InputFile } from '../har/index.js';
import { IngestSink } from './sink.js';
import { phaseCpuUs, type FileContext } from './process-file.js';
import { loadStages, type StageData, type StageSpec } from './stages.js';

type Msg =
  | {
      type: 'init';
      stagingDir: string;
      workerId: string;
      ctx: FileContext;
      validate: StageSpec | null;
      /** What the parent read once for every worker (the dictionary's param types). */
      stageData?: StageData | null;
      /** The parent's shape model (parsed once there): saves each worker parsing the YAML again. */
      shapeModel?: ShapeModel | null;
    }
  | { type: 'batch'; files: InputFile[] }
  | { type: 'end' };

let sink: IngestSink | null = null;

process.on('message', async (msg: Msg) => {
  try {
    if (msg.type === 'init') {
      if (msg.shapeModel !== undefined) setShapeModel(msg.shapeModel);
      const { validator, learner } = await loadStages(msg.validate, msg.stageData);
      sink = new IngestSink(msg.stagingDir, msg.workerId, msg.ctx, validator, learner);
      process.send!({ type: 'ready' });
    } else if (msg.type === 'batch') {
      const reports = msg.files.flatMap((f) => sink!.handle(f));
      process.send!({ type: 'batch-done', reports });
    } else if (msg.type === 'end') {
      sink?.close();
      // maxRSS is in KiB: the bench sums the pool's peak memory.
      const ru = process.resourceUsage();
      process.send!(
        {
          type: 'ended',
          maxRssBytes: ru.maxRSS * 1024,
          cpuUs: ru.userCPUTime + ru.systemCPUTime,
          phaseCpuUs,
        },
        () => process.exit(0),
      );
    }
  } catch (e) {
    process.send!({ type: 'error', message: (e as Error).stack ?? String(e) });
  }
});
