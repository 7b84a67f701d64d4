/**
 * One attribution of sessions and findings to a library version, used by every report (console,
 * report.md, summary.json, the site's matrix and inbox). A session without an explicit library version
 * is counted under its virtual version (the shape cluster id, `vv-…`), and so are its findings: a
 * finding carries no virtual version of its own, so it is looked up through its session.
 */
export interface VersionedSession {
  har: string;
  session: string;
  platform: string;
  sdk: string;
  sdk_version: string | null;
  virtual_version?: string | null;
}

export interface VersionedFinding {
  har: string;
  session: string;
  platform: string;
  sdk: string;
  sdk_version: string | null;
}

export const UNKNOWN_VERSION = 'unknown';

export const sessionKey = (har: string, session: string): string => `${har}\u0000${session}`;

/** The version a session is counted under: explicit, else virtual (`vv-…`), else `unknown`. */
export function versionLabel(s: { sdk_version: string | null; virtual_version?: string | null }): string {
  return s.sdk_version ?? s.virtual_version ?? UNKNOWN_VERSION;
}

/** `platform|sdk|version`, the key of summary.by_platform_version and the site's matrix. */
export function versionKey(s: { platform: string; sdk: string }, version: string): string {
  return `${s.platform}|${s.sdk}|${version}`;
}

/** Resolves each finding's version through its session (virtual versions included). */
export function findingVersions(sessions: readonly VersionedSession[]): (f: VersionedFinding) => string {
  return findingVersionFrom(new Map(sessions.map((s) => [sessionKey(s.har, s.session), versionLabel(s)])));
}

/** The same, from each session's version label by `sessionKey`; else the finding's own version. */
export function findingVersionFrom(bySession: ReadonlyMap<string, string>): (f: VersionedFinding) => string {
  return (f) => bySession.get(sessionKey(f.har, f.session)) ?? f.sdk_version ?? UNKNOWN_VERSION;
}
