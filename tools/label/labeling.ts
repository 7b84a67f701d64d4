import { CODE_FAMILIES, CODE_INFO, type CodeFamily } from '../codes/catalog.js';
import type { RulePack } from '../validate/pack.js';
import type { Label, LabelingFunction, SessionView } from './api.js';
import {
  calibration,
  fitClassConditional,
  fitTriplet,
  predictClassConditional,
  majorityVote,
  type Calibration,
  type ClassConditionalFit,
  type LabelModelFit,
  type Vote,
} from './model.js';

export const sessionId = (har: string, session: string): string => `${har}\u0000${session}`;

/** One LF per spec of the pack: the validator's verdict for that spec, with the code it found. */
export function specLabelingFunctions(pack: RulePack): LabelingFunction[] {
  return pack.specs
    .filter((ls) => ls.spec.status !== 'deprecated')
    .map((ls) => {
      const spec = ls.spec;
      const codes = spec.fail_codes as string[];
      return {
        name: `spec:${spec.id}`,
        family: spec.family as CodeFamily,
        source: 'spec' as const,
        codes,
        fn(s: SessionView): Label {
          const v = s.rules[spec.id];
          if (v === 'PASS') return 'PASS';
          if (v === 'VIOLATION') return `VIOLATION:${codes.find((c) => s.codes.includes(c)) ?? codes[0]}`;
          return 'ABSTAIN';
        },
      };
    });
}

export interface LfStats {
  name: string;
  family: string;
  source: 'spec' | 'hand';
  /** Labels it emitted (PASS, VIOLATION:CODE…). */
  polarity: string[];
  coverage: number;
  /** Share of sessions where it and another LF of its family both vote. */
  overlaps: number;
  /** Share of sessions where another LF of its family votes the other way. */
  conflicts: number;
  /** Against the labelled slice (family truth), where it voted. */
  correct: number | null;
  incorrect: number | null;
  empirical_accuracy: number | null;
  /** Triplet estimate of P(vote = truth | vote) (symmetric model). */
  estimated_accuracy: number | null;
  /** Label model (EM, mean over its code tasks) sensitivity P(VIOLATION | violated) and specificity P(PASS | clean). */
  estimated_tpr: number | null;
  estimated_tnr: number | null;
}

export interface CodeTask {
  code: string;
  lfs: string[];
  fit: LabelModelFit;
  cc: ClassConditionalFit;
}

export interface FamilyResult {
  family: CodeFamily;
  lfs: string[];
  /** Triplet fit over the family votes (symmetric accuracies; diagnostics). */
  fit: LabelModelFit;
  /** The label model: per code, class-conditional rates by EM (and the triplet fit beside it). */
  tasks: CodeTask[];
  /** Per session (same order as views): label-model P(violation in family), MV share (null = uncovered). */
  lm: number[];
  mv: (number | null)[];
  covered: number;
  eval: { label_model: Calibration; majority_vote: Calibration } | null;
}

export interface SessionLabel {
  har: string;
  session: string;
  family: CodeFamily;
  /** Probability from the winning aggregator (label model or majority vote). */
  p: number;
  p_label_model: number;
  p_majority: number | null;
  covered: boolean;
  votes: Record<string, Label>;
}

export interface LabelRun {
  lfStats: LfStats[];
  families: FamilyResult[];
  labels: SessionLabel[];
  /** Pooled over families on covered sessions of the labelled slice. */
  evaluation: {
    label_model: Calibration;
    majority_vote: Calibration;
    winner: 'label_model' | 'majority_vote';
    reason: string;
  } | null;
  winner: 'label_model' | 'majority_vote';
}

const vote = (l: Label): Vote => (l === 'ABSTAIN' ? 0 : l === 'PASS' ? -1 : 1);

/** A session as the label model sees it: its LF labels (ABSTAIN left out) and the validator's codes. */
export interface VotedSession {
  har: string;
  key: string;
  codes: readonly string[];
  votes: Readonly<Record<string, Label>>;
}

