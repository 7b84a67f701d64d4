import { CODE_INFO } from '../codes/catalog.js';
import type { Envelope } from '../envelope/index.js';
import type { Capture, Session } from '../session/index.js';
import { annotate, beaconTime } from './annotate.js';
import { holeWithin, type Hole } from './holes.js';
import type { Finding, SessionRow, Timeline, Verdict } from './outputs.js';
import { decide, type BoundCheck, type Decision, type RulePack } from './pack.js';
import type { AnnotatedSession, CaptureView, CheckDef, CheckResult, Hit } from './types.js';

export interface ValidateOptions {
  cnames: CaptureView['cnames'];
  dictionary?: Map<string, string>;
  /** Max params per timeline event (keeps timelines.jsonl small). */
  timelineParams?: number;
}

export interface CaptureResult {
  findings: Finding[];
  sessions: SessionRow[];
  timelines: Timeline[];
}

const ENFORCING = new Set(['active']);

/** `requires.keys`: wire params, or the envelope fields `playhead` / `event_type` (every event has a type). */
function requiredKeysPresent(session: Session, keys: string[]): boolean {
  if (!keys.length) return true;
  const present = (k: string) =>
    k === 'event_type' ||
    session.events.some(
      (e) => Object.hasOwn(e.params, k) || (k === 'playhead' && e.sequence.playhead_s !== null),
    );
  return keys.every(present);
}

export function captureView(capture: Capture, opts: ValidateOptions): CaptureView {
  const heartbeatSids = new Set<string>();
  for (const s of capture.sessions) if (s.protocol === 'heartbeat') heartbeatSids.add(s.key);
  // One pass here instead of a scan of the capture's events per check and session (and no array of
  // families on the way: captures are validated one by one, so this runs once per capture).
  const families = new Set<string>();
  let last: string | null = null;
  for (const e of capture.events) if (e.family !== last) families.add((last = e.family));
  return {
    capture,
    heartbeatSids,
    families,
    cnames: opts.cnames,
    dictionary: opts.dictionary,
  };
}

const FAMILY_WORDS: Record<string, string> = {
  aa: 'Analytics (/b/ss/)',
  heartbeat: 'legacy heartbeat',
  'media-collection': 'Media Collection',
  'media-edge': 'Media Edge',
  edge: 'Experience Edge',
};

/** The capture time window a hit depends on: from `since` (or the event before it) to its event. */
function hitWindow(h: Hit, session: Session): [number, number] | null {
  if (!h.event) return null;
  let from = h.since?.ts_ms;
  if (from === undefined) {
    const i = session.events.indexOf(h.event);
    from = i > 0 ? session.events[i - 1].ts_ms : h.event.ts_ms;
  }
  return [Math.min(from, h.event.ts_ms), Math.max(from, h.event.ts_ms)];
}

const holeWords = (h: Hole) => `entry ${h.entry_index} (${h.reason})`;

/**
 * Gate a continuous check's result on the capture's holes: findings whose window holds a quarantined
 * entry are withheld; with none left (or none at all while a hole sits inside the session) the check
 * ABSTAINs for the session, saying which entry.
 */
function acrossHoles(result: CheckResult, session: Session, holes: Hole[]): CheckResult {
  if (result.status !== 'ran' || holes.length === 0 || session.events.length === 0) return result;
  const first = session.events[0].ts_ms;
  const last = session.events[session.events.length - 1].ts_ms;
  const inside = holes.filter((h) => holeWithin(h, first, last));
  if (inside.length === 0) return result;
  const kept: Hit[] = [];
  let withheld: Hole | null = null;
  for (const h of result.hits) {
    const w = hitWindow(h, session);
    const hole = w ? inside.find((x) => holeWithin(x, w[0], w[1])) : undefined;
    if (hole) withheld ??= hole;
    else kept.push(h);
  }
  if (kept.length) return { status: 'ran', hits: kept };
  return {
    status: 'abstain',
    reason: withheld
      ? `${holeWords(withheld)} was quarantined inside the window this finding spans`
      : `${holeWords(inside[0])} was quarantined inside the session: consecutive beacons cannot be vouched for`,
  };
}

