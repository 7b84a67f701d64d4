/**
 * Learn rows: everything the learning layer needs from one session, computed while its capture is in
 * memory (docs/learning.md, "Where the learning step's inputs come from"). `goblin run`'s ingest workers
 * build them beside the validator's verdicts and stage them; the parent's learning step (label model,
 * classifier, anomalies, triage, drift profile) then reads these rows and never decodes a HAR again.
 * The in-process path (`goblin learn`, the evaluations) builds the same rows from decoded captures, so
 * both paths run one code and give the same inbox.
 */
import { z } from 'zod';
import { HAND_LFS } from '../../lfs/index.js';
import { sessionView, type Label, type LabelingFunction, type SessionView } from '../label/api.js';
import { specLabelingFunctions } from '../label/labeling.js';
import type { Capture, Session } from '../session/index.js';
import { Verdict, type SessionRow } from '../validate/outputs.js';
import type { RulePack } from '../validate/pack.js';
import { sessionFeatures, type SessionFeatures } from './features.js';
import { keyInfo } from './signals.js';
import { eachStagedLine } from '../ingest/staging.js';
import { StringPool } from '../util/string-pool.js';

/** The validator's word on one session: a sessions.jsonl row's verdict fields. */
type SessionVerdicts = Pick<SessionRow, 'verdict' | 'rules' | 'codes'>;
const LabelSchema = z.union([
  z.literal('PASS'),
  z.literal('ABSTAIN'),
  z.string().regex(/^VIOLATION:/) as z.ZodType<`VIOLATION:${string}`>,
]);

/**
 * One session, as staged (`learn_session-<worker>.ndjson`). Parsed with this schema when read back: the
 * staging folder is a boundary between processes.
 */
export const LearnRow = z.object({
  har: z.string(),
  key: z.string(),
  kind: z.enum(['media', 'page', 'app']),
  protocol: z.string(),
  platform: z.string(),
  sdk: z.string(),
  version: z.string().nullable(),
  /** The validator's verdicts (null: the session was not validated, e.g. no rule pack). */
  verdict: Verdict.nullable(),
  rules: z.record(z.string(), Verdict),
  codes: z.array(z.string()),
  /** Each labeling function's label, ABSTAIN left out (an LF that throws abstains). */
  votes: z.record(z.string(), LabelSchema),
  /** Per-session features before the corpus pass (features.ts `addShapeRarity`). */
  features: z.custom<SessionFeatures>(
    (v) => typeof v === 'object' && v !== null && Array.isArray((v as SessionFeatures).x),
    'features must be a SessionFeatures object',
  ),
  /** Normalized event types in send order (event-order surprise, drift's event mix). */
  types: z.array(z.string()),
  /** Main-content and ad ping intervals in seconds (drift's cadence histograms). */
  intervals: z.object({ main: z.array(z.number()), ad: z.array(z.number()) }),
  /** Parameter keys of its events, digits folded (drift's parameter mix). */
  param_keys: z.array(z.string()),
});
export type LearnRow = z.infer<typeof LearnRow>;

/**
 * What a session gives whatever the rule pack says: its features, event types, ping intervals and keys.
 * A caller that learns the same decoded captures under several packs (leave-a-family-out drops one
 * family's specs at a time) passes one cache, so these are computed once per session, not per pack.
 */
export type SessionPartsCache = WeakMap<
  Session,
  Pick<LearnRow, 'features' | 'types' | 'intervals' | 'param_keys'>
>;

/** The pack's spec LFs and the hand-written ones in lfs/ (what `goblin run` labels with). */
export function allLabelingFunctions(pack: RulePack): LabelingFunction[] {
  return [...specLabelingFunctions(pack), ...HAND_LFS];
}

function label(lf: LabelingFunction, v: SessionView): Label {
  try {
    return lf.fn(v);
  } catch {
    return 'ABSTAIN'; // an LF that throws knows nothing about this session
  }
}

/** The learn row of one session of `capture` (its verdicts from the validator, when it ran). */
function learnRow(
  s: Session,
  capture: Capture,
  verdicts: SessionVerdicts | undefined,
  lfs: readonly LabelingFunction[],
  cache?: SessionPartsCache,
): LearnRow {
  const view = sessionView(s, { rules: verdicts?.rules, codes: verdicts?.codes });
  const votes: Record<string, Label> = {};
  for (const lf of lfs) {
    const l = label(lf, view);
    if (l !== 'ABSTAIN') votes[lf.name] = l;
  }
  let parts = cache?.get(s);
  if (!parts) {
    parts = sessionParts(s, view, capture);
    cache?.set(s, parts);
  }
  return {
    har: s.har,
    key: s.key,
    kind: s.kind,
    protocol: s.protocol,
    platform: s.platform,
    sdk: s.sdk,
    version: s.sdk_version,
    verdict: verdicts?.verdict ?? null,
    rules: verdicts?.rules ?? {},
    codes: verdicts?.codes ?? [],
    votes,
    ...parts,
  };
}