/**
 * Fit one label model per violation family over the LFs' labels of every session (learn-rows.ts applies
 * the LFs where the session is in memory), and (when a labelled slice is given: session id → families
 * truly violated) compare it with majority vote.
 */
export function runLabeling(
  views: readonly VotedSession[],
  lfs: readonly LabelingFunction[],
  truth?: Map<string, Set<string>>,
  /** The aggregator to use when there is no labelled slice to choose by (see aggregator.ts). */
  defaultWinner: LabelRun['winner'] = 'majority_vote',
): LabelRun {
  const labels: Label[][] = views.map((v) => lfs.map((lf) => v.votes[lf.name] ?? 'ABSTAIN'));
  const families: FamilyResult[] = [];
  const lfStats: LfStats[] = [];
  const truthOf = (i: number, fam: string): 0 | 1 | null => {
    if (!truth) return null;
    const t = truth.get(sessionId(views[i].har, views[i].key));
    return t ? (t.has(fam) ? 1 : 0) : null;
  };
  const pooled = { lm: [] as number[], mv: [] as number[], y: [] as (0 | 1)[] };
  for (const family of CODE_FAMILIES) {
    const idx = lfs.map((lf, j) => (lf.family === family ? j : -1)).filter((j) => j >= 0);
    if (!idx.length) continue;
    const L: Vote[][] = labels.map((row) => idx.map((j) => vote(row[j])));
    if (!L.some((r) => r.some((v) => v !== 0))) continue;
    // one binary task per code: only LFs that can emit the code vote on it (a spec's PASS says
    // nothing about another spec's code); the family label is the noisy-OR of its code labels
    const codes = [...new Set(idx.flatMap((j) => lfs[j].codes))].filter(
      (c) => CODE_INFO.get(c)?.family === family,
    );
    const lmF = new Array<number>(views.length).fill(0);
    const mvF = new Array<number | null>(views.length).fill(null);
    const notLm = new Array<number>(views.length).fill(1);
    const tasks: CodeTask[] = [];
    for (const code of codes) {
      const cols = idx.filter((j) => lfs[j].codes.includes(code));
      const Lc: Vote[][] = labels.map((row, i) =>
        cols.map((j) => {
          const l = row[j];
          if (l === 'ABSTAIN') return 0;
          if (l === 'PASS') return -1;
          // a spec that fired reports every code it found (SessionRow.codes)
          const has =
            lfs[j].source === 'spec'
              ? views[i].codes.includes(code) || l === `VIOLATION:${code}`
              : l === `VIOLATION:${code}`;
          return has ? 1 : lfs[j].source === 'spec' ? -1 : 0;
        }),
      );
      if (!Lc.some((r) => r.some((v) => v !== 0))) continue;
      const fit = fitTriplet(Lc);
      const cc = fitClassConditional(Lc, { prior: Math.max(0.01, Math.min(0.5, fit.prior)) });
      const lm = predictClassConditional(Lc, cc);
      const mv = majorityVote(Lc);
      tasks.push({ code, lfs: cols.map((j) => lfs[j].name), fit, cc });
      for (let i = 0; i < views.length; i++) {
        if (mv[i] === null) continue;
        notLm[i] *= 1 - lm[i];
        mvF[i] = Math.max(mvF[i] ?? 0, mv[i] as number);
      }
    }
    for (let i = 0; i < views.length; i++) lmF[i] = mvF[i] === null ? 0 : 1 - notLm[i];
    const lm = lmF;
    const mv = mvF;
    const fit = fitTriplet(L);
    let ev: FamilyResult['eval'] = null;
    if (truth) {
      const a: number[] = [];
      const b: number[] = [];
      const y: (0 | 1)[] = [];
      L.forEach((_, i) => {
        const t = truthOf(i, family);
        if (t === null || mv[i] === null) return;
        a.push(lm[i]);
        b.push(mv[i] as number);
        y.push(t);
      });
      if (y.length) {
        ev = { label_model: calibration(a, y), majority_vote: calibration(b, y) };
        pooled.lm.push(...a);
        pooled.mv.push(...b);
        pooled.y.push(...y);
      }
    }
    families.push({
      family,
      lfs: idx.map((j) => lfs[j].name),
      fit,
      tasks,
      lm,
      mv,
      covered: mv.filter((x) => x !== null).length,
      eval: ev,
    });
    const tasksOf = (name: string) => tasks.filter((t) => t.lfs.includes(name));
    // per-LF diagnostics (Snorkel's LFAnalysis)
    idx.forEach((j, col) => {
      let cov = 0;
      let ov = 0;
      let cf = 0;
      let ok = 0;
      let bad = 0;
      const pol = new Set<string>();
      L.forEach((row, i) => {
        const v = row[col];
        if (!v) return;
        cov++;
        pol.add(labels[i][j].startsWith('VIOLATION') ? labels[i][j] : 'PASS');
        if (row.some((o, c) => c !== col && o !== 0)) ov++;
        if (row.some((o, c) => c !== col && o !== 0 && o !== v)) cf++;
        const t = truthOf(i, family);
        if (t !== null) t === (v > 0 ? 1 : 0) ? ok++ : bad++;
      });
      const n = views.length || 1;
      lfStats.push({
        name: lfs[j].name,
        family,
        source: lfs[j].source,
        polarity: [...pol].sort(),
        coverage: cov / n,
        overlaps: ov / n,
        conflicts: cf / n,
        correct: truth ? ok : null,
        incorrect: truth ? bad : null,
        empirical_accuracy: truth && ok + bad ? ok / (ok + bad) : null,
        estimated_accuracy: fit.estimated[col] ? fit.accuracies[col] : null,
        estimated_tpr: rate(tasksOf(lfs[j].name).map((t) => t.cc.tpr[t.lfs.indexOf(lfs[j].name)])),
        estimated_tnr: rate(tasksOf(lfs[j].name).map((t) => t.cc.tnr[t.lfs.indexOf(lfs[j].name)])),
      });
    });
  }
  let evaluation: LabelRun['evaluation'] = null;
  let winner: LabelRun['winner'] = defaultWinner;
  if (pooled.y.length) {
    const lm = calibration(pooled.lm, pooled.y);
    const mv = calibration(pooled.mv, pooled.y);
    const lmWins =
      lm.accuracy > mv.accuracy + 1e-9 ||
      (Math.abs(lm.accuracy - mv.accuracy) <= 1e-9 && lm.brier <= mv.brier);
    winner = lmWins ? 'label_model' : 'majority_vote';
    evaluation = {
      label_model: lm,
      majority_vote: mv,
      winner,
      reason:
        Math.abs(lm.accuracy - mv.accuracy) <= 1e-9
          ? `equal accuracy; lower Brier score wins (${lm.brier.toFixed(4)} vs ${mv.brier.toFixed(4)})`
          : `higher accuracy wins (${lm.accuracy.toFixed(4)} vs ${mv.accuracy.toFixed(4)})`,
    };
  }
  const out: SessionLabel[] = [];
  for (const f of families) {
    const cols = f.lfs.map((name) => lfs.findIndex((lf) => lf.name === name));
    views.forEach((v, i) => {
      const votes: Record<string, Label> = {};
      for (const j of cols) if (labels[i][j] !== 'ABSTAIN') votes[lfs[j].name] = labels[i][j];
      const covered = f.mv[i] !== null;
      out.push({
        har: v.har,
        session: v.key,
        family: f.family,
        p: winner === 'majority_vote' && covered ? (f.mv[i] as number) : f.lm[i],
        p_label_model: f.lm[i],
        p_majority: f.mv[i],
        covered,
        votes,
      });
    });
  }
  return { lfStats, families, labels: out, evaluation, winner };
}

const rate = (xs: number[]) =>
  xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1e4) / 1e4 : null;

/** Families of the codes a simulator fault list names (truth for the labelled slice). */
export function familiesOfCodes(codes: Iterable<string>): Set<string> {
  const s = new Set<string>();
  for (const c of codes) {
    const f = CODE_INFO.get(c)?.family;
    if (f) s.add(f);
  }
  return s;
}
