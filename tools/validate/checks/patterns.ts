/**
 * A pattern a spec gives a check (`custom_key_pattern`, a report suite's `pattern`), compiled once per
 * process: checks run once per session, and a pack holds a handful of patterns. Without flags, so
 * `test` keeps no state between calls.
 */
const COMPILED = new Map<string, RegExp>();

export function patternOf(source: string): RegExp {
  let re = COMPILED.get(source);
  if (!re) COMPILED.set(source, (re = new RegExp(source)));
  return re;
}
