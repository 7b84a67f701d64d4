/**
 * A full garbage collection, where the process was started with `--expose-gc` (only `goblin run`'s
 * learning process is: tools/ingest/worker-bundle.ts `learnWorkerBundle`) and its heap holds more than
 * `FORCE_ABOVE_BYTES`; elsewhere nothing.
 *
 * Why: V8 lets a heap grow to several times what stays live before it collects, the more so the more
 * memory the machine has. The learning step keeps ~300 MB live at 12,000 captures but its steps each
 * leave hundreds of MB of garbage, and DuckDB's memory (learn.duckdb) comes on top of whatever V8 has not
 * given back: collected between the steps, the learning process's peak fell by a fifth (docs/learning.md,
 * "The learning process's memory"). A small heap is left to V8: on the bench's 2,356 sessions the forced
 * collections cost ~0.5 s of CPU and the learning step is the end of `goblin run` there (docs/measured.md,
 * "`goblin run` at twenty-four times the bench, within 1.5 GiB").
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc && process.memoryUsage().heapUsed > FORCE_ABOVE_BYTES) gc();
}

/** Heaps smaller than this are never collected by force (the bench's learning step stays under it). */
const FORCE_ABOVE_BYTES = 128 * 2 ** 20;
