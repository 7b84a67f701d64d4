/**
 * vitest's global setup: every scratch folder a test makes (`mkdtempSync(join(tmpdir(), …))`, in the test
 * and in the goblin processes it starts) lands in one folder made for this run, removed when the run
 * ends. Tests that clean up after themselves still do; the others had left ~180 folders in the system's
 * temporary folder per `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const before = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'goblin-tests-'));
  // Set before vitest forks its workers: they, and every process they start, inherit it (os.tmpdir()
  // reads TMPDIR on each call).
  process.env.TMPDIR = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  };
}
