/**
 * A fresh object for an envelope's params. Every envelope's params are objects without a prototype,
 * decoded at ingest (tools/decode/) or read back from the store (tools/store/rows.ts), for two reasons:
 * - a param named like an `Object.prototype` member (`constructor`, `toString`: context-data names are
 *   the site's own) must read as absent when the beacon lacks it, the same way in a run and in a replay;
 * - V8 keeps such an object as a hash table from the start, where a plain `{}` walks through a new
 *   hidden class for each key added, and beacons add 20 to 100 keys that differ from one beacon to the
 *   next (decode 35–39 → 31–34 µs of CPU a beacon on the dense bench corpus; docs/measured.md, "Params
 *   without a prototype").
 */
export function newParams<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
