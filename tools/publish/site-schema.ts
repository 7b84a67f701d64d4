import { z } from 'zod';
import { Finding, QuarantineRecord, SessionRow, Summary, Timeline, Verdict } from '../validate/outputs.js';
import { DictionaryEntry } from '../dictionary/schema.js';
import { Citation, Scope, Assertion, SpecStatus } from '../spec/schema.js';

/**
 * The one JSON document the static site is rendered from (site/src/data/generated/site-data.json).
 * Everything a page shows is computed here, in tested TypeScript; the Astro pages only lay it out.
 */

export const HistoryEntry = z.object({
  hash: z.string(),
  author: z.string(),
  date: z.string(),
  subject: z.string(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const FixtureResult = z.object({
  file: z.string(),
  expect: z.enum(['pass', 'fail']),
  /** null when the last spec-test run did not cover this fixture. */
  ok: z.boolean().nullable(),
  codes: z.array(z.string()),
});

export const SiteCitation = Citation.extend({
  /** Evidence passages (pack id + passage index) with the same URL or cached_ref. */
  evidence: z.array(z.object({ pack: z.string(), passage: z.number().int() })),
});

export const SiteSpec = z.object({
  id: z.string(),
  title: z.string(),
  status: SpecStatus,
  version: z.string(),
  family: z.string(),
  severity: z.enum(['error', 'warning']),
  scope: Scope,
  overrides: z.array(z.string()),
  requires: z.object({ keys: z.array(z.string()), dict: z.array(z.string()) }),
  assert: z.array(Assertion),
  fail_codes: z.array(z.string()),
  fixtures: z.array(FixtureResult),
  citations: z.array(SiteCitation),
  rationale: z.string(),
  since: z.string().nullable(),
  path: z.string(),
  clauses: z.array(z.string()),
  history: z.array(HistoryEntry),
  /** Findings of this spec in the last run, and its per-session verdict counts. */
  hits: z.number().int(),
  verdicts: z.object({ PASS: z.number(), VIOLATION: z.number(), ABSTAIN: z.number() }),
  /** Dictionary slugs of the parameters the spec names. */
  params: z.array(z.string()),
  lint: z.array(z.string()),
});
export type SiteSpec = z.infer<typeof SiteSpec>;

export const SiteDictEntry = DictionaryEntry.extend({
  slug: z.string(),
  path: z.string(),
  used_by: z.array(z.string()),
});
export type SiteDictEntry = z.infer<typeof SiteDictEntry>;

export const SiteCode = z.object({
  code: z.string(),
  family: z.string(),
  severity: z.enum(['error', 'warning']),
  definition: z.string(),
  specs: z.array(z.string()),
  count: z.number().int(),
  sessions: z.number().int(),
  /** Indexes into `findings` (most recent first), at most 20. */
  examples: z.array(z.number().int()),
});
export type SiteCode = z.infer<typeof SiteCode>;

export const SiteFinding = Finding.extend({ session_slug: z.string() });
export type SiteFinding = z.infer<typeof SiteFinding>;

export const SiteSession = SessionRow.extend({
  slug: z.string(),
  findings: z.number().int(),
  has_timeline: z.boolean(),
  /** Shell command that re-runs this session's capture and prints its rows (tools/publish/site-data/inbox.ts). */
  command: z.string(),
});
export type SiteSession = z.infer<typeof SiteSession>;

export const SiteTimeline = Timeline.extend({
  slug: z.string(),
  /** true when the event list was cut to `events_cap` for the page. */
  truncated: z.boolean(),
});
export type SiteTimeline = z.infer<typeof SiteTimeline>;

export const InboxItem = z.object({
  har: z.string(),
  session: z.string(),
  slug: z.string(),
  score: z.number(),
  uncertainty: z.number(),
  impact: z.number(),
  novelty: z.number(),
  /** Why the session ranks high, in words (triage `why`; docs/learning.md), and the event it points at. */
  why: z.string().default(''),
  at: z.object({ entry_index: z.number().int(), t_s: z.number() }).nullable().default(null),
  reasons: z.array(z.string()),
  verdict: Verdict.nullable(),
  codes: z.array(z.string()),
  command: z.string(),
});
export type InboxItem = z.infer<typeof InboxItem>;

export const EvidencePassage = z.object({
  url: z.string(),
  title: z.string(),
  quote: z.string(),
  fetched_at: z.string().nullable(),
  content_hash: z.string().nullable(),
  cached_ref: z.string().nullable(),
  score: z.number().nullable(),
  heading: z.string().nullable(),
  anchor_url: z.string().nullable(),
  cited_by: z.array(z.string()),
});
export const EvidencePack = z.object({
  id: z.string(),
  slug: z.string(),
  topic: z.string(),
  created_at: z.string().nullable(),
  queries: z.array(z.string()),
  path: z.string(),
  passages: z.array(EvidencePassage),
  cited_by: z.array(z.string()),
});
export type EvidencePack = z.infer<typeof EvidencePack>;

export const Clause = z.object({
  id: z.string(),
  text: z.string(),
  check: z.unknown(),
  checks: z.array(z.string()),
  specs: z.array(z.string()),
});
export type Clause = z.infer<typeof Clause>;

export const MatrixRow = z.object({
  platform: z.string(),
  sdk: z.string(),
  version: z.string(),
  sessions: z.number().int(),
  findings: z.number().int(),
  by_family: z.record(z.string(), z.number()),
});

export const Changes = z.object({
  prev_generated_at: z.string(),
  coverage: z.object({ before: z.number(), after: z.number() }),
  findings: z.object({ before: z.number(), after: z.number() }),
  sessions: z.object({ before: z.number(), after: z.number() }),
  parse_success_rate: z.object({ before: z.number(), after: z.number() }),
  specs: z.object({ before: z.number(), after: z.number() }),
  codes: z.array(z.object({ code: z.string(), before: z.number(), after: z.number() })),
  new_versions: z.array(z.string()),
  gone_versions: z.array(z.string()),
});
export type Changes = z.infer<typeof Changes>;

/** One reviewed bot PR (preferences/*.jsonl), with the style rules applied to it when its report is merged. */
export const SiteReview = z.object({
  pr: z.number().int(),
  spec_id: z.string(),
  proposal_id: z.string(),
  action: z.enum(['approve', 'edit', 'reject', 'defer']),
  reason: z.string().nullable(),
  reason_code: z.string().nullable(),
  opened_at: z.string(),
  closed_at: z.string().nullable(),
  diff: z.string().nullable(),
  proposed: z.string().nullable(),
  final: z.string().nullable(),
  rules: z.array(
    z.object({ slot: z.string(), description: z.string(), support: z.number(), counter: z.number() }),
  ),
  /** Acceptance without edits over the verdicts up to and including this one. */
  running_rate: z.number().nullable(),
});
export type SiteReview = z.infer<typeof SiteReview>;

export const SiteData = z.object({
  generated_at: z.string(),
  repo: z.object({ commit: z.string().nullable(), branch: z.string().nullable() }),
  run: z.object({
    dir: z.string(),
    found: z.boolean(),
    has_prev: z.boolean(),
    inbox_source: z.enum(['triage', 'computed']),
  }),
  summary: Summary.nullable(),
  changes: Changes.nullable(),
  matrix: z.object({ families: z.array(z.string()), rows: z.array(MatrixRow) }),
  specs: z.array(SiteSpec),
  dictionary: z.array(SiteDictEntry),
  codes: z.array(SiteCode),
  findings: z.array(SiteFinding),
  sessions: z.array(SiteSession),
  timelines: z.array(SiteTimeline),
  limits: z.object({
    timelines: z.number().int(),
    timeline_events: z.number().int(),
    findings_table: z.number().int(),
    sessions_total: z.number().int(),
    timelines_total: z.number().int(),
  }),
  inbox: z.array(InboxItem),
  /** Files and entries the run could not read: every reason counted, the first `cap` named. */
  quarantine: z.object({
    total: z.number().int(),
    by_reason: z.record(z.string(), z.number()),
    rows: z.array(QuarantineRecord),
    cap: z.number().int(),
  }),
  evidence: z.array(EvidencePack),
  constitution: z.array(Clause),
  /** The review loop: every reviewed bot PR, newest first (optional: older data files have none). */
  reviews: z.array(SiteReview).default([]),
  /** The seed's KPI: PRs merged exactly as proposed over PRs with a verdict (defers are not one). */
  review_kpi: z
    .object({ verdicts: z.number().int(), as_proposed: z.number().int(), rate: z.number().nullable() })
    .default({ verdicts: 0, as_proposed: 0, rate: null }),
  /** Files that could not be read or validated; shown on the dashboard rather than failing the build. */
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type SiteData = z.infer<typeof SiteData>;
