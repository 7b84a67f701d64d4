/**
 * The lifecycle in use (the Sigma model: experimental → shadow → active → deprecated): a spec that is new,
 * or whose rule changed, against a base ref (the branch a change merges into) starts `experimental` or
 * `shadow`; promotion to `active` happens after its shadow window, with no known-good false positives
 * (tools/pr/promote.ts). Renaming a spec, its title, rationale, citations or fixtures is not a rule change.
 */
import { execFileSync } from 'node:child_process';
import { checkFor } from '../validate/checks/index.js';
import { lineOf, parseSpecText } from './load.js';
import type { LintIssue } from './lint.js';
import type { LoadedSpec, Spec } from './schema.js';

/** What the rule decides: scope, checks and parameters, codes, severity, requirements. */
export function ruleKey(s: Spec): string {
  return JSON.stringify({
    family: s.family,
    scope: s.scope,
    requires: s.requires,
    assert: s.assert.map((a) => ({
      check: checkFor(a.check)?.id ?? a.check,
      enabled: a.enabled,
      params: a.params,
    })),
    fail_codes: [...s.fail_codes].sort(),
    severity: s.severity,
  });
}

/** The specs as they are at `ref` (empty when git or the ref is unavailable). */
export function specsAt(root: string, ref: string, specsDir: string): Spec[] {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  let files: string[];
  try {
    files = git('ls-tree', '-r', '--name-only', ref, '--', specsDir)
      .split('\n')
      .filter((f) => /\.ya?ml$/.test(f));
  } catch {
    return [];
  }
  const out: Spec[] = [];
  for (const f of files) {
    const r = parseSpecText(git('show', `${ref}:${f}`), f);
    if (r.spec) out.push(r.spec.spec);
  }
  return out;
}

/**
 * New or changed specs may not enter `active`: they start `experimental` or `shadow`. A spec that keeps
 * its rule (same id, or the same rule under a new id) may be promoted.
 */
export function lintLifecycle(specs: LoadedSpec[], base: Spec[], baseRef: string): LintIssue[] {
  const byId = new Map(base.map((s) => [s.id, s]));
  const keys = new Set(base.map(ruleKey));
  const out: LintIssue[] = [];
  for (const ls of specs) {
    const s = ls.spec;
    if (s.status !== 'active') continue;
    const key = ruleKey(s);
    if (keys.has(key)) continue;
    const before = byId.get(s.id);
    out.push({
      level: 'error',
      path: ls.path,
      line: lineOf(ls.source, ['status']),
      rule: 'lifecycle',
      message: before
        ? `${s.id} changes its rule relative to ${baseRef}: a changed spec goes back to shadow (or experimental) before it is active again`
        : `${s.id} is new relative to ${baseRef}: new specs start experimental or shadow, not active`,
    });
  }
  return out;
}

/** Active and shadow specs say since when (promotion counts its shadow window from it; the site shows it). */
export function lintSince(specs: LoadedSpec[]): LintIssue[] {
  return specs
    .filter((ls) => (ls.spec.status === 'active' || ls.spec.status === 'shadow') && !ls.spec.since)
    .map((ls) => ({
      level: 'warning' as const,
      path: ls.path,
      line: lineOf(ls.source, ['status']),
      rule: 'lifecycle',
      message: `${ls.spec.id} is ${ls.spec.status} without since: (the date it became ${ls.spec.status})`,
    }));
}
