import { resolve } from 'node:path';
import { loadConfig } from '../config/index.js';
import { loadDictionaryTypes } from '../dictionary/files.js';
import type { CaptureValidator } from '../ingest/sink.js';
import { loadRulePack, type RulePack } from './pack.js';
import { validateCapture } from './validate.js';

export * from './outputs.js';
export * from './pack.js';
export * from './validate.js';
export { annotate } from './annotate.js';
export { CHECKS } from './checks/index.js';

/** The validator the ingest workers use: loads the pack once, validates each capture in memory. */
export function captureValidator(specsDir: string, root: string): CaptureValidator & { pack: RulePack } {
  const pack = loadRulePack(specsDir, root);
  const cfg = loadConfig(undefined, root);
  // Param types for `params.type_mismatch` rules scoped with `requires.dict` (dictionary/<sdk>/<param>.yaml).
  const dictionary = loadDictionaryTypes(resolve(root, 'dictionary'));
  return {
    pack,
    validate(capture) {
      const r = validateCapture(capture, pack, { cnames: cfg.hosts.cname_allowlist, dictionary });
      return {
        findings: r.findings as unknown as Record<string, unknown>[],
        sessions: r.sessions as unknown as Record<string, unknown>[],
        timelines: r.timelines as unknown as Record<string, unknown>[],
      };
    },
  };
}
