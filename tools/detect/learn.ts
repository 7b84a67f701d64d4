import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { GoblinConfig } from '../config/index.js';
import { processFile } from '../ingest/process-file.js';
import type { LabelingFunction } from '../label/api.js';
import { trainFamilyClassifier } from '../label/classifier.js';
import { runLabeling, sessionId, type LabelRun } from '../label/labeling.js';
import type { Capture } from '../session/index.js';
import { fileContext } from '../validate/files.js';
import { loadConstitution } from '../spec/constitution.js';
import type { SessionRow } from '../validate/outputs.js';
import type { RulePack } from '../validate/pack.js';
import { loadDictionaryTypes } from '../dictionary/files.js';
import { validateCapture } from '../validate/validate.js';
import { detectAnomalies, rankAnomalies, type AnomalyResult, type AnomalyRow } from './anomaly.js';
import { writeNdjson } from '../ingest/staging.js';
import { collectGarbage } from '../util/heap.js';
import { addShapeRarity, FEATURE_NAMES, type SessionFeatures } from './features.js';
import {
  allLabelingFunctions,
  captureLearnRows,
  type LearnRow,
  type SessionPartsCache,
} from './learn-rows.js';
import { triage, type InboxRow } from './triage.js';
import type { LearnSample } from './learn-bounds.js';
import { learnTableColumns, type LearnTable } from './learn-tables.js';
import { makeDirs } from '../util/files.js';

export interface LearnCorpus {
  captures: Capture[];
  /** Validator rows by session id (har \0 session). */
  rows: Map<string, SessionRow>;
}

/**
 * The validator as `goblin run`'s workers apply it (tools/validate/index.ts `captureValidator`): the
 * config's CNAMEs and the dictionary's parameter types, so a `requires.dict` spec judges a session the
 * same in `goblin learn` as in `goblin run`.
 */
export function sessionValidator(
  pack: RulePack,
  cfg: GoblinConfig,
  root = process.cwd(),
): (c: Capture) => SessionRow[] {
  const dictionary = loadDictionaryTypes(resolve(root, 'dictionary'));
  return (c) => validateCapture(c, pack, { cnames: cfg.hosts.cname_allowlist, dictionary }).sessions;
}

/** Decode + validate HAR files in-process (no store). `rel` is the path findings report as `har`. */
export function loadCorpus(
  files: (string | { abs: string; rel: string; size?: number; mtimeMs?: number })[],
  pack: RulePack,
  cfg: GoblinConfig,
  root = process.cwd(),
  /** Validator rows already computed (goblin run): skip validating the captures again. */
  known?: SessionRow[],
): LearnCorpus {
  const ctx = fileContext(cfg);
  const validate = known ? null : sessionValidator(pack, cfg, root);
  const captures: Capture[] = [];
  const rows = new Map<string, SessionRow>((known ?? []).map((r) => [sessionId(r.har, r.session), r]));
  for (const f of files) {
    const abs = typeof f === 'string' ? resolve(root, f) : f.abs;
    const rel = typeof f === 'string' ? (f.startsWith('/') ? relFrom(root, abs) : f) : f.rel;
    // A zip member (`bundle.zip!/cap.har`) is not a path on disk: its size and time are the archive's.
    const st =
      typeof f !== 'string' && f.size !== undefined && f.mtimeMs !== undefined
        ? { size: f.size, mtimeMs: f.mtimeMs }
        : statSync(abs.replace(/!\/.*$/, ''));
    for (const p of processFile({ abs, rel, size: st.size, mtimeMs: st.mtimeMs }, ctx)) {
      if (!p.capture) continue;
      captures.push(p.capture);
      if (!validate) continue;
      for (const r of validate(p.capture)) rows.set(sessionId(r.har, r.session), r);
    }
  }
  return { captures, rows };
}

function relFrom(root: string, abs: string): string {
  return abs.startsWith(root + '/') ? abs.slice(root.length + 1) : basename(abs);
}

/**
 * Learn rows of every session of the corpus, capture by capture in corpus order (learn-rows.ts): the
 * in-process twin of what `goblin run`'s workers stage.
 */
export function corpusRows(
  corpus: LearnCorpus,
  lfs: readonly LabelingFunction[],
  cache?: SessionPartsCache,
): LearnRow[] {
  return corpus.captures.flatMap((c) =>
    captureLearnRows(c, (key) => corpus.rows.get(sessionId(c.har, key)), lfs, cache),
  );
}

export interface ClassifierReport {
  family: string;
  trained: boolean;
  positives: number;
  negatives: number;
  /** Sessions the rules abstain on for this family, and how many the classifier flags (p ≥ 0.5). */
  abstained: number;
  predicted_violations: number;
}

