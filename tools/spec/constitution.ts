import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { checkFor } from '../validate/checks/index.js';
import { lineOf } from './load.js';
import type { LoadedSpec } from './schema.js';

const Bound = z.object({ min: z.number().optional(), max: z.number().optional() }).strict();
export const Clause = z
  .object({
    id: z.string(),
    text: z.string(),
    check: z
      .object({
        checks: z.array(z.string()).min(1),
        forbid_disable: z.boolean().default(false),
        params: z.record(z.string(), Bound).default({}),
        unless_cited: z.boolean().default(false),
        relaxation_needs_citation: z.boolean().default(false),
      })
      .strict(),
  })
  .strict();
export const Constitution = z.object({ version: z.number().int(), clauses: z.array(Clause).min(1) }).strict();
export type Constitution = z.infer<typeof Constitution>;

export function loadConstitution(path: string): Constitution {
  return Constitution.parse(YAML.parse(readFileSync(path, 'utf8')));
}

/** The current id of a check a spec or clause names ('*' and unknown ids stay as they are). */
const canonical = (id: string) => checkFor(id)?.id ?? id;

export interface ConstitutionViolation {
  clause: string;
  path: string;
  line: number | null;
  message: string;
}

/** Relaxations a spec makes relative to each check's defaults (with the YAML path of each). */
export function relaxations(
  ls: LoadedSpec,
): { where: (string | number)[]; check: string; message: string }[] {
  const out: { where: (string | number)[]; check: string; message: string }[] = [];
  ls.spec.assert.forEach((a, i) => {
    if (!a.enabled)
      out.push({ where: ['assert', i, 'enabled'], check: a.check, message: `disables ${a.check}` });
    const def = checkFor(a.check);
    if (!def) return;
    const defaults = def.params.safeParse({});
    const d = (defaults.success ? defaults.data : {}) as Record<string, unknown>;
    // Which way each parameter loosens the check is part of the check's definition (`relaxes`).
    const relaxes = (def.relaxes ?? {}) as Record<string, 'up' | 'down' | 'any-change'>;
    for (const [k, v] of Object.entries(a.params ?? {})) {
      const dir = relaxes[k];
      const base = d[k];
      if (
        (dir === 'up' || dir === 'down') &&
        typeof v === 'number' &&
        typeof base === 'number' &&
        (dir === 'up' ? v > base : v < base)
      )
        out.push({
          where: ['assert', i, 'params', k],
          check: def.id,
          message: `${a.check} ${k} ${v} is looser than the default ${base}`,
        });
      if (dir === 'any-change' && JSON.stringify(v) !== JSON.stringify(base))
        out.push({
          where: ['assert', i, 'params', k],
          check: def.id,
          message: `${a.check} replaces the default ${k}`,
        });
    }
  });
  return out;
}

export function checkConstitution(c: Constitution, specs: LoadedSpec[]): ConstitutionViolation[] {
  const out: ConstitutionViolation[] = [];
  for (const ls of specs) {
    const cited = ls.spec.citations.length > 0;
    for (const clause of c.clauses) {
      const guarded = clause.check.checks.map(canonical);
      const guards = (check: string) => guarded.includes('*') || guarded.includes(canonical(check));
      ls.spec.assert.forEach((a, i) => {
        if (!guards(a.check)) return;
        if (clause.check.forbid_disable && !a.enabled)
          out.push({
            clause: clause.id,
            path: ls.path,
            line: lineOf(ls.source, ['assert', i, 'enabled']),
            message: `${ls.spec.id} disables ${a.check}: ${clause.text}`,
          });
        for (const [k, b] of Object.entries(clause.check.params)) {
          const v = (a.params as Record<string, unknown>)[k];
          if (typeof v !== 'number') continue;
          const crosses = (b.max !== undefined && v > b.max) || (b.min !== undefined && v < b.min);
          if (crosses && !(clause.check.unless_cited && cited))
            out.push({
              clause: clause.id,
              path: ls.path,
              line: lineOf(ls.source, ['assert', i, 'params', k]),
              message: `${ls.spec.id} sets ${a.check} ${k}=${v} (bound ${JSON.stringify(b)})${clause.check.unless_cited ? ' without a citation' : ''}: ${clause.text}`,
            });
        }
      });
      if (clause.check.relaxation_needs_citation && !cited)
        for (const r of relaxations(ls))
          if (guards(r.check))
            out.push({
              clause: clause.id,
              path: ls.path,
              line: lineOf(ls.source, r.where),
              message: `${ls.spec.id}: ${r.message} but cites nothing — ${clause.text}`,
            });
    }
  }
  return out;
}
