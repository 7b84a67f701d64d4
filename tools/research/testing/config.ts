import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoblinConfig } from '../../config/index.js';

/** A config for tests: everything under a temp dir, the local site allowlisted, fast timeouts. */
export function testConfig(
  over: { research?: Record<string, unknown>; models?: Record<string, unknown> } = {},
): {
  config: GoblinConfig;
  dir: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-research-'));
  const config = GoblinConfig.parse({
    research: {
      seeds: [],
      sitemaps: [],
      domains_allowlist: ['127.0.0.1'],
      per_host_rate_per_s: 500,
      // Well above a loaded CI machine's response times, well below the doc site's slow page (slowMs).
      timeout_ms: 2000,
      retries: 1,
      retry_base_ms: 20,
      concurrency: 3,
      cache_dir: join(dir, 'evidence/cache'),
      index_dir: join(dir, 'storage/research-index'),
      packs_dir: join(dir, 'evidence/packs'),
      chunk_min_tokens: 512,
      chunk_max_tokens: 1024,
      ...over.research,
    },
    models: { ...over.models },
  });
  return { config, dir };
}
