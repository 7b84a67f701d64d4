import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../eval/evaluate.js';
import { parseTruth, scoreCorpus, type CorpusScore, type TruthLine } from '../eval/score.js';
import type { IngestSummary } from '../ingest/run.js';
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
 * The recorded browser corpus through Goblin's real pipeline (`runPipeline`: worker pool, store,
 * validator — what `goblin run` does), scored by the independent-corpus scorer. Unlike
 * `goblin eval --corpus browser` (the summary against goals), the test of the recorder needs the raw
 * findings, rows and timelines to check each capture at the entry its page logged.
 */
export async function scoreBrowserCorpus(
  opts: { dir?: string; root?: string; quiet?: boolean } = {},
): Promise<BrowserRun> {
  const root = opts.root ?? REPO;
  const dir = opts.dir ?? join(root, 'tests/browser');
  const work = mkdtempSync(join(tmpdir(), 'goblin-browser-'));
  try {
    const run = await runPipeline(dir, work, { root, quiet: opts.quiet ?? true, workers: 1 });
    const truth = parseTruth(readFileSync(join(dir, 'truth.jsonl'), 'utf8'));
    return {
      truth,
      score: scoreCorpus('browser', truth, run.findings, run.sessions),
      ingest: run.summary,
      findings: run.findings,
      rows: run.sessions,
      timelines: run.timelines,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