function sessionParts(s: Session, view: SessionView, capture: Capture) {
  const keys = new Set<string>();
  for (const e of s.events) for (const k in e.params) keys.add(keyInfo(k).folded);
  const media = s.kind === 'media';
  return {
    features: sessionFeatures(view, capture),
    types: [...view.types()],
    intervals: { main: media ? view.pingIntervals('main') : [], ad: media ? view.pingIntervals('ad') : [] },
    param_keys: [...keys],
  };
}

/** Learn rows of every session of one capture; `verdictsOf` gives the validator's row by session key. */
export function captureLearnRows(
  capture: Capture,
  verdictsOf: (key: string) => SessionVerdicts | undefined,
  lfs: readonly LabelingFunction[],
  cache?: SessionPartsCache,
): LearnRow[] {
  return capture.sessions.map((s) => learnRow(s, capture, verdictsOf(s.key), lfs, cache));
}

/**
 * Rename the capture a row belongs to (the store names captures by their root-relative path, a run's
 * outputs by the input-relative name): the row and its features must say the same.
 */
export function renameHar(row: LearnRow, har: string): LearnRow {
  return { ...row, har, features: { ...row.features, har } };
}

/**
 * Order staged rows as the in-process path would (capture by capture in input order, sessions in
 * capture order): workers finish in any order, and the label model, classifier and forests are seeded,
 * so the same inputs must reach them in the same order to give the same inbox. A zip member
 * (`bundle.zip!/cap.har`) sorts at its archive's place, members by name.
 */
export function orderLearnRows(rows: LearnRow[], harOrder: readonly string[]): LearnRow[] {
  const pos = new Map(harOrder.map((h, i) => [h, i]));
  const at = (har: string) => pos.get(har) ?? pos.get(har.split('!/')[0]) ?? harOrder.length;
  return rows
    .map((r, i) => ({ r, i, p: at(r.har) }))
    .sort((a, b) => a.p - b.p || (a.r.har < b.r.har ? -1 : a.r.har > b.r.har ? 1 : 0) || a.i - b.i)
    .map((x) => x.r);
}

/**
 * The learn-row builder `goblin run`'s ingest workers use (tools/ingest/sink.ts `CaptureLearner`): the
 * pack's spec LFs and lfs/, applied to each session beside the verdicts the validator just gave it.
 */
export function captureLearner(pack: RulePack): {
  rows(capture: Capture, sessions: readonly Record<string, unknown>[]): LearnRow[];
} {
  const lfs = allLabelingFunctions(pack);
  return {
    rows(capture, sessions) {
      const byKey = new Map(sessions.map((r) => [r.session as string, r as unknown as SessionVerdicts]));
      return captureLearnRows(capture, (key) => byKey.get(key), lfs);
    },
  };
}

/** Learn rows read back from staging (or any JSON), checked against the schema. */
export function parseLearnRows(raw: readonly unknown[]): LearnRow[] {
  return raw.map(parseLearnRow);
}

function parseLearnRow(r: unknown, i: number): LearnRow {
  const p = LearnRow.safeParse(r);
  if (!p.success) throw new Error(`staged learn row ${i} is malformed: ${p.error.issues[0]?.message}`);
  return p.data;
}

/**
 * Every learn row a run's workers staged (all workers' files), parsed and checked one line at a time,
 * with the string lists that repeat from session to session interned: the sessions of one SDK send the
 * same keys, type keys, hosts and event types, which were half of each row's text and, one copy per
 * row, most of what the learning process's young generation had to copy while it read them
 * (docs/measured.md, "The learning step's read").
 */
export function readLearnRows(
  dir: string,
  /**
   * Rows to keep, by their capture and session key (a sample: learn-bounds.ts). A row left out is parsed
   * but neither interned nor checked against the schema: nothing reads it.
   */
  keep?: (har: string, key: string) => boolean,
): LearnRow[] {
  const pool = new StringPool();
  const rows: LearnRow[] = [];
  // Line by line from 8 MB pieces of the files: the rows' text is never held whole (~290 MB for a
  // 12,000-capture run).
  let read = 0;
  eachStagedLine(dir, 'learn_session', (line) => {
    const r = JSON.parse(line.toString('utf8')) as Partial<LearnRow> | null;
    const i = read++;
    if (keep && typeof r?.har === 'string' && typeof r.key === 'string' && !keep(r.har, r.key)) return;
    if (r && typeof r === 'object') {
      pool.inList(r.types);
      pool.inList(r.param_keys);
      pool.inList(r.codes);
      const sig = r.features?.signals;
      if (sig && typeof sig === 'object') {
        pool.inList(sig.keys);
        pool.inList(sig.typeKeys);
        pool.inList(sig.hosts);
        pool.inList(sig.bigrams);
      }
    }
    rows.push(parseLearnRow(r, i));
  });
  return rows;
}
