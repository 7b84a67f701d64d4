/** constitution.yaml's clauses as the site shows them (which checks each guards). */
import { existsSync, readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { Clause } from '../site-schema.js';
import { rel, type Problem } from './files.js';

export function loadConstitution(path: string, root: string, problems: Problem[]): Clause[] {
  if (!existsSync(path)) return [];
  let raw: unknown;
  try {
    raw = YAML.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    problems.push({ path: rel(root, path), message: `YAML: ${(e as Error).message}` });
    return [];
  }
  const clauses = (raw as { clauses?: unknown } | null)?.clauses;
  if (!Array.isArray(clauses)) return [];
  const out: Clause[] = [];
  clauses.forEach((c, i) => {
    if (!c || typeof c !== 'object') return;
    const o = c as Record<string, unknown>;
    const check = (o.check ?? null) as Record<string, unknown> | null;
    const strs = (v: unknown) =>
      Array.isArray(v)
        ? v.filter((x): x is string => typeof x === 'string')
        : typeof v === 'string'
          ? [v]
          : [];
    const checks = check && typeof check === 'object' ? [...strs(check.checks), ...strs(check.codes)] : [];
    out.push({
      id: typeof o.id === 'string' ? o.id : `clause-${i + 1}`,
      text: typeof o.text === 'string' ? o.text : '',
      check,
      checks,
      specs: [],
    });
  });
  return out;
}
