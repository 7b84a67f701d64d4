#!/usr/bin/env node
// Launcher. Runs the precompiled CLI (tools/.bundle/cli.mjs, built by tools/cli/bundle.ts) when it is up
// to date with every source it was built from; otherwise loads tsx, builds it and runs that; and where it
// cannot be built (no esbuild, a read-only checkout) runs the TypeScript through tsx, as before. The
// bundle saves every command the ~0.5–0.7 s tsx spends loading ~300 modules. GOBLIN_CLI_TSX=1 runs the
// source on purpose (debugging with source positions).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { currentStamp } from './fresh-bundle.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(ROOT, 'tools', '.bundle', 'cli.mjs');

/** Up to date, and not a build the depth check refused (false without esbuild: then it cannot be built). */
function bundleIsFresh() {
  let esbuild;
  try {
    esbuild = createRequire(import.meta.url)('esbuild/package.json').version;
  } catch {
    return false;
  }
  const stamp = currentStamp(BUNDLE, ROOT, esbuild);
  return stamp !== null && !stamp.refused;
}

/** With GOBLIN_DEBUG set, which CLI runs (on stderr, where stdout may be a --json document). */
const say = (line) => process.env.GOBLIN_DEBUG && console.error(`goblin: ${line}`);

async function loadMain() {
  const fromSource = process.env.GOBLIN_CLI_TSX === '1';
  if (!fromSource && bundleIsFresh()) {
    say('running the precompiled CLI (tools/.bundle/cli.mjs)');
    return import(pathToFileURL(BUNDLE).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  if (!fromSource) {
    const { cliBundle } = await import('../tools/cli/bundle.ts');
    const built = await cliBundle();
    if (built.file) {
      say(`${built.built ? 'built' : 'checked'} the precompiled CLI (tools/.bundle/cli.mjs) and running it`);
      return import(pathToFileURL(built.file).href);
    }
    say(`running from source (${built.reason})`);
  } else say('running from source (GOBLIN_CLI_TSX=1)');
  return import('../tools/cli/main.ts');
}

const { main } = await loadMain();
process.exitCode = await main(process.argv.slice(2));
