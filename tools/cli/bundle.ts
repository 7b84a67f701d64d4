/**
 * The CLI as precompiled ES modules (tools/.bundle/cli.mjs and its chunks), which bin/goblin.js runs when
 * they are up to date. Loading the CLI through tsx's loader cost every command ~0.5–0.7 s before it did
 * anything (tsx transpiles and resolves each of ~300 TypeScript modules on the way in): a one-file
 * `goblin validate` took 1.5–1.9 s through tsx and 0.95–1.15 s from the bundle (docs/cli.md, "Start-up").
 *
 * Built by esbuild with the stamp and the fallbacks of the ingest worker's bundle
 * (tools/ingest/worker-bundle.ts `bundleModule`), split so that each command's lazy imports stay lazy:
 * every module a command loads with `await import` becomes a chunk loaded when it runs, and packages load
 * from node_modules as they do from source, but for a few that nearly every command loads (`CARRIED`). The generated entry lists the modules of commands/ when it is
 * built, and the stamp keeps the folder's mtime, so adding or removing a command rebuilds it.
 */
import { join, resolve } from 'node:path';
import { bundleModule, type BundleResult } from '../ingest/worker-bundle.js';
import { commandModuleFiles } from './main.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Where bin/goblin.js looks for the bundle (its stamp beside it: `cli.mjs.stamp.json`). */
export const CLI_BUNDLE = join(ROOT, 'tools', '.bundle', 'cli.mjs');

/**
 * The packages the bundle carries: what nearly every command loads (the config's and the specs' schemas
 * and YAML, the store, file matching). Loaded from node_modules they cost a one-capture `goblin validate`
 * ~0.15 s more (1.13–1.26 against 0.98–1.06 s), mostly Node resolving them and scanning each CommonJS
 * file for its named exports. The others, some large and needed by a single command (astro, the forge
 * clients, the research agent's parsers), load from node_modules when that command runs.
 */
const CARRIED = ['zod', 'yaml', '@duckdb/node-api', 'picomatch', 'tinyglobby', 'semver', 'fflate'];

/** The generated entry: the loaders of the command modules, then `main`. */
export function cliEntrySource(files: readonly string[]): string {
  return [
    `import { setCommandModules } from './main.ts';`,
    `setCommandModules([${files.map((f) => `() => import(${JSON.stringify(`./commands/${f}`)})`).join(', ')}]);`,
    `export { main } from './main.ts';`,
  ].join('\n');
}

/** Build the CLI's bundle, or reuse it when no source changed; `file` null (with the reason) when it cannot. */
export async function cliBundle(): Promise<BundleResult> {
  return bundleModule({
    entry: 'tools/cli/cli-entry.ts',
    contents: cliEntrySource(commandModuleFiles()),
    outFile: CLI_BUNDLE,
    checkMetaDepth: true,
    split: true,
    carry: CARRIED,
    // The folder (a command added or removed), and what decides how the bundle is built.
    watch: ['tools/cli/commands', 'tools/cli/bundle.ts', 'tools/ingest/worker-bundle.ts', 'tsconfig.json'],
  });
}
