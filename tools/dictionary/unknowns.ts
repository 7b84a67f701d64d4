/**
 * Research trigger (docs/dictionary.md, "unknowns"): stable parameters seen in enough sessions that no spec and no known
 * mapping covers — the queue for research and spec proposals.
 */
import { loadSpecs } from '../spec/load.js';
import type { DictionaryEntry } from './schema.js';
import { readDictionary } from './files.js';
import { seedNames } from './seed.js';
import { VOLATILE_KEY_SOURCE } from '../fingerprint/features.js';

export interface Unknown {
  sdk: string;
  param: string;
  type: string;
  stability: number;
  sessions: number;
  concept: string | null;
  examples: string[];
}

/** Every param name the specs mention: requires.keys/dict, check params (keys and string values). */
export function specCoveredNames(specsDir: string, root = process.cwd()): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        out.add(k);
        visit(x);
      }
  };
  for (const { spec } of loadSpecs(specsDir, root).specs) {
    spec.requires.keys.forEach((k) => out.add(k));
    spec.requires.dict.forEach((k) => out.add(k));
    for (const a of spec.assert) visit(a.params);
  }
  return out;
}

function covered(name: string, names: Set<string>): boolean {
  if (names.has(name)) return true;
  // `l:*` style prefixes count; a bare `*` (e.g. "any event type" in check params) does not.
  for (const n of names) if (n.length > 2 && n.endsWith('*') && name.startsWith(n.slice(0, -1))) return true;
  return false;
}

const CUSTOMER = new RegExp(VOLATILE_KEY_SOURCE);

export function findUnknowns(
  entries: DictionaryEntry[],
  specNames: Set<string>,
  opts: { minSessions?: number; minStability?: number; includeCustom?: boolean } = {},
): Unknown[] {
  const minSessions = opts.minSessions ?? 20;
  const minStability = opts.minStability ?? 0.9;
  const seeds = seedNames();
  return entries
    .filter(
      (e) =>
        e.sessions >= minSessions &&
        e.stability >= minStability &&
        !e.locked &&
        !seeds.has(e.param) &&
        !covered(e.param, specNames) &&
        !e.aliases.some((a) => covered(a, specNames)) &&
        (opts.includeCustom || !CUSTOMER.test(e.param)),
    )
    .sort((a, b) => b.sessions - a.sessions || a.sdk.localeCompare(b.sdk) || a.param.localeCompare(b.param))
    .map((e) => ({
      sdk: e.sdk,
      param: e.param,
      type: e.type,
      stability: e.stability,
      sessions: e.sessions,
      concept: e.concept,
      examples: e.evidence.examples.slice(0, 2),
    }));
}

export function unknownsFromDir(
  dictDir: string,
  specsDir: string,
  opts: Parameters<typeof findUnknowns>[2] = {},
  root = process.cwd(),
): Unknown[] {
  return findUnknowns(
    readDictionary(dictDir).map((f) => f.entry),
    specCoveredNames(specsDir, root),
    opts,
  );
}
