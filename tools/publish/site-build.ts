/**
 * `npm run site:build` / `goblin site build`: assemble the site data from the repository and the last
 * validation run, then build the Astro site under site/ into site/dist (static, no server at view
 * time, relative links: it opens from disk too). Network-free: Astro telemetry is disabled and nothing is fetched.
 *
 *   tsx tools/publish/site-build.ts [--run DIR] [--out DIR] [--root DIR] [--base /path/] [--data-dir DIR]
 *
 * The run directory defaults to $GOBLIN_RUN_DIR, else out/run.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { relativizeSite } from './relative-links.js';
import { assembleSiteData, DEFAULT_RUN_DIR, writeSiteData, type AssembleOptions } from './site-data.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '..', '..');
export const SITE_ROOT = join(REPO_ROOT, 'site');
export const DEFAULT_DATA_DIR = join(SITE_ROOT, 'src', 'data', 'generated');

export interface BuildSiteOptions extends Partial<AssembleOptions> {
  /** Output folder of the static site (default site/dist). */
  outDir?: string;
  /** Where site-data.json and search-index.json are written (default site/src/data/generated). */
  dataDir?: string;
  /** URL base path when the site is not served from / (e.g. `/weird-goblin/`). */
  base?: string;
  /** Skip the Astro step (data only). */
  dataOnly?: boolean;
  log?: (line: string) => void;
}

export interface BuildSiteResult {
  outDir: string;
  dataDir: string;
  counts: {
    specs: number;
    dictionary: number;
    codes: number;
    findings: number;
    sessions: number;
    timelines: number;
  };
  ms: { data: number; astro: number; links: number; total: number };
}

export function resolveRunDir(flag: string | undefined, root = REPO_ROOT): string {
  return resolve(root, flag || process.env.GOBLIN_RUN_DIR || DEFAULT_RUN_DIR);
}

function runAstro(args: string[], env: NodeJS.ProcessEnv, log: (l: string) => void): Promise<void> {
  const require = createRequire(import.meta.url);
  const astroBin = join(dirname(require.resolve('astro/package.json')), 'astro.js');
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [astroBin, ...args], {
      cwd: SITE_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const onData = (b: Buffer) => {
      const s = b.toString();
      tail = (tail + s).slice(-8000);
      for (const line of s.split('\n')) if (line.trim()) log(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', rej);
    child.on('close', (code) =>
      code === 0 ? res() : rej(new Error(`astro build exited with ${code}\n${tail}`)),
    );
  });
}

export async function buildSite(opts: BuildSiteOptions = {}): Promise<BuildSiteResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const root = resolve(opts.root ?? REPO_ROOT);
  const runDir = opts.runDir ? resolve(root, opts.runDir) : resolveRunDir(undefined, root);
  const outDir = resolve(opts.outDir ?? join(SITE_ROOT, 'dist'));
  const dataDir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const data = assembleSiteData({ ...opts, root, runDir });
  writeSiteData(data, dataDir);
  const t1 = performance.now();
  log(
    `site data: ${data.specs.length} specs, ${data.dictionary.length} dictionary entries, ${data.findings.length} findings, ${data.sessions.length} sessions, ${data.timelines.length} timelines${data.run.found ? '' : ` (no run found in ${data.run.dir})`}`,
  );
  for (const p of data.problems.slice(0, 20)) log(`warning: ${p.path}: ${p.message}`);
  if (!opts.dataOnly) {
    if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ASTRO_TELEMETRY_DISABLED: '1',
      GOBLIN_SITE_DATA_DIR: dataDir,
      NODE_ENV: 'production',
    };
    if (opts.base) env.GOBLIN_SITE_BASE = opts.base;
    await runAstro(['build', '--root', SITE_ROOT, '--outDir', outDir, '--silent'], env, log);
    // Astro 5 leaves empty content-layer stubs in the output when a site has no content collections
    for (const stub of ['content-assets.mjs', 'content-modules.mjs'])
      rmSync(join(outDir, stub), { force: true });
  }
  const t2 = performance.now();
  // Relative links naming their files: the site opens from disk (file://) as well as from any server path.
  if (!opts.dataOnly) relativizeSite(outDir, opts.base ?? '/');
  const t3 = performance.now();
  return {
    outDir,
    dataDir,
    counts: {
      specs: data.specs.length,
      dictionary: data.dictionary.length,
      codes: data.codes.length,
      findings: data.findings.length,
      sessions: data.sessions.length,
      timelines: data.timelines.length,
    },
    ms: {
      data: Math.round(t1 - t0),
      astro: Math.round(t2 - t1),
      links: Math.round(t3 - t2),
      total: Math.round(t3 - t0),
    },
  };
}

export const BUILD_OPTIONS = {
  run: { type: 'string' },
  out: { type: 'string' },
  root: { type: 'string' },
  base: { type: 'string' },
  'data-dir': { type: 'string' },
  'data-only': { type: 'boolean' },
} as const;

export function optionsFromFlags(v: Record<string, unknown>): BuildSiteOptions {
  const root = resolve(typeof v.root === 'string' ? v.root : REPO_ROOT);
  return {
    root,
    runDir: resolveRunDir(typeof v.run === 'string' ? v.run : undefined, root),
    outDir: typeof v.out === 'string' ? resolve(v.out) : undefined,
    base: typeof v.base === 'string' ? v.base : process.env.GOBLIN_SITE_BASE,
    dataDir: typeof v['data-dir'] === 'string' ? resolve(v['data-dir']) : undefined,
    dataOnly: v['data-only'] === true,
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: BUILD_OPTIONS, allowPositionals: false });
  const r = await buildSite({ ...optionsFromFlags(values), log: (l) => console.log(l) });
  console.log(
    `site built in ${(r.ms.total / 1000).toFixed(1)} s (data ${(r.ms.data / 1000).toFixed(1)} s, astro ${(r.ms.astro / 1000).toFixed(1)} s) → ${r.outDir}`,
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (c) => process.exit(c),
    (e: Error) => {
      console.error(`site:build failed: ${e.message}`);
      process.exit(1);
    },
  );
}
