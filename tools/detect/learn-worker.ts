/**
 * `goblin run`'s learning step in a process of its own (forked by tools/detect/learn-process.ts when the
 * run starts). It prepares while the ingest workers run, learns once the parent says the learn rows are
 * staged, and meanwhile the parent writes the run's report: the two used to run one after the other on
 * the parent's JavaScript thread.
 */
import { LearnInputs, prepareLearnStep, type LearnStepInit, type PreparedLearnStep } from './learn-step.js';

type Msg = { type: 'init'; init: unknown } | { type: 'learn'; stagingDir: string; inputs: unknown };

let step: PreparedLearnStep | Error | null = null;

/** The one answer this process gives; it exits once the parent has it. */
const done = (message: string) => process.send!({ type: 'done', message }, () => process.exit(0));

process.on('message', async (msg: Msg) => {
  if (msg.type === 'init') {
    try {
      step = prepareLearnStep(msg.init as LearnStepInit); // checked there
    } catch (e) {
      step = e instanceof Error ? e : new Error(String(e));
    }
  } else if (msg.type === 'learn') {
    if (!step || step instanceof Error) {
      done(`learning layer skipped: ${step?.message ?? 'never initialised'}`);
      return;
    }
    const prepared = step;
    // learnForRun never throws (it reports problems as the message); anything else is a bug to show.
    const message = await Promise.resolve()
      .then(() => prepared.run(msg.stagingDir, LearnInputs.parse(msg.inputs)))
      .catch((e: Error) => `learning layer skipped: ${e.message}`);
    done(message);
  }
});
