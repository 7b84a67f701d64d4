import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_INFO } from '../codes/catalog.js';
import type { IngestSummary } from '../ingest/run.js';
import type { Finding, SessionRow, Summary } from './outputs.js';
import { readStaged } from '../ingest/staging.js';

const CSV_COLUMNS = [
  'har',
  'session',
  'code',
  'severity',
  'spec',
  'spec_version',
  'event_id',
  'entry_index',
  'ts',
  'message',
  'expected',
  'observed',
  'platform',
  'sdk',
  'sdk_version',
] as const;
export function toCsv(rows: Finding[]): string {
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return (
    [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => esc(r[c])).join(','))].join('\n') + '\n'
  );
}

/** Likely root cause for a code, sharpened when findings concentrate in one build. */
const ROOT_CAUSE: Record<string, string> = {
  cadence:
    'ping timer misconfigured for this SDK/version, or pings stop while the app is busy (ads, backgrounding)',
  playhead:
    'player playhead wiring (seek/pause reporting, live second-of-day, ad playhead leaking into main)',
  bookends: 'media tracker lifecycle: start/complete/end or ad/break/chapter calls missing or duplicated',
  orchestration:
    'Analytics and heartbeat trackers not coordinated (AA media-start hit missing, or sent client-side twice)',
  transport: 'network layer: wrong tracking server/CNAME, truncated URLs, server rejections or retries',
  params: 'tracker configuration: report suite, required metadata or value types',
  identity: 'Experience Cloud ID service not ready before tracking, or identity reset mid-session',
};

export function buildSummary(
  input: string,
  ingest: IngestSummary,
  findings: Finding[],
  sessions: SessionRow[],
  specCount: number,
  commit: string | null,
): Summary {
  const count = (xs: string[]) =>
    xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
  const byPv: Record<string, Record<string, number>> = {};
  for (const f of findings) {
    const k = `${f.platform}|${f.sdk}|${f.sdk_version ?? 'unknown'}`;
    byPv[k] ??= {};
    byPv[k][f.code] = (byPv[k][f.code] ?? 0) + 1;
  }
  const perSession = new Map<string, { har: string; session: string; findings: number }>();
  for (const f of findings) {
    const k = `${f.har}\u0000${f.session}`;
    const e = perSession.get(k) ?? { har: f.har, session: f.session, findings: 0 };
    e.findings++;
    perSession.set(k, e);
  }
  const v = count(sessions.map((s) => s.verdict));
  return {
    generated_at: new Date().toISOString(),
    input,
    spec_pack: { specs: specCount, commit },
    parse: {
      files_seen: ingest.files_seen,
      files_parsed: ingest.files_parsed,
      files_quarantined: ingest.files_quarantined,
      quarantine_by_reason: ingest.quarantine_by_reason,
      entries: ingest.entries,
      beacons: ingest.beacons,
      beacons_by_family: ingest.beacons_by_family,
      parse_success_rate: ingest.parse_success_rate,
    },
    sessions: {
      total: sessions.length,
      pass: v.PASS ?? 0,
      violation: v.VIOLATION ?? 0,
      abstain: v.ABSTAIN ?? 0,
    },
    coverage: sessions.length ? ((v.PASS ?? 0) + (v.VIOLATION ?? 0)) / sessions.length : 0,
    findings: findings.length,
    by_code: count(findings.map((f) => f.code)),
    by_family: count(findings.map((f) => f.family)),
    by_platform_version: byPv,
    rule_hits: count(findings.map((f) => f.spec)),
    top_sessions: [...perSession.values()].sort((a, b) => b.findings - a.findings).slice(0, 20),
  };
}

export interface RootCauseRow {
  code: string;
  findings: number;
  sessions: number;
  where: string;
  cause: string;
}

export function rootCauses(findings: Finding[]): RootCauseRow[] {
  const byCode = new Map<string, Finding[]>();
  for (const f of findings) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  return [...byCode.entries()]
    .map(([code, fs]) => {
      const groups = new Map<string, number>();
      for (const f of fs)
        groups.set(
          `${f.platform} ${f.sdk} ${f.sdk_version ?? '?'}`,
          (groups.get(`${f.platform} ${f.sdk} ${f.sdk_version ?? '?'}`) ?? 0) + 1,
        );
      const [top, n] = [...groups.entries()].sort((a, b) => b[1] - a[1])[0];
      const sessions = new Set(fs.map((f) => `${f.har}|${f.session}`)).size;
      // Only call it build-specific with enough evidence: several sessions, mostly in one build.
      const concentrated = sessions >= 2 && n / fs.length >= 0.8;
      const fam = CODE_INFO.get(code)?.family ?? 'params';
      return {
        code,
        findings: fs.length,
        sessions,
        where:
          groups.size === 1
            ? `only ${top}`
            : concentrated
              ? `${Math.round((100 * n) / fs.length)}% in ${top}`
              : `${groups.size} builds`,
        cause: (concentrated ? `build-specific: ` : '') + ROOT_CAUSE[fam],
      };
    })
    .sort((a, b) => b.findings - a.findings);
}

