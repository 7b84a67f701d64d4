/** The parameter dictionary as the site shows it: one entry per (sdk, param) with a stable page slug. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DictionaryEntry } from '../../dictionary/schema.js';
import { listFiles } from '../../util/files.js';
import { yamlCache } from '../../util/yaml-cache.js';
import type { SiteDictEntry } from '../site-schema.js';
import { issues, rel, type Problem } from './files.js';

function dictSlug(sdk: string, param: string): string {
  const p = param.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'param';
  return `${sdk.replace(/[^A-Za-z0-9_-]+/g, '-')}--${p}`;
}

export function loadDictionary(
  dir: string,
  root: string,
  problems: Problem[],
): { entry: DictionaryEntry; path: string }[] {
  const out: { entry: DictionaryEntry; path: string }[] = [];
  // The same cache as the validator's reader (tools/dictionary/files.ts): one parse per entry's text.
  const yaml = yamlCache('dictionary');
  for (const file of listFiles(dir, /\.ya?ml$/)) {
    // `_`-prefixed files (e.g. _shapes.yaml, the shape-cluster model) are not parameter entries.
    if (basename(file).startsWith('_')) continue;
    const path = rel(root, file);
    let raw: unknown;
    try {
      raw = yaml.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      problems.push({ path, message: `YAML: ${(e as Error).message}` });
      continue;
    }
    const r = DictionaryEntry.safeParse(raw);
    if (!r.success) {
      problems.push({ path, message: issues(r.error) });
      continue;
    }
    out.push({ entry: r.data, path });
  }
  yaml.save();
  return out;
}

/** Site entries sorted by sdk and param (unique slugs), and an index by name and alias. */
export function siteDictionary(loaded: { entry: DictionaryEntry; path: string }[]): {
  dictionary: SiteDictEntry[];
  byName: Map<string, SiteDictEntry[]>;
} {
  const slugs = new Set<string>();
  const dictionary: SiteDictEntry[] = [...loaded]
    .sort((a, b) => a.entry.sdk.localeCompare(b.entry.sdk) || a.entry.param.localeCompare(b.entry.param))
    .map(({ entry, path }) => {
      let slug = dictSlug(entry.sdk, entry.param);
      while (slugs.has(slug.toLowerCase())) slug += '_';
      slugs.add(slug.toLowerCase());
      return { ...entry, slug, path, used_by: [] };
    });
  const byName = new Map<string, SiteDictEntry[]>();
  for (const d of dictionary)
    for (const n of [d.param, ...d.aliases]) {
      const list = byName.get(n) ?? [];
      list.push(d);
      byName.set(n, list);
    }
  return { dictionary, byName };
}
