import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoblinConfig, loadConfig } from '../config/index.js';
import { ingest } from '../ingest/run.js';
import { sessionView, type SessionView } from '../label/api.js';
import type { FailCode } from '../codes/catalog.js';
import {
  buildCapture,
  Rng,
  serializeHar,
  type Library,
  type Platform,
  type Protocol,
  type Scenario,
} from '../simulate/index.js';
import { loadRulePack, type RulePack } from '../validate/pack.js';
import { loadCorpus, type LearnCorpus } from './learn.js';
import { generateDrop } from './scenarios.js';

/** Test helpers: real simulated captures through the real decoder/validator. */
export const ROOT = process.cwd();
let cached: { pack: RulePack; cfg: GoblinConfig } | null = null;
export function packAndConfig(): { pack: RulePack; cfg: GoblinConfig } {
  return (cached ??= { pack: loadRulePack(join(ROOT, 'specs'), ROOT), cfg: loadConfig(undefined, ROOT) });
}

export function scenario(
  platform: Platform,
  protocol: Protocol,
  library: Library,
  over: Partial<Scenario> = {},
): Scenario {
  return {
    platform,
    protocol,
    library,
    content: 'vod',
    withAds: false,
    withChapters: false,
    exporter: 'charles',
    mediaSessions: 1,
    encoding: 'utf8',
    compact: true,
    ...over,
  };
}

/** One simulated capture (optionally with a fault) → corpus → the media session views. */
export function simulatedViews(
  s: Scenario,
  seed = 1,
  fault?: FailCode,
): { views: SessionView[]; corpus: LearnCorpus } {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-lf-'));
  const { har } = buildCapture(fault ? { ...s, fault } : s, new Rng(seed), { harPath: 'cap.har' });
  const file = join(dir, 'cap.har');
  writeFileSync(file, serializeHar(har, { exporter: s.exporter, encoding: 'utf8' }));
  const { pack, cfg } = packAndConfig();
  const corpus = loadCorpus([{ abs: file, rel: 'cap.har' }], pack, cfg, dir);
  const views = corpus.captures.flatMap((c) => c.sessions.map((x) => sessionView(x)));
  return { views, corpus };
}

/**
 * A simulated drop ingested as `goblin run` ingests it: two real worker processes validate each capture
 * and stage its learn rows, and the staging folder is kept for the test to read. The store, lake and
 * salt live under `dir`; `pii` overrides the defaults (the in-process corpus loader hashes no ids).
 */
export async function stageDrop(
  dir: string,
  drop: { seed: number; captures: number; faultRate: number },
  pii: Record<string, unknown> = {},
): Promise<{ hars: string; config: GoblinConfig; staging: string }> {
  const hars = join(dir, 'hars');
  generateDrop({ outDir: hars, ...drop });
  const config = GoblinConfig.parse({
    storage: {
      base_dir: join(dir, 'storage'),
      db_file: join(dir, 'storage', 'g.duckdb'),
      parquet_dir: join(dir, 'storage', 'parquet'),
    },
    pii: { salt_file: join(dir, 'salt'), ...pii },
  });
  const { summary, store } = await ingest({
    inputs: [hars],
    config,
    root: ROOT,
    quiet: true,
    workers: 2, // real worker processes: the rows cross a process boundary as they do in a run
    validate: { specsDir: 'specs', learn: true },
    keepStaging: true,
  });
  store.close();
  return { hars, config, staging: summary.staging_dir };
}
