/**
 * Research benchmark on the local test site (no network): crawl throughput, index size, search latency.
 * Run: npx tsx tools/research/bench.ts [pages=300]
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { crawl } from './crawl.js';
import { searchEvidence } from './search.js';
import { setupModels } from './embed.js';
import { loadIndex } from './store.js';
import { startDocSite } from './testing/docsite.js';
import { testConfig } from './testing/config.js';

function du(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    const st = statSync(p);
    n += st.isDirectory() ? du(p) : st.size;
  }
  return n;
}

const pages = Number(process.argv[2] ?? 300);
const site = await startDocSite({ extraPages: pages });
const { config } = testConfig({
  research: {
    render: 'never',
    max_pages: pages + 50,
    per_host_rate_per_s: 1000,
    concurrency: 4,
    timeout_ms: 5000,
  },
});
const report = await crawl({ config, seeds: [`${site.origin}/gen/index.html`] });
await site.close();
const ix = loadIndex(config.research.index_dir)!;
const models = await setupModels(config.models);
const queries = [
  'roku cadence first ping',
  'ad break bookends',
  'session timeout',
  'playhead variant 17',
  'orchestration edge',
  'tracker keeps its own clock',
];
const lat: number[] = [];
for (let r = 0; r < 10; r++)
  for (const q of queries) lat.push((await searchEvidence(q, { config, index: ix, models })).elapsed_ms);
lat.sort((a, b) => a - b);
const cold0 = performance.now();
await searchEvidence('roku cadence first ping', { config }); // loads the index from disk
const cold = performance.now() - cold0;
console.log(
  JSON.stringify(
    {
      pages: report.pages,
      crawl_s: report.elapsed_ms / 1000,
      pages_per_s: report.pages_per_s,
      bytes_fetched: report.bytes,
      index_build_ms: report.index?.elapsed_ms,
      documents: ix.meta.documents,
      chunks: ix.meta.chunks,
      index_bytes: du(config.research.index_dir),
      cache_bytes: du(config.research.cache_dir),
      search_ms_p50: lat[Math.floor(lat.length / 2)],
      search_ms_p95: lat[Math.floor(lat.length * 0.95)],
      search_ms_cold_with_load: Number(cold.toFixed(1)),
    },
    null,
    2,
  ),
);
