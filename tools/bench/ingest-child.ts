/**
 * One bench ingest in a process of its own, so the peak RSS it reports is this ingest's (the bench's own
 * process has run other profiles and the baseline before; its lifetime peak would be theirs).
 */
import { GoblinConfig } from '../config/index.js';
import { ingest, type IngestSummary } from '../ingest/run.js';

export interface IngestChildRequest {
  dir: string;
  root: string;
  config: unknown;
}

export interface IngestChildResult {
  seconds: number;
  summary: IngestSummary;
  parentRssBytes: number;
  workerRssBytes: number[];
  /** CPU µs of the worker processes, or of this process when the ingest ran in-process. */
  workerCpuUs: number;
}

process.on('message', async (m: IngestChildRequest) => {
  const config = GoblinConfig.parse(m.config);
  const workerRssBytes: number[] = [];
  let workerCpuUs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { summary, store } = await ingest({
    inputs: [m.dir],
    config,
    root: m.root,
    quiet: true,
    onWorkerEnd: (b, cpuUs) => {
      workerRssBytes.push(b);
      workerCpuUs += cpuUs ?? 0;
    },
  });
  store.close();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // In-process runs (one worker) count this process's CPU for the whole workers phase.
  if (!workerRssBytes.length) workerCpuUs = cpu.user + cpu.system;
  const r: IngestChildResult = {
    seconds,
    summary,
    parentRssBytes: process.resourceUsage().maxRSS * 1024,
    workerRssBytes,
    workerCpuUs,
  };
  process.send!(r, () => process.exit(0));
});
