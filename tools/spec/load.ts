import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { listFiles } from '../util/files.js';
import { yamlCache } from '../util/yaml-cache.js';
import { Spec, type LoadedSpec } from './schema.js';

export interface SpecLoadError {
  path: string;
  line: number | null;
  message: string;
}

/** Line (1-based) of a dotted path inside YAML text, for messages that point at the right place. */
export function lineOf(source: string, path: (string | number)[]): number | null {
  try {
    const doc = YAML.parseDocument(source, { keepSourceTokens: true });
    for (let i = path.length; i > 0; i--) {
      const node = doc.getIn(path.slice(0, i), true) as { range?: [number, number, number] } | undefined;
      if (node && node.range) return source.slice(0, node.range[0]).split('\n').length;
    }
  } catch {
    /* fall through */
  }
  return null;
}

export function parseSpecText(
  source: string,
  path: string,
  /** YAML.parse, or a cache of it (tools/util/yaml-cache.ts) when many files are read at once. */
  parseYaml: (text: string) => unknown = (t) => YAML.parse(t),
): { spec?: LoadedSpec; errors: SpecLoadError[] } {
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (e) {
    return { errors: [{ path, line: null, message: `YAML: ${(e as Error).message}` }] };
  }
  const parsed = Spec.safeParse(raw);
  if (!parsed.success) {
    return {
      errors: parsed.error.issues.map((i) => ({
        path,
        line: lineOf(source, i.path as (string | number)[]),
        message: `${i.path.join('.') || '(root)'}: ${i.message}`,
      })),
    };
  }
  return { spec: { spec: parsed.data, path, source }, errors: [] };
}

/** What `loadSpecs` read: the specs that parsed, and every error. */
export interface SpecFiles {
  specs: LoadedSpec[];
  errors: SpecLoadError[];
}

/**
 * Specs another process read and sent (a `goblin run` parent to its workers and learning process): each
 * child checks them against the schema again instead of parsing the YAML again, which cost a fresh
 * process ~0.2 s of CPU (docs/ingest.md, "Worker start").
 */
export const SpecFilesData = z.object({
  specs: z.array(z.object({ spec: Spec, path: z.string(), source: z.string() })),
  errors: z.array(z.object({ path: z.string(), line: z.number().nullable(), message: z.string() })),
});

export function checkedSpecFiles(data: unknown): SpecFiles {
  return SpecFilesData.parse(data);
}

/** Load every spec under `dir` (recursively); the README and non-YAML files are ignored. */
export function loadSpecs(dir: string, root = process.cwd()): SpecFiles {
  const specs: LoadedSpec[] = [];
  const errors: SpecLoadError[] = [];
  const seen = new Map<string, string>();
  const yaml = yamlCache('specs');
  for (const file of listFiles(dir, /\.ya?ml$/)) {
    const rel = relative(root, file);
    const r = parseSpecText(readFileSync(file, 'utf8'), rel, (t) => yaml.parse(t));
    errors.push(...r.errors);
    if (r.spec) {
      const prev = seen.get(r.spec.spec.id);
      if (prev)
        errors.push({ path: rel, line: 1, message: `duplicate spec id ${r.spec.spec.id} (also in ${prev})` });
      else seen.set(r.spec.spec.id, rel);
      specs.push(r.spec);
    }
  }
  yaml.save();
  return { specs, errors };
}