/**
 * One check on one session, with everything that may make it ABSTAIN before or after it runs: a protocol
 * it cannot judge, the spec's required keys and dictionary types, the evidence its definition needs in
 * the capture, and quarantined entries inside the window of a continuous check.
 */
export function judgeSession(
  check: CheckDef,
  params: unknown,
  requires: { keys: string[]; dict: string[] },
  annotated: AnnotatedSession,
  view: CaptureView,
): CheckResult {
  return judge(
    check,
    params,
    requires,
    annotated,
    view,
    check.protocols.includes(annotated.session.protocol),
  );
}

/**
 * `judgeSession` with the protocol test done by the caller (a plan does it once per protocol) and, when
 * `gated` is false, the caller's word that the spec and check ask for nothing before the run (no required
 * keys, dictionary types or capture families): every gate is then a no-op, and is skipped. One function,
 * so the plans and the example tests (which call `judgeSession`) apply the gates in one order.
 */
function judge(
  check: CheckDef,
  params: unknown,
  requires: { keys: string[]; dict: string[] },
  annotated: AnnotatedSession,
  view: CaptureView,
  protocolOk: boolean,
  gated = true,
): CheckResult {
  const session = annotated.session;
  // The capture cannot show what the rule needs (e.g. bodies omitted by the exporter): say so first.
  if (session.unchecked) return { status: 'abstain', reason: session.unchecked };
  if (!protocolOk) return NOT_COVERED;
  if (gated) {
    if (!requiredKeysPresent(session, requires.keys))
      return { status: 'abstain', reason: 'required keys absent' };
    if (requires.dict.length && !requires.dict.every((p) => view.dictionary?.has(p)))
      return { status: 'abstain', reason: 'dictionary lacks required params' };
    const families = check.evidence.captureFamilies;
    if (families?.length && !families.some((f) => view.families.has(f)))
      return {
        status: 'abstain',
        reason: `capture holds no ${families.map((f) => FAMILY_WORDS[f] ?? f).join(' or ')} traffic (${check.evidence.needs})`,
      };
  }
  const result = check.run(annotated, view, params);
  return check.evidence.continuous ? acrossHoles(result, session, view.capture.holes ?? []) : result;
}

const NOT_COVERED: CheckResult = Object.freeze({ status: 'abstain', reason: 'protocol not covered' });

const VERDICT_NAMES = [undefined, 'ABSTAIN', 'PASS', 'VIOLATION'] as const;
const [, ABSTAIN, PASS, VIOLATION] = [0, 1, 2, 3] as const;

interface PlanStep {
  w: BoundCheck;
  /** Index of the step's spec in `Plan.ids`. */
  rule: number;
  /** Whether the check judges the session's protocol (the plan is per protocol). */
  protocolOk: boolean;
  /** Whether the spec or check asks for anything before the run (keys, dictionary, capture families). */
  gated: boolean;
}

/**
 * What a list of decisions asks of a session, worked out once per list: the checks to run, each spec's
 * place in the session row's `rules` (the order it first decides a check in) and whether and how much it
 * counts towards the verdict. Decision lists are shared by every session of one scope (`decide`), so the
 * bench's ~56 k sessions per million events share a handful of plans: per session only the checks run
 * and one small array of verdicts is kept (a `rules` object per session grown key by key, a `Map` of
 * severities and `delete` on the abstentions were a fifth of the validator's time on the bench).
 */
interface Plan {
  steps: PlanStep[];
  ids: string[];
  enforcing: boolean[];
  weight: number[];
  /** The session row's `rules` from the verdicts, keys in `ids` order. */
  rules: (verdicts: Uint8Array) => Record<string, Verdict>;
}

/**
 * A function returning `{ [ids[0]]: NAMES[v[0]], … }` as one object literal. Every session of a plan
 * writes the same keys in the same order, yet setting them one by one from a variable key is a generic
 * keyed store per rule (a tenth of the validator's time on the bench); a literal is one allocation of a
 * known shape. The keys are spec ids (UPPER_SNAKE_CASE by the spec schema), written as JSON strings.
 */
