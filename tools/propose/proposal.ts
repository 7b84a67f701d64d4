import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../util/errors.js';

/**
 * A proposal folder (proposals/<id>/) — what `goblin propose` writes and `goblin judge`, `goblin shadow`
 * and `goblin pr` read:
 *   proposal.json   this manifest
 *   spec.yaml       the full new/changed spec (target path in `spec_path`)
 *   spec.diff       unified diff against the current specs/ file (or /dev/null)
 *   dictionary/     changed dictionary entries (same layout as the repo's dictionary/)
 *   tests/<SPEC_ID>/{pass,fail}/*.har   minimized, PII-scrubbed fixtures from real sessions
 *   rationale.md    why, with the citations quoted
 *   judge.json      written by `goblin judge`  (JudgeReport)
 *   shadow.json / shadow.md   written by `goblin shadow` (ShadowReport)
 */
export const ProposalManifest = z.object({
  id: z.string(),
  bundle_id: z.string(),
  created_at: z.string(),
  proposer: z.string(), // 'deterministic' | 'ollama:<model>@<digest>'
  spec_id: z.string(),
  spec_path: z.string(), // specs/<family>/<ID>.yaml
  change: z.enum(['new', 'modify']),
  summary: z.string(),
  scope: z.record(z.string(), z.unknown()),
  dictionary_files: z.array(z.string()).default([]),
  fixtures: z.object({ pass: z.array(z.string()).default([]), fail: z.array(z.string()).default([]) }),
  citations: z
    .array(z.object({ url: z.string(), quote: z.string(), cached_ref: z.string().optional() }))
    .default([]),
  /** Prompt/response fingerprints only (hashes, model name and digest), never raw text. */
  llm: z
    .object({
      model: z.string(),
      digest: z.string().nullable(),
      prompt_sha256: z.string(),
      response_sha256: z.string(),
      repairs: z.number().int(),
    })
    .nullable()
    .default(null),
  /** Added (optional, for judges/PR bot): the bundle's scope, the measured data, the changed parameter. */
  bundle_scope: z.record(z.string(), z.unknown()).optional(),
  measured: z.record(z.string(), z.unknown()).optional(),
  changed: z.object({ check: z.string(), param: z.string(), value: z.unknown() }).nullable().optional(),
  /** Fail fixtures made by one targeted edit of a real passing session (no real failing session existed). */
  derived_fixtures: z.array(z.string()).optional(),
  constraints: z.array(z.string()).optional(),
  /** How directly the first citation supports the change: direct (this SDK/platform and version), generic, none. */
  evidence: z
    .object({
      grade: z.enum(['direct', 'generic', 'none']),
      reasons: z.array(z.string()),
      other_sdk: z.number().int(),
    })
    .optional(),
  notes: z.array(z.string()).optional(),
  dataset: z.object({ source: z.string(), hash: z.string() }).optional(),
});
export type ProposalManifest = z.infer<typeof ProposalManifest>;

export const JudgeReport = z.object({
  proposal_id: z.string(),
  consistency: z.number(),
  necessity: z.number(),
  evidence: z.number(),
  score: z.number(),
  decision: z.enum(['ACCEPT', 'REVIEW', 'REJECT']),
  reasons: z.array(z.string()),
  judges: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['deterministic', 'llm']),
      consistency: z.number(),
      necessity: z.number(),
      evidence: z.number(),
    }),
  ),
  llm_used: z.boolean(),
  /** Added: why no LLM judge ran, the threshold used, per-check details. */
  notes: z.array(z.string()).optional(),
  threshold: z.number().optional(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })).optional(),
});
export type JudgeReport = z.infer<typeof JudgeReport>;

export const ShadowSide = z.object({
  findings_by_code: z.record(z.string(), z.number()),
  sessions: z.number(),
  coverage: z.number(),
  fpr_known_good: z.number(),
  fpr_label_pass: z.number().nullable(),
});
export const ShadowReport = z.object({
  proposal_id: z.string(),
  dataset_hash: z.string(),
  spec_pack_commit: z.string().nullable(),
  model_digests: z.array(z.string()).default([]),
  sample: z.object({ sessions: z.number(), strata: z.record(z.string(), z.number()) }),
  pre: ShadowSide,
  post: ShadowSide,
  flipped: z.array(z.object({ har: z.string(), session: z.string(), from: z.string(), to: z.string() })),
  constitution_touched: z.array(z.string()),
  accept: z.boolean(),
  reasons: z.array(z.string()),
  /** Added: in-scope share of sessions, notes (e.g. why fpr_label_pass is null), generation time. */
  notes: z.array(z.string()).optional(),
  known_good: z.object({ sessions: z.number(), source: z.string() }).optional(),
  generated_at: z.string().optional(),
});
export type ShadowReport = z.infer<typeof ShadowReport>;

/** A proposal folder's manifest and spec text (what judge, shadow and pr read). */
export function readProposal(dir: string): { manifest: ProposalManifest; specText: string } {
  const mf = join(dir, 'proposal.json');
  if (!existsSync(mf)) throw new UsageError(`not a proposal folder (no proposal.json): ${dir}`);
  const manifest = ProposalManifest.parse(JSON.parse(readFileSync(mf, 'utf8')));
  const specText = readFileSync(join(dir, 'spec.yaml'), 'utf8');
  return { manifest, specText };
}
