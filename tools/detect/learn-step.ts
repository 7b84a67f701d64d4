/**
 * `goblin run`'s learning step as one unit of work: what it needs up front (the inputs' names and order,
 * the rule pack) and what it does once the workers have staged their learn rows (read them, order them,
 * learn, write the outputs). tools/detect/learn-worker.ts runs it in a process of its own so the parent
 * writes the run's report at the same time; it runs the same code in-process where no process can start.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { displayNames } from '../har/inputs.js';
import { SpecFilesData } from '../spec/index.js';
import { loadRulePack, type RulePack } from '../validate/pack.js';
import { orderLearnRows, readLearnRows, renameHar } from './learn-rows.js';
import { learnForRun, type StagedLearnRows } from './run-learn.js';
import { DEFAULT_LEARN_MAX_SESSIONS, learnSample } from './learn-bounds.js';
import { countStagedLines, stagedBytes } from '../ingest/staging.js';

/** What the step is told when it starts (before the workers have staged anything). */
export const LearnStepInit = z.object({
  /** Where the specs folder and the inputs' stored paths resolve from (the run's working directory). */
  root: z.string(),
  specsDir: z.string(),
  outDir: z.string(),
  /**
   * The specs as the parent read them, checked against the spec schema with the rest of this message;
   * read from `specsDir` when absent.
   */
  specs: SpecFilesData.optional(),
  /** The most sessions the step learns from (`learn.max_sessions`): more are sampled (learn-bounds.ts). */
  maxSessions: z.number().int().positive().default(DEFAULT_LEARN_MAX_SESSIONS),
});
export type LearnStepInit = z.input<typeof LearnStepInit>;

/**
 * The run's input files as the parent expanded them (in order): the rows are renamed to `rel` and put in
 * this order. The parent sends them with the staging folder rather than have this process walk the
 * inputs again (~0.2 s of CPU on a 1,000-file drop, while both cores run the ingest workers).
 */
export const LearnInputs = z.array(z.object({ abs: z.string(), rel: z.string() }));
export type LearnInputs = z.infer<typeof LearnInputs>;

export interface PreparedLearnStep {
  /** Read the learn rows staged in `stagingDir`, learn, write the outputs; the run's one-line message. */
  run(stagingDir: string, inputs: LearnInputs): Promise<string>;
}

/**
 * Everything that does not depend on the staged rows: done while the workers run. `pack` is the parent's
 * when the step runs in-process; a process of its own builds the pack from the specs in `init` (as the
 * parent read them), or reads the specs folder when it was sent none.
 */
export function prepareLearnStep(given: LearnStepInit, pack?: RulePack): PreparedLearnStep {
  const init = LearnStepInit.parse(given);
  const rules = pack ?? loadRulePack(resolve(init.root, init.specsDir), init.root, init.specs);
  return {
    run: async (stagingDir, inputs) => {
      const order = inputs.map((f) => f.rel);
      const name = displayNames(inputs, init.root);
      return learnForRun(
        () => stagedLearnRows(stagingDir, order, name, init.maxSessions),
        init.outDir,
        rules,
      );
    },
  };
}

/**
 * The learn rows the workers staged, renamed and in input order (learn-rows.ts `orderLearnRows`). A row
 * that cannot be read comes back as the error, for the learning step to report: the learning layer never
 * fails a run whose findings are already written.
 */
function stagedLearnRows(
  dir: string,
  order: readonly string[],
  name: (stored: string) => string,
  maxSessions: number,
): StagedLearnRows | Error {
  try {
    // Counting costs a read of the files' bytes (~0.3 s for 600 MB): only done when they could hold more
    // rows than the bound. A learn row is never under 256 bytes (its features' 47 named signal values
    // alone are more; the smallest of the 12,000-capture dense run's 28,426 rows took 2,710).
    const staged =
      stagedBytes(dir, 'learn_session') > maxSessions * 256 ? countStagedLines(dir, 'learn_session') : 0;
    const sample = learnSample(staged, maxSessions);
    const rows = readLearnRows(dir, sample ? (har, key) => sample.keeps(name(har), key) : undefined).map(
      (r) => renameHar(r, name(r.har)),
    );
    return { rows: orderLearnRows(rows, order), sample };
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
