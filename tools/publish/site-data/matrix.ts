/** The dashboard's platform × version matrix and the changes since the previous run. */
import semver from 'semver';
import { CODE_INFO, FAIL_CODES } from '../../codes/catalog.js';
import type { Finding, SessionRow, Summary } from '../../validate/outputs.js';
import { findingVersions, UNKNOWN_VERSION, versionLabel } from '../attribution.js';
import type { Changes, SiteData } from '../site-schema.js';

function compareVersions(a: string, b: string): number {
  const ca = semver.coerce(a);
  const cb = semver.coerce(b);
  if (ca && cb) return semver.compare(ca, cb) || a.localeCompare(b);
  if (ca) return -1;
  if (cb) return 1;
  return a.localeCompare(b);
}

export function computeChanges(cur: Summary, prev: Summary): Changes {
  const codes = [...new Set([...Object.keys(cur.by_code), ...Object.keys(prev.by_code)])]
    .map((code) => ({ code, before: prev.by_code[code] ?? 0, after: cur.by_code[code] ?? 0 }))
    .filter((c) => c.before !== c.after)
    .sort(
      (a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || a.code.localeCompare(b.code),
    );
  const curV = new Set(Object.keys(cur.by_platform_version));
  const prevV = new Set(Object.keys(prev.by_platform_version));
  return {
    prev_generated_at: prev.generated_at,
    coverage: { before: prev.coverage, after: cur.coverage },
    findings: { before: prev.findings, after: cur.findings },
    sessions: { before: prev.sessions.total, after: cur.sessions.total },
    parse_success_rate: { before: prev.parse.parse_success_rate, after: cur.parse.parse_success_rate },
    specs: { before: prev.spec_pack.specs, after: cur.spec_pack.specs },
    codes,
    new_versions: [...curV].filter((v) => !prevV.has(v)).sort(),
    gone_versions: [...prevV].filter((v) => !curV.has(v)).sort(),
  };
}

/**
 * Sessions and findings per platform/SDK/version and family. A finding is counted where its session is
 * (its virtual version when the session has no explicit one), so the two columns always agree.
 */
export function computeMatrix(
  sessions: SessionRow[],
  findings: Finding[],
  summary: Summary | null,
): SiteData['matrix'] {
  const rows = new Map<string, SiteData['matrix']['rows'][number]>();
  const row = (platform: string, sdk: string, version: string) => {
    const k = `${platform}|${sdk}|${version}`;
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { platform, sdk, version, sessions: 0, findings: 0, by_family: {} }));
    return r;
  };
  const familyOf = (f: { code: string; family?: string }) =>
    f.family || CODE_INFO.get(f.code)?.family || 'other';
  if (sessions.length || findings.length) {
    const versionOf = findingVersions(sessions);
    for (const s of sessions) row(s.platform, s.sdk, versionLabel(s)).sessions++;
    for (const f of findings) {
      const r = row(f.platform, f.sdk, versionOf(f));
      r.findings++;
      const fam = familyOf(f);
      r.by_family[fam] = (r.by_family[fam] ?? 0) + 1;
    }
  } else if (summary) {
    for (const [k, byCode] of Object.entries(summary.by_platform_version)) {
      const [platform, sdk, version] = k.split('|');
      const r = row(platform ?? UNKNOWN_VERSION, sdk ?? UNKNOWN_VERSION, version || UNKNOWN_VERSION);
      for (const [code, n] of Object.entries(byCode)) {
        r.findings += n;
        const fam = familyOf({ code });
        r.by_family[fam] = (r.by_family[fam] ?? 0) + n;
      }
    }
  }
  const present = new Set([...rows.values()].flatMap((r) => Object.keys(r.by_family)));
  const families = [
    ...FAIL_CODES.map((c) => c.family as string).filter((f, i, a) => a.indexOf(f) === i),
    ...[...present].filter((f) => !FAIL_CODES.some((c) => c.family === f)),
  ].filter((f) => present.has(f));
  return {
    families,
    rows: [...rows.values()].sort(
      (a, b) =>
        a.platform.localeCompare(b.platform) ||
        a.sdk.localeCompare(b.sdk) ||
        compareVersions(a.version, b.version),
    ),
  };
}
