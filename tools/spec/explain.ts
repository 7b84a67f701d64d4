import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { processFile } from '../ingest/process-file.js';
import type { Capture } from '../session/index.js';
import { openStore, queryRows } from '../store/index.js';
import { UsageError } from '../util/errors.js';
import { decide, loadRulePack, type RulePack } from '../validate/pack.js';
import { capturesFromStore } from '../validate/replay.js';
import { validateCapture } from '../validate/validate.js';
import { fileContext } from '../validate/files.js';

/** Per session: fingerprint, then for every check the deciding spec, why it won, its parameters and the verdict. */
export function explainCapture(
  capture: Capture,
  pack: RulePack,
  cfg: GoblinConfig,
  sessionKey?: string,
): string[] {
  const out: string[] = [];
  const result = validateCapture(capture, pack, { cnames: cfg.hosts.cname_allowlist });
  const sessions = capture.sessions.filter((s) => !sessionKey || s.key === sessionKey);
  if (sessionKey && sessions.length === 0)
    throw new UsageError(
      `no session ${sessionKey} in ${capture.har}; sessions: ${capture.sessions.map((s) => s.key).join(', ')}`,
    );
  for (const s of sessions) {
    const row = result.sessions.find((r) => r.session === s.key)!;
    out.push(`session ${s.key} in ${capture.har} (${s.kind}, ${s.protocol}, ${s.events.length} events)`);
    out.push(
      `  fingerprint: platform ${s.platform} · sdk ${s.sdk} · version ${s.sdk_version ?? 'unknown'}${s.virtual_version ? ` · virtual ${s.virtual_version}` : ''} · confidence ${s.confidence.toFixed(2)} — ${s.signals.join('; ')}`,
    );
    out.push(`  verdict ${row.verdict} · conformance ${row.conformance}`);
    for (const d of decide(pack, s)) {
      const w = d.winner;
      if (!w) continue;
      const verdict = row.rules[w.spec.spec.id] ?? 'ABSTAIN';
      out.push(
        `  ${d.checkId.padEnd(34)} ${verdict.padEnd(9)} by ${w.spec.spec.id}@${w.spec.spec.version} [${w.spec.spec.status}] — ${d.reason}`,
      );
      out.push(`  ${''.padEnd(34)} params ${JSON.stringify(w.params)}${w.enabled ? '' : ' (disabled)'}`);
      const codes = result.findings.filter(
        (f) => f.session === s.key && f.spec === w.spec.spec.id && w.check.codes.includes(f.code),
      );
      for (const f of codes.slice(0, 3)) out.push(`  ${''.padEnd(34)} → ${f.code}: ${f.message}`);
    }
  }
  return out;
}

/**
 * `goblin spec explain <target>`: a HAR file (all its sessions, or --session KEY), or a session id
 * known to the store (its capture is replayed from DuckDB).
 */
export async function explain(
  target: string,
  cfg: GoblinConfig,
  sessionKey?: string,
  root = process.cwd(),
): Promise<string[]> {
  const pack = loadRulePack(resolve(root, cfg.validate.specs_dir), root);
  const abs = resolve(root, target);
  if (existsSync(abs) && statSync(abs).isFile()) {
    const out: string[] = [];
    for (const p of processFile(
      { abs, rel: target, size: statSync(abs).size, mtimeMs: statSync(abs).mtimeMs },
      fileContext(cfg),
    )) {
      if (!p.capture)
        out.push(
          `${p.file.path}: ${p.file.status} ${p.quarantine.map((q) => `${q.reason} ${q.detail ?? ''}`).join('; ')}`,
        );
      else out.push(...explainCapture(p.capture, pack, cfg, sessionKey));
    }
    return out;
  }
  const db = resolve(root, cfg.storage.db_file);
  if (!existsSync(db))
    throw new UsageError(`${target} is neither a HAR file nor a session id (no store at ${db})`);
  const store = await openStore(db, { lake: resolve(root, cfg.storage.parquet_dir) });
  try {
    const hits = await queryRows<{ har_hash: string }>(
      store.con,
      `SELECT DISTINCT har_hash FROM session WHERE session_key = '${target.replace(/'/g, "''")}'`,
    );
    if (hits.length === 0)
      throw new UsageError(`no session ${target} in the store; give a HAR file or a stored session id`);
    const out: string[] = [];
    for await (const c of capturesFromStore(store.con, { hashes: hits.map((h) => h.har_hash) }))
      out.push(...explainCapture(c, pack, cfg, target));
    return out;
  } finally {
    store.close();
  }
}
