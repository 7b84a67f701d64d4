// Whether a bundle built by `bundleModule` (tools/ingest/worker-bundle.ts) is still up to date, in plain
// JavaScript: the launcher asks before it has loaded tsx, which is the cost the bundle saves.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

/**
 * The same test as `currentStamp` in tools/ingest/worker-bundle.ts, which wrote the stamp: the Node and
 * esbuild versions and the size and mtime of every input are those it was built with, and every file the
 * build wrote (the bundle and its chunks) is there. A stamp that records a refused build is never fresh,
 * nor is anything missing or unreadable (no stamp, no esbuild, an input gone).
 * @param {string} bundle absolute path of the bundle (its stamp is `<bundle>.stamp.json`)
 * @param {string} root the folder the stamp's input paths are relative to
 * @returns {boolean}
 */
export function bundleIsFresh(bundle, root) {
  try {
    const stamp = JSON.parse(readFileSync(`${bundle}.stamp.json`, 'utf8'));
    if (stamp.refused || stamp.node !== process.version) return false;
    const esbuild = createRequire(import.meta.url)('esbuild/package.json').version;
    if (stamp.esbuild !== esbuild) return false;
    for (const [p, [size, mtime]] of Object.entries(stamp.inputs)) {
      const s = statSync(join(root, p));
      if (s.size !== size || s.mtimeMs !== mtime) return false;
    }
    const dir = dirname(bundle);
    return (stamp.outputs ?? [basename(bundle)]).every((f) => existsSync(join(dir, f)));
  } catch {
    return false;
  }
}
