import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { processFile } from '../ingest/process-file.js';
import { UsageError } from '../util/errors.js';
import { annotate } from '../validate/annotate.js';
import { decide, loadRulePack } from '../validate/pack.js';
import { validateCapture } from '../validate/validate.js';
import { fileContext } from './fixtures.js';

/** Per session of a HAR: fingerprint, then for every check the deciding spec, the reason and the verdict. */
export async function explainHar(
  file: string,
  cfg: GoblinConfig,
  sessionKey?: string,
  root = process.cwd(),
): Promise<string[]> {
  const abs = resolve(root, file);
  const st = statSync(abs);
  const pack = loadRulePack(resolve(root, cfg.validate.specs_dir), root);
  const out: string[] = [];
  for (const p of processFile({ abs, rel: file, size: st.size, mtimeMs: st.mtimeMs }, fileContext(cfg))) {
    if (!p.capture) {
      out.push(
        `${p.file.path}: ${p.file.status} ${p.quarantine.map((q) => `${q.reason} ${q.detail ?? ''}`).join('; ')}`,
      );
      continue;
    }
    const result = validateCapture(p.capture, pack, { cnames: cfg.hosts.cname_allowlist });
    const sessions = p.capture.sessions.filter((s) => !sessionKey || s.key === sessionKey);
    if (sessionKey && sessions.length === 0)
      throw new UsageError(
        `no session ${sessionKey} in ${file}; sessions: ${p.capture.sessions.map((s) => s.key).join(', ')}`,
      );
    for (const s of sessions) {
      const row = result.sessions.find((r) => r.session === s.key)!;
      out.push(`session ${s.key} (${s.kind}, ${s.protocol}, ${s.events.length} events)`);
      out.push(
        `  fingerprint: platform ${s.platform} · sdk ${s.sdk} · version ${s.sdk_version ?? 'unknown'} · confidence ${s.confidence.toFixed(2)} — ${s.signals.join('; ')}`,
      );
      out.push(`  verdict ${row.verdict} · conformance ${row.conformance}`);
      void annotate;
      for (const d of decide(pack, s)) {
        if (!d.winner) continue;
        const verdict = row.rules[d.winner.spec.spec.id] ?? 'ABSTAIN';
        const codes = result.findings.filter(
          (f) =>
            f.session === s.key &&
            f.spec === d.winner!.spec.spec.id &&
            d.winner!.check.codes.includes(f.code),
        );
        out.push(
          `  ${d.checkId.padEnd(34)} ${verdict.padEnd(9)} by ${d.winner.spec.spec.id}@${d.winner.spec.spec.version} [${d.winner.spec.spec.status}] — ${d.reason}`,
        );
        out.push(
          `  ${''.padEnd(34)} params ${JSON.stringify(d.winner.params)}${d.winner.enabled ? '' : ' (disabled)'}`,
        );
        for (const f of codes.slice(0, 3)) out.push(`  ${''.padEnd(34)} → ${f.code}: ${f.message}`);
      }
    }
  }
  return out;
}
