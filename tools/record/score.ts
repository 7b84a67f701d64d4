import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoblinConfig } from '../config/index.js';
import { ingest, type IngestSummary } from '../ingest/run.js';
import { readStaged } from '../ingest/staging.js';
import { coreVersion } from './truth.js';
import { TruthLine, type TruthFault, type TruthSession } from './truth.js';
import type { Finding, SessionRow, Timeline } from '../validate/outputs.js';

const REPO = resolve(fileURLToPath(import.meta.url), '../../..');

export interface FaultResult {
  truth: TruthFault;
  /** Entry indexes of the findings with the fault's code in the fault's capture (active specs). */
  foundAt: number[];
  found: boolean;
}

export interface SessionResult {
  truth: TruthSession;
  row: SessionRow | null;
  platform: boolean;
  sdk: boolean;
  /** Goblin's library version reduced to its core equals the truth's core. */
  version: boolean;
}

export interface BrowserScore {
  ingest: IngestSummary;
  faults: FaultResult[];
  /** Active-spec findings whose (capture, code) the truth does not list. */
  falseAlarms: Finding[];
  sessions: SessionResult[];
  rows: SessionRow[];
  findings: Finding[];
  timelines: Timeline[];
}

export function readTruth(dir: string): TruthLine[] {
  return readFileSync(join(dir, 'truth.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => TruthLine.parse(JSON.parse(l)));
}

/**
 * Run Goblin's real pipeline (worker pool, store, validator — what `goblin run` does) on the recorded
 * browser corpus and score it against its truth: each fault found at its entry or not, false alarms,
 * fingerprints. This corpus was written by Chromium, not by Goblin's simulator.
 */
export async function scoreBrowserCorpus(opts: { dir?: string; root?: string; quiet?: boolean } = {}) {
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
    const timelines = readStaged<Timeline>(summary.staging_dir, 'timeline');
    return { ...score(readTruth(dir), findings, rows), ingest: summary, rows, findings, timelines };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function score(
  truth: TruthLine[],
  findings: Finding[],
  rows: SessionRow[],
): Pick<BrowserScore, 'faults' | 'falseAlarms' | 'sessions'> {
  const faults = truth.filter((t): t is TruthFault => t.type === 'fault');
  const expected = new Set(faults.map((f) => `${f.har}\u0000${f.code}`));
  const results = faults.map((t) => {
    const foundAt = findings
      .filter((f) => f.har === t.har && f.code === t.code)
      .map((f) => f.entry_index ?? -1);
    return { truth: t, foundAt, found: foundAt.includes(t.entry_index) };
  });
  const falseAlarms = findings.filter((f) => !expected.has(`${f.har}\u0000${f.code}`));
  const sessions = truth
    .filter((t): t is TruthSession => t.type === 'session')
    .map((t) => {
      // Media sessions by native id; page traffic is one session per capture and protocol.
      const row =
        rows.find((r) =>
          t.kind === 'media'
            ? r.har === t.har && r.session === t.session
            : r.har === t.har && r.protocol === t.protocol && r.kind !== 'media',
        ) ?? null;
      return {
        truth: t,
        row,
        platform: row?.platform === t.platform,
        sdk: row?.sdk === t.sdk,
        version: coreVersion(row?.sdk_version) === t.sdk_version,
      };
    });
  return { faults: results, falseAlarms, sessions };
}

export function formatScore(s: Pick<BrowserScore, 'faults' | 'falseAlarms' | 'sessions'>): string[] {
  const found = s.faults.filter((f) => f.found).length;
  const n = s.sessions.length;
  const count = (k: 'platform' | 'sdk' | 'version') => s.sessions.filter((x) => x[k]).length;
  return [
    `faults found at their entry: ${found}/${s.faults.length}`,
    ...s.faults.map(
      (f) =>
        `  ${f.found ? 'found' : 'MISSED'} ${f.truth.code} ${f.truth.har} entry ${f.truth.entry_index}${f.found ? '' : ` (findings at ${f.foundAt.join(', ') || 'none'})`}`,
    ),
    `false alarms: ${s.falseAlarms.length}`,
    ...s.falseAlarms.map((f) => `  ${f.code} ${f.har} entry ${f.entry_index}: ${f.message}`),
    `sessions matched ${s.sessions.filter((x) => x.row).length}/${n} · platform ${count('platform')}/${n} · sdk ${count('sdk')}/${n} · library version ${count('version')}/${n}`,
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  scoreBrowserCorpus().then(
    (s) => {
      for (const l of formatScore(s)) console.log(l);
      process.exit(s.faults.every((f) => f.found) && s.falseAlarms.length === 0 ? 0 : 1);
    },
    (e: unknown) => {
      console.error((e as Error).message);
      process.exit(2);
    },
  );
}
