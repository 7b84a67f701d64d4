/** The validation run the site publishes: summary (+ previous), findings, sessions, spec-test, quarantine. */
import { join } from 'node:path';
import { Finding, QuarantineRecord, SessionRow, SpecTestReport, Summary } from '../../validate/outputs.js';
import { QUARANTINE_FILES, sortQuarantine } from '../quarantine.js';
import type { SiteData } from '../site-schema.js';
import { readJson, readJsonl, rel, type Problem } from './files.js';

export interface RunData {
  summary: Summary | null;
  prev: Summary | null;
  findings: Finding[];
  sessions: SessionRow[];
  specTest: SpecTestReport | null;
  quarantine: QuarantineRecord[];
  found: boolean;
}

export function loadRun(runDir: string, root: string, problems: Problem[]): RunData {
  const summaryRaw = readJson(join(runDir, 'summary.json'), problems, root);
  const summaryP = summaryRaw === undefined ? null : Summary.safeParse(summaryRaw);
  if (summaryP && !summaryP.success)
    problems.push({ path: rel(root, join(runDir, 'summary.json')), message: summaryP.error.message });
  const summary = summaryP?.success ? summaryP.data : null;
  const prevRaw = readJson(join(runDir, 'summary.prev.json'), problems, root);
  const prevP = prevRaw === undefined ? null : Summary.safeParse(prevRaw);
  const findings = readJsonl(join(runDir, 'violations.jsonl'), Finding, problems, root);
  const sessions = readJsonl(join(runDir, 'sessions.jsonl'), SessionRow, problems, root);
  const specTestRaw =
    readJson(join(runDir, 'spec-test.json'), problems, root) ??
    readJson(join(root, 'out', 'spec-test.json'), problems, root);
  const specTestP = specTestRaw === undefined ? null : SpecTestReport.safeParse(specTestRaw);
  // Runs written before quarantine.jsonl existed still name their first files in summary.json.
  const quarantineFile = readJsonl(join(runDir, QUARANTINE_FILES.jsonl), QuarantineRecord, problems, root);
  const quarantine = quarantineFile.length ? quarantineFile : (summary?.parse.quarantined ?? []);
  return {
    summary,
    prev: prevP?.success ? prevP.data : null,
    findings,
    sessions,
    specTest: specTestP?.success ? specTestP.data : null,
    quarantine: sortQuarantine(quarantine),
    found: summary !== null || sessions.length > 0 || findings.length > 0,
  };
}

/** The site's quarantine section: every reason counted, the first `cap` files and entries named. */
export function siteQuarantine(run: RunData, cap: number): SiteData['quarantine'] {
  const byReason: Record<string, number> = {};
  for (const q of run.quarantine) byReason[q.reason] = (byReason[q.reason] ?? 0) + 1;
  const total = Math.max(run.quarantine.length, run.summary?.parse.quarantined_total ?? 0);
  return { total, by_reason: byReason, rows: run.quarantine.slice(0, cap), cap };
}
