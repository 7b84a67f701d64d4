import type { z } from 'zod';
import { loadSpecs, type LoadedSpec, type SpecFiles, type SpecLoadError } from '../spec/index.js';
import type { Session } from '../session/index.js';
import { checkFor } from './checks/index.js';
import { compareSpecificity, describeScope, matchScope, specificity } from './scope.js';
import type { CheckDef } from './types.js';
import { UsageError } from '../util/errors.js';

/** One check as a spec sets it, with its parameters already validated and defaulted. */
export interface BoundCheck {
  check: CheckDef;
  params: unknown;
  enabled: boolean;
  spec: LoadedSpec;
}

export interface RulePack {
  specs: LoadedSpec[];
  /** check id → every spec assertion that sets it */
  byCheck: Map<string, BoundCheck[]>;
  errors: SpecLoadError[];
}

export function buildPack(specs: LoadedSpec[], errors: SpecLoadError[] = []): RulePack {
  const byCheck = new Map<string, BoundCheck[]>();
  for (const ls of specs) {
    if (ls.spec.status === 'deprecated') continue;
    ls.spec.assert.forEach((a, i) => {
      const check = checkFor(a.check);
      if (!check) {
        errors.push({ path: ls.path, line: null, message: `assert[${i}]: unknown check ${a.check}` });
        return;
      }
      const parsed = (check.params as z.ZodTypeAny).safeParse(a.params ?? {});
      if (!parsed.success) {
        for (const iss of parsed.error.issues)
          errors.push({
            path: ls.path,
            line: null,
            message: `assert[${i}] ${a.check} params.${iss.path.join('.')}: ${iss.message}`,
          });
        return;
      }
      const bad = check.codes.filter((c) => !ls.spec.fail_codes.includes(c as never));
      if (bad.length)
        errors.push({
          path: ls.path,
          line: null,
          message: `check ${a.check} emits ${bad.join(', ')} which fail_codes does not list`,
        });
      // Keyed by the current id: a spec naming a renamed id competes with those naming the new one.
      const list = byCheck.get(check.id) ?? [];
      list.push({ check, params: parsed.data, enabled: a.enabled, spec: ls });
      byCheck.set(check.id, list);
    });
  }
  return { specs, byCheck, errors };
}

/** The rule pack of `specsDir`, or of the specs already `read` from it (by another process). */
export function loadRulePack(specsDir: string, root = process.cwd(), read?: SpecFiles): RulePack {
  const { specs, errors } = read ?? loadSpecs(specsDir, root);
  // buildPack adds its own errors to the list: never to the caller's.
  return buildPack(specs, [...errors]);
}

/**
 * Refuse to gate on a pack that cannot check what it claims to: a spec that does not load (a typo in a
 * parameter, an unknown severity) drops its check, and a folder with no spec at all (an empty submodule,
 * a project's own `specs/` of unit tests) checks nothing — either way every capture would pass. A usage
 * error (exit 2), so a CI gate fails with the reason instead of passing unread rules.
 */
export function assertUsablePack(pack: RulePack, specsDir: string): void {
  if (pack.errors.length) {
    const shown = pack.errors
      .slice(0, 5)
      .map((e) => `  ${e.path}${e.line ? `:${e.line}` : ''}: ${e.message}`)
      .join('\n');
    const more = pack.errors.length > 5 ? `\n  … and ${pack.errors.length - 5} more` : '';
    // The first line is the exit line; the CLI prints the others before it.
    throw new UsageError(
      `${pack.errors.length} spec error(s) in ${specsDir}: a spec that does not load checks nothing, so no capture was validated; fix them first ('goblin spec lint')\n${shown}${more}`,
    );
  }
  if (!pack.specs.length)
    throw new UsageError(
      `no spec in ${specsDir} (validate.specs_dir): a rule pack with no spec checks nothing. Point validate.specs_dir at the rule pack (goblin.config.yaml), or run from the Goblin repository`,
    );
}

export interface Decision {
  checkId: string;
  winner: BoundCheck | null;
  candidates: { spec: string; inScope: boolean; why: string }[];
  reason: string;
}

type SessionScopeView = Pick<Session, 'platform' | 'sdk' | 'protocol' | 'sdk_version' | 'virtual_version'>;

