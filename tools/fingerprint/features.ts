/**
 * Shape features shared by the store-side (SQL) and the in-memory (ingest) paths, so a session gets the same
 * feature set whichever way it is computed. Keep the two implementations in step (tests check they agree).
 */

/** Array positions in flattened keys (`identityMap.ECID.0.id`) → `*`, so batches of any size look alike. */
export function normalizeKey(key: string): string {
  return key.replace(/\.[0-9]+(\.|$)/g, '.*$1');
}

/** SQL twin of normalizeKey (RE2, global). */
export function normalizeKeySql(col: string): string {
  return `regexp_replace(${col}, '\\.[0-9]+(\\.|$)', '.*\\1', 'g')`;
}

/**
 * Keys that say nothing about the SDK build: customer-defined variables (eVars, props, list/hier vars,
 * context data outside `a.`, custom metadata), and the explicit version fields themselves (shape inference
 * must work when they are missing, and the evaluation hides them).
 */
export const VOLATILE_KEY_SOURCE =
  '^((eVar|prop|hier|list|v|c|h|l)[0-9]+|c\\.[^a].*|c\\.a[^.].*|s:meta:[^a].*|s:meta:a[^.].*|.*customMetadata\\..*|_.*)$';
export const VERSION_KEYS = [
  's:sp:hb_version',
  'media.libraryVersion',
  'implementationDetails.version',
  'c.a.media.vhlVersion',
  'c.a.AppID',
  'version',
];
const VOLATILE_RE = new RegExp(VOLATILE_KEY_SOURCE);
const VERSION_SET = new Set(VERSION_KEYS);

export function isShapeKey(normalized: string): boolean {
  return !VERSION_SET.has(normalized) && !VOLATILE_RE.test(normalized);
}

/** SQL predicate twin of isShapeKey over a normalized-key column. */
export function isShapeKeySql(col: string): string {
  const list = VERSION_KEYS.map((k) => `'${k}'`).join(', ');
  return `(${col} NOT IN (${list}) AND NOT regexp_full_match(${col}, '${VOLATILE_KEY_SOURCE.replace(/'/g, "''")}'))`;
}

/**
 * A session's core keys: shape keys present in at least half of its events, or on its start event (the start
 * carries the SDK's session metadata; later events of some protocols carry little more than the playhead).
 * Keys of minority events (ads, chapters, errors) stay out, so a session with ads looks like one without.
 */
export function coreKeys(events: { event_type: string | null; params: Record<string, unknown> }[]): string[] {
  const counts = new Map<string, number>();
  const onStart = new Set<string>();
  for (const e of events) {
    const seen = new Set<string>();
    for (const k of Object.keys(e.params)) {
      const n = normalizeKey(k);
      if (seen.has(n) || !isShapeKey(n)) continue;
      seen.add(n);
      counts.set(n, (counts.get(n) ?? 0) + 1);
      if (e.event_type === START_EVENT) onStart.add(n);
    }
  }
  const out: string[] = [];
  for (const [k, c] of counts) if (c * 2 >= events.length || onStart.has(k)) out.push(k);
  return out.sort();
}

export const START_EVENT = 'sessionStart';

/** Block features (never shared across SDKs/platforms) + key features. */
export function shapeFeatures(sdk: string, platform: string, keys: string[]): string[] {
  return [`sdk=${sdk}`, `platform=${platform}`, ...keys.map((k) => `key=${k}`)];
}
