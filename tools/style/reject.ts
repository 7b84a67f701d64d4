import semver from 'semver';
import { isVendorSource, type SpecObj } from './rules.js';

/**
 * Rejections teach what not to propose. A proposal's *shape* is the part of it a rejection reason is
 * about — the check and protocol (is this a rule gap at all?), the width of the version scope (wrong
 * scope?) and the kind of evidence (vendor documentation, other sources, none). When proposals of one
 * shape were rejected for the same reason `min_rejections` times and none of that shape was merged
 * since, the next one is held back and the run log says why.
 */
function scopeWidth(range: unknown): string {
  if (typeof range !== 'string' || !semver.validRange(range)) return 'any';
  const low = semver.minVersion(range.split('||')[0]);
  if (!low) return 'any';
  const { major: M, minor: m, patch: p } = low;
  const inRange = (v: string) => semver.satisfies(v, range);
  if (!inRange(`${M}.${m}.${p + 1}`)) return 'exact';
  if (!inRange(`${M}.${m + 1}.0`)) return 'minor';
  if (!inRange(`${M + 1}.0.0`)) return 'major';
  return 'open';
}

function evidenceKind(spec: SpecObj): string {
  const urls = (Array.isArray(spec.citations) ? spec.citations : [])
    .map((c) => (c && typeof c === 'object' ? String((c as SpecObj).url ?? '') : ''))
    .filter(Boolean);
  if (!urls.length) return 'none';
  // Any vendor source counts: a forum thread beside the release note is support, not the evidence.
  return urls.some(isVendorSource) ? 'vendor' : 'other';
}

/** The shape a rejection reason is about, as one readable key. */
export function shapeOf(spec: SpecObj, reason: string): string {
  const assert = Array.isArray(spec.assert) ? (spec.assert[0] as SpecObj | undefined) : undefined;
  const check = String(assert?.check ?? '?');
  const scope = (spec.scope && typeof spec.scope === 'object' ? spec.scope : {}) as SpecObj;
  const protocol = Array.isArray(scope.protocol) ? scope.protocol.join('|') : 'any';
  // Each reason looks at what it is about: scope at the width, evidence at the sources, rule gaps at the check.
  if (reason === 'wrong-scope')
    return `check=${check} protocol=${protocol} width=${scopeWidth(scope.version)}`;
  if (reason === 'no-evidence') return `check=${check} evidence=${evidenceKind(spec)}`;
  return `check=${check} protocol=${protocol}`;
}
