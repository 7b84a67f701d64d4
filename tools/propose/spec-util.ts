/** Spec helpers for proposals: the current pack, the spec that wins a scope today, YAML text, diffs. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import semver from 'semver';
import YAML from 'yaml';
import { loadSpecs, parseSpecText } from '../spec/load.js';
import type { LoadedSpec, Scope, Spec } from '../spec/schema.js';
import { buildPack, decide, type BoundCheck, type RulePack } from '../validate/pack.js';
import { compareSpecificity, librarySemver, specificity } from '../validate/scope.js';
import type { Session } from '../session/index.js';
import type { ProposalManifest } from './proposal.js';

export function currentSpecs(root: string, specsDir = 'specs'): LoadedSpec[] {
  return loadSpecs(resolve(root, specsDir), root).specs;
}

/** The pack with `proposed` swapped in (same id replaced) and, for the shadow, promoted to `active`. */
export function packWith(specs: LoadedSpec[], proposed: LoadedSpec | null, promote = true): RulePack {
  if (!proposed) return buildPack(specs, []);
  const p: LoadedSpec = promote ? { ...proposed, spec: { ...proposed.spec, status: 'active' } } : proposed;
  return buildPack([...specs.filter((s) => s.spec.id !== p.spec.id), p], []);
}

/** Which spec (and parameters) decides `check` for a session today. */
export function winnerFor(pack: RulePack, session: Session, check: string): BoundCheck | null {
  return decide(pack, session).find((d) => d.checkId === check)?.winner ?? null;
}

/** A semver range covering the observed library versions: their minor lines (2.3.1, 2.3.4 → >=2.3.0 <2.4.0). */
export function rangeFor(versions: (string | null)[]): string | undefined {
  const vs = [...new Set(versions.map((v) => librarySemver(v)).filter((v): v is string => !!v))].sort(
    semver.compare,
  );
  if (!vs.length) return undefined;
  const lines = [...new Set(vs.map((v) => `${semver.major(v)}.${semver.minor(v)}`))];
  const parts = lines.map((l) => {
    const [ma, mi] = l.split('.').map(Number);
    return `>=${ma}.${mi}.0 <${ma}.${mi + 1}.0`;
  });
  return parts.join(' || ');
}

export function specYaml(spec: Spec): string {
  const doc: Record<string, unknown> = {
    id: spec.id,
    title: spec.title,
    status: spec.status,
    version: spec.version,
    family: spec.family,
    scope: spec.scope,
    ...(spec.overrides.length ? { overrides: spec.overrides } : {}),
    ...(spec.requires.keys.length || spec.requires.dict.length ? { requires: spec.requires } : {}),
    assert: spec.assert.map((a) => ({
      check: a.check,
      ...(a.enabled ? {} : { enabled: false }),
      params: a.params,
    })),
    fail_codes: spec.fail_codes,
    severity: spec.severity,
    tests: spec.tests,
    citations: spec.citations,
    rationale: spec.rationale,
    ...(spec.since ? { since: spec.since } : {}),
  };
  return `# yaml-language-server: $schema=../../schemas/spec.schema.json\n${YAML.stringify(doc, { lineWidth: 110 })}`;
}

export function loadedFromText(text: string, path: string): { spec?: LoadedSpec; errors: string[] } {
  const r = parseSpecText(text, path);
  return {
    spec: r.spec,
    errors: r.errors.map((e) => `${e.path}${e.line ? `:${e.line}` : ''}: ${e.message}`),
  };
}

/** Minimal unified diff (LCS over lines) of `before` (null = new file) → `after`. */
export function unifiedDiff(path: string, before: string | null, after: string): string {
  const a = before === null ? [] : before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  const n = a.length;
  const m = b.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const body: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) (body.push(` ${a[i]}`), i++, j++);
    else if (j < m && (i >= n || L[i][j + 1] >= L[i + 1][j])) body.push(`+${b[j++]}`);
    else body.push(`-${a[i++]}`);
  }
  const head = [
    `--- ${before === null ? '/dev/null' : `a/${path}`}`,
    `+++ b/${path}`,
    `@@ -${n ? 1 : 0},${n} +1,${m} @@`,
  ];
  return `${[...head, ...body].join('\n')}\n`;
}

export function readIfExists(p: string): string | null {
  return existsSync(p) ? readFileSync(p, 'utf8') : null;
}

export function idSlug(s: string): string {
  return s
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function scopeLabel(scope: Scope): string {
  const parts = [
    scope.protocol?.join('/'),
    scope.platform?.join('/'),
    scope.sdk?.join('/'),
    scope.version,
    scope.cluster && `cluster ${scope.cluster}`,
  ].filter(Boolean);
  return parts.join(', ') || 'everything';
}

function listsOverlap(x?: string[], y?: string[]): boolean {
  return !x || !y || x.some((v) => y.includes(v));
}
export function scopesIntersect(a: Scope, b: Scope): boolean {
  if (
    !listsOverlap(a.platform, b.platform) ||
    !listsOverlap(a.sdk, b.sdk) ||
    !listsOverlap(a.protocol, b.protocol)
  )
    return false;
  if (a.cluster && b.cluster && a.cluster !== b.cluster) return false;
  if (a.version && b.version && !semver.intersects(a.version, b.version)) return false;
  return true;
}

/** The parameter a spec changes relative to the spec that decides its check in that scope today. */
export function changedParam(ls: LoadedSpec, specs: LoadedSpec[]): ProposalManifest['changed'] {
  const a = ls.spec.assert[0];
  if (!a) return null;
  const others = specs
    .filter((s) => s.spec.id !== ls.spec.id && s.spec.status !== 'deprecated')
    .filter(
      (s) => s.spec.assert.some((x) => x.check === a.check) && scopesIntersect(s.spec.scope, ls.spec.scope),
    )
    .sort((x, y) => compareSpecificity(specificity(y.spec.scope), specificity(x.spec.scope)));
  const prev = (others[0]?.spec.assert.find((x) => x.check === a.check)?.params ?? {}) as Record<
    string,
    unknown
  >;
  const cur = a.params as Record<string, unknown>;
  for (const k of Object.keys(cur)) {
    if (JSON.stringify(cur[k]) === JSON.stringify(prev[k])) continue;
    if (Array.isArray(cur[k])) {
      const added = (cur[k] as unknown[]).filter((v) => !(prev[k] as unknown[] | undefined)?.includes(v));
      return { check: a.check, param: k, value: added[0] ?? cur[k] };
    }
    if (cur[k] && typeof cur[k] === 'object') {
      // params.missing_required events: the first param added to any event list
      const p = (prev[k] ?? {}) as Record<string, string[]>;
      for (const [ev, list] of Object.entries(cur[k] as Record<string, string[]>)) {
        const added = list.filter((v) => !(p[ev] ?? []).includes(v));
        if (added.length) return { check: a.check, param: k, value: added[0] };
      }
      continue;
    }
    return { check: a.check, param: k, value: cur[k] };
  }
  return { check: a.check, param: '(none)', value: null };
}
