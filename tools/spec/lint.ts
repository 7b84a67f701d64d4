import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkIdForCode } from '../codes/families.js';
import { CHECK_LIST, checkFor } from '../validate/checks/index.js';
import { buildPack } from '../validate/pack.js';
import { compareSpecificity, specificity } from '../validate/scope.js';
import { checkConstitution, loadConstitution } from './constitution.js';
import { lintLifecycle, lintSince, specsAt } from './lifecycle.js';
import { lineOf, loadSpecs } from './load.js';
import type { LoadedSpec } from './schema.js';

export interface LintIssue {
  level: 'error' | 'warning';
  path: string;
  line: number | null;
  rule: string; // schema | pack | constitution:<ID> | fixtures | codes | overlap | naming | lifecycle
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
  /** Git ref the change merges into: new or changed specs must not be active (lifecycle). */
  base?: string;
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
  issues.push(...lintCheckNames(), ...lintSince(specs));
  if (opts.base)
    issues.push(...lintLifecycle(specs, specsAt(opts.root, opts.base, opts.specsDir), opts.base));
  for (const ls of specs) {
    const s = ls.spec;
    issues.push(...lintSpecNames(ls));
    const emitted = new Set(s.assert.flatMap((a) => checkFor(a.check)?.codes ?? []));
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

/**
 * The naming scheme: a check is `<family>.<its first code without the family prefix, lower case>` and
 * lives in tools/validate/checks/<family>/<name>/ (codes are the public contract, so names follow them).
 */
export function lintCheckNames(): LintIssue[] {
  const out: LintIssue[] = [];
  for (const c of CHECK_LIST) {
    const want = checkIdForCode(c.family, c.codes[0]);
    if (c.id !== want)
      out.push({
        level: 'error',
        path: `tools/validate/checks/${c.id.replace('.', '/')}/check.ts`,
        line: null,
        rule: 'naming',
        message: `check ${c.id} emits ${c.codes[0]}: name it ${want} (folder tools/validate/checks/${want.replace('.', '/')})`,
      });
  }
  return out;
}

/** Qualifier words a spec id may add after its code, and what each says about the scope. */
const QUALIFIERS: Record<string, (s: LoadedSpec['spec']) => boolean> = {
  HB: (s) => !!s.scope.protocol?.includes('heartbeat'),
  MC: (s) => !!s.scope.protocol?.includes('media-collection'),
  EDGE: (s) => !!s.scope.protocol?.some((p) => p === 'media-edge' || p === 'edge'),
  AA: (s) => !!s.scope.protocol?.includes('aa'),
  WEB: (s) => !!s.scope.platform?.includes('web'),
  MOBILE: (s) => !!s.scope.platform?.some((p) => p === 'android' || p === 'ios' || p === 'tvos'),
  APP: (s) => !!s.scope.platform?.some((p) => p !== 'web'),
  ROKU: (s) => !!s.scope.platform?.includes('roku'),
  ANDROID: (s) => !!s.scope.platform?.includes('android'),
  IOS: (s) => !!s.scope.platform?.includes('ios'),
  TVOS: (s) => !!s.scope.platform?.includes('tvos'),
  CHROMECAST: (s) => !!s.scope.platform?.includes('chromecast'),
};

/**
 * A spec id is its code, or its code and scope qualifiers (`CADENCE_AD_PING_GAP_HB`); fixtures live in
 * tests/<SPEC_ID>/{pass,fail}/; assertions name current check ids. Each issue says which name to use.
 */
export function lintSpecNames(ls: LoadedSpec): LintIssue[] {
  const s = ls.spec;
  const out: LintIssue[] = [];
  const issue = (level: LintIssue['level'], where: (string | number)[], message: string) =>
    out.push({ level, path: ls.path, line: lineOf(ls.source, where), rule: 'naming', message });
  const code = [...s.fail_codes]
    .sort((a, b) => b.length - a.length)
    .find((c) => s.id === c || s.id.startsWith(`${c}_`));
  if (!code)
    issue(
      'error',
      ['id'],
      `spec id ${s.id} must be one of its codes (${s.fail_codes.join(', ')}), optionally followed by _<QUALIFIER>s of its scope`,
    );
  else {
    const rest = s.id.slice(code.length + 1);
    // Version (V2_0) and cluster (C_1a2b3c4d) qualifiers come from the proposer; words must match the scope.
    const tokens = rest ? rest.split('_') : [];
    const words: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (/^V\d+$/.test(tokens[i])) while (/^\d+$/.test(tokens[i + 1] ?? '')) i++;
      else if (tokens[i] === 'C') i++;
      else words.push(tokens[i]);
    }
    for (const w of words)
      if (!QUALIFIERS[w])
        issue(
          'warning',
          ['id'],
          `spec id qualifier ${w} is not one of ${Object.keys(QUALIFIERS).join(', ')}`,
        );
      else if (!QUALIFIERS[w](s)) issue('error', ['id'], `spec id says ${w} but the scope does not`);
  }
  if (!ls.path.endsWith(`/${s.family}/${s.id}.yaml`))
    issue('error', ['id'], `spec ${s.id} belongs in specs/${s.family}/${s.id}.yaml`);
  for (const kind of ['pass', 'fail'] as const)
    s.tests[kind].forEach((f, i) => {
      if (!f.startsWith(`tests/${s.id}/${kind}/`))
        issue('error', ['tests', kind, i], `${kind} fixture ${f} belongs under tests/${s.id}/${kind}/`);
    });
  s.assert.forEach((a, i) => {
    const def = checkFor(a.check);
    if (def && def.id !== a.check)
      issue('warning', ['assert', i, 'check'], `check ${a.check} is now ${def.id}`);
  });
  return out;
}

export function formatIssue(i: LintIssue): string {
  return `${i.path}${i.line ? `:${i.line}` : ''}: ${i.level} [${i.rule}] ${i.message}`;
}
