import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { CHECKS } from '../validate/checks/index.js';
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

/**
 * Which way each numeric parameter loosens its check: 'up' = a larger value lets more through.
 * A spec moving a parameter that way from the check's default is a relaxation.
 */
export const LOOSER: Record<string, Record<string, 'up' | 'down'>> = {
  'cadence.content_ping_gap': { content_interval_s: 'up', gap_factor: 'up' },
  'cadence.ad_ping_gap': { ad_interval_s: 'up', gap_factor: 'up' },
  'cadence.ping_too_frequent': {
    content_interval_s: 'down',
    ad_interval_s: 'down',
    too_frequent_factor: 'down',
  },
  'cadence.early_first_ping': { first_ping_min_s: 'down' },
  'playhead.decreasing': { tolerance_s: 'up' },
  'playhead.stalled': { min_pings: 'up', min_span_s: 'up', min_ratio: 'down' },
  'playhead.advanced_while_paused': { tolerance_s: 'up' },
  'playhead.out_of_range': { length_slack_s: 'up', live_max_s: 'up' },
  'bookends.not_closed': { capture_gap_s: 'up' },
  'bookends.adbreak_not_closed': { tolerance_s: 'up' },
  'bookends.timestamp_ascending': { min_step_ms: 'down' },
  'orchestration.aa_start': { window_s: 'up' },
  'orchestration.unexpected_client_aa': { window_s: 'down' },
  'transport.rejected': { min_status: 'up' },
  'transport.duplicate': { window_s: 'down' },
};

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
    const def = CHECKS.get(a.check);
    if (!def) return;
    const defaults = def.params.safeParse({});
    const d = (defaults.success ? defaults.data : {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(a.params ?? {})) {
      const dir = LOOSER[a.check]?.[k];
      const base = d[k];
      if (dir && typeof v === 'number' && typeof base === 'number' && (dir === 'up' ? v > base : v < base))
        out.push({
          where: ['assert', i, 'params', k],
          check: a.check,
          message: `${a.check} ${k} ${v} is looser than the default ${base}`,
        });
      if (a.check === 'params.rsid' && k === 'pattern' && v !== base)
        out.push({
          where: ['assert', i, 'params', k],
          check: a.check,
          message: `${a.check} replaces the default report-suite pattern`,
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
      const guards = (check: string) =>
        clause.check.checks.includes('*') || clause.check.checks.includes(check);
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
