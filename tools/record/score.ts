import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoblinConfig } from '../config/index.js';
import { parseTruth, scoreCorpus, type CorpusScore, type TruthLine } from '../eval/score.js';
import { ingest, type IngestSummary } from '../ingest/run.js';
import { readStaged } from '../ingest/staging.js';
import type { Finding, SessionRow, Timeline } from '../validate/outputs.js';

const REPO = resolve(fileURLToPath(import.meta.url), '../../..');

export interface BrowserRun {
  truth: TruthLine[];
  score: CorpusScore;
  ingest: IngestSummary;
  /** Findings of active specs, session rows and timelines as `goblin run` writes them. */
  findings: Finding[];
  rows: SessionRow[];
  timelines: Timeline[];
}

/**
 * Run Goblin's real pipeline (worker pool, store, validator — what `goblin run` does) on the recorded
 * browser corpus and score it with the independent-corpus scorer (`tools/eval/score.ts`). This corpus was
 * written by Chromium, not by Goblin's simulator.
 */
export async function scoreBrowserCorpus(
  opts: { dir?: string; root?: string; quiet?: boolean } = {},
): Promise<BrowserRun> {
  const root = opts.root ?? REPO;
  const dir = opts.dir ?? join(root, 'tests/browser');
  const work = mkdtempSync(join(tmpdir(), 'goblin-browser-'));
  try {
    const config = GoblinConfig.parse({
      storage: {
        base_dir: join(work, 'storage'),
        db_file: join(work, 'storage', 'g.duckdb'),
        parquet_dir: join(work, 'storage', 'parquet'),
      },
      pii: { salt_file: join(work, 'salt') },
    });
    const { summary, store } = await ingest({
      inputs: [dir],
      config,
      root,
      validate: { specsDir: 'specs' },
      keepStaging: true,
      quiet: opts.quiet ?? true,
      workers: 1,
    });
    store.close();
    const findings = readStaged<Finding>(summary.staging_dir, 'violation').filter(
      (f) => f.spec_status === 'active',
    );
    const rows = readStaged<SessionRow>(summary.staging_dir, 'session_row');
    const truth = parseTruth(readFileSync(join(dir, 'truth.jsonl'), 'utf8'));
    return {
      truth,
      score: scoreCorpus('browser', truth, findings, rows),
      ingest: summary,
      findings,
      rows,
      timelines: readStaged<Timeline>(summary.staging_dir, 'timeline'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function formatScore(s: CorpusScore): string[] {
  const withSupport = s.codes.filter((c) => c.support > 0 || c.fp > 0);
  const pct = (x: number) => x.toFixed(3);
  return [
    'code                              support   tp   fp   fn  at entry',
    ...withSupport.map(
      (c) =>
        `${c.code.padEnd(32)} ${String(c.support).padStart(8)} ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)} ${String(c.pointed).padStart(9)}`,
    ),
    `micro precision ${pct(s.micro.precision)} · recall ${pct(s.micro.recall)}`,
    `clean media sessions with a false alarm: ${s.clean.with_false_alarm}/${s.clean.sessions}`,
    `fingerprints over ${s.fingerprint.sessions} sessions: found ${s.fingerprint.found} · platform ${pct(s.fingerprint.platform)} · sdk ${pct(s.fingerprint.sdk)} · library version ${pct(s.fingerprint.version)}`,
    ...s.false_positives.map((f) => `  FP ${f.code} ${f.har} ${f.session}: ${f.message}`),
    ...s.misses.map((m) => `  FN ${m.code} ${m.har} ${m.session}: ${m.note}`),
    ...s.fingerprint_errors.map(
      (e) => `  fingerprint ${e.har} ${e.session}: ${e.field} expected ${e.expected}, got ${e.observed}`,
    ),
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  scoreBrowserCorpus().then(
    (r) => {
      for (const l of formatScore(r.score)) console.log(l);
      process.exit(r.score.micro.fn === 0 && r.score.micro.fp === 0 ? 0 : 1);
    },
    (e: unknown) => {
      console.error((e as Error).message);
      process.exit(2);
    },
  );
}
