import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHECKS } from '../validate/checks/index.js';
import { buildPack } from '../validate/pack.js';
import { compareSpecificity, specificity } from '../validate/scope.js';
import { checkConstitution, loadConstitution } from './constitution.js';
import { lineOf, loadSpecs } from './load.js';
import type { LoadedSpec } from './schema.js';

export interface LintIssue {
  level: 'error' | 'warning';
  path: string;
  line: number | null;
  rule: string; // schema | pack | constitution:<ID> | fixtures | codes | overlap
  message: string;
}

export interface LintResult {
  specs: LoadedSpec[];
  issues: LintIssue[];
}

function scopesOverlap(a: LoadedSpec['spec']['scope'], b: LoadedSpec['spec']['scope']): boolean {
  const inter = (x?: string[], y?: string[]) => !x || !y || x.some((v) => y.includes(v));
  return (
    inter(a.platform, b.platform) &&
    inter(a.sdk, b.sdk) &&
    inter(a.protocol, b.protocol) &&
    (!a.cluster || !b.cluster || a.cluster === b.cluster)
  );
}

/** Schema, pack wiring, constitution, fixtures and precedence ambiguities for every spec. */
export function lintSpecs(opts: {
  specsDir: string;
  constitution: string;
  root: string;
  requireFixtures?: boolean;
}): LintResult {
  const { specs, errors } = loadSpecs(resolve(opts.root, opts.specsDir), opts.root);
  const issues: LintIssue[] = errors.map((e) => ({
    level: 'error',
    path: e.path,
    line: e.line,
    rule: 'schema',
    message: e.message,
  }));
  const pack = buildPack(specs, []);
  for (const e of pack.errors)
    issues.push({ level: 'error', path: e.path, line: e.line, rule: 'pack', message: e.message });
  const constitutionPath = resolve(opts.root, opts.constitution);
  if (!existsSync(constitutionPath))
    issues.push({
      level: 'error',
      path: opts.constitution,
      line: null,
      rule: 'constitution',
      message: 'constitution file missing',
    });
  else {
    try {
      const c = loadConstitution(constitutionPath);
      for (const v of checkConstitution(c, specs))
        issues.push({
          level: 'error',
          path: v.path,
          line: v.line,
          rule: `constitution:${v.clause}`,
          message: v.message,
        });
    } catch (e) {
      issues.push({
        level: 'error',
        path: opts.constitution,
        line: null,
        rule: 'constitution',
        message: (e as Error).message.slice(0, 300),
      });
    }
  }
  for (const ls of specs) {
    const s = ls.spec;
    const emitted = new Set(s.assert.flatMap((a) => CHECKS.get(a.check)?.codes ?? []));
    for (const c of s.fail_codes)
      if (!emitted.has(c))
        issues.push({
          level: 'error',
          path: ls.path,
          line: lineOf(ls.source, ['fail_codes']),
          rule: 'codes',
          message: `${s.id} lists ${c} but none of its checks emits it`,
        });
    if (opts.requireFixtures !== false && s.status !== 'deprecated') {
      for (const kind of ['pass', 'fail'] as const) {
        const list = s.tests[kind];
        if (list.length === 0)
          issues.push({
            level: 'error',
            path: ls.path,
            line: lineOf(ls.source, ['tests']),
            rule: 'fixtures',
            message: `${s.id} has no ${kind} fixture`,
          });
        list.forEach((f, i) => {
          if (!existsSync(resolve(opts.root, f)))
            issues.push({
              level: 'error',
              path: ls.path,
              line: lineOf(ls.source, ['tests', kind, i]),
              rule: 'fixtures',
              message: `fixture not found: ${f}`,
            });
        });
      }
    }
  }
  // Two specs setting one check with equally narrow, overlapping scopes: precedence falls back to the id.
  for (const [check, bound] of pack.byCheck)
    for (let i = 0; i < bound.length; i++)
      for (let j = i + 1; j < bound.length; j++) {
        const a = bound[i].spec.spec;
        const b = bound[j].spec.spec;
        if (a.overrides.includes(b.id) || b.overrides.includes(a.id)) continue;
        if (
          compareSpecificity(specificity(a.scope), specificity(b.scope)) === 0 &&
          scopesOverlap(a.scope, b.scope)
        )
          issues.push({
            level: 'warning',
            path: bound[j].spec.path,
            line: lineOf(bound[j].spec.source, ['scope']),
            rule: 'overlap',
            message: `${b.id} and ${a.id} both set ${check} with equally narrow overlapping scopes; add overrides: [..] to make precedence explicit`,
          });
      }
  return { specs, issues };
}

export function formatIssue(i: LintIssue): string {
  return `${i.path}${i.line ? `:${i.line}` : ''}: ${i.level} [${i.rule}] ${i.message}`;
}
