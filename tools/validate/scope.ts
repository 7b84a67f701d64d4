import semver from 'semver';
import type { Scope } from '../spec/index.js';
import type { Session } from '../session/index.js';

/** Adobe library version strings → semver (`js-2.2.2.230-96e624` → 2.2.2, `3.3.0+3.0.1` → 3.3.0). */
export function librarySemver(v: string | null): string | null {
  if (!v) return null;
  const direct = semver.valid(v);
  if (direct) return semver.parse(direct)!.version.split('+')[0];
  return semver.coerce(v)?.version ?? null;
}

export interface ScopeMatch {
  ok: boolean;
  why: string;
}

export function matchScope(
  scope: Scope,
  s: Pick<Session, 'platform' | 'sdk' | 'protocol' | 'sdk_version' | 'virtual_version'>,
): ScopeMatch {
  if (scope.platform && !scope.platform.includes(s.platform as never))
    return { ok: false, why: `platform ${s.platform} ∉ [${scope.platform}]` };
  if (scope.sdk && !scope.sdk.includes(s.sdk as never))
    return { ok: false, why: `sdk ${s.sdk} ∉ [${scope.sdk}]` };
  if (scope.protocol && !scope.protocol.includes(s.protocol as never))
    return { ok: false, why: `protocol ${s.protocol} ∉ [${scope.protocol}]` };
  if (scope.cluster && s.virtual_version !== scope.cluster)
    return { ok: false, why: `virtual version ${s.virtual_version ?? 'none'} ≠ ${scope.cluster}` };
  if (scope.version) {
    const v = librarySemver(s.sdk_version);
    if (!v) return { ok: false, why: `no library version to test against ${scope.version}` };
    if (!semver.satisfies(v, scope.version, { includePrerelease: true }))
      return { ok: false, why: `version ${v} ∉ ${scope.version}` };
  }
  return { ok: true, why: 'in scope' };
}

/** Narrowness of a scope, compared lexicographically: cluster, version, platform, protocol, sdk. */
export function specificity(scope: Scope): number[] {
  const inv = (l?: unknown[]) => (l && l.length ? 1 / l.length : 0);
  return [
    scope.cluster ? 1 : 0,
    scope.version ? 1 : 0,
    inv(scope.platform),
    inv(scope.protocol),
    inv(scope.sdk),
  ];
}

export function compareSpecificity(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export function describeScope(scope: Scope): string {
  const parts = [
    scope.platform && `platform ${scope.platform.join('|')}`,
    scope.sdk && `sdk ${scope.sdk.join('|')}`,
    scope.protocol && `protocol ${scope.protocol.join('|')}`,
    scope.version && `version ${scope.version}`,
    scope.cluster && `cluster ${scope.cluster}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'everything';
}
