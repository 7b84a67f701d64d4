/**
 * robots.txt policy (RFC 9309, https://www.rfc-editor.org/rfc/rfc9309) on robots-parser, which
 * implements Google's matcher (https://github.com/google/robotstxt): groups for the same user agent are
 * merged (§2.2.1), the group is chosen by an exact, case-insensitive match of the crawler's product
 * token (never by prefix), else the `*` group; longest match wins with Allow on ties; `*` and `$`.
 * `Crawl-delay` (not in the RFC, widely honoured) is returned for the fetcher's per-host spacing.
 */
import robotsParserModule from 'robots-parser';

interface Robots {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
// A CommonJS module whose typings declare an ES default export; Node hands module.exports (the function)
// to a default import, which is what it is at run time.
const robotsParser = robotsParserModule as unknown as (url: string, text: string) => Robots;

export interface RobotsPolicy {
  /** May the crawler fetch this URL (same origin as the robots.txt)? */
  allowed(url: string): boolean;
  /** The group's Crawl-delay in milliseconds, or null when none is set. */
  crawlDelayMs: number | null;
  sitemaps: string[];
  /** Why the policy is what it is (for logs): `robots.txt`, `no robots.txt (HTTP 404)`, … */
  source: string;
}

/** Product token of a user agent string: "WeirdGoblin-research/0.1 (+local)" → "weirdgoblin-research". */
export function productToken(userAgent: string): string {
  return (userAgent.trim().split(/[\s/]/)[0] ?? '').toLowerCase();
}

/** The policy a robots.txt body sets for `userAgent`. `robotsUrl` is where it was fetched from. */
export function parseRobotsPolicy(robotsUrl: string, text: string, userAgent: string): RobotsPolicy {
  const robots = robotsParser(robotsUrl, text);
  const token = productToken(userAgent);
  const delay = robots.getCrawlDelay(token);
  return {
    // RFC 9309 §2.2.2: /robots.txt itself is always allowed. A URL robots-parser cannot judge (another
    // origin) gets `undefined`: the fetcher asks per origin, so that only happens for odd ports/schemes.
    allowed: (url) => new URL(url).pathname === '/robots.txt' || robots.isAllowed(url, token) !== false,
    crawlDelayMs: typeof delay === 'number' && Number.isFinite(delay) && delay > 0 ? delay * 1000 : null,
    sitemaps: robots.getSitemaps(),
    source: 'robots.txt',
  };
}

/** RFC 9309 §2.3.1.3: an unavailable robots.txt (4xx, too many redirects) allows everything. */
export function allowAll(source: string): RobotsPolicy {
  return { allowed: () => true, crawlDelayMs: null, sitemaps: [], source };
}

/** RFC 9309 §2.3.1.4: an unreachable robots.txt (5xx, network error) disallows everything. */
export function disallowAll(source: string): RobotsPolicy {
  return {
    allowed: (url) => new URL(url).pathname === '/robots.txt',
    crawlDelayMs: null,
    sitemaps: [],
    source,
  };
}
