import { aggregatorChoice } from '../label/aggregator.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { GoblinConfig } from '../config/index.js';
import { expandInputs } from '../har/inputs.js';
import type { RulePack } from '../validate/pack.js';
import {
  compareProfiles,
  driftBundle,
  driftProfile,
  writeBundles,
  type DriftProfile,
  type GroupDrift,
} from './drift.js';
import {
  constitutionConstraints,
  corpusRows,
  datasetHash,
  learnFromRows,
  loadCorpus,
  storeTables,
  writeLearnOutputs,
  type LearnCorpus,
  type LearnResult,
} from './learn.js';
import { allLabelingFunctions, type LearnRow } from './learn-rows.js';
import { collectGarbage } from '../util/heap.js';
import type { LearnSample } from './learn-bounds.js';

/** HAR inputs (files, folders, globs) → corpus, decoded and validated in-process. */
export function corpusFromInputs(
  inputs: string[],
  pack: RulePack,
  cfg: GoblinConfig,
  root = process.cwd(),
): LearnCorpus {
  return loadCorpus(expandInputs(inputs, root), pack, cfg, root);
}

export interface LearnRunOutput {
  result: LearnResult;
  files: Record<string, string>;
  tables: string[];
  profile: DriftProfile;
}

/**
 * Run the learning layer over learn rows (staged by the run's workers, or `corpusRows` of a decoded
 * corpus) and export it into `outDir`: labels.jsonl, lf-stats.jsonl, anomalies.jsonl, inbox.jsonl,
 * learn-summary.json, drift-profile.json, and the DuckDB file learn.duckdb with tables label, lf_stats,
 * anomaly, inbox (and drift when `goblin drift` ran).
 */
export async function learnAndExport(
  sessions: LearnRow[],
  pack: RulePack,
  outDir: string,
  opts: { seed?: number } = {},
): Promise<LearnRunOutput> {
  const out = learnAndWrite(sessions, pack, outDir, opts);
  return { ...out, tables: await storeLearnTables(outDir, out.files) };
}

/** learnAndExport's files, learn.duckdb aside: what `goblin run` lets go of before DuckDB starts. */
function learnAndWrite(
  sessions: LearnRow[],
  pack: RulePack,
  outDir: string,
  opts: { seed?: number; sample?: LearnSample | null },
): Omit<LearnRunOutput, 'tables'> {
  const result = learnFromRows(sessions, {
    lfs: allLabelingFunctions(pack),
    seed: opts.seed,
    aggregator: aggregatorChoice(),
  });
  const files = writeLearnOutputs(outDir, result, opts.sample ?? null);
  const profile = driftProfile(result.sessions);
  writeFileSync(join(outDir, 'drift-profile.json'), JSON.stringify(profile) + '\n');
  return { result, files, profile };
}

/** The rows a run's learning step learns from, and the sample they are when the run staged more (learn-bounds.ts). */
export interface StagedLearnRows {
  rows: LearnRow[];
  sample: LearnSample | null;
}

/** learnAndWrite over the rows `rows` reads, and the run's message: nothing learnt stays referenced once it returns. */
function learnAndSay(
  rows: () => StagedLearnRows | Error,
  pack: RulePack,
  outDir: string,
): { said: string; files: Record<string, string> } | Error {
  const staged = rows();
  if (staged instanceof Error) return staged;
  const { sample } = staged;
  const { result, files } = learnAndWrite(staged.rows, pack, outDir, { sample });
  const top = result.inbox[0];
  const novel = result.anomalies.rows.filter((r) => r.novel).length;
  const of = sample
    ? ` of a sample of ${sample.staged} (learn.max_sessions ${sample.max}: findings and the report cover them all)`
    : '';
  const said = `${result.sessions.length} sessions${of} labelled (${result.labeling.winner}), ${novel} novel, inbox.jsonl written${top ? ` (top: ${top.har} ${top.session.slice(0, 16)})` : ''}`;
  return { said, files };
}