function rulesBuilder(ids: string[]): Plan['rules'] {
  const fields = ids.map((id, j) => `${JSON.stringify(id)}: n[v[${j}]]`).join(', ');
  const build = new Function('n', 'v', `return { ${fields} };`) as (
    n: typeof VERDICT_NAMES,
    v: Uint8Array,
  ) => Record<string, Verdict>;
  return (v) => build(VERDICT_NAMES, v);
}

const PLANS = new WeakMap<RulePack, WeakMap<readonly Decision[], Plan>>();
function planOf(pack: RulePack, decisions: readonly Decision[], protocol: Session['protocol']): Plan {
  let byList = PLANS.get(pack);
  if (!byList) PLANS.set(pack, (byList = new WeakMap()));
  let plan = byList.get(decisions);
  if (plan) return plan;
  const statusOf = new Map(pack.specs.map((s) => [s.spec.id, s.spec.status]));
  plan = { steps: [], ids: [], enforcing: [], weight: [], rules: () => ({}) };
  const index = new Map<string, number>();
  for (const d of decisions) {
    const w = d.winner;
    if (!w) continue;
    const spec = w.spec.spec;
    let rule = index.get(spec.id);
    if (rule === undefined) {
      index.set(spec.id, (rule = plan.ids.length));
      plan.ids.push(spec.id);
      plan.enforcing.push(ENFORCING.has(statusOf.get(spec.id) ?? ''));
      plan.weight.push(1);
    }
    // The spec deciding the id's last check sets its weight, as the row always counted it (two specs
    // can share an id only in a pack the loader already reported as broken).
    plan.weight[rule] = spec.severity === 'warning' ? 0.5 : 1;
    plan.steps.push({
      w,
      rule,
      protocolOk: w.check.protocols.includes(protocol),
      gated:
        spec.requires.keys.length > 0 ||
        spec.requires.dict.length > 0 ||
        (w.check.evidence.captureFamilies?.length ?? 0) > 0,
    });
  }
  plan.rules = rulesBuilder(plan.ids);
  byList.set(decisions, plan);
  return plan;
}

/** Validate every session of one capture against the pack: findings, a verdict per session, timelines. */
export function validateCapture(capture: Capture, pack: RulePack, opts: ValidateOptions): CaptureResult {
  const view = captureView(capture, opts);
  const findings: Finding[] = [];
  const sessions: SessionRow[] = [];
  const timelines: Timeline[] = [];
  for (const session of capture.sessions) {
    const annotated = annotate(session);
    const plan = planOf(pack, decide(pack, session), session.protocol);
    const verdicts = new Uint8Array(plan.ids.length);
    const reasons: (string | undefined)[] = new Array(plan.ids.length);
    const sessionFindings: Finding[] = [];
    for (const step of plan.steps) {
      const spec = step.w.spec.spec;
      const { check, params } = step.w;
      const result = judge(check, params, spec.requires, annotated, view, step.protocolOk, step.gated);
      const prev = verdicts[step.rule];
      if (result.status === 'abstain') {
        if (!prev) ((verdicts[step.rule] = ABSTAIN), (reasons[step.rule] = result.reason));
        continue;
      }
      verdicts[step.rule] = result.hits.length || prev === VIOLATION ? VIOLATION : PASS;
      for (const h of result.hits) {
        const info = CODE_INFO.get(h.code);
        sessionFindings.push({
          har: capture.har,
          session: session.key,
          code: h.code,
          family: info?.family ?? spec.family,
          severity: spec.severity,
          spec: spec.id,
          spec_version: spec.version,
          spec_status: spec.status,
          event_id: h.event?.event_id ?? null,
          entry_index: h.event?.provenance.entry_index ?? null,
          ts: h.event?.ts ?? null,
          message: h.message,
          expected: h.expected ?? null,
          observed: h.observed ?? null,
          platform: session.platform,
          sdk: session.sdk,
          sdk_version: session.sdk_version,
        });
      }
    }
    // Every spec of the plan decides at least one check, so each session of a plan writes the same keys
    // in the same order (the order each spec first decides a check in, as the row always listed them).
    const rules = plan.rules(verdicts);
    let abstained: Record<string, string> | null = null;
    let passed = 0;
    let violated = 0;
    let wPass = 0;
    let wAll = 0;
    for (let j = 0; j < plan.ids.length; j++) {
      const v = verdicts[j];
      if (v === ABSTAIN) (abstained ??= {})[plan.ids[j]] = reasons[j] as string;
      if (!plan.enforcing[j]) continue;
      const w = plan.weight[j];
      if (v === PASS) (passed++, (wPass += w), (wAll += w));
      if (v === VIOLATION) (violated++, (wAll += w));
    }
    const verdict: Verdict = violated ? 'VIOLATION' : passed ? 'PASS' : 'ABSTAIN';
    for (const f of sessionFindings) findings.push(f);
    const first = session.events[0];
    const last = session.events[session.events.length - 1];
    const row: Omit<SessionRow, 'codes'> & { codes?: string[] } = {
      har: capture.har,
      session: session.key,
      kind: session.kind,
      protocol: session.protocol,
      platform: session.platform,
      sdk: session.sdk,
      sdk_version: session.sdk_version,
      sdk_version_raw: session.sdk_version_raw,
      app_version: session.app_version,
      confidence: Math.round(session.confidence * 100) / 100,
      virtual_version: session.virtual_version,
      events: session.events.length,
      first_ts: first?.ts ?? null,
      last_ts: last?.ts ?? null,
      verdict,
      conformance: wAll ? Math.round((wPass / wAll) * 1000) / 1000 : 1,
      rules,
    };
    // `abstained` sits between `rules` and `codes` in the row's JSON, only when a rule abstained.
    if (abstained) row.abstained = abstained;
    row.codes = sessionFindings.length ? [...new Set(sessionFindings.map((f) => f.code))].sort() : [];
    row.unchecked = session.unchecked;
    sessions.push(row as SessionRow);
    timelines.push(timelineOf(capture.har, session, sessionFindings, opts.timelineParams ?? 24));
  }
  return { findings, sessions, timelines };
}

