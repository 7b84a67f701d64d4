import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirs } from '../util/files.js';

/**
 * A fault-free simulated corpus (fixed seed) for the known-good replay of `spec:test`. Cached in the OS
 * temp dir by seed and size, so repeated runs do not regenerate it.
 */
export async function cleanCorpus(sessions: number, seed = 20241114): Promise<string> {
  const dir = join(tmpdir(), `goblin-known-good-${seed}-${sessions}`);
  if (existsSync(join(dir, 'truth.jsonl'))) return dir;
  makeDirs(dir);
  const { simulateCorpus } = await import('../simulate/index.js');
  // The corpus also holds the simulator's few deliberately broken files: they are quarantined, not validated.
  simulateCorpus({ outDir: dir, seed, sessions, faultRate: 0 });
  return dir;
}
