/**
 * The deterministic proposer — the baseline any LLM writer must beat. It derives the scoped change from
 * the data itself: it measures the bundle's metric on the in-scope sessions, refuses when the data does not
 * support a change (values match the pack, irregular values = a broken build, too few sessions, a
 * constitutional invariant), and otherwise writes a NEW spec scoped to the observed platform / protocol /
 * version range with the measured parameter (status `shadow`), citing verbatim quotes that state the value.
 */
import semver from 'semver';
import type { Bundle } from '../bundle/schema.js';
import type { DictionaryEntry } from '../dictionary/schema.js';
import type { Constitution } from '../spec/constitution.js';
import type { LoadedSpec, Scope, Spec } from '../spec/schema.js';
import type { Session } from '../session/index.js';
import { CHECK_LIST } from '../validate/checks/index.js';
import type { CheckDef, ProposeMove } from '../validate/types.js';
import { matchScope } from '../validate/scope.js';
import { findEvidence, findRankedEvidence, topicFor, type Quote } from './evidence.js';
import type { EvidenceGrade } from './evidence-rank.js';
import {
  adPingGaps,
  contentPingGaps,
  firstPingDelay,
  median,
  paramPresence,
  regularity,
  roundInterval,
} from './measure.js';
import { idSlug, packWith, rangeFor, winnerFor } from './spec-util.js';

export interface Draft {
  spec: Spec;
  change: 'new' | 'modify';
  /** Sessions the change is about (in scope). */
  sessions: Session[];
  citations: Quote[];
  dictionary: DictionaryEntry[];
  rationale: string;
  summary: string;
  measured: Record<string, unknown>;
  /** How directly the first citation supports the change (tools/propose/evidence-rank.ts). */
  evidence?: { grade: EvidenceGrade; reasons: string[]; other_sdk: number };
}

export type ProposeOutcome =
  { ok: true; draft: Draft } | { ok: false; reason: string; measured?: Record<string, unknown> };

/** The parameter a proposal may move for a code, and how it is measured: the check definition's hooks. */
function moveFor(code: string): { check: CheckDef; move: ProposeMove } | null {
  for (const check of CHECK_LIST)
    if (check.codes.includes(code)) {
      const move = check.propose?.find((m) => m.measure && m.measure !== 'param-presence');
      return move ? { check, move } : null;
    }
  return null;
}

/** Bundle anomaly metric → the code whose check measures it. */
function codeForMetric(metric: string): string | undefined {
  return CHECK_LIST.find((c) => c.propose?.some((m) => m.metric === metric))?.codes[0];
}

/** The check whose proposals add a required parameter (presence measured over sessions). */
function presenceCheck(): CheckDef {
  const c = CHECK_LIST.find((x) => x.propose?.some((m) => m.measure === 'param-presence'));
  if (!c) throw new Error('no check declares a param-presence proposal hook');
  return c;
}

const PROTO_QUALIFIER: Record<string, string> = {
  heartbeat: 'HB',
  'media-collection': 'MC',
  'media-edge': 'EDGE',
  aa: 'AA',
  edge: 'EDGE',
};

export interface DeterministicOptions {
  specs: LoadedSpec[];
  constitution: Constitution;
  cacheDir: string;
  /** Minimum in-scope sessions for a measured change. */
  minSessions?: number;
  now?: string;
}

/** The bundle's scope as a spec scope (platform/protocol/version range), completed from the sessions. */
export function scopeOf(bundle: Bundle, sessions: Session[]): Scope {
  const b = bundle.scope;
  const scope: Scope = {};
  if (b.protocol) scope.protocol = [b.protocol as never];
  if (b.platform) scope.platform = [b.platform as never];
  if (b.sdk && !b.protocol) scope.sdk = [b.sdk as never];
  if (b.cluster) scope.cluster = b.cluster;
  const range =
    b.version_range && semver.validRange(b.version_range) ? b.version_range : rangeFor(b.versions);
  if (range) scope.version = range;
  if (!scope.protocol) {
    const protos = [
      ...new Set(
        sessions.filter((s) => s.kind === 'media' && matchScope(scope, s).ok).map((s) => s.protocol),
      ),
    ];
    if (protos.length === 1) scope.protocol = [protos[0] as never];
  }
  return scope;
}

function guardedByConstitution(c: Constitution, check: string): string | null {
  for (const cl of c.clauses)
    if (cl.check.checks.includes(check) && (cl.check.forbid_disable || Object.keys(cl.check.params).length))
      return cl.id;
  return null;
}