/** learn.duckdb's tables from the files writeLearnOutputs wrote. */
function storeLearnTables(outDir: string, files: Record<string, string>): Promise<string[]> {
  return withDb(join(outDir, 'learn.duckdb'), (con) => storeTables(con, files));
}

export async function withDb<T>(
  path: string,
  fn: (con: import('@duckdb/node-api').DuckDBConnection) => Promise<T>,
): Promise<T> {
  const inst = await DuckDBInstance.create(path, {
    // A few MB of JSONL per table: DuckDB's second thread only added work (storeTables on the dense
    // bench's outputs: 375–486 ms of CPU with two threads, 332–343 ms with one, no slower).
    threads: '1',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const con = await inst.connect();
  try {
    return await fn(con);
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}

/** A drift side: a run dir holding drift-profile.json, or HAR inputs profiled in-process. */
export function profileOf(
  input: string,
  pack: RulePack,
  cfg: GoblinConfig,
  root = process.cwd(),
): { profile: DriftProfile; hars: string[] } {
  const p = resolve(root, input, 'drift-profile.json');
  if (existsSync(p)) {
    const profile = JSON.parse(readFileSync(p, 'utf8')) as DriftProfile;
    return { profile, hars: profile.groups.flatMap((g) => g.samples.map((s) => s.har)) };
  }
  const corpus = corpusFromInputs([input], pack, cfg, root);
  return { profile: driftProfile(corpusRows(corpus, [])), hars: corpus.captures.map((c) => c.har) };
}

export interface DriftRun {
  groups: GroupDrift[];
  bundles: string[];
}

export async function runDrift(o: {
  reference: string;
  drop: string;
  pack: RulePack;
  cfg: GoblinConfig;
  root?: string;
  bundlesDir: string;
  outDir?: string;
  minSessions?: number;
}): Promise<DriftRun> {
  const root = o.root ?? process.cwd();
  const ref = profileOf(o.reference, o.pack, o.cfg, root);
  const drop = profileOf(o.drop, o.pack, o.cfg, root);
  const groups = compareProfiles(ref.profile, drop.profile, { minSessions: o.minSessions });
  const constraints = constitutionConstraints(join(root, 'constitution.yaml'));
  const hash = datasetHash(drop.hars);
  const bundles = writeBundles(
    o.bundlesDir,
    groups.filter((g) => g.status === 'major').map((g) => driftBundle(g, { constraints, datasetHash: hash })),
  );
  if (o.outDir) {
    const f = join(o.outDir, 'drift.jsonl');
    writeFileSync(
      f,
      groups.map((g) => JSON.stringify({ ...g, metrics: g.metrics.slice(0, 12) })).join('\n') +
        (groups.length ? '\n' : ''),
    );
    await withDb(join(o.outDir, 'learn.duckdb'), (con) => storeTables(con, { drift: f }));
  }
  return { groups, bundles };
}

/**
 * The `goblin run` step: label, anomalies and triage over the sessions the run's ingest workers staged
 * (learn rows: LF votes, features, event types, built while each capture was in memory), exported into
 * the run dir (inbox.jsonl for the site). Reads no HAR. Never fails the run: problems come back as a
 * message. `rows` reads the rows (or says why they cannot be read) when the step starts: nothing
 * outside this step keeps them, so they are garbage once the outputs are written.
 */
export async function learnForRun(
  rows: () => StagedLearnRows | Error,
  outDir: string,
  pack: RulePack,
): Promise<string> {
  try {
    const t0 = performance.now();
    const learnt = learnAndSay(rows, pack, outDir);
    if (learnt instanceof Error) return `learning layer skipped: ${learnt.message}`;
    // The rows and what was learnt from them are written and no longer referenced: V8 takes them back
    // before DuckDB allocates beside them (at 12,000 captures they held ~450 MB of this process's heap).
    collectGarbage();
    await storeLearnTables(outDir, learnt.files);
    return `learning layer: ${learnt.said} in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  } catch (e) {
    return `learning layer skipped: ${(e as Error).message}`;
  }
}