export function platformTable(findings: Finding[], sessions: SessionRow[]): string[] {
  const rows = new Map<
    string,
    { sessions: number; violating: number; findings: number; codes: Map<string, number> }
  >();
  const key = (p: string, sdk: string, v: string | null) => `${p}\u0000${sdk}\u0000${v ?? '?'}`;
  // Sessions without an explicit library version are grouped by their shape cluster (virtual version).
  const label = new Map(
    sessions.map((s) => [
      `${s.har}\u0000${s.session}`,
      s.sdk_version ?? (s.virtual_version ? `~${s.virtual_version}` : null),
    ]),
  );
  for (const s of sessions) {
    const k = key(s.platform, s.sdk, label.get(`${s.har}\u0000${s.session}`) ?? null);
    const r = rows.get(k) ?? { sessions: 0, violating: 0, findings: 0, codes: new Map() };
    r.sessions++;
    if (s.verdict === 'VIOLATION') r.violating++;
    rows.set(k, r);
  }
  for (const f of findings) {
    const r = rows.get(key(f.platform, f.sdk, label.get(`${f.har}\u0000${f.session}`) ?? f.sdk_version));
    if (!r) continue;
    r.findings++;
    r.codes.set(f.code, (r.codes.get(f.code) ?? 0) + 1);
  }
  const lines = [['platform', 'sdk', 'library version', 'sessions', 'violating', 'findings', 'top codes']];
  for (const [k, r] of [...rows.entries()].sort(
    (a, b) => b[1].findings - a[1].findings || a[0].localeCompare(b[0]),
  )) {
    const [p, sdk, v] = k.split('\u0000');
    const top = [...r.codes.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([c, n]) => `${c}×${n}`)
      .join(' ');
    lines.push([p, sdk, v, String(r.sessions), String(r.violating), String(r.findings), top || '—']);
  }
  const w = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  // Numeric columns (sessions, violating, findings) right-aligned.
  return lines.map((l) =>
    l
      .map((c, i) => (i >= 3 && i <= 5 ? c.padStart(w[i]) : c.padEnd(w[i])))
      .join('  ')
      .trimEnd(),
  );
}

export function reportMarkdown(summary: Summary, findings: Finding[], sessions: SessionRow[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const table = platformTable(findings, sessions);
  const rc = rootCauses(findings);
  return [
    `# Goblin validation report`,
    '',
    `Input: \`${summary.input}\` · ${summary.generated_at} · spec pack: ${summary.spec_pack.specs} specs${summary.spec_pack.commit ? ` @ ${summary.spec_pack.commit.slice(0, 10)}` : ''}`,
    '',
    `| files seen | parsed | quarantined | parse success | beacons | sessions | coverage | findings |`,
    `|---:|---:|---:|---:|---:|---:|---:|---:|`,
    `| ${summary.parse.files_seen} | ${summary.parse.files_parsed} | ${summary.parse.files_quarantined} | ${pct(summary.parse.parse_success_rate)} | ${summary.parse.beacons} | ${summary.sessions.total} | ${pct(summary.coverage)} | ${summary.findings} |`,
    '',
    `Verdicts: ${summary.sessions.pass} PASS · ${summary.sessions.violation} VIOLATION · ${summary.sessions.abstain} ABSTAIN`,
    '',
    '## Violations by platform / SDK version',
    '',
    '```',
    ...table,
    '```',
    '',
    '## Codes and likely root causes',
    '',
    '| code | findings | sessions | where | likely root cause |',
    '|---|---:|---:|---|---|',
    ...rc.map((r) => `| ${r.code} | ${r.findings} | ${r.sessions} | ${r.where} | ${r.cause} |`),
    '',
    '## Top offending sessions',
    '',
    ...summary.top_sessions
      .slice(0, 10)
      .map((s) => `- \`${s.har}\` session \`${s.session}\`: ${s.findings} findings`),
    '',
    Object.keys(summary.parse.quarantine_by_reason).length
      ? `## Quarantine\n\n${Object.entries(summary.parse.quarantine_by_reason)
          .map(([r, n]) => `- ${r}: ${n}`)
          .join('\n')}\n`
      : '',
  ].join('\n');
}

/** Write violations.jsonl/.csv, sessions.jsonl, timelines.jsonl, summary.json (+ .prev) and report.md. */
export function writeRunOutputs(opts: {
  stagingDir: string;
  outDir: string;
  input: string;
  ingest: IngestSummary;
  specCount: number;
  commit: string | null;
}): { summary: Summary; findings: Finding[]; sessions: SessionRow[] } {
  mkdirSync(opts.outDir, { recursive: true });
  const findings = readStaged<Finding & { har_hash?: string }>(opts.stagingDir, 'violation')
    .map(({ har_hash: _h, ...f }) => f as Finding)
    .sort(
      (a, b) =>
        a.har.localeCompare(b.har) ||
        a.session.localeCompare(b.session) ||
        (a.ts ?? '').localeCompare(b.ts ?? ''),
    );
  const sessions = readStaged<SessionRow>(opts.stagingDir, 'session_row').sort(
    (a, b) => a.har.localeCompare(b.har) || a.session.localeCompare(b.session),
  );
  const timelines = readStaged<{ har: string; session: string }>(opts.stagingDir, 'timeline').sort(
    (a, b) => a.har.localeCompare(b.har) || a.session.localeCompare(b.session),
  );
  const summary = buildSummary(opts.input, opts.ingest, findings, sessions, opts.specCount, opts.commit);
  const jsonl = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join('\n') + (xs.length ? '\n' : '');
  writeFileSync(join(opts.outDir, 'violations.jsonl'), jsonl(findings));
  writeFileSync(join(opts.outDir, 'violations.csv'), toCsv(findings));
  writeFileSync(join(opts.outDir, 'sessions.jsonl'), jsonl(sessions));
  writeFileSync(join(opts.outDir, 'timelines.jsonl'), jsonl(timelines));
  const summaryPath = join(opts.outDir, 'summary.json');
  if (existsSync(summaryPath)) copyFileSync(summaryPath, join(opts.outDir, 'summary.prev.json'));
  writeFileSync(summaryPath, JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(opts.outDir, 'report.md'), reportMarkdown(summary, findings, sessions));
  return { summary, findings, sessions };
}
