import type { GoblinConfig } from '../config/index.js';
import type { SpecFiles } from '../spec/index.js';
import type { CaptureLearner, CaptureValidator } from './sink.js';

/** What runs beside ingest while each capture is in memory (`goblin validate` / `goblin run`). */
export interface StageSpec {
  specsDir: string;
  root: string;
  /** The run's CNAME allow-list: the validator judges hosts with the list the decoders used. */
  cnames: GoblinConfig['hosts']['cname_allowlist'];
  /** Also build the learning step's rows (LF votes, features: tools/detect/learn-rows.ts) — `goblin run`. */
  learn?: boolean;
  /**
   * The specs as the parent read them: each worker checks them against the schema again instead of
   * parsing the YAML again. Read from `specsDir` when absent.
   */
  specs?: SpecFiles;
}

/**
 * What the parent reads once for all workers (tools/ingest/pool.ts sends it with each worker's init
 * message): the dictionary's param types as [param, type] pairs, which a worker would otherwise parse
 * from ~250 YAML files itself.
 */
export interface StageData {
  dictionary: [string, string][];
}

/** Read the stage data in the parent (null for a plain ingest, which validates nothing). */
export async function prepareStageData(v: StageSpec | null): Promise<StageData | null> {
  if (!v) return null;
  const { resolve } = await import('node:path');
  const { loadDictionaryTypes } = await import('../dictionary/files.js');
  return { dictionary: [...loadDictionaryTypes(resolve(v.root, 'dictionary'))] };
}

/**
 * The validator, and the learn-row builder when asked, for one worker (or the in-process path). Loaded
 * lazily so a plain ingest loads neither; the learner reuses the validator's rule pack (its spec LFs
 * read the verdicts the validator just gave). Without `data` the validator reads the dictionary itself.
 */
export async function loadStages(
  v: StageSpec | null,
  data?: StageData | null,
): Promise<{ validator: CaptureValidator | null; learner: CaptureLearner | null }> {
  if (!v) return { validator: null, learner: null };
  const { captureValidator } = await import('../validate/index.js');
  const { checkedSpecFiles } = await import('../spec/index.js');
  const validator = captureValidator(v.specsDir, v.root, {
    cnames: v.cnames,
    ...(data ? { dictionary: new Map(data.dictionary) } : {}),
    ...(v.specs ? { specs: checkedSpecFiles(v.specs) } : {}),
  });
  if (!v.learn) return { validator, learner: null };
  const { captureLearner } = await import('../detect/learn-rows.js');
  return { validator, learner: captureLearner(validator.pack) };
}
