/**
 * A full garbage collection, where the process was started with `--expose-gc` (only `goblin run`'s
 * learning process is: tools/ingest/worker-bundle.ts `learnWorkerBundle`); elsewhere nothing.
 *
 * Why: V8 lets a heap grow to several times what stays live before it collects, the more so the more
 * memory the machine has. The learning step keeps ~300 MB live at 12,000 captures but its steps each
 * leave hundreds of MB of garbage, and DuckDB's memory (learn.duckdb) comes on top of whatever V8 has not
 * given back: collected between the steps, the learning process's peak fell by a fifth (docs/learning.md,
 * "The learning process's memory").
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
