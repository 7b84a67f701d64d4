// Whether a bundle built by `bundleModule` (tools/ingest/worker-bundle.ts) still describes its sources, in
// plain JavaScript: the launcher (bin/goblin.js) asks before it has loaded tsx, which is the cost the
// CLI's bundle saves, and bundleModule asks the same function before it builds.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The stamp beside `bundle` (`<bundle>.stamp.json`) when it still holds: the same Node and esbuild, every
 * input the same size and mtime, and every file the build wrote still there. A stamp that records a
 * refused build (`refused`) holds while its inputs do. Null when anything differs, is missing or cannot
 * be read.
 * @param {string} bundle absolute path of the bundle
 * @param {string} root the folder the stamp's input paths are relative to
 * @param {string} esbuildVersion the esbuild that would build it now
 * @returns {import('./fresh-bundle.js').BundleStamp | null}
 */
export function currentStamp(bundle, root, esbuildVersion) {
  try {
    const stamp = JSON.parse(readFileSync(`${bundle}.stamp.json`, 'utf8'));
    if (stamp.node !== process.version || stamp.esbuild !== esbuildVersion) return null;
    for (const [p, [size, mtime]] of Object.entries(stamp.inputs)) {
      const s = statSync(join(root, p));
      if (s.size !== size || s.mtimeMs !== mtime) return null;
    }
    if (stamp.refused) return stamp;
    // One listing of the folder, not a call per file: the CLI's build writes ~180 chunks.
    const there = new Set(readdirSync(dirname(bundle)));
    return (stamp.outputs ?? [basename(bundle)]).every((f) => there.has(f)) ? stamp : null;
  } catch {
    return null; // no stamp, or an input gone
  }
}
