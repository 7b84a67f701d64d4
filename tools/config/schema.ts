import { z } from 'zod';
import { DEFAULT_MAX_CAPTURE_BYTES } from '../har/limits.js';
import {
  DEFAULT_LEARN_ALONGSIDE_STORE_MAX_BYTES,
  DEFAULT_LEARN_MAX_SESSIONS,
} from '../detect/learn-bounds.js';

/** goblin.config.yaml: every field has a default so an empty file (or none) is a valid config. */
export const GoblinConfig = z.object({
  storage: z
    .object({
      base_dir: z.string().default('storage'),
      db_file: z.string().default('storage/goblin.duckdb'),
      parquet_dir: z.string().default('storage/parquet'),
      quarantine_dir: z.string().default('storage/quarantine'),
    })
    .prefault({}),
  ingest: z
    .object({
      /** Worker processes; 0 = one per core. */
      workers: z.number().int().min(0).default(0),
      /** Response bodies larger than this are dropped before JSON.parse unless a decoder needs them. */
      max_kept_body_bytes: z.number().int().default(65_536),
      /**
       * The most bytes one capture may take in memory: a file on disk (a zip included: it is read whole),
       * what a `.har.gz` / `.zhar` inflates to, one zip member. Past it the capture is quarantined
       * `too-large` unread, and looked at again by the next ingest.
       */
      max_capture_bytes: z.number().int().positive().default(DEFAULT_MAX_CAPTURE_BYTES),
      /** Files per work unit sent to a worker. */
      batch_files: z.number().int().min(1).default(16),
    })
    .prefault({}),
  learn: z
    .object({
      /**
       * `goblin run` learns from at most this many sessions: past it, a fixed sample of them (the labels,
       * anomalies, inbox and drift profile cover the sample; findings and the report cover every session).
       * Bounds the learning process's memory (~17 KB a session at its peak).
       */
      max_sessions: z.number().int().positive().default(DEFAULT_LEARN_MAX_SESSIONS),
      /**
       * `goblin run` learns while DuckDB loads the store only when the staged learn rows are smaller than
       * this: past it the learning step waits until the store is closed, so the two memory peaks (DuckDB's
       * ~0.7–1.0 GB, the learning process's ~2 bytes per staged byte) never add up.
       */
      alongside_store_max_bytes: z.number().int().min(0).default(DEFAULT_LEARN_ALONGSIDE_STORE_MAX_BYTES),
    })
    .prefault({}),
  hosts: z
    .object({
      /** First-party CNAMEs that carry Adobe traffic, per family (glob: `*.acme.com`). */
      cname_allowlist: z
        .object({
          aa: z.array(z.string()).default([]),
          heartbeat: z.array(z.string()).default([]),
          'media-collection': z.array(z.string()).default([]),
          edge: z.array(z.string()).default([]),
        })
        .prefault({}),
    })
    .prefault({}),
  pii: z
    .object({
      /** Hash IPs and visitor ids (ECID, aid, vid, fid, customer ids) with the repo salt. */
      hash_ids: z.boolean().default(true),
      /** Truncate user agents after platform detection. */
      truncate_ua: z.boolean().default(true),
      /** Salt file (created on first use, git-ignored). */
      salt_file: z.string().default('.goblin-salt'),
      /** Extra regexes whose matches are replaced by a hash in params and raw query/body. */
      extra_regexes: z.array(z.string()).default([]),
    })
    .prefault({}),
  validate: z
    .object({
      specs_dir: z.string().default('specs'),
      constitution: z.string().default('constitution.yaml'),
      /** Include shadow specs' findings in reports (they never fail a run). */
      report_shadow: z.boolean().default(true),
      /** Exit 1 when an active spec's finding is at or above this severity (`--fail-on`; none = never). */
      fail_on: z.enum(['none', 'error', 'warning']).default('none'),
      /** Exit 3 (input not checked) when fewer of the HAR files read parse (`--min-parse-rate`). */
      min_parse_rate: z.number().min(0).max(1).default(0.95),
    })
    .prefault({}),
  research: z
    .object({
      seeds: z
        .array(z.string())
        .default([
          'https://experienceleague.adobe.com/en/docs/media-analytics/using/media-overview',
          'https://developer.adobe.com/data-collection-apis/docs/',
          'https://github.com/adobe/aepsdk-roku',
          'https://developer.roku.com/docs/developer-program/getting-started/roku-dev-prog.md',
        ]),
      sitemaps: z.array(z.string()).default([]),
      domains_allowlist: z
        .array(z.string())
        .default([
          'experienceleague.adobe.com',
          'developer.adobe.com',
          'github.com',
          'raw.githubusercontent.com',
          'roku.dev',
          'developer.roku.com',
        ]),
      obey_robots: z.boolean().default(true),
      max_pages_per_query: z.number().int().default(15),
      max_bytes_per_page: z.number().int().default(800_000),
      per_host_rate_per_s: z.number().default(1),
      timeout_ms: z.number().int().default(15_000),
      retries: z.number().int().default(3),
      cache_dir: z.string().default('evidence/cache'),
      index_dir: z.string().default('storage/research-index'),
      user_agent: z.string().default('WeirdGoblin-research/0.1 (+local)'),
      /** Parallel fetches across hosts (each host is still rate-limited on its own). */
      concurrency: z.number().int().min(1).default(4),
      /** Crawl bounds: pages per crawl and link depth from a seed (sitemap URLs are depth 0). */
      max_pages: z.number().int().min(1).default(200),
      max_depth: z.number().int().min(0).default(2),
      /** First retry waits this long; each further retry doubles it (5xx, 429, timeouts, network errors). */
      retry_base_ms: z.number().int().min(0).default(500),
      /** JavaScript rendering with chromium via playwright-core: auto = only pages that look JS-only. */
      render: z.enum(['auto', 'never', 'always']).default('auto'),
      chromium_path: z.string().default('/usr/bin/chromium'),
      /** Structural chunking bounds (tokens ≈ words × 1.3). */
      chunk_min_tokens: z.number().int().min(16).default(512),
      chunk_max_tokens: z.number().int().min(32).default(1024),
      packs_dir: z.string().default('evidence/packs'),
      top_k: z.number().int().min(1).default(8),
    })
    .prefault({}),
  models: z
    .object({
      ollama_host: z.string().nullable().default(null),
      writer: z.string().default('qwen2.5:7b'),
      refiner: z.string().nullable().default(null),
      judges: z.array(z.string()).default(['mistral-nemo:12b', 'llama3.1:8b', 'qwen2.5:7b']),
      embedder: z.string().nullable().default(null),
      onnx_embedder: z.string().nullable().default(null),
      onnx_reranker: z.string().nullable().default(null),
      /** Feature width for ONNX models with a float [batch, D] input when the model does not declare D. */
      onnx_input_dim: z.number().int().nullable().default(null),
      /** Pooling of an ONNX text embedder's token vectors; auto = 1_Pooling/config.json, else mean (bge wants cls). */
      onnx_pooling: z.enum(['auto', 'cls', 'mean']).default('auto'),
      /** Spec writer: bounded repair loop on invalid YAML, per-request timeout, temperature 0. */
      max_repairs: z.number().int().min(0).max(5).default(2),
      request_timeout_ms: z.number().int().positive().default(120_000),
    })
    .prefault({}),
  autonomy: z
    .object({
      shadow_days: z.number().int().default(7),
      pr_threshold: z.number().default(0.78),
      weights: z
        .object({
          consistency: z.number().default(0.4),
          necessity: z.number().default(0.3),
          evidence: z.number().default(0.3),
        })
        .prefault({}),
      max_prs_per_run: z.number().int().default(3),
      /** Judge: scores between this and pr_threshold are REVIEW, below it REJECT. */
      review_threshold: z.number().default(0.55),
      /** Shadow: stratified sample size (captures) and simulated known-good corpus size (sessions). */
      shadow_sample: z.number().int().positive().default(400),
      known_good_sessions: z.number().int().min(0).default(40),
      proposals_dir: z.string().default('proposals'),
      /** Where drift writes investigate bundles (bundles/<id>.json). */
      bundles_dir: z.string().default('bundles'),
      /** The loop's drift reference: a `goblin run` output dir (drift-profile.json) or HAR inputs. */
      reference_run: z.string().default('out/run'),
      /** Feedback (PR outcomes) as preference records, one JSONL file per month. */
      preferences_dir: z.string().default('preferences'),
      /** Extra known-good HAR folders for promote/demote checks (every spec's pass fixtures always count). */
      known_good: z.array(z.string()).default([]),
    })
    .prefault({}),
  forge: z
    .object({
      kind: z.enum(['forgejo', 'github']).default('forgejo'),
      api_url: z.string().nullable().default(null),
      owner: z.string().nullable().default(null),
      repo: z.string().nullable().default(null),
      remote: z.string().default('origin'),
      base_branch: z.string().default('main'),
      token_env: z.string().default('GOBLIN_FORGE_TOKEN'),
      /** Web URL of the repository (links in PR bodies); derived from api_url when null. */
      web_url: z.string().nullable().default(null),
      /** Where a PR commits the proposal's eval report (proposal.json, judge/shadow reports, rationale). */
      reports_dir: z.string().default('reports/proposals'),
      /** Commit identity of the bot. */
      git_author_name: z.string().default('Weird Goblin'),
      git_author_email: z.string().default('goblin@localhost'),
      /** Maintain the dashboard issue on every `goblin pr` / `goblin loop`. */
      dashboard: z.boolean().default(true),
      dashboard_title: z.string().default('Goblin Dashboard'),
    })
    .prefault({}),
});
export type GoblinConfig = z.infer<typeof GoblinConfig>;
