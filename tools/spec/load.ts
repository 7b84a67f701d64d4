import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { listFiles } from '../util/files.js';
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

export function parseSpecText(source: string, path: string): { spec?: LoadedSpec; errors: SpecLoadError[] } {
  let raw: unknown;
  try {
    raw = YAML.parse(source);
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

/** Load every spec under `dir` (recursively); the README and non-YAML files are ignored. */
export function loadSpecs(
  dir: string,
  root = process.cwd(),
): { specs: LoadedSpec[]; errors: SpecLoadError[] } {
  const specs: LoadedSpec[] = [];
  const errors: SpecLoadError[] = [];
  const seen = new Map<string, string>();
  for (const file of listFiles(dir, /\.ya?ml$/)) {
    const rel = relative(root, file);
    const r = parseSpecText(readFileSync(file, 'utf8'), rel);
    errors.push(...r.errors);
    if (r.spec) {
      const prev = seen.get(r.spec.spec.id);
      if (prev)
        errors.push({ path: rel, line: 1, message: `duplicate spec id ${r.spec.spec.id} (also in ${prev})` });
      else seen.set(r.spec.spec.id, rel);
      specs.push(r.spec);
    }
  }
  return { specs, errors };
}