/**
 * Decisions depend only on the pack and five session fields, and a drop holds few distinct (platform,
 * sdk, protocol, version) combinations: computing them per session (every scope matched, semver tested)
 * was a sixth of the validator's time. A pack is built once and never changed afterwards.
 */
const decisionCache = new WeakMap<RulePack, Map<string, readonly Decision[]>>();

/**
 * The last few scopes asked about per pack, compared field by field before the key text is built: a
 * capture's sessions take turns between a page and one or two media scopes, and building and hashing
 * the key was ~2 % of the validator's time on the bench.
 */
interface RecentScope {
  s: SessionScopeView;
  d: readonly Decision[];
}
const recentScopes = new WeakMap<RulePack, RecentScope[]>();
const RECENT_MAX = 4;
const sameScope = (a: SessionScopeView, b: SessionScopeView) =>
  a.protocol === b.protocol &&
  a.platform === b.platform &&
  a.sdk === b.sdk &&
  a.sdk_version === b.sdk_version &&
  a.virtual_version === b.virtual_version;

/**
 * Which spec decides each check for a session: among in-scope specs, those overridden by another
 * in-scope spec drop out, then the narrowest scope wins; ties go to the lower spec id (and lint warns).
 * The result is shared between sessions of the same scope: read it, do not change it.
 */
export function decide(pack: RulePack, s: SessionScopeView): readonly Decision[] {
  let recent = recentScopes.get(pack);
  if (!recent) recentScopes.set(pack, (recent = []));
  for (const r of recent) if (sameScope(r.s, s)) return r.d;
  const d = decideKeyed(pack, s);
  // Only the five fields are kept (not the session): a copy, so no session outlives its capture here.
  recent.unshift({ s: pick(s), d });
  if (recent.length > RECENT_MAX) recent.pop();
  return d;
}

const pick = (s: SessionScopeView): SessionScopeView => ({
  platform: s.platform,
  sdk: s.sdk,
  protocol: s.protocol,
  sdk_version: s.sdk_version,
  virtual_version: s.virtual_version,
});

function decideKeyed(pack: RulePack, s: SessionScopeView): readonly Decision[] {
  let cache = decisionCache.get(pack);
  if (!cache) decisionCache.set(pack, (cache = new Map()));
  const key = `${s.platform}\u0000${s.sdk}\u0000${s.protocol}\u0000${s.sdk_version}\u0000${s.virtual_version}`;
  let d = cache.get(key);
  if (!d) cache.set(key, (d = decideFresh(pack, s)));
  return d;
}

function decideFresh(pack: RulePack, s: SessionScopeView): Decision[] {
  const out: Decision[] = [];
  for (const [checkId, bound] of pack.byCheck) {
    const candidates = bound.map((b) => ({ b, m: matchScope(b.spec.spec.scope, s) }));
    const inScope = candidates.filter((c) => c.m.ok).map((c) => c.b);
    const overridden = new Set(inScope.flatMap((b) => b.spec.spec.overrides));
    const live = inScope.filter((b) => !overridden.has(b.spec.spec.id));
    live.sort(
      (x, y) =>
        compareSpecificity(specificity(y.spec.spec.scope), specificity(x.spec.spec.scope)) ||
        x.spec.spec.id.localeCompare(y.spec.spec.id),
    );
    const winner = live[0] ?? null;
    let reason = 'no spec in scope';
    if (winner) {
      const others = inScope.filter((b) => b !== winner);
      reason = others.length
        ? `${winner.spec.spec.id} (${describeScope(winner.spec.spec.scope)}) is narrower than ${others
            .map(
              (o) =>
                `${o.spec.spec.id} (${describeScope(o.spec.spec.scope)})${overridden.has(o.spec.spec.id) ? ' [overridden]' : ''}`,
            )
            .join(', ')}`
        : `${winner.spec.spec.id} is the only spec in scope (${describeScope(winner.spec.spec.scope)})`;
    }
    out.push({
      checkId,
      winner,
      candidates: candidates.map((c) => ({ spec: c.b.spec.spec.id, inScope: c.m.ok, why: c.m.why })),
      reason,
    });
  }
  return out.sort((a, b) => a.checkId.localeCompare(b.checkId));
}
