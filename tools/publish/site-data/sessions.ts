/**
 * Sessions, timelines, findings and codes for the site: sessions ordered by interest (inbox rank, then
 * findings), capped; timelines only for the kept sessions; findings most recent first.
 */
import { createHash } from 'node:crypto';
import { FAIL_CODES } from '../../codes/catalog.js';
import type { Finding, SessionRow, Timeline } from '../../validate/outputs.js';
import { sessionKey } from '../attribution.js';
import type {
  InboxItem,
  SiteCode,
  SiteFinding,
  SiteSession,
  SiteSpec,
  SiteTimeline,
} from '../site-schema.js';

export function sessionSlug(har: string, session: string): string {
  return createHash('sha1').update(`${har}\u0000${session}`).digest('hex').slice(0, 12);
}

/** Most interesting first: inbox rank, then more findings, then path and key. */
export function orderSessions(
  sessions: SessionRow[],
  findings: Finding[],
  inbox: readonly Pick<InboxItem, 'har' | 'session'>[],
): { ordered: SessionRow[]; findingsPer: Map<string, number> } {
  const findingsPer = new Map<string, number>();
  for (const f of findings)
    findingsPer.set(sessionKey(f.har, f.session), (findingsPer.get(sessionKey(f.har, f.session)) ?? 0) + 1);
  const rank = new Map<string, number>();
  inbox.forEach((x, i) => rank.set(sessionKey(x.har, x.session), i));
  const interesting = (a: SessionRow, b: SessionRow) => {
    const ka = sessionKey(a.har, a.session);
    const kb = sessionKey(b.har, b.session);
    return (
      (rank.get(ka) ?? Infinity) - (rank.get(kb) ?? Infinity) ||
      (findingsPer.get(kb) ?? 0) - (findingsPer.get(ka) ?? 0) ||
      a.har.localeCompare(b.har) ||
      a.session.localeCompare(b.session)
    );
  };
  const ordered = [...sessions].sort((a, b) => (rank.size || findingsPer.size ? interesting(a, b) : 0));
  return { ordered, findingsPer };
}

/** Timelines of the kept sessions, in their order, capped in count and events. */
export function siteTimelines(
  all: Timeline[],
  kept: SessionRow[],
  cap: number,
  eventCap: number,
): SiteTimeline[] {
  const wanted = new Map(kept.map((s, i) => [sessionKey(s.har, s.session), i]));
  return all
    .filter((t) => wanted.has(sessionKey(t.har, t.session)))
    .sort((a, b) => wanted.get(sessionKey(a.har, a.session))! - wanted.get(sessionKey(b.har, b.session))!)
    .slice(0, cap)
    .map((t) => ({
      slug: sessionSlug(t.har, t.session),
      har: t.har,
      session: t.session,
      protocol: t.protocol,
      platform: t.platform,
      sdk_version: t.sdk_version,
      events: t.events.slice(0, eventCap),
      truncated: t.events.length > eventCap,
    }));
}

export function siteSessions(
  kept: SessionRow[],
  findingsPer: Map<string, number>,
  timelines: SiteTimeline[],
  command: (har: string, session: string) => string,
): SiteSession[] {
  const withTimeline = new Set(timelines.map((t) => t.slug));
  return kept.map((s) => {
    const slug = sessionSlug(s.har, s.session);
    return {
      ...s,
      slug,
      findings: findingsPer.get(sessionKey(s.har, s.session)) ?? 0,
      has_timeline: withTimeline.has(slug),
      command: command(s.har, s.session),
    };
  });
}

/** Findings, most recent first. */
export function siteFindings(findings: Finding[]): SiteFinding[] {
  return findings
    .map((f) => ({ ...f, session_slug: sessionSlug(f.har, f.session) }))
    .sort(
      (a, b) =>
        (b.ts ?? '').localeCompare(a.ts ?? '') ||
        a.har.localeCompare(b.har) ||
        a.session.localeCompare(b.session) ||
        a.code.localeCompare(b.code),
    );
}

/** Every code of the catalog with its specs, counts and up to 20 example findings. */
export function siteCodes(findings: SiteFinding[], specs: SiteSpec[]): SiteCode[] {
  return FAIL_CODES.map((c) => {
    const idx: number[] = [];
    const sess = new Set<string>();
    findings.forEach((f, i) => {
      if (f.code !== c.code) return;
      idx.push(i);
      sess.add(f.session_slug);
    });
    return {
      code: c.code,
      family: c.family,
      severity: c.severity,
      definition: c.definition,
      specs: specs.filter((s) => s.fail_codes.includes(c.code)).map((s) => s.id),
      count: idx.length,
      sessions: sess.size,
      examples: idx.slice(0, 20),
    };
  });
}
