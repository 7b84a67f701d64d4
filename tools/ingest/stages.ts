import type { CaptureLearner, CaptureValidator } from './sink.js';

/** What runs beside ingest while each capture is in memory (`goblin validate` / `goblin run`). */
export interface StageSpec {
  specsDir: string;
  root: string;
  /** Also build the learning step's rows (LF votes, features: tools/detect/learn-rows.ts) — `goblin run`. */
  learn?: boolean;
}

/**
 * The validator, and the learn-row builder when asked, for one worker (or the in-process path). Loaded
 * lazily so a plain ingest loads neither; the learner reuses the validator's rule pack (its spec LFs
 * read the verdicts the validator just gave).
 */
export async function loadStages(
  v: StageSpec | null,
): Promise<{ validator: CaptureValidator | null; learner: CaptureLearner | null }> {
  if (!v) return { validator: null, learner: null };
  const { captureValidator } = await import('../validate/index.js');
  const validator = captureValidator(v.specsDir, v.root);
  if (!v.learn) return { validator, learner: null };
  const { captureLearner } = await import('../detect/learn-rows.js');
  return { validator, learner: captureLearner(validator.pack) };
}
