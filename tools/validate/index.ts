import { resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { loadDictionaryTypes } from '../dictionary/files.js';
import type { CaptureValidator } from '../ingest/sink.js';
import type { SpecFiles } from '../spec/index.js';
import { loadRulePack, type RulePack } from './pack.js';
import { validateCapture } from './validate.js';

export * from './outputs.js';
export * from './pack.js';
export * from './validate.js';
export { annotate } from './annotate.js';
export { CHECKS } from './checks/index.js';

/**
 * What the validator needs besides the specs: the run's CNAME allow-list (the same the decoders used, so a
 * `--config` file counts for validation too) and the dictionary's param types. The ingest parent reads the
 * dictionary once and hands it to every worker: parsing its ~250 YAML files cost each worker ~0.35 s of
 * CPU at start (docs/ingest.md, "Worker start").
 */
export interface ValidatorContext {
  cnames: GoblinConfig['hosts']['cname_allowlist'];
  /** param → type (`loadDictionaryTypes`); read from `<root>/dictionary` when absent. */
  dictionary?: Map<string, string>;
  /** The specs as the parent read them (checked again by the caller); read from `specsDir` when absent. */
  specs?: SpecFiles;
}

/** The validator the ingest workers use: loads the pack once, validates each capture in memory. */
export function captureValidator(
  specsDir: string,
  root: string,
  vctx: ValidatorContext,
): CaptureValidator & { pack: RulePack } {
  const pack = loadRulePack(specsDir, root, vctx.specs);
  const cnames = vctx.cnames;
  // Param types for `params.type_mismatch` rules scoped with `requires.dict` (dictionary/<sdk>/<param>.yaml).
  const dictionary = vctx.dictionary ?? loadDictionaryTypes(resolve(root, 'dictionary'));
  return {
    pack,
    validate(capture) {
      const r = validateCapture(capture, pack, { cnames, dictionary });
      return {
        findings: r.findings as unknown as Record<string, unknown>[],
        sessions: r.sessions as unknown as Record<string, unknown>[],
        timelines: r.timelines as unknown as Record<string, unknown>[],
      };
    },
  };
}