export interface LearnResult {
  /** The sessions learnt from, in corpus order (every other list indexes into it). */
  sessions: LearnRow[];
  features: SessionFeatures[];
  labeling: LabelRun;
  /** per session id → family → classifier probability (sessions the rules abstain on). */
  predictions: Map<string, Record<string, number>>;
  classifiers: ClassifierReport[];
  anomalies: AnomalyResult;
  inbox: InboxRow[];
  timings: Record<string, number>;
}

/** The whole learning layer over one corpus: LFs → label model → classifier; features → anomalies → triage. */
export function learn(
  corpus: LearnCorpus,
  pack: RulePack,
  opts: {
    truth?: Map<string, Set<string>>;
    seed?: number;
    aggregator?: 'label_model' | 'majority_vote';
    /** Labeling functions (default: the pack's specs + lfs/); leave-a-family-out drops a family's. */
    lfs?: LabelingFunction[];
    /** Pack-independent session parts already computed for these captures (learn-rows.ts). */
    cache?: SessionPartsCache;
  } = {},
): LearnResult {
  const lfs = opts.lfs ?? allLabelingFunctions(pack);
  const t0 = performance.now();
  const sessions = corpusRows(corpus, lfs, opts.cache);
  const rows_ms = Math.round(performance.now() - t0);
  const res = learnFromRows(sessions, { ...opts, lfs });
  res.timings = { rows_ms, ...res.timings };
  return res;
}

/**
 * The learning layer over learn rows (staged by `goblin run`'s workers, or built in-process by `learn`):
 * label model, classifier, anomalies, triage. Nothing here reads a HAR.
 */
export function learnFromRows(
  sessions: LearnRow[],
  opts: {
    lfs: LabelingFunction[];
    truth?: Map<string, Set<string>>;
    seed?: number;
    aggregator?: 'label_model' | 'majority_vote';
  },
): LearnResult {
  const t: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (k: string) => {
    // Each step's garbage goes before the next step makes its own (where the process allows it).
    collectGarbage();
    const now = performance.now();
    t[k] = Math.round(now - t0);
    t0 = now;
  };
  // The corpus pass writes into x: copy it, so rows can be learnt from again (leave-a-family-out).
  const features = sessions.map((r) => ({ ...r.features, x: [...r.features.x] }));
  addShapeRarity(features);
  lap('features_ms');
  const labeling = runLabeling(sessions, opts.lfs, opts.truth, opts.aggregator);
  lap('label_ms');
  const X = features.map((f) => f.x);
  const predictions = new Map<string, Record<string, number>>();
  const classifiers: ClassifierReport[] = [];
  for (const fam of labeling.families) {
    const rows = labeling.labels.filter((l) => l.family === fam.family);
    const p = rows.map((r) => (r.covered ? r.p : 0.5)); // uncovered rows never train
    // Media families (cadence, playhead, bookends, orchestration) cannot apply to page/app sessions.
    const applies = (i: number) => !MEDIA_FAMILIES.has(fam.family) || sessions[i].kind === 'media';
    const abst = rows.map((r, i) => (r.covered || !applies(i) ? -1 : i)).filter((i) => i >= 0);
    // The classifier only serves sessions the rules abstain on: none → nothing to train for.
    const clf = abst.length
      ? trainFamilyClassifier(fam.family, X, p, { seed: opts.seed })
      : { trained: false, positives: 0, negatives: 0, predict: (Z: number[][]) => Z.map(() => 0) };
    const probs = clf.trained ? clf.predict(abst.map((i) => X[i])) : abst.map(() => 0);
    abst.forEach((i, j) => {
      const id = sessionId(sessions[i].har, sessions[i].key);
      const rec = predictions.get(id) ?? {};
      rec[fam.family] = Math.round(probs[j] * 1000) / 1000;
      predictions.set(id, rec);
    });
    classifiers.push({
      family: fam.family,
      trained: clf.trained,
      positives: clf.positives,
      negatives: clf.negatives,
      abstained: abst.length,
      predicted_violations: probs.filter((x) => x >= 0.5).length,
    });
  }
  lap('classifier_ms');
  const anomalies = detectAnomalies(features, (i) => sessions[i].types, {
    seed: opts.seed,
    codesOf: (i) => sessions[i].codes,
  });
  lap('anomaly_ms');
  const inbox = triage({ sessions, labeling, predictions, anomalies });
  lap('triage_ms');
  return { sessions, features, labeling, predictions, classifiers, anomalies, inbox, timings: t };
}

/** `DO_NOT_RELAX:<clause>` for bounded / non-disableable clauses, `NEEDS_CITATION:<clause>` for citation clauses. */
export function constitutionConstraints(path: string): string[] {
  if (!existsSync(path)) return [];
  return loadConstitution(path).clauses.map((c) =>
    c.check.relaxation_needs_citation || c.check.unless_cited
      ? `NEEDS_CITATION:${c.id}`
      : `DO_NOT_RELAX:${c.id}`,
  );
}

