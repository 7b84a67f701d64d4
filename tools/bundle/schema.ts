import { z } from 'zod';

/**
 * An "investigate" bundle (docs/proposals.md): what drift, anomaly clusters, `dictionary unknowns` or
 * ABSTAIN-heavy sessions hand to the spec writer. Written to bundles/<bundle_id>.json.
 */
export const BundleScope = z.object({
  platform: z.string().optional(),
  sdk: z.string().optional(),
  protocol: z.string().optional(),
  /** Library versions observed (as on the wire) and, when known, a semver range covering them. */
  versions: z.array(z.string()).default([]),
  version_range: z.string().optional(),
  cluster: z.string().optional(),
});

export const Anomaly = z.object({
  family: z.string(), // cadence | playhead | … | params | novel
  code: z.string().optional(), // a fail code when one is involved
  metric: z.string(), // e.g. ad_ping_interval_s, first_ping_delay_s, param_presence:media.foo
  platform: z.string().optional(),
  sdk: z.string().optional(),
  version: z.string().optional(),
  values: z.array(z.number()).default([]), // observed samples (bounded)
  expected: z.number().optional(),
  observed: z.number().optional(),
  sessions: z.number().int().default(0),
  note: z.string().default(''),
});

export const Bundle = z.object({
  bundle_id: z.string(),
  created_at: z.string(),
  source: z.enum(['drift', 'anomaly', 'unknowns', 'abstain', 'manual']),
  title: z.string(),
  scope: BundleScope,
  anomalies: z.array(Anomaly).default([]),
  dictionary_deltas: z
    .array(
      z.object({
        param: z.string(),
        sdk: z.string(),
        change: z.enum(['new', 'type', 'presence', 'range']),
        detail: z.string(),
      }),
    )
    .default([]),
  sample_sessions: z
    .array(z.object({ har: z.string(), session: z.string(), har_hash: z.string().optional() }))
    .default([]),
  evidence_chunks: z
    .array(
      z.object({
        url: z.string(),
        quote: z.string(),
        cached_ref: z.string().optional(),
        title: z.string().optional(),
      }),
    )
    .default([]),
  /** Constitution constraints, e.g. DO_NOT_RELAX:NON_DECREASING_PLAYHEAD */
  constraints: z.array(z.string()).default([]),
  /** Dataset the bundle was computed on (store path + hash of HAR hashes). */
  dataset: z.object({ store: z.string().optional(), hash: z.string().optional() }).default({}),
});
export type Bundle = z.infer<typeof Bundle>;
