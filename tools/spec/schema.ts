import { z } from 'zod';
import semver from 'semver';
import { CHECK_IDS, CODE_FAMILIES, FailCode, RENAMED_CHECK_IDS } from '../codes/catalog.js';

export { CHECK_IDS };

/** A check a spec sets: its id (tools/codes/catalog.ts, generated from the check folders) or a renamed one. */
export const CheckId = z.enum([...CHECK_IDS, ...Object.keys(RENAMED_CHECK_IDS)] as [string, ...string[]]);
export type CheckId = z.infer<typeof CheckId>;

export const SpecStatus = z.enum(['experimental', 'shadow', 'active', 'deprecated']);
export type SpecStatus = z.infer<typeof SpecStatus>;

const SemverRange = z.string().refine((r) => semver.validRange(r) !== null, 'not a valid semver range');

export const Scope = z
  .object({
    platform: z.array(z.enum(['web', 'ios', 'android', 'tvos', 'roku', 'chromecast', 'unknown'])).optional(),
    sdk: z.array(z.enum(['aa', 'heartbeat', 'hb-api', 'edge'])).optional(),
    /** Session protocol: heartbeat | media-collection | media-edge (media) or aa | edge (page/app). */
    protocol: z.array(z.enum(['heartbeat', 'media-collection', 'media-edge', 'aa', 'edge'])).optional(),
    /** Semver range over the Adobe library version (coerced: `js-2.2.2.230-…` → 2.2.2). */
    version: SemverRange.optional(),
    /** A shape-cluster id used as a "virtual version" when no explicit version exists. */
    cluster: z.string().optional(),
  })
  .strict();
export type Scope = z.infer<typeof Scope>;

export const Citation = z
  .object({
    url: z.string(),
    quote: z.string().min(1),
    cached_ref: z.string().optional(),
    fetched_at: z.string().optional(),
    content_hash: z.string().optional(),
  })
  .strict();
export type Citation = z.infer<typeof Citation>;

export const Assertion = z
  .object({
    check: CheckId,
    /** `false` switches the check off for sessions where this spec wins precedence. */
    enabled: z.boolean().default(true),
    /** Check parameters; unknown keys are rejected by the check's own schema at lint time. */
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type Assertion = z.infer<typeof Assertion>;

export const Spec = z
  .object({
    id: z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'ids are UPPER_SNAKE_CASE'),
    title: z.string(),
    status: SpecStatus,
    version: z.string().refine((v) => semver.valid(v) !== null, 'spec version must be semver'),
    family: z.enum(CODE_FAMILIES),
    scope: Scope.default({}),
    overrides: z.array(z.string()).default([]),
    requires: z
      .object({ keys: z.array(z.string()).default([]), dict: z.array(z.string()).default([]) })
      .strict()
      .default({ keys: [], dict: [] }),
    assert: z.array(Assertion).min(1),
    fail_codes: z.array(FailCode).min(1),
    severity: z.enum(['error', 'warning']),
    tests: z
      .object({ pass: z.array(z.string()).default([]), fail: z.array(z.string()).default([]) })
      .strict()
      .default({ pass: [], fail: [] }),
    citations: z.array(Citation).default([]),
    rationale: z.string().default(''),
    /** When status became shadow/active (ISO date), for promotion after the shadow window. */
    since: z.string().optional(),
  })
  .strict();
export type Spec = z.infer<typeof Spec>;

/** A spec as loaded from disk: where it came from, for error messages, the site and precedence. */
export interface LoadedSpec {
  spec: Spec;
  path: string; // repo-relative
  source: string; // file text (for line numbers in lint)
}