/** The naming scheme: the check's code, then the scope's protocol, platforms, version and cluster. */
function specId(check: CheckDef, scope: Scope): string {
  const v = scope.version ? semver.minVersion(scope.version.split('||')[0]) : null;
  return idSlug(
    [
      check.codes[0],
      PROTO_QUALIFIER[scope.protocol?.[0] ?? ''],
      scope.platform?.join('_'),
      v ? `V${v.major}_${v.minor}` : null,
      scope.cluster ? `C_${scope.cluster.slice(0, 8)}` : null,
    ]
      .filter(Boolean)
      .join('_'),
  );
}

function inferType(values: unknown[]): DictionaryEntry['type'] {
  if (values.every((v) => typeof v === 'boolean' || v === 'true' || v === 'false')) return 'bool';
  if (values.every((v) => typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v))))
    return 'int';
  if (values.every((v) => typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v))))
    return 'float';
  return 'string';
}

/** Bundle → one measured, scoped change, or a refusal that says why the data does not support one. */
export function proposeDeterministic(
  bundle: Bundle,
  all: Session[],
  opts: DeterministicOptions,
): ProposeOutcome {
  const minSessions = opts.minSessions ?? 3;
  const scope = scopeOf(bundle, all);
  const inScope = all.filter((s) => s.kind === 'media' && matchScope(scope, s).ok);
  if (!scope.protocol && !scope.platform && !scope.version && !scope.cluster)
    return {
      ok: false,
      reason: 'the bundle names no scope (platform / protocol / version): a pack-wide change is too broad',
    };
  const newParam =
    bundle.dictionary_deltas.find((d) => d.change === 'new')?.param ??
    bundle.anomalies
      .find((a) => a.metric.startsWith('param_presence:'))
      ?.metric.slice('param_presence:'.length);
  const anomaly = bundle.anomalies[0];
  const code = anomaly?.code ?? (anomaly ? codeForMetric(anomaly.metric) : undefined);
  const pack = packWith(opts.specs, null);
  const constraintClauses = bundle.constraints.map((c) => c.replace(/^DO_NOT_RELAX:/, ''));

  const hook = code ? moveFor(code) : null;
  if (code && !hook) {
    const check = CHECK_LIST.find((c) => c.codes.includes(code))?.id;
    const clause = check ? guardedByConstitution(opts.constitution, check) : null;
    if (clause)
      return {
        ok: false,
        reason: `${code} is guarded by constitutional clause ${clause}${constraintClauses.includes(clause) ? ' (bundle constraint DO_NOT_RELAX)' : ''}: the data shows a broken build, not a rule gap — no relaxation proposed`,
      };
    return { ok: false, reason: `no deterministic derivation for ${code}; needs the LLM writer or a human` };
  }
  if (inScope.length < minSessions)
    return {
      ok: false,
      reason: `only ${inScope.length} in-scope sessions (need ≥ ${minSessions}) — not enough data`,
    };

  if (code && hook) {
    const def = hook.check;
    const check = def.id;
    const { param, measure } = hook.move;
    const current = winnerFor(pack, inScope[0], check);
    const curParams = { ...((current?.params ?? {}) as Record<string, unknown>) };
    const measured: Record<string, unknown> = { sessions: inScope.length, check, param };
    let value: unknown;
    let title = '';
    if (measure === 'ad-ping-interval' || measure === 'content-ping-interval') {
      const gaps = inScope.flatMap((s) =>
        measure === 'ad-ping-interval' ? adPingGaps(s) : contentPingGaps(s),
      );
      const m = median(gaps);
      const reg = regularity(gaps);
      const expected = Number(curParams[param] ?? 10);
      Object.assign(measured, {
        samples: gaps.length,
        median_s: m,
        regularity: Number(reg.toFixed(3)),
        expected_s: expected,
      });
      if (m === null || gaps.length < Math.max(5, minSessions))
        return { ok: false, reason: `too few ${param} samples (${gaps.length})`, measured };
      if (Math.abs(m - expected) <= 0.25 * expected)
        return {
          ok: false,
          reason: `measured median ${m.toFixed(2)} s matches the pack's ${param}=${expected}: the findings come from sessions that break the rule (a broken build), not from a different interval`,
          measured,
        };
      if (reg < 0.7)
        return {
          ok: false,
          reason: `intervals are irregular (only ${(reg * 100).toFixed(0)} % within ±20 % of the ${m.toFixed(1)} s median): not a configured interval`,
          measured,
        };
      value = roundInterval(m);
      title = `${measure === 'ad-ping-interval' ? 'Ad' : 'Main-content'} pings every ${value} s`;
    } else if (measure === 'first-ping-delay') {
      const d = inScope.map(firstPingDelay).filter((x): x is number => x !== null);
      const expected = Number(curParams[param] ?? 5);
      const min = d.length ? Math.min(...d) : null;
      const reg = regularity(d, 0.35);
      Object.assign(measured, {
        samples: d.length,
        min_s: min,
        median_s: median(d),
        regularity: reg,
        expected_s: expected,
      });
      if (min === null || d.length < minSessions)
        return { ok: false, reason: `too few first pings measured (${d.length})`, measured };
      if (min >= expected)
        return {
          ok: false,
          reason: `first pings (min ${min.toFixed(2)} s) already satisfy ${param}=${expected}`,
          measured,
        };
      if (min < 0.5 || reg < 0.6)
        return {
          ok: false,
          reason: `first-ping delays are not a stable design (min ${min.toFixed(2)} s, regularity ${reg.toFixed(2)}): a double ping / broken build`,
          measured,
        };
      value = Math.max(0.5, Math.floor(min * 2) / 2 >= 1 ? Math.floor(min) : 0.5);
      title = `First content ping may come ${value} s after play`;
    } else {
      // heartbeat-hosts: heartbeat pings of the scope all go to one unlisted host (a first-party CNAME).
      const hosts = new Map<string, number>();
      let total = 0;
      for (const s of inScope)
        for (const e of s.events)
          if (e.family === 'heartbeat') {
            total++;
            const h = e.network.host;
            hosts.set(h, (hosts.get(h) ?? 0) + 1);
          }
      const listed = (curParams.heartbeat_hosts as string[] | undefined) ?? ['*.hb.omtrdc.net'];
      const isListed = (h: string) =>
        listed.some((p) => (p.startsWith('*.') ? h.endsWith(p.slice(1)) : h === p));
      const unlisted = [...hosts.entries()].filter(([h]) => !isListed(h)).sort((a, b) => b[1] - a[1]);
      Object.assign(measured, { heartbeat_events: total, hosts: Object.fromEntries(hosts) });
      if (!unlisted.length) return { ok: false, reason: 'every heartbeat host is already allowed', measured };
      const [host, n] = unlisted[0];
      if (n / total < 0.9 || unlisted.length > 1)
        return {
          ok: false,
          reason: `heartbeat hosts are mixed (${unlisted.length} unlisted hosts, top ${((100 * n) / total).toFixed(0)} %): not one first-party CNAME`,
          measured,
        };
      value = [...listed, host];
      title = `Heartbeat pings may use the first-party CNAME ${host}`;
    }
    const topic = topicFor(
      check,
      param,
      Array.isArray(value) ? String((value as string[]).at(-1)) : (value as number),
    );
    const ranked = findRankedEvidence(topic, {
      cacheDir: opts.cacheDir,
      bundle,
      max: 2,
      context: { platform: scope.platform, protocol: scope.protocol, version: scope.version },
    });
    const citations = ranked.quotes;
    const newParams = { ...curParams, [param]: value };
    const id = specId(def, scope);
    const spec: Spec = {
      id,
      title: `${title} (${[scope.platform?.join('/'), scope.protocol?.join('/'), scope.version].filter(Boolean).join(', ')})`,
      status: 'shadow',
      version: '0.1.0',
      family: def.family,
      scope,
      overrides: [],
      requires: { keys: [], dict: [] },
      assert: [{ check, enabled: true, params: newParams }],
      fail_codes: def.codes as Spec['fail_codes'],
      severity: current?.spec.spec.severity ?? 'error',
      tests: { pass: [], fail: [] },
      citations: citations.map((c) => ({
        url: c.url,
        quote: c.quote,
        ...(c.cached_ref ? { cached_ref: c.cached_ref } : {}),
      })),
      rationale: '',
      since: (opts.now ?? new Date().toISOString()).slice(0, 10),
    };
    const existing = opts.specs.find((s) => s.spec.id === id);
    spec.rationale = `Measured on ${inScope.length} in-scope sessions (${bundle.source} bundle ${bundle.bundle_id}): ${JSON.stringify(measured)}. ${current ? `Today ${current.spec.spec.id} decides ${check} here with ${param}=${JSON.stringify(curParams[param])}.` : ''} This spec is narrower, so it wins precedence only for this scope.`;
    return {
      ok: true,
      draft: {
        spec: existing
          ? { ...spec, version: semver.inc(existing.spec.version, 'minor') ?? spec.version }
          : spec,
        change: existing ? 'modify' : 'new',
        sessions: inScope,
        citations,
        dictionary: [],
        rationale: spec.rationale,
        evidence: { grade: ranked.grade, reasons: ranked.reasons, other_sdk: ranked.other_sdk },
        summary:
          `${title}: ${current?.spec.spec.id ?? 'default'} ${param}=${JSON.stringify(curParams[param])} → ${JSON.stringify(value)} for ${scope.protocol?.join('/') ?? ''} ${scope.platform?.join('/') ?? ''} ${scope.version ?? ''}`
            .replace(/\s+/g, ' ')
            .trim(),
        measured,
      },
    };
  }

  if (newParam) {
    const pres = paramPresence(inScope, newParam);
    const stability = pres.sessions ? pres.withParam / pres.sessions : 0;
    const measured: Record<string, unknown> = {
      sessions: pres.sessions,
      with_param: pres.withParam,
      stability: Number(stability.toFixed(3)),
    };
    if (stability < 0.9)
      return {
        ok: false,
        reason: `${newParam} is in ${(stability * 100).toFixed(0)} % of in-scope sessions (< 90 %): not stable enough for a presence rule`,
        measured,
      };
    const events = Object.entries(pres.byEvent)
      .filter(([, b]) => b.events >= minSessions && b.with / b.events >= 0.95)
      .map(([t]) => t);
    const start =
      events.find((t) => /start$/i.test(t) && /session/i.test(t)) ?? events.find((t) => t === 'sessionStart');
    const required = start ? [start] : events.slice(0, 3);
    if (!required.length)
      return { ok: false, reason: `${newParam} is not reliably present on any event type`, measured };
    const presence = presenceCheck();
    const current = winnerFor(pack, inScope[0], presence.id);
    const cur = (current?.params ?? { events: {}, asset_type: 'any' }) as {
      events: Record<string, string[]>;
      asset_type: string;
    };
    const ev: Record<string, string[]> = Object.fromEntries(
      Object.entries(cur.events).map(([k, v]) => [k, [...v]]),
    );
    for (const t of required) ev[t] = [...new Set([...(ev[t] ?? []), newParam])];
    const topic = topicFor(presence.id, 'events', newParam);
    const citations = findEvidence(topic, { cacheDir: opts.cacheDir, bundle, max: 2 });
    const id = specId(presence, scope);
    const values = inScope.flatMap((s) =>
      s.events.map((e) => e.params[newParam]).filter((v) => v !== undefined && v !== null),
    );
    const sdk = inScope[0].sdk;
    const nums = values.map(Number).filter((x) => Number.isFinite(x));
    const entry: DictionaryEntry = {
      param: newParam,
      sdk,
      aliases: [],
      alias_sources: {},
      concept: null,
      type: inferType(values),
      unit: null,
      stats: {
        count: values.length,
        min: nums.length === values.length && nums.length ? Math.min(...nums) : null,
        max: nums.length === values.length && nums.length ? Math.max(...nums) : null,
        mean: null,
        stdev: null,
        null_rate: 0,
        distinct: new Set(values.map(String)).size,
      },
      stability: Number(stability.toFixed(3)),
      sessions: pres.sessions,
      presence: Object.fromEntries(required.map((t) => [t, { [scope.version ?? '*']: 'required' as const }])),
      first_seen: null,
      last_seen: null,
      evidence: { examples: [...new Set(values.map(String))].slice(0, 3) },
      locked: false,
      note: `proposed from bundle ${bundle.bundle_id}`,
    };
    const spec: Spec = {
      id,
      title: `${newParam} is required on ${required.join(', ')} (${[scope.platform?.join('/'), scope.protocol?.join('/'), scope.version].filter(Boolean).join(', ')})`,
      status: 'shadow',
      version: '0.1.0',
      family: presence.family,
      scope,
      overrides: [],
      requires: { keys: [], dict: [] },
      assert: [{ check: presence.id, enabled: true, params: { ...cur, events: ev } }],
      fail_codes: presence.codes as Spec['fail_codes'],
      severity: current?.spec.spec.severity ?? 'error',
      tests: { pass: [], fail: [] },
      citations: citations.map((c) => ({
        url: c.url,
        quote: c.quote,
        ...(c.cached_ref ? { cached_ref: c.cached_ref } : {}),
      })),
      rationale: `${newParam} appears on ${required.join(', ')} in ${pres.withParam}/${pres.sessions} in-scope sessions (stability ${stability.toFixed(2)}). It extends ${current?.spec.spec.id ?? 'no current rule'}'s required list for this scope only (the narrower scope wins precedence, so the existing requirements are carried over).`,
      since: (opts.now ?? new Date().toISOString()).slice(0, 10),
    };
    return {
      ok: true,
      draft: {
        spec,
        change: opts.specs.some((s) => s.spec.id === id) ? 'modify' : 'new',
        sessions: inScope,
        citations,
        dictionary: [entry],
        rationale: spec.rationale,
        summary: `new stable parameter ${newParam}: dictionary entry + presence rule on ${required.join(', ')}`,
        measured,
      },
    };
  }
  return {
    ok: false,
    reason: 'the bundle carries no anomaly code, metric or new parameter the proposer can measure',
  };
}