export function datasetHash(hars: string[]): string {
  return createHash('sha256')
    .update([...hars].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/** Files the learning layer exports into a run dir (what the DuckDB tables are loaded from). */
export function writeLearnOutputs(
  outDir: string,
  r: LearnResult,
  /** The sample `r` was learnt from, when the run staged more sessions than `learn.max_sessions`. */
  sample: LearnSample | null = null,
): Record<'label' | 'lf_stats' | 'anomaly' | 'inbox', string> {
  makeDirs(outDir);
  const files = {
    label: join(outDir, 'labels.jsonl'),
    lf_stats: join(outDir, 'lf-stats.jsonl'),
    anomaly: join(outDir, 'anomalies.jsonl'),
    inbox: join(outDir, 'inbox.jsonl'),
  };
  // One line at a time (ingest/staging.ts `writeNdjson`): built whole, labels.jsonl and anomalies.jsonl
  // took ~300 MB of the learning process's heap at 12,000 captures, its largest at any point.
  writeNdjson(files.label, labelLines(r));
  writeNdjson(files.lf_stats, r.labeling.lfStats);
  writeNdjson(files.anomaly, anomalyLines(r.anomalies.rows));
  writeNdjson(files.inbox, r.inbox);
  writeFileSync(
    join(outDir, 'learn-summary.json'),
    JSON.stringify(
      {
        generated_at: new Date().toISOString(),
        sessions: r.sessions.length,
        sample: sample && { sessions_staged: sample.staged, max_sessions: sample.max },
        aggregator: r.labeling.winner,
        evaluation: r.labeling.evaluation,
        families: r.labeling.families.map((f) => ({
          family: f.family,
          lfs: f.lfs.length,
          covered: f.covered,
          code_tasks: f.tasks.map((t) => ({
            code: t.code,
            lfs: t.lfs.length,
            prior: round(t.cc.prior),
            em_iterations: t.cc.iterations,
          })),
          estimated_accuracies: Object.fromEntries(
            f.lfs.map((n, i) => [n, f.fit.estimated[i] ? round(f.fit.accuracies[i]) : null]),
          ),
          eval: f.eval,
        })),
        classifiers: r.classifiers,
        clusters: r.anomalies.clusters,
        dbscan_eps: round(r.anomalies.eps),
        features: FEATURE_NAMES,
        timings: r.timings,
      },
      null,
      2,
    ) + '\n',
  );
  return files;
}

/** labels.jsonl's rows: the sessions a rule covers, and those the classifier scored. */
function* labelLines(r: LearnResult): Generator<unknown> {
  for (const l of r.labeling.labels) {
    const p_classifier = r.predictions.get(sessionId(l.har, l.session))?.[l.family];
    if (!l.covered && p_classifier === undefined) continue;
    yield {
      har: l.har,
      session: l.session,
      family: l.family,
      p: round(l.p),
      p_label_model: round(l.p_label_model),
      p_majority: l.p_majority === null ? null : round(l.p_majority),
      p_classifier: p_classifier ?? null,
      covered: l.covered,
      aggregator: r.labeling.winner,
      votes: l.votes,
    };
  }
}

/** anomalies.jsonl's rows, most anomalous first. */
function* anomalyLines(rows: AnomalyRow[]): Generator<unknown> {
  for (const a of rankAnomalies(rows))
    yield {
      ...a,
      score: round(a.score),
      novelty_bits: round(a.novelty_bits),
      forest_score: round(a.forest_score),
      z: round(a.z),
      percentile: round(a.percentile),
      surprise_bits: round(a.surprise_bits),
      top_features: a.top_features.map((t) => ({ ...t, z: round(t.z), value: round(t.value) })),
    };
}

const MEDIA_FAMILIES = new Set(['cadence', 'playhead', 'bookends', 'orchestration']);
const round = (v: number) => Math.round(v * 10000) / 10000;

/**
 * Load exported JSONL files into DuckDB tables (replaced per run), with the columns `learn-tables.ts`
 * declares: one pass over each file, and the same table types from run to run.
 */
export async function storeTables(
  con: DuckDBConnection,
  files: Partial<Record<LearnTable, string>>,
): Promise<string[]> {
  const done: string[] = [];
  for (const [table, path] of Object.entries(files) as [LearnTable, string][]) {
    if (!existsSync(path) || !hasText(path)) {
      await con.run(`DROP TABLE IF EXISTS ${table}`);
      continue;
    }
    // A row here is at most a few KB; DuckDB sizes its JSON read buffer from maximum_object_size (at
    // 64 MB a table took a 128 MB buffer), so the bound is the store load's 16 MB, not more.
    await con.run(
      `CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_json('${path.replace(/'/g, "''")}', format = 'newline_delimited', maximum_object_size = 16777216, columns = ${learnTableColumns(table)})`,
    );
    done.push(table);
  }
  return done;
}

/** Whether a file holds anything but white space (a JSONL file of no rows is empty). */
function hasText(path: string): boolean {
  const size = statSync(path).size;
  return size > 64 || readFileSync(path, 'utf8').trim() !== '';
}
