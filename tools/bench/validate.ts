import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { GoblinConfig } from '../config/index.js';
import { processFile } from '../ingest/process-file.js';
import type { Capture } from '../session/index.js';
import { fileContext } from '../validate/files.js';
import { loadRulePack } from '../validate/pack.js';
import { validateCapture } from '../validate/validate.js';

/**
 * Validator throughput on realistic sessions: decode a small simulated corpus once, then stream clones
 * of its captures through the full pack until ≥ `sessions` media sessions and ≥ `events` events have
 * been validated (only the validation is timed, as in the ingest workers where captures are in memory).
 */
export interface ValidateBench {
  sessions: number;
  events: number;
  seconds: number;
  findings: number;
  peak_rss_mib: number;
}

export async function benchValidate(root: string, sessions: number, events: number): Promise<ValidateBench> {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-bv-'));
  const { simulateCorpus } = await import('../simulate/index.js');
  simulateCorpus({ outDir: dir, seed: 99, sessions: 120, faultRate: 0.3 });
  const cfg = GoblinConfig.parse({});
  const ctx = fileContext(cfg);
  const templates: Capture[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (n.endsWith('.har'))
        for (const r of processFile({ abs: p, rel: n, size: st.size, mtimeMs: st.mtimeMs }, ctx))
          if (r.capture && r.capture.sessions.some((s) => s.kind === 'media')) templates.push(r.capture);
    }
  };
  walk(dir);
  rmSync(dir, { recursive: true, force: true });
  const pack = loadRulePack(join(root, 'specs'), root);
  let nSessions = 0;
  let nEvents = 0;
  let findings = 0;
  let busy = 0;
  let peak = 0;
  for (let i = 0; nSessions < sessions || nEvents < events; i++) {
    const c = structuredClone(templates[i % templates.length]);
    const t = performance.now();
    const r = validateCapture(c, pack, { cnames: cfg.hosts.cname_allowlist });
    busy += performance.now() - t;
    findings += r.findings.length;
    for (const s of c.sessions) if (s.kind === 'media') ((nSessions += 1), (nEvents += s.events.length));
    if (i % 200 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  return {
    sessions: nSessions,
    events: nEvents,
    seconds: busy / 1000,
    findings,
    peak_rss_mib: peak / 2 ** 20,
  };
}
