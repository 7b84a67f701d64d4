import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../config/load.js';

export type Aggregator = 'label_model' | 'majority_vote';
export const AGGREGATOR_FILE = join('lfs', 'aggregator.json');

/**
 * Which aggregator real runs use. A run has no labelled slice, so the choice is the one the last
 * `goblin learn eval --record` measured on simulated truth (lfs/aggregator.json, reviewed like code);
 * majority vote when none was recorded (it won the first evaluation).
 */
export function aggregatorChoice(root = process.cwd()): Aggregator {
  for (const dir of [root, PACKAGE_ROOT]) {
    const p = join(dir, AGGREGATOR_FILE);
    if (!existsSync(p)) continue;
    const w = (JSON.parse(readFileSync(p, 'utf8')) as { winner?: string }).winner;
    if (w === 'label_model' || w === 'majority_vote') return w;
  }
  return 'majority_vote';
}

export function recordAggregator(
  root: string,
  winner: Aggregator,
  evidence: Record<string, unknown>,
): string {
  const p = join(root, AGGREGATOR_FILE);
  writeFileSync(
    p,
    JSON.stringify({ winner, recorded_at: new Date().toISOString().slice(0, 10), evidence }, null, 2) + '\n',
  );
  return p;
}
