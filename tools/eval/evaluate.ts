import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FAIL_CODES } from '../codes/catalog.js';
import { versionCore } from '../fingerprint/version.js';
import { GoblinConfig } from '../config/index.js';
import { ingest, type IngestSummary } from '../ingest/run.js';
import type { Finding, SessionRow, Timeline } from '../validate/outputs.js';
import { readStaged } from '../ingest/staging.js';

export interface CodeScore {
  code: string;
  support: number; // injected faults
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface EvalReport {
  seed: number;
  captures: number;
  parse_success_rate: number;
  seconds: number;
  codes: CodeScore[];
  micro: { precision: number; recall: number };
  fingerprint: { sessions: number; platform: number; sdk: number; version: number };
  goals: { precision: number; recall: number; met: boolean; failing: string[] };
  false_positives: { har: string; session: string; code: string; message: string }[];
  misses: { har: string; session: string | null; code: string; note: string }[];
}

/**
 * Simulate a labelled corpus, run the real pipeline on it (worker pool, store, validator) and score
 * every fail code by (HAR, code): precision and recall against the injected faults, plus fingerprint
 * accuracy against the simulator's truth.
 */
export async function evaluate(opts: {
  sessions: number;
  seed: number;
  root: string;
  specsDir?: string;
  workers?: number;
  quiet?: boolean;
  keep?: boolean;
}): Promise<EvalReport> {
  const t0 = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'goblin-eval-'));
  const { simulateCorpus } = await import('../simulate/index.js');
  simulateCorpus({ outDir: join(work, 'hars'), seed: opts.seed, sessions: opts.sessions, faultRate: 0.45 });
  const truth = readFileSync(join(work, 'hars', 'truth.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const { findings, sessions, summary } = await runPipeline(join(work, 'hars'), work, opts);

  const faults = truth.filter((t) => t.type === 'fault') as {
    har: string;
    session: string | null;
    code: string;
    note: string;
  }[];
  const truthPairs = new Set(faults.map((f) => `${f.har}\u0000${f.code}`));
  const foundPairs = new Map<string, Finding>();
  for (const f of findings)
    if (!foundPairs.has(`${f.har}\u0000${f.code}`)) foundPairs.set(`${f.har}\u0000${f.code}`, f);
  const codes: CodeScore[] = FAIL_CODES.map(({ code }) => {
    const sup = faults.filter((f) => f.code === code);
    const tp = sup.filter((f) => foundPairs.has(`${f.har}\u0000${code}`)).length;
    const fp = [...foundPairs.entries()].filter(([k, f]) => f.code === code && !truthPairs.has(k)).length;
    const fn = sup.length - tp;
    return {
      code,
      support: sup.length,
      tp,
      fp,
      fn,
      precision: tp + fp ? tp / (tp + fp) : 1,
      recall: sup.length ? tp / sup.length : 1,
    };
  });
  const TP = codes.reduce((a, c) => a + c.tp, 0);
  const FP = codes.reduce((a, c) => a + c.fp, 0);
  const FN = codes.reduce((a, c) => a + c.fn, 0);

  // Fingerprints: media sessions by native id, page/app sessions by protocol within the HAR.
  const truthSessions = truth.filter((t) => t.type === 'session') as {
    har: string;
    session: string;
    kind: string;
    protocol: string;
    platform: string;
    sdk: string;
    sdk_version: string;
  }[];
  let fpN = 0;
  let plat = 0;
  let sdk = 0;
  let ver = 0;
  for (const t of truthSessions) {
    const s = sessions.find(
      (x) =>
        x.har === t.har &&
        (t.kind === 'media' ? x.session === t.session : x.protocol === t.protocol && x.kind !== 'media'),
    );
    fpN++;
    if (!s) continue;
    if (s.platform === t.platform) plat++;
    if (s.sdk === t.sdk) sdk++;
    // The simulator's truth holds the wire spelling; sessions carry its comparable core (and the raw).
    if (s.sdk_version === versionCore(t.sdk_version) && (s.sdk_version_raw ?? null) === t.sdk_version) ver++;
  }
  const failing = codes
    .filter((c) => c.support > 0 && (c.precision < 0.99 || c.recall < 0.97))
    .map((c) => c.code);
  const report: EvalReport = {
    seed: opts.seed,
    captures: summary.files_parsed,
    parse_success_rate: summary.parse_success_rate,
    seconds: (performance.now() - t0) / 1000,
    codes,
    micro: { precision: TP + FP ? TP / (TP + FP) : 1, recall: TP + FN ? TP / (TP + FN) : 1 },
    fingerprint: {
      sessions: fpN,
      platform: fpN ? plat / fpN : 1,
      sdk: fpN ? sdk / fpN : 1,
      version: fpN ? ver / fpN : 1,
    },
    goals: {
      precision: 0.99,
      recall: 0.97,
      met: failing.length === 0 && codes.every((c) => c.fp === 0 || c.precision >= 0.99),
      failing,
    },
    false_positives: [...foundPairs.entries()]
      .filter(([k]) => !truthPairs.has(k))
      .map(([, f]) => ({ har: f.har, session: f.session, code: f.code, message: f.message })),
    misses: faults.filter((f) => !foundPairs.has(`${f.har}\u0000${f.code}`)),
  };
  if (!opts.keep) rmSync(work, { recursive: true, force: true });
  return report;
}

export function formatEval(r: EvalReport): string[] {
  const pct = (x: number) => x.toFixed(3);
  const lines = [
    `eval: ${r.captures} captures (seed ${r.seed}), parse success ${(100 * r.parse_success_rate).toFixed(1)}%, ${r.seconds.toFixed(1)} s`,
    '',
    'code                              support   tp   fp   fn  precision  recall',
  ];
  for (const c of r.codes)
    lines.push(
      `${c.code.padEnd(32)} ${String(c.support).padStart(8)} ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)}  ${pct(c.precision).padStart(9)}  ${pct(c.recall).padStart(6)}`,
    );
  lines.push('', `micro precision ${pct(r.micro.precision)} · recall ${pct(r.micro.recall)}`);
  lines.push(
    `fingerprint accuracy over ${r.fingerprint.sessions} sessions: platform ${pct(r.fingerprint.platform)} · sdk ${pct(r.fingerprint.sdk)} · library version ${pct(r.fingerprint.version)}`,
  );
  for (const f of r.false_positives.slice(0, 15))
    lines.push(`  FP ${f.code} ${f.har} ${f.session}: ${f.message}`);
  for (const m of r.misses.slice(0, 15)) lines.push(`  FN ${m.code} ${m.har} ${m.session ?? ''}: ${m.note}`);
  lines.push(
    r.goals.met
      ? `goal met: precision ≥ ${r.goals.precision} and recall ≥ ${r.goals.recall} for every code`
      : `goal NOT met for: ${r.goals.failing.join(', ') || 'precision on codes without support'}`,
  );
  return lines;
}

export interface PipelineRun {
  findings: Finding[];
  sessions: SessionRow[];
  /** Per-session event timelines as `goblin run` writes them (HAR paths relative to the corpus). */
  timelines: Timeline[];
  summary: IngestSummary;
}

/**
 * The real pipeline on a folder of HARs — worker pool, store, validator — in a throwaway store under
 * `work`; findings of active specs and every session row come back. Shared by every corpus.
 */
export async function runPipeline(
  harsDir: string,
  work: string,
  opts: { root: string; specsDir?: string; workers?: number; quiet?: boolean },
): Promise<PipelineRun> {
  const config = GoblinConfig.parse({
    storage: {
      base_dir: join(work, 'storage'),
      db_file: join(work, 'storage', 'g.duckdb'),
      parquet_dir: join(work, 'storage', 'parquet'),
    },
    pii: { salt_file: join(work, 'salt') },
  });
  const { summary, store } = await ingest({
    inputs: [harsDir],
    config,
    root: opts.root,
    validate: { specsDir: resolve(opts.root, opts.specsDir ?? 'specs') },
    keepStaging: true,
    quiet: opts.quiet,
    workers: opts.workers,
  });
  store.close();
  // Truth files name HARs relative to their corpus folder; stored paths may be relative to the
  // repository or absolute, so bring them back to the corpus folder before scoring.
  const rel = relativeTo(harsDir, opts.root);
  const findings = readStaged<Finding>(summary.staging_dir, 'violation')
    .filter((f) => f.spec_status === 'active')
    .map((f) => ({ ...f, har: rel(f.har) }));
  const sessions = readStaged<SessionRow>(summary.staging_dir, 'session_row').map((s) => ({
    ...s,
    har: rel(s.har),
  }));
  const timelines = readStaged<Timeline>(summary.staging_dir, 'timeline').map((t) => ({
    ...t,
    har: rel(t.har),
  }));
  // Notes and quarantine rows name the stored path too.
  const named = {
    ...summary,
    quarantined: summary.quarantined.map((q) => ({ ...q, path: rel(q.path) })),
    messages: summary.messages.map((m) => {
      const i = m.indexOf(': ');
      return i > 0 ? `${rel(m.slice(0, i))}${m.slice(i)}` : m;
    }),
  };
  return { findings, sessions, timelines, summary: named };
}

function relativeTo(dir: string, root: string): (p: string) => string {
  const abs = resolve(dir);
  const fromRoot = relative(resolve(root), abs).split(sep).join('/');
  return (p) => {
    if (isAbsolute(p)) return relative(abs, p).split(sep).join('/');
    if (fromRoot && !fromRoot.startsWith('..') && p.startsWith(fromRoot + '/'))
      return p.slice(fromRoot.length + 1);
    return p;
  };
}
