import { z } from 'zod';

/**
 * The files `goblin validate` writes (violations.jsonl / sessions.jsonl / summary.json). They are the
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
  codes: z.array(z.string()),
});
export type SessionRow = z.infer<typeof SessionRow>;

export const Summary = z.object({
  generated_at: z.string(),
  input: z.string(),
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
});
export type Summary = z.infer<typeof Summary>;
