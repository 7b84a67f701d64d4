/**
 * The style replay benchmark (`npm run eval:style`): a recorded review history from simulated reviewer
 * personas (tools/style/personas.ts), replayed in time order. Before each PR, style memory learns from
 * the reviews so far and shapes the proposal; the persona then reviews it. The same proposals, reviewed
 * without memory, are the baseline. Reported per persona: acceptance without edits (merged as proposed
 * over PRs opened) overall and after the first `warmup` reviews, proposals held back (and how many of
 * those the reviewer would have taken), and after how many reviews each learned rule became active.
 */
import { applyStyle, holdReason } from './apply.js';
import { learnStyle, type Review } from './learn.js';
import { PERSONAS, proposalAt, rng, type Persona } from './personas.js';
import { StyleFile } from './store.js';

export interface TrackResult {
  prs: number;
  approved: number;
  /** Over PRs after the warm-up (the first `warmup` PRs of the history). */
  prs_after: number;
  approved_after: number;
  held: number;
  /** Held proposals the reviewer would have merged as proposed (memory's false holds). */
  held_wrongly: number;
}

export interface PersonaResult {
  persona: string;
  consistent: boolean;
  conventions: string[];
  without: TrackResult;
  with: TrackResult;
  /** Learned rule → reviews after which it became active and stayed active. */
  learned: { rule: string; after_reviews: number }[];
}

const emptyTrack = (): TrackResult => ({
  prs: 0,
  approved: 0,
  prs_after: 0,
  approved_after: 0,
  held: 0,
  held_wrongly: 0,
});

function tally(t: TrackResult, approved: boolean, after: boolean): void {
  t.prs++;
  if (approved) t.approved++;
  if (after) {
    t.prs_after++;
    if (approved) t.approved_after++;
  }
}

/** Replay one persona's history of `n` proposals. */
export function replayPersona(p: Persona, o: { n: number; warmup: number; seed: number }): PersonaResult {
  const without = emptyTrack();
  const withMem = emptyTrack();
  const history: Review[] = [];
  const activeSince = new Map<string, number>();
  const base = StyleFile.parse({});
  const proposals = rng(o.seed);
  for (let i = 0; i < o.n; i++) {
    const proposal = proposalAt(i, proposals);
    const at = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
    const after = i >= o.warmup;
    // The reviewer's noise for PR i is the same draw in both tracks.
    const plain = p.review(proposal, rng(o.seed * 7919 + i));
    tally(without, plain.action === 'approve', after);

    const style = learnStyle(history, base);
    const active = new Set(
      style.rules.filter((r) => r.active).map((r) => `${r.slot} = ${JSON.stringify(r.variant)}`),
    );
    for (const k of active) if (!activeSince.has(k)) activeSince.set(k, history.length);
    for (const k of [...activeSince.keys()]) if (!active.has(k)) activeSince.delete(k);

    const { spec } = applyStyle(proposal, style);
    const v = p.review(spec, rng(o.seed * 7919 + i));
    if (holdReason(spec, style)) {
      withMem.held++;
      if (v.action === 'approve') withMem.held_wrongly++;
      continue;
    }
    tally(withMem, v.action === 'approve', after);
    history.push(
      v.action === 'reject'
        ? {
            ref: i,
            at,
            action: 'reject',
            proposed: spec,
            final: null,
            reason_code: v.reason_code,
            reason: v.reason,
          }
        : { ref: i, at, action: v.action, proposed: spec, final: v.final, reason_code: null, reason: null },
    );
  }
  return {
    persona: p.name,
    consistent: p.consistent,
    conventions: p.conventions,
    without,
    with: withMem,
    learned: [...activeSince].map(([rule, after_reviews]) => ({ rule, after_reviews })),
  };
}

export interface StyleEvalReport {
  n: number;
  warmup: number;
  seeds: number[];
  personas: PersonaResult[];
  /** Pooled over the consistent personas, after the warm-up. */
  consistent_with: number;
  consistent_without: number;
}

const rate = (a: number, n: number) => (n ? a / n : 0);

export function runStyleEval(o: { n?: number; warmup?: number; seeds?: number[] } = {}): StyleEvalReport {
  const n = o.n ?? 60;
  const warmup = o.warmup ?? 20;
  const seeds = o.seeds ?? [1, 2, 3];
  const personas: PersonaResult[] = [];
  for (const p of PERSONAS) {
    // Several seeds per persona, pooled: one history is a small sample.
    const runs = seeds.map((s) => replayPersona(p, { n, warmup, seed: s * 101 + PERSONAS.indexOf(p) }));
    const sum = (k: 'with' | 'without'): TrackResult => {
      const t = emptyTrack();
      for (const r of runs) for (const f of Object.keys(t) as (keyof TrackResult)[]) t[f] += r[k][f];
      return t;
    };
    personas.push({ ...runs[0], without: sum('without'), with: sum('with'), learned: runs[0].learned });
  }
  const cons = personas.filter((p) => p.consistent);
  const pool = (k: 'with' | 'without') =>
    rate(
      cons.reduce((a, p) => a + p[k].approved_after, 0),
      cons.reduce((a, p) => a + p[k].prs_after, 0),
    );
  return { n, warmup, seeds, personas, consistent_with: pool('with'), consistent_without: pool('without') };
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`.padStart(5);

export function formatStyleEval(r: StyleEvalReport): string[] {
  const lines = [
    `Style replay: ${r.personas.length} simulated reviewers × ${r.seeds.length} histories of ${r.n} proposals; "after" = after the first ${r.warmup} reviews.`,
    'Acceptance without edits = PRs merged exactly as proposed / PRs opened.',
    '',
    'persona  style         without memory   with memory      after ' +
      String(r.warmup).padEnd(3) +
      '(without → with)   held (wrongly)',
  ];
  for (const p of r.personas)
    lines.push(
      [
        p.persona.padEnd(8),
        (p.consistent ? 'consistent' : 'inconsistent').padEnd(13),
        `${pct(rate(p.without.approved, p.without.prs))} of ${String(p.without.prs).padEnd(4)}`.padEnd(16),
        `${pct(rate(p.with.approved, p.with.prs))} of ${String(p.with.prs).padEnd(4)}`.padEnd(16),
        `${pct(rate(p.without.approved_after, p.without.prs_after))} → ${pct(rate(p.with.approved_after, p.with.prs_after))}`.padEnd(
          25,
        ),
        `${p.with.held} (${p.with.held_wrongly})`,
      ].join(' '),
    );
  lines.push(
    '',
    'Conventions (persona) and the rules memory learned, with the reviews it took (first history):',
  );
  for (const p of r.personas) {
    lines.push(`  ${p.persona}: ${p.conventions.join('; ')}`);
    for (const l of p.learned)
      lines.push(`    learned after ${String(l.after_reviews).padStart(2)} review(s): ${l.rule}`);
    if (!p.learned.length) lines.push('    (no rule active at the end)');
  }
  lines.push(
    '',
    `Consistent reviewers, pooled, after ${r.warmup} reviews: ${pct(r.consistent_without)} without memory → ${pct(r.consistent_with)} with memory.`,
  );
  return lines;
}

/** Personas for which memory did worse than no memory (after the warm-up): the inconsistent-reviewer guard. */
export function worseThanWithout(r: StyleEvalReport): string[] {
  return r.personas
    .filter(
      (p) =>
        rate(p.with.approved_after, p.with.prs_after) + 1e-9 <
        rate(p.without.approved_after, p.without.prs_after),
    )
    .map((p) => p.persona);
}
