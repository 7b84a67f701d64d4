import { sessionId, type LabelRun } from '../label/labeling.js';
import type { AnomalyResult } from './anomaly.js';
import type { LearnRow } from './learn-rows.js';

/** inbox.jsonl rows (the site's contract: tools/publish/site-data.ts InboxRow). */
export interface InboxRow {
  har: string;
  session: string;
  score: number;
  uncertainty: number;
  impact: number;
  novelty: number;
  /**
   * Why the session ranks where it does, in words: the strongest evidence no rule finding of the
   * session explains ("ping gap 31 s = 3.1× nominal in play; … no rule finding explains it").
   */
  why: string;
  /** The event the reason points at (HAR entry index, seconds into the session), when there is one. */
  at: { entry_index: number; t_s: number } | null;
  reasons: string[];
}

/**
 * How the inbox score mixes the unexplained-novelty score (anomaly.ts `score`: what no rule finding of
 * the session explains) with the rule-side product uncertainty × impact × novelty. Novelty leads: a
 * session the rules already explain is in the findings report; the inbox is for what they do not say.
 */
export const TRIAGE_WEIGHTS = { novelty: 0.8, rules: 0.2 };

/** Every factor is mapped into [FLOOR, 1] so that no single factor zeroes a session out. */
export const FLOOR = 0.1;
const lift = (v: number) => FLOOR + (1 - FLOOR) * Math.max(0, Math.min(1, v));
const r3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Rank sessions by uncertainty × impact × novelty (the inbox; docs/learning.md).
 * - uncertainty: the most uncertain family label (1 − |2p − 1|), the classifier contradicting a
 *   confident "clean" weak label, and the share of rules that abstained;
 * - impact: error-severity findings / likely violations, media over page hits, and how much traffic
 *   shares the session's (platform, SDK, version);
 * - novelty: percentile of the unexplained-surprise ranking (anomaly.ts / novelty.ts: evidence no rule
 *   finding of the session explains), DBSCAN noise (no cluster), next-event surprise percentile.
 */
export function triage(i: {
  /** Sessions with the validator's verdicts; anomalies.rows index into the same order. */
  sessions: readonly LearnRow[];
  labeling: LabelRun;
  predictions: Map<string, Record<string, number>>;
  anomalies: AnomalyResult;
}): InboxRow[] {
  const byId = new Map<string, { p: number; fam: string; covered: boolean }[]>();
  for (const l of i.labeling.labels) {
    const id = sessionId(l.har, l.session);
    const a = byId.get(id) ?? [];
    a.push({ p: l.p, fam: l.family, covered: l.covered });
    byId.set(id, a);
  }
  const groupSize = new Map<string, number>();
  for (const v of i.sessions) {
    const k = `${v.platform}|${v.sdk}|${v.version}`;
    groupSize.set(k, (groupSize.get(k) ?? 0) + 1);
  }
  const maxGroup = Math.max(1, ...groupSize.values());
  const surprises = i.anomalies.rows.map((r) => r.surprise_bits).sort((a, b) => a - b);
  const surprisePct = (v: number) => {
    let lo = 0;
    while (lo < surprises.length && surprises[lo] < v) lo++;
    return surprises.length ? lo / surprises.length : 0;
  };
  const out: InboxRow[] = i.sessions.map((v, idx) => {
    const id = sessionId(v.har, v.key);
    const reasons: string[] = [];
    const labels = byId.get(id) ?? [];
    const preds = i.predictions.get(id) ?? {};
    let u = 0;
    let uFam = '';
    for (const l of labels) {
      if (!l.covered) continue;
      const x = 1 - Math.abs(2 * l.p - 1);
      if (x > u) [u, uFam] = [x, l.fam];
    }
    if (u >= 0.3) reasons.push(`uncertain ${uFam} label (p=${r3(labels.find((l) => l.fam === uFam)!.p)})`);
    let disagree = 0;
    for (const [fam, p] of Object.entries(preds))
      if (p >= 0.5) {
        disagree = Math.max(disagree, p);
        reasons.push(`rules abstain on ${fam}; classifier predicts a violation (p=${r3(p)})`);
      }
    // A session the validator never saw has no rule verdicts: it counts as every rule abstaining.
    const verdicts = Object.values(v.rules);
    const abstainShare = verdicts.length
      ? verdicts.filter((x) => x === 'ABSTAIN').length / verdicts.length
      : 1;
    if (v.verdict === 'ABSTAIN') reasons.push('every rule abstained');
    const uncertainty = lift(Math.max(u, disagree, 0.5 * abstainShare));
    const anyViolation = Math.max(0, ...labels.map((l) => l.p), ...Object.values(preds));
    const gs = groupSize.get(`${v.platform}|${v.sdk}|${v.version}`) ?? 1;
    const impact = lift(
      0.5 * anyViolation + 0.3 * (v.kind === 'media' ? 1 : 0) + 0.2 * (Math.log1p(gs) / Math.log1p(maxGroup)),
    );
    if (v.codes.length) reasons.push(`codes ${v.codes.slice(0, 4).join(', ')}`);
    const a = i.anomalies.rows[idx];
    const sp = surprisePct(a.surprise_bits);
    const novelty = lift(0.6 * a.percentile + 0.2 * (a.novel ? 1 : 0) + 0.2 * sp);
    if (a.percentile >= 0.9)
      reasons.push(
        `novelty top ${Math.max(1, Math.round((1 - a.percentile) * 100))}%: ${a.evidence} ${r3(a.novelty_bits)} bits unexplained by rules`,
      );
    if (a.novel) reasons.push('outside every session cluster (novel)');
    if (sp >= 0.95) reasons.push(`surprising event order (${r3(a.surprise_bits)} bits/event)`);
    for (const f of a.top_features.slice(0, 2)) reasons.push(`unusual ${f.name}=${r3(f.value)}`);
    const fams = a.explained_by.length ? ` (rule findings: ${a.explained_by.join(', ')} — set aside)` : '';
    const why = a.why
      ? `${a.why}; no rule finding explains it${fams}`
      : v.codes.length
        ? `rule findings ${v.codes.slice(0, 3).join(', ')}`
        : '';
    return {
      har: v.har,
      session: v.key,
      score: r3(TRIAGE_WEIGHTS.novelty * a.score + TRIAGE_WEIGHTS.rules * uncertainty * impact * novelty),
      uncertainty: r3(uncertainty),
      impact: r3(impact),
      novelty: r3(novelty),
      why,
      at: a.at ? { entry_index: a.at.entry_index, t_s: a.at.t_s } : null,
      reasons,
    };
  });
  out.sort((a, b) => b.score - a.score || a.har.localeCompare(b.har) || a.session.localeCompare(b.session));
  return out;
}
