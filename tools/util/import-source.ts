/**
 * Import a TypeScript source by its path, as it is on disk now. `goblin spec test` rediscovers the check
 * definitions (tools/validate/checks/<family>/<name>/check.ts) to find generated files gone stale after
 * an edit, and the cross-check evaluations load the independent generator (tests/crosscheck/generate.ts)
 * that shares no code with Goblin: both must read sources, not a compiled copy of them.
 *
 * Run from source (tsx, vitest), TypeScript imports just work. The precompiled CLI (tools/cli/bundle.ts)
 * runs from tools/.bundle/ without a TypeScript loader, so there the first such import registers tsx's,
 * and only the commands that read sources this way pay for loading it. Registered up front, not after a
 * failed import: Node 22.18+ strips types itself, loads `check.ts` and then fails on its `./types.js`
 * import, which only a loader maps to `types.ts`.
 */
import { basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Whether this module runs compiled, from the bundle folder, rather than as the TypeScript source. */
const COMPILED = basename(dirname(fileURLToPath(import.meta.url))) === '.bundle';
let registered = false;

export async function importSource<T>(path: string): Promise<T> {
  if (COMPILED && !registered) {
    const { register } = await import('tsx/esm/api');
    register();
    registered = true;
  }
  return (await import(pathToFileURL(path).href)) as T;
}
