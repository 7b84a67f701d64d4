/**
 * What a run tells a person: the platform/version table, likely root causes, the top sessions with
 * their findings (message and event pointer), the quarantine — for the console and report.md.
 */
import { CODE_INFO } from '../codes/catalog.js';
import type { Finding, QuarantineRecord, Summary } from '../validate/outputs.js';
import type { SessionTally } from '../validate/session-tally.js';
import { findingVersionFrom, sessionKey } from './attribution.js';
import { quarantineMarkdown } from './quarantine.js';
import { pushTo } from '../util/push-to.js';

/** Likely root cause for a code family, sharpened when findings concentrate in one build. */
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

export interface RootCauseRow {
  code: string;
  findings: number;
  sessions: number;
  where: string;
  cause: string;
}

export function rootCauses(findings: Finding[], sessions: SessionTally): RootCauseRow[] {
  const versionOf = findingVersionFrom(sessions.versions);
  const byCode = new Map<string, Finding[]>();
  for (const f of findings) pushTo(byCode, f.code, f);
  return [...byCode.entries()]
    .map(([code, fs]) => {
      const groups = new Map<string, number>();
      for (const f of fs) {
        const build = `${f.platform} ${f.sdk} ${versionOf(f)}`;
        groups.set(build, (groups.get(build) ?? 0) + 1);
      }
      const [top, n] = [...groups.entries()].sort((a, b) => b[1] - a[1])[0];
      const nSessions = new Set(fs.map((f) => sessionKey(f.har, f.session))).size;
      // Only call it build-specific with enough evidence: several sessions, mostly in one build.
      const concentrated = nSessions >= 2 && n / fs.length >= 0.8;
      const fam = CODE_INFO.get(code)?.family ?? 'params';
      return {
        code,
        findings: fs.length,
        sessions: nSessions,
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

export function platformTable(findings: Finding[], sessions: SessionTally): string[] {
  const rows = new Map<
    string,
    { sessions: number; violating: number; findings: number; codes: Map<string, number> }
  >();
  const key = (p: string, sdk: string, v: string) => `${p}\u0000${sdk}\u0000${v}`;
  const versionOf = findingVersionFrom(sessions.versions);
  for (const b of sessions.builds.values())
    rows.set(key(b.platform, b.sdk, b.version), {
      sessions: b.sessions,
      violating: b.violating,
      findings: 0,
      codes: new Map(),
    });
  for (const f of findings) {
    const k = key(f.platform, f.sdk, versionOf(f));
    const r = rows.get(k) ?? { sessions: 0, violating: 0, findings: 0, codes: new Map() };
    r.findings++;
    r.codes.set(f.code, (r.codes.get(f.code) ?? 0) + 1);
    rows.set(k, r);
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

export interface SessionFindings {
  har: string;
  session: string;
  build: string;
  findings: Finding[];
}

/** The sessions with the most findings, each with its findings in capture order. */
export function topSessions(findings: Finding[], sessions: SessionTally, limit: number): SessionFindings[] {
  const versionOf = findingVersionFrom(sessions.versions);
  const groups = new Map<string, SessionFindings>();
  for (const f of findings) {
    const k = sessionKey(f.har, f.session);
    const g = groups.get(k) ?? {
      har: f.har,
      session: f.session,
      build: `${f.platform} ${f.sdk} ${versionOf(f)}`,
      findings: [],
    };
    g.findings.push(f);
    groups.set(k, g);
  }
  const order = (f: Finding) => f.entry_index ?? Number.MAX_SAFE_INTEGER;
  return [...groups.values()]
    .sort(
      (a, b) =>
        b.findings.length - a.findings.length ||
        a.har.localeCompare(b.har) ||
        a.session.localeCompare(b.session),
    )
    .slice(0, limit)
    .map((g) => ({
      ...g,
      findings: [...g.findings].sort((a, b) => order(a) - order(b) || a.code.localeCompare(b.code)),
    }));
}

/** Where a finding points: the HAR entry (0-based index in log.entries), the event id and its time. */
export function eventPointer(f: Finding): string {
  const parts = [
    f.entry_index !== null ? `entry ${f.entry_index}` : null,
    f.event_id ? `event ${f.event_id}` : null,
    f.ts,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'whole session';
}

function expectation(f: Finding): string {
  return f.expected !== null || f.observed !== null
    ? ` (expected ${f.expected ?? '—'}, observed ${f.observed ?? '—'})`
    : '';
}

/** Console lines: per top session, its findings with message and event pointer. */
export function topSessionLines(
  findings: Finding[],
  sessions: SessionTally,
  opts: { sessions?: number; findingsPerSession?: number } = {},
): string[] {
  const per = opts.findingsPerSession ?? 5;
  const out: string[] = [];
  for (const s of topSessions(findings, sessions, opts.sessions ?? 5)) {
    out.push(`  ${s.har} · session ${s.session} · ${s.build} · ${s.findings.length} finding(s)`);
    for (const f of s.findings.slice(0, per))
      out.push(`    ${f.code} [${f.severity}] ${eventPointer(f)} — ${f.message}`);
    if (s.findings.length > per) out.push(`    … and ${s.findings.length - per} more in violations.csv`);
  }
  return out;
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function reportMarkdown(
  summary: Summary,
  findings: Finding[],
  sessions: SessionTally,
  quarantine: QuarantineRecord[] = [],
): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const table = platformTable(findings, sessions);
  const rc = rootCauses(findings, sessions);
  const top = topSessions(findings, sessions, 10);
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
    ...(summary.gate ? ['', `Exit ${summary.gate.code}: ${summary.gate.reason}`] : []),
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
    'Each finding points at its HAR entry (0-based index in `log.entries`) and event.',
    '',
    ...top.flatMap((s) => [
      `### \`${s.har}\` session \`${s.session}\``,
      '',
      `${s.build} · ${s.findings.length} finding(s)`,
      '',
      '| code | severity | where | message |',
      '|---|---|---|---|',
      ...s.findings
        .slice(0, 20)
        .map(
          (f) => `| ${f.code} | ${f.severity} | ${md(eventPointer(f))} | ${md(f.message + expectation(f))} |`,
        ),
      ...(s.findings.length > 20 ? ['', `… and ${s.findings.length - 20} more in \`violations.csv\`.`] : []),
      '',
    ]),
    ...quarantineMarkdown(quarantine),
  ].join('\n');
}