type TimelineParams = Timeline['events'][number]['params'];

/**
 * An event's params as its timeline shows them: at most `max` keys, long strings cut to 80 characters.
 * Most events (~60 % on the dense bench) need neither cut: their timeline then holds the event's own
 * params object instead of a copy (timelines are serialised, never changed).
 */
function timelineParams(p: Envelope['params'], max: number): TimelineParams {
  let n = 0;
  let asIs = true;
  for (const k in p) {
    const v = p[k];
    if (++n > max || (typeof v === 'string' && v.length > 80)) {
      asIs = false;
      break;
    }
  }
  if (asIs) return p;
  const params: TimelineParams = {};
  n = 0;
  for (const k in p) {
    if (n++ >= max) break;
    const v = p[k];
    params[k] = typeof v === 'string' && v.length > 80 ? `${v.slice(0, 77)}…` : v;
  }
  return params;
}

const NO_CODES: string[] = Object.freeze([]) as unknown as string[];

function timelineOf(har: string, session: Session, findings: Finding[], maxParams: number): Timeline {
  // Most sessions have no finding: their events share one empty, frozen list of codes.
  const codesBy = findings.length ? new Map<string, string[]>() : null;
  if (codesBy)
    for (const f of findings)
      if (f.event_id) codesBy.set(f.event_id, [...(codesBy.get(f.event_id) ?? []), f.code]);
  const t0 = session.events.length ? beaconTime(session.events[0]) : 0;
  return {
    har,
    session: session.key,
    protocol: session.protocol,
    platform: session.platform,
    sdk_version: session.sdk_version,
    events: session.events.map((e) => {
      const params = timelineParams(e.params, maxParams);
      return {
        event_id: e.event_id,
        t_s: Math.round(beaconTime(e) - t0) / 1000,
        ts: e.ts,
        type: e.sequence.event_type,
        raw_type: e.sequence.raw_event_type,
        asset_type: e.sequence.asset_type,
        playhead_s: e.sequence.playhead_s,
        entry_index: e.provenance.entry_index,
        params,
        codes: codesBy?.get(e.event_id) ?? NO_CODES,
      };
    }),
  };
}
