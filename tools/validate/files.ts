import { basename, resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { GoblinConfig } from '../config/index.js';
import { processFile, type FileContext } from '../ingest/process-file.js';
import type { Finding, SessionRow } from './outputs.js';
import type { RulePack } from './pack.js';
import { validateCapture } from './validate.js';

export function fileContext(cfg: GoblinConfig): FileContext {
  // Fixtures are validated without PII hashing: nothing is stored, and messages stay readable.
  return {
    cnames: cfg.hosts.cname_allowlist,
    pii: { hashIds: false, truncateUa: false, salt: 'fixtures', extraRegexes: [] },
    maxKeptBodyBytes: cfg.ingest.max_kept_body_bytes,
    maxCaptureBytes: cfg.ingest.max_capture_bytes,
  };
}

/** Validate HAR files in-process (no store): what spec fixtures, shadow replays and evals need. */
export function validateFiles(
  files: string[],
  pack: RulePack,
  cfg: GoblinConfig,
  root = process.cwd(),
  dictionary?: Map<string, string>,
): { findings: Finding[]; sessions: SessionRow[]; problems: string[] } {
  const ctx = fileContext(cfg);
  const findings: Finding[] = [];
  const sessions: SessionRow[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const abs = resolve(root, f);
    const st = statSync(abs);
    for (const p of processFile(
      { abs, rel: f.startsWith('/') ? basename(f) : f, size: st.size, mtimeMs: st.mtimeMs },
      ctx,
    )) {
      for (const q of p.quarantine) problems.push(`${q.path}: ${q.reason} ${q.detail ?? ''}`);
      if (!p.capture) continue;
      const r = validateCapture(p.capture, pack, { cnames: cfg.hosts.cname_allowlist, dictionary });
      findings.push(...r.findings);
      sessions.push(...r.sessions);
    }
  }
  return { findings, sessions, problems };
}
