/**
 * robots.txt (RFC 9309): groups by User-agent, Allow/Disallow with longest-match precedence
 * (Allow wins ties), `*` and `$` wildcards. The most specific matching user-agent group applies;
 * otherwise the `*` group; otherwise everything is allowed.
 */
export interface RobotsRules {
  groups: { agents: string[]; rules: { allow: boolean; pattern: string }[] }[];
  sitemaps: string[];
  /** A 5xx/unreachable robots.txt means "disallow everything" (RFC 9309 §2.3.1.4). */
  disallowAll?: boolean;
}

export function parseRobots(text: string): RobotsRules {
  const groups: RobotsRules['groups'] = [];
  const sitemaps: string[] = [];
  let current: RobotsRules['groups'][number] | null = null;
  let lastWasAgent = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const idx = line.indexOf(':');
    if (idx < 0) continue;
    const key = line.slice(0, idx).trim().toLowerCase();
    const value = line.slice(idx + 1).trim();
    if (key === 'user-agent') {
      if (!current || !lastWasAgent) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (key === 'sitemap') {
      sitemaps.push(value);
    } else if ((key === 'allow' || key === 'disallow') && current) {
      // An empty Disallow means "allow all" and adds no rule.
      if (value) current.rules.push({ allow: key === 'allow', pattern: value });
    }
  }
  return { groups, sitemaps };
}

function patternToRegex(pattern: string): RegExp {
  const anchored = pattern.endsWith('$');
  const body = (anchored ? pattern.slice(0, -1) : pattern)
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}${anchored ? '$' : ''}`);
}

/** Product token of a user agent string: "WeirdGoblin-research/0.1 (+local)" → "weirdgoblin-research". */
export function productToken(userAgent: string): string {
  return (userAgent.split(/[\s/]/)[0] ?? '').toLowerCase();
}

export function isAllowed(rules: RobotsRules, userAgent: string, pathAndQuery: string): boolean {
  if (rules.disallowAll) return false;
  if (pathAndQuery === '/robots.txt') return true;
  const token = productToken(userAgent);
  const group =
    rules.groups
      .filter((g) => g.agents.some((a) => a !== '*' && token.startsWith(a)))
      .sort(
        (a, b) => Math.max(...b.agents.map((x) => x.length)) - Math.max(...a.agents.map((x) => x.length)),
      )[0] ?? rules.groups.find((g) => g.agents.includes('*'));
  if (!group) return true;
  let best: { allow: boolean; len: number } | null = null;
  let path = pathAndQuery;
  try {
    path = decodeURI(pathAndQuery);
  } catch {
    /* keep raw */
  }
  for (const r of group.rules) {
    if (!patternToRegex(r.pattern).test(path) && !patternToRegex(r.pattern).test(pathAndQuery)) continue;
    const len = r.pattern.length;
    if (!best || len > best.len || (len === best.len && r.allow)) best = { allow: r.allow, len };
  }
  return best ? best.allow : true;
}
