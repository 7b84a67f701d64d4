/** The dictionary tree on disk: dictionary/<sdk>/<param>.yaml, stable YAML, merge with hand edits. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { DictionaryEntry } from './schema.js';
import { listFiles, makeDirs } from '../util/files.js';
import { yamlCache } from '../util/yaml-cache.js';

/** Fields a reviewer owns once `locked: true` is set. */
export const REVIEWED_FIELDS = ['type', 'unit', 'aliases', 'alias_sources', 'concept', 'presence'] as const;

export interface DictFile {
  path: string; // absolute
  entry: DictionaryEntry;
}


/** Every parseable entry of the tree (files starting with `_`, like the shape model, are not entries). */
export function readDictionary(dir: string, problems: string[] = []): DictFile[] {
  const out: DictFile[] = [];
  const yaml = yamlCache('dictionary');
  for (const path of listFiles(dir, /^[^_].*\.ya?ml$/)) {
    try {
      const r = DictionaryEntry.safeParse(yaml.parse(readFileSync(path, 'utf8')));
      if (r.success) out.push({ path, entry: r.data });
      else problems.push(`${path}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    } catch (e) {
      problems.push(`${path}: ${(e as Error).message}`);
    }
  }
  yaml.save();
  return out;
}

/** param → type, for the validator's `params.type_mismatch` dictionary rules (first sdk wins on a name clash). */
export function loadDictionaryTypes(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const { entry } of readDictionary(dir).sort((a, b) => a.entry.sdk.localeCompare(b.entry.sdk)))
    if (!m.has(entry.param)) m.set(entry.param, entry.type);
  return m;
}

/** File name for a param: readable, portable (`:` → `~`, other unsafe characters → `_`). */
export function paramSlug(param: string): string {
  return param.replace(/:/g, '~').replace(/[^A-Za-z0-9._~-]/g, '_') || '_';
}

function sortedRecord<T>(r: Record<string, T>, map?: (v: T) => unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(r)
      .sort()
      .map((k) => [k, map ? map(r[k]) : r[k]]),
  );
}

/** Editors validate entries against the schema exported from DictionaryEntry (tools/schemas/files.ts). */
const ENTRY_MODELINE = '# yaml-language-server: $schema=../../schemas/dictionary-entry.schema.json\n';

/** Canonical field order and sorted maps: the same entry always gives the same bytes. */
export function entryYaml(e: DictionaryEntry): string {
  const doc: Record<string, unknown> = {
    param: e.param,
    sdk: e.sdk,
    concept: e.concept,
    type: e.type,
    unit: e.unit,
    aliases: [...e.aliases].sort(),
    alias_sources: sortedRecord(e.alias_sources),
    stability: e.stability,
    sessions: e.sessions,
    stats: {
      count: e.stats.count,
      min: e.stats.min,
      max: e.stats.max,
      mean: e.stats.mean,
      stdev: e.stats.stdev,
      null_rate: e.stats.null_rate,
      distinct: e.stats.distinct,
      ...(e.stats.top_values?.length ? { top_values: e.stats.top_values } : {}),
    },
    presence: sortedRecord(e.presence, (v) => sortedRecord(v)),
    first_seen: e.first_seen,
    last_seen: e.last_seen,
    evidence: { examples: e.evidence.examples },
    locked: e.locked,
  };
  if (e.note !== undefined) doc.note = e.note;
  return ENTRY_MODELINE + YAML.stringify(doc, { lineWidth: 0, defaultKeyType: 'PLAIN' });
}

/** Fresh induction + what a reviewer wrote: `note` always survives; `locked` entries keep reviewed fields. */
export function mergeEntry(induced: DictionaryEntry, existing: DictionaryEntry | undefined): DictionaryEntry {
  if (!existing) return induced;
  const out: DictionaryEntry = { ...induced, locked: existing.locked };
  if (existing.note !== undefined) out.note = existing.note;
  if (existing.locked) for (const f of REVIEWED_FIELDS) (out as Record<string, unknown>)[f] = existing[f];
  return out;
}

export interface WriteResult {
  added: string[];
  changed: string[];
  unchanged: number;
  kept: number;
}

/**
 * Merge induced entries into the tree. Params that are no longer in the store keep their files (a smaller
 * store must not delete reviewed knowledge); their paths are reused, so a file never moves.
 */
export function writeDictionary(dir: string, induced: DictionaryEntry[], root = process.cwd()): WriteResult {
  const existing = readDictionary(dir);
  const byKey = new Map(existing.map((f) => [`${f.entry.sdk}\u0000${f.entry.param}`, f]));
  const taken = new Set(existing.map((f) => f.path.toLowerCase()));
  const res: WriteResult = { added: [], changed: [], unchanged: 0, kept: 0 };
  const seen = new Set<string>();
  for (const e of [...induced].sort((a, b) => a.sdk.localeCompare(b.sdk) || a.param.localeCompare(b.param))) {
    const key = `${e.sdk}\u0000${e.param}`;
    seen.add(key);
    const prev = byKey.get(key);
    let path = prev?.path;
    if (!path) {
      const base = join(dir, e.sdk.replace(/[^A-Za-z0-9_-]/g, '_'), paramSlug(e.param));
      path = `${base}.yaml`;
      if (taken.has(path.toLowerCase()))
        path = `${base}--${createHash('sha1').update(e.param).digest('hex').slice(0, 6)}.yaml`;
      taken.add(path.toLowerCase());
    }
    const text = entryYaml(mergeEntry(e, prev?.entry));
    const old = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (old === text) {
      res.unchanged++;
      continue;
    }
    makeDirs(join(path, '..'));
    writeFileSync(path, text);
    (old === null ? res.added : res.changed).push(relative(root, path));
  }
  res.kept = existing.filter((f) => !seen.has(`${f.entry.sdk}\u0000${f.entry.param}`)).length;
  return res;
}
