/**
 * Parsed YAML, remembered by content. Every `goblin validate` / `goblin run` starts by parsing ~300 YAML
 * files (the dictionary's entries, the specs, the fingerprint shape model): ~0.35–0.5 s of CPU in a fresh
 * process with the `yaml` package, against ~5 ms to hash the same text and JSON.parse what it gave last
 * time (docs/measured.md, "YAML parsed once per content"). The cache is keyed by a hash of the text, so an
 * edited file is parsed again and nothing can be stale; a value that JSON cannot carry exactly (a date,
 * ±Infinity, NaN, −0, undefined) is never cached, and a document YAML rejects throws as before.
 *
 * One JSON file per collection (`yaml-<name>.json`) under `node_modules/.cache/goblin` (where build tools
 * keep their caches), or `GOBLIN_CACHE_DIR`; `GOBLIN_CACHE_DIR=off` turns it off. A cache that cannot be
 * read or written is simply not used: it only ever saves time.
 */
import { hash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { makeDirs } from './files.js';

/** Entries kept per collection: those used by the last load first, then older ones up to this many. */
const MAX_ENTRIES = 4096;

const YAML_VERSION: string = (() => {
  try {
    return (createRequire(import.meta.url)('yaml/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/** Where the caches live (null: off). Same depth from tools/util and tools/.bundle, so one path works for both. */
export function yamlCacheDir(): string | null {
  const env = process.env.GOBLIN_CACHE_DIR;
  if (env === 'off') return null;
  return env
    ? resolve(env)
    : join(resolve(import.meta.dirname, '..', '..'), 'node_modules', '.cache', 'goblin');
}

interface CacheFile {
  format: 1;
  yaml: string;
  /** sha1 of the YAML text → JSON text of what YAML.parse gave. */
  entries: Record<string, string>;
}

/** True when JSON.stringify → JSON.parse gives back an equal value (plain data, finite numbers). */
export function jsonExact(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(jsonExact);
  if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k in v) if (!jsonExact((v as Record<string, unknown>)[k])) return false;
  return true;
}

export class YamlCache {
  private entries: Record<string, string> | null = null;
  private used = new Map<string, string>();
  private dirty = false;
  constructor(private file: string | null) {}

  /** YAML.parse(text), from the cache when this text was parsed before. Throws what YAML.parse throws. */
  parse(text: string): unknown {
    if (!this.file) return YAML.parse(text);
    const key = hash('sha1', text);
    const hit = this.used.get(key) ?? this.load()[key];
    if (typeof hit === 'string') {
      try {
        // A fresh object per call: callers may change what they get.
        const value: unknown = JSON.parse(hit);
        this.used.set(key, hit);
        return value;
      } catch {
        /* a damaged entry: parse the YAML again and replace it */
      }
    }
    const value: unknown = YAML.parse(text);
    if (jsonExact(value)) {
      // The text now, before the caller can change the value.
      this.used.set(key, JSON.stringify(value));
      this.dirty = true;
    }
    return value;
  }

  /** Write the cache when this load parsed something new. */
  save(): void {
    if (!this.file || !this.dirty) return;
    const entries: Record<string, string> = Object.fromEntries(this.used);
    let n = this.used.size;
    for (const [k, v] of Object.entries(this.load())) {
      if (n >= MAX_ENTRIES) break;
      if (!(k in entries)) ((entries[k] = v), n++);
    }
    const body: CacheFile = { format: 1, yaml: YAML_VERSION, entries };
    try {
      makeDirs(resolve(this.file, '..'));
      // Another process may save the same collection at once: each writes its own file and renames it.
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(body));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      /* a read-only checkout: parse again next time */
    }
  }

  private load(): Record<string, string> {
    if (this.entries) return this.entries;
    this.entries = {};
    try {
      const f = JSON.parse(readFileSync(this.file!, 'utf8')) as Partial<CacheFile>;
      if (f.format === 1 && f.yaml === YAML_VERSION && f.entries && typeof f.entries === 'object')
        this.entries = f.entries;
    } catch {
      /* none yet, or unreadable: start empty */
    }
    return this.entries;
  }
}

/** The cache of one collection of YAML files (`dictionary`, `specs`, …). */
export function yamlCache(name: string): YamlCache {
  const dir = yamlCacheDir();
  return new YamlCache(dir ? join(dir, `yaml-${name}.json`) : null);
}
