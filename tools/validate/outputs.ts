import { z } from 'zod';

/**
 * The files `goblin validate` writes (violations.jsonl / sessions.jsonl / summary.json / quarantine.jsonl). They are the
 * contract the site, the learning layer and the PR bot read; change them only compatibly.
 */
export const Finding = z.object({
  har: z.string(), // source HAR path relative to the input folder
  session: z.string(), // native media session id, or a page/app session key
  code: z.string(),
  family: z.string(),
  severity: z.enum(['error', 'warning']),
  spec: z.string(),
  spec_version: z.string(),
  spec_status: z.enum(['experimental', 'shadow', 'active', 'deprecated']),
  event_id: z.string().nullable(),
  entry_index: z.number().int().nullable(),
  ts: z.string().nullable(),
  message: z.string(),
  expected: z.string().nullable(),
  observed: z.string().nullable(),
  platform: z.string(),
  sdk: z.string(),
  sdk_version: z.string().nullable(),
});
export type Finding = z.infer<typeof Finding>;

export const Verdict = z.enum(['PASS', 'VIOLATION', 'ABSTAIN']);
export type Verdict = z.infer<typeof Verdict>;

export const SessionRow = z.object({
  har: z.string(),
  session: z.string(),
  kind: z.enum(['media', 'page', 'app']),
  protocol: z.string(), // heartbeat | media-collection | media-edge | aa | edge
  platform: z.string(),
  sdk: z.string(),
  sdk_version: z.string().nullable(),
  /** The wire spelling of the library version (`sdk_version` is its comparable core). */
  sdk_version_raw: z.string().nullable().optional(),
  app_version: z.string().nullable(),
  confidence: z.number(),
  /** Virtual version (shape cluster id) when no explicit version was seen. */
  virtual_version: z.string().nullable(),
  events: z.number().int(),
  first_ts: z.string().nullable(),
  last_ts: z.string().nullable(),
  verdict: Verdict,
  conformance: z.number(),
  /** Per-rule verdicts: spec id → PASS | VIOLATION | ABSTAIN. */
  rules: z.record(z.string(), Verdict),
  /** Why each ABSTAIN rule abstained (spec id → reason), when any did. */
  abstained: z.record(z.string(), z.string()).optional(),
  codes: z.array(z.string()),
  /** Why every rule ABSTAINed (e.g. `request bodies omitted by the exporter`); null or absent otherwise. */
  unchecked: z.string().nullable().optional(),
});
export type SessionRow = z.infer<typeof SessionRow>;

/**
 * What the report's tables, summary and gate read of a session row, counted into a `SessionTally`
 * (tools/validate/session-tally.ts) as the rows are read. The row itself — its per-rule verdicts,
 * reasons and codes, 1.2–1.75 KB of heap once parsed — stays in its staging file until sessions.jsonl is
 * written: held whole, the rows were most of the parent's heap at scale (~200 MB at 48,000 dense captures).
 */
export type SessionBrief = Pick<
  SessionRow,
  | 'har'
  | 'session'
  | 'kind'
  | 'platform'
  | 'sdk'
  | 'sdk_version'
  | 'virtual_version'
  | 'verdict'
  | 'unchecked'
>;

/** quarantine.jsonl / quarantine.csv: every file and entry the run could not read, and why. */
export const QuarantineRecord = z.object({
  scope: z.enum(['file', 'entry']),
  path: z.string(), // HAR path as findings name it (zip members: `bundle.zip!/member.har`)
  entry_index: z.number().int().nullable(), // 0-based index in log.entries (entry scope)
  url: z.string().nullable(),
  reason: z.string(), // invalid-json, not-a-har, empty-file, gzip-error, zip-error, malformed-entry, undecodable-beacon, …
  detail: z.string().nullable(), // the reader's words, e.g. `Unterminated string in JSON at position 3000`
});
export type QuarantineRecord = z.infer<typeof QuarantineRecord>;

/** How an input argument maps `har` paths back to a path `goblin run` reads (tools/har/inputs.ts). */
export const InputRootRecord = z.object({
  arg: z.string(),
  kind: z.enum(['dir', 'file']),
  path: z.string(),
  rel: z.string().nullable(),
});

/** The rule that set the run's exit code (docs/cli.md#exit-codes). */
export const GateRecord = z.object({
  code: z.number().int(),
  reason: z.string(),
  fail_on: z.string(),
  min_parse_rate: z.number(),
});

export const Summary = z.object({
  generated_at: z.string(),
  input: z.string(),
  /** Per input argument: where its `har` paths live (absent in runs written before it existed). */
  inputs: z.array(InputRootRecord).optional(),
  spec_pack: z.object({ specs: z.number(), commit: z.string().nullable() }),
  parse: z.object({
    files_seen: z.number(),
    files_parsed: z.number(),
    files_quarantined: z.number(),
    quarantine_by_reason: z.record(z.string(), z.number()),
    entries: z.number(),
    beacons: z.number(),
    beacons_by_family: z.record(z.string(), z.number()),
    parse_success_rate: z.number(),
    /** The first quarantined files and entries by name (all of them: quarantine.jsonl / .csv). */
    quarantined: z.array(QuarantineRecord).optional(),
    quarantined_total: z.number().optional(),
  }),
  sessions: z.object({ total: z.number(), pass: z.number(), violation: z.number(), abstain: z.number() }),
  coverage: z.number(), // share of sessions with a PASS or VIOLATION verdict
  findings: z.number(),
  by_code: z.record(z.string(), z.number()),
  by_family: z.record(z.string(), z.number()),
  /** "platform|sdk|sdk_version" → code → count */
  by_platform_version: z.record(z.string(), z.record(z.string(), z.number())),
  rule_hits: z.record(z.string(), z.number()),
  top_sessions: z.array(z.object({ har: z.string(), session: z.string(), findings: z.number() })),
  gate: GateRecord.optional(),
});
export type Summary = z.infer<typeof Summary>;

/** timelines.jsonl: per session, the events the site's session viewer draws. */
export const TimelineEvent = z.object({
  event_id: z.string(),
  t_s: z.number(), // seconds since the session's first event (beacon time when present)
  ts: z.string(),
  type: z.string(), // normalized event type
  raw_type: z.string().nullable(),
  asset_type: z.string().nullable(),
  playhead_s: z.number().nullable(),
  entry_index: z.number().int(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  codes: z.array(z.string()), // findings pointing at this event
});
export const Timeline = z.object({
  har: z.string(),
  session: z.string(),
  protocol: z.string(),
  platform: z.string(),
  sdk_version: z.string().nullable(),
  events: z.array(TimelineEvent),
});
export type Timeline = z.infer<typeof Timeline>;

/** spec-test.json: the last `spec:test` run, per spec and fixture. */
export const SpecTestReport = z.object({
  generated_at: z.string(),
  ok: z.boolean(),
  specs: z.array(
    z.object({
      id: z.string(),
      path: z.string(),
      lint: z.array(z.string()),
      fixtures: z.array(
        z.object({
          file: z.string(),
          expect: z.enum(['pass', 'fail']),
          ok: z.boolean(),
          codes: z.array(z.string()),
          /** Why the fixture disagrees with its annotation (which entry must fire, or why nothing may). */
          problems: z.array(z.string()).optional(),
          /** The spec's findings on entries the annotation does not mark. */
          extra: z.array(z.string()).optional(),
        }),
      ),
      ok: z.boolean(),
    }),
  ),
  corpus: z
    .object({ sessions: z.number(), new_false_positives: z.number(), allowlisted: z.number() })
    .nullable(),
});
export type SpecTestReport = z.infer<typeof SpecTestReport>;
