import { newParams } from '../envelope/params.js';

/**
 * Fast query-string parsing for Adobe beacons (docs/reference/wire-formats.md §2.3–§2.5, §3.2).
 *
 * Hand-written `indexOf` scanning; `decodeURIComponent` only when a component contains `%` or `+`;
 * malformed escapes never throw (valid runs are decoded, the rest is kept as written).
 */

/** Decodes one form-urlencoded component without ever throwing. */
export function decodeComponent(s: string): string {
  let hasPct = false;
  let hasPlus = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) hasPct = true;
    else if (c === 43) hasPlus = true;
  }
  if (!hasPct && !hasPlus) return s;
  const t = hasPlus ? s.replace(/\+/g, ' ') : s;
  if (!hasPct) return t;
  try {
    return decodeURIComponent(t);
  } catch {
    return decodeLenient(t);
  }
}

const PCT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/** Decodes each run of well-formed `%XX` escapes on its own; runs that are not valid UTF-8 stay as written. */
function decodeLenient(s: string): string {
  return s.replace(PCT_RUN, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Sets a key on a plain object, also for the one name that assignment would not store. */
export function setParam<T>(out: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

/** Flat parse: every `k=v` pair as is (heartbeat, ECID, Edge query). Later duplicates win. */
export function parseQueryFlat(
  qs: string,
  out: Record<string, string> = newParams(),
): Record<string, string> {
  const n = qs.length;
  let start = 0;
  while (start <= n) {
    let end = qs.indexOf('&', start);
    if (end < 0) end = n;
    if (end > start) {
      const eq = qs.indexOf('=', start);
      if (eq >= 0 && eq < end) {
        const key = decodeComponent(qs.slice(start, eq));
        if (key !== '') setParam(out, key, decodeComponent(qs.slice(eq + 1, end)));
      } else {
        const key = decodeComponent(qs.slice(start, end));
        if (key !== '') setParam(out, key, '');
      }
    }
    start = end + 1;
  }
  return out;
}

/**
 * Analytics parse: rebuilds context-data nesting. `c.` / `a.` (key ending in `.`, no value) opens a
 * level, `.a` closes it; keys inside a block are prefixed with the open levels:
 * `c.&a.&media.&name=X&.media&.a&.c` → `c.a.media.name=X`, `cid.&userid.&id=1&.userid&.cid` →
 * `cid.userid.id=1`. Keys that start with `&&` (mobile `&&events` context keys) go to the top level
 * without the `&&`. Later duplicates win. `out` may already hold params (URL query before a POST body).
 */
export function parseAaQuery(qs: string, out: Record<string, string> = newParams()): Record<string, string> {
  const n = qs.length;
  const stack: string[] = [];
  let prefix = '';
  let start = 0;
  while (start <= n) {
    let end = qs.indexOf('&', start);
    if (end < 0) end = n;
    if (end > start) {
      const eq = qs.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      const key = decodeComponent(qs.slice(start, hasValue ? eq : end));
      const value = hasValue ? decodeComponent(qs.slice(eq + 1, end)) : '';
      if (key === '') {
        // nothing
      } else if (key.charCodeAt(key.length - 1) === 46 /* . */ && value === '' && key.length > 1) {
        stack.push(key.slice(0, -1));
        prefix = stack.join('.') + '.';
      } else if (key.charCodeAt(0) === 46 /* . */ && value === '' && key.length > 1) {
        // Close the named level (and anything left open inside it); ignore a stray close.
        const name = key.slice(1);
        const at = stack.lastIndexOf(name);
        if (at >= 0) stack.length = at;
        else if (stack.length > 0) stack.pop();
        prefix = stack.length > 0 ? stack.join('.') + '.' : '';
      } else if (key.startsWith('&&')) {
        if (key.length > 2) setParam(out, key.slice(2), value);
      } else {
        setParam(out, prefix === '' ? key : prefix + key, value);
      }
    }
    start = end + 1;
  }
  return out;
}
