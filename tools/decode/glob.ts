/** Host globs from goblin.config.yaml (`*.acme.com`, `smetrics.*`), compiled once per list. */
const cache = new WeakMap<readonly string[], RegExp | null>();

function compile(globs: readonly string[]): RegExp | null {
  const parts: string[] = [];
  for (const g of globs) {
    const t = g.trim().toLowerCase();
    if (t === '') continue;
    parts.push(t.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*'));
  }
  return parts.length === 0 ? null : new RegExp(`^(?:${parts.join('|')})$`);
}

/** True when `host` (lower-cased) matches one of the globs. */
export function hostMatches(host: string, globs: readonly string[] | undefined): boolean {
  if (!globs || globs.length === 0) return false;
  let re = cache.get(globs);
  if (re === undefined) {
    re = compile(globs);
    cache.set(globs, re);
  }
  return re !== null && re.test(host);
}
