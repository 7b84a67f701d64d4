import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runPipeline } from './evaluate.js';
import { parseTruth, scoreCorpus, type CorpusScore } from './score.js';
import { importSource } from '../util/import-source.js';

/**
 * The corpora Goblin did not generate, scored with `scoreCorpus`:
 * - `crosscheck`: the independent generator in `tests/crosscheck/` (written apart from the simulator and
 *   the validator, from the public wire formats and the fail-code definitions alone);
 * - `browser`: HARs recorded by Chromium through playwright-core (`tests/browser/`, see `tools/record/`).
 */
export type IndependentCorpus = 'crosscheck' | 'browser';

export interface CorpusGoals {
  micro_precision: number;
  micro_recall: number;
  /** Codes whose recall must reach `min` on their own (a class of misses the micro figure can hide). */
  code_recall: Record<string, number>;
  clean_false_alarm_rate: number;
  fingerprint_all: number;
}

/** The goals the issue on independent captures set; the browser corpus must find every fault it has. */
export const GOALS: Record<IndependentCorpus, CorpusGoals> = {
  crosscheck: {
    micro_precision: 0.99,
    micro_recall: 0.98,
    code_recall: { PLAYHEAD_STALLED: 0.95 },
    clean_false_alarm_rate: 0.005,
    fingerprint_all: 0.99,
  },
  browser: {
    micro_precision: 1,
    micro_recall: 1,
    code_recall: {},
    clean_false_alarm_rate: 0,
    fingerprint_all: 0.99,
  },
};

export interface CorpusReport extends CorpusScore {
  seed: number | null;
  captures: number;
  parse_success_rate: number;
  seconds: number;
  goals: CorpusGoals & { met: boolean; failing: string[] };
}

export function checkGoals(s: CorpusScore, g: CorpusGoals): { met: boolean; failing: string[] } {
  const failing: string[] = [];
  if (s.micro.precision < g.micro_precision)
    failing.push(`micro precision ${s.micro.precision.toFixed(3)} < ${g.micro_precision}`);
  if (s.micro.recall < g.micro_recall)
    failing.push(`micro recall ${s.micro.recall.toFixed(3)} < ${g.micro_recall}`);
  for (const [code, min] of Object.entries(g.code_recall)) {
    const c = s.codes.find((x) => x.code === code);
    if (c && c.support > 0 && c.recall < min) failing.push(`${code} recall ${c.recall.toFixed(3)} < ${min}`);
  }
  if (s.clean.rate > g.clean_false_alarm_rate)
    failing.push(
      `clean sessions with a false alarm ${(100 * s.clean.rate).toFixed(1)}% > ${100 * g.clean_false_alarm_rate}%`,
    );
  if (s.fingerprint.all < g.fingerprint_all)
    failing.push(`platform + sdk + version right ${s.fingerprint.all.toFixed(3)} < ${g.fingerprint_all}`);
  return { met: failing.length === 0, failing };
}

export async function evaluateIndependent(
  corpus: IndependentCorpus,
  opts: {
    root: string;
    seed: number;
    sessions: number;
    specsDir?: string;
    workers?: number;
    quiet?: boolean;
    keep?: boolean;
  },
): Promise<CorpusReport> {
  const t0 = performance.now();
  const work = mkdtempSync(join(tmpdir(), `goblin-eval-${corpus}-`));
  let dir: string;
  let truthText: string;
  if (corpus === 'crosscheck') {
    // Loaded at run time: the generator is a test-side tool that shares no code with Goblin.
    const gen = await importSource<typeof import('../../tests/crosscheck/generate.js')>(
      resolve(opts.root, 'tests/crosscheck/generate.ts'),
    );
    dir = join(work, 'hars');
    truthText = gen.generate({ out: dir, seed: opts.seed, sessions: opts.sessions }).truthText;
  } else {
    dir = resolve(opts.root, 'tests/browser');
    const truthPath = join(dir, 'truth.jsonl');
    if (!existsSync(truthPath)) throw new Error(`no browser-recorded corpus at ${dir} (truth.jsonl missing)`);
    truthText = readFileSync(truthPath, 'utf8');
  }
  try {
    const truth = parseTruth(truthText);
    const run = await runPipeline(dir, work, opts);
    const score = scoreCorpus(corpus, truth, run.findings, run.sessions);
    const goals = GOALS[corpus];
    return {
      ...score,
      seed: corpus === 'crosscheck' ? opts.seed : null,
      captures: run.summary.files_parsed,
      parse_success_rate: run.summary.parse_success_rate,
      seconds: (performance.now() - t0) / 1000,
      goals: { ...goals, ...checkGoals(score, goals) },
    };
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}

export function formatCorpus(r: CorpusReport): string[] {
  const f3 = (x: number) => x.toFixed(3);
  const lines = [
    `eval [${r.corpus}]: ${r.captures} captures${r.seed !== null ? ` (seed ${r.seed})` : ''}, parse success ${(100 * r.parse_success_rate).toFixed(1)}%, ${r.seconds.toFixed(1)} s — a corpus Goblin did not generate`,
    '',
    'code                              support   tp   fp   fn  precision  recall  pointer',
  ];
  for (const c of r.codes) {
    if (c.support === 0 && c.fp === 0) continue;
    lines.push(
      `${c.code.padEnd(32)} ${String(c.support).padStart(8)} ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)}  ${f3(c.precision).padStart(9)}  ${f3(c.recall).padStart(6)}  ${c.tp ? `${c.pointed}/${c.tp}` : '-'}`,
    );
  }
  lines.push(
    '',
    `micro precision ${f3(r.micro.precision)} · recall ${f3(r.micro.recall)} · ${r.findings.total} findings, ${r.findings.beyond_first} beyond the first per session and code`,
    `clean media sessions with a false alarm: ${r.clean.with_false_alarm} of ${r.clean.sessions} (${(100 * r.clean.rate).toFixed(1)}%)`,
    `fingerprint over ${r.fingerprint.sessions} sessions (${r.fingerprint.found} found): platform ${f3(r.fingerprint.platform)} · sdk ${f3(r.fingerprint.sdk)} · library version ${f3(r.fingerprint.version)} · all three ${f3(r.fingerprint.all)}`,
  );
  for (const [trap, t] of Object.entries(r.clean.by_trap))
    if (t.with_false_alarm)
      lines.push(`  trap ${trap}: ${t.with_false_alarm} of ${t.sessions} clean sessions alarmed`);
  for (const f of r.false_positives.slice(0, 15))
    lines.push(`  FP ${f.code} ${f.har} ${f.session} @${f.entry_index ?? '-'}: ${f.message}`);
  for (const m of r.misses.slice(0, 15))
    lines.push(`  FN ${m.code} ${m.har} ${m.session} @${m.entry_index ?? '-'}: ${m.note}`);
  const fe = r.fingerprint_errors;
  for (const e of fe.slice(0, 8))
    lines.push(`  FINGERPRINT ${e.field} ${e.har} ${e.session}: expected ${e.expected}, got ${e.observed}`);
  if (fe.length > 8) lines.push(`  … and ${fe.length - 8} more fingerprint errors in the JSON report`);
  lines.push(
    r.goals.met
      ? `goals met for ${r.corpus}`
      : `goals NOT met for ${r.corpus}: ${r.goals.failing.join('; ')}`,
  );
  return lines;
}
