/**
 * Benchmark hook for the site build (issue 5: "scales to 1,000 specs and 5,000 dictionary entries").
 * Generates the fixture repository plus that many synthetic specs and dictionary entries in a temp
 * dir, then times the data assembly and the Astro build. Called by the benchmark runner:
 *
 *   const r = await benchSiteBuild({ specs: 1000, dictionary: 5000 });
 *
 * or directly: `tsx tools/publish/site-bench.ts [--specs N] [--dictionary N] [--keep]`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { walkFiles } from '../util/files.js';
import { buildSite } from './site-build.js';
import { writeFixtureRepo } from './testing/site-fixtures.js';

export interface SiteBenchResult {
  specs: number;
  dictionary: number;
  pages: number;
  dist_bytes: number;
  ms: { generate: number; data: number; astro: number; links: number; total: number };
  pages_per_s: number;
  out_dir: string | null;
}

/** Pages and bytes of the built site. */
function measure(dir: string): { pages: number; bytes: number } {
  const files = walkFiles(dir);
  return {
    pages: files.filter((f) => f.endsWith('.html')).length,
    bytes: files.reduce((n, f) => n + statSync(join(dir, f)).size, 0),
  };
}

export async function benchSiteBuild(
  opts: { specs?: number; dictionary?: number; keep?: boolean } = {},
): Promise<SiteBenchResult> {
  const specs = opts.specs ?? 1000;
  const dictionary = opts.dictionary ?? 5000;
  const dir = mkdtempSync(join(tmpdir(), 'goblin-site-bench-'));
  try {
    const t0 = performance.now();
    // the fixture brings 6 realistic specs and 4 entries; top up to the requested totals
    const { root, runDir } = writeFixtureRepo(dir, {
      extraSpecs: Math.max(0, specs - 6),
      extraDictionary: Math.max(0, dictionary - 4),
      git: true,
    });
    const generate = performance.now() - t0;
    const r = await buildSite({ root, runDir, outDir: join(dir, 'dist'), dataDir: join(dir, 'data') });
    const { pages, bytes } = measure(r.outDir);
    return {
      specs: r.counts.specs,
      dictionary: r.counts.dictionary,
      pages,
      dist_bytes: bytes,
      ms: {
        generate: Math.round(generate),
        data: r.ms.data,
        astro: r.ms.astro,
        links: r.ms.links,
        total: r.ms.total,
      },
      pages_per_s: Math.round(pages / (r.ms.astro / 1000)),
      out_dir: opts.keep ? r.outDir : null,
    };
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { specs: { type: 'string' }, dictionary: { type: 'string' }, keep: { type: 'boolean' } },
  });
  benchSiteBuild({
    specs: values.specs ? Number(values.specs) : undefined,
    dictionary: values.dictionary ? Number(values.dictionary) : undefined,
    keep: values.keep,
  }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
