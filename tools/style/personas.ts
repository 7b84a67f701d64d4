/**
 * Simulated reviewers for the style replay benchmark (`npm run eval:style`). Each persona reviews a
 * proposal the way one team member would: consistent conventions applied with some noise (a forgotten
 * convention, an unrelated wording edit), rejections for a reason, or — for the inconsistent ones — edits
 * drawn at random. The conventions are written here as plain text edits, independently of the rule kinds
 * in tools/style/rules.ts, so the benchmark measures whether memory finds them, not whether two copies of
 * one function agree. Nothing here is imported by the proposer or by style memory.
 */
import { mulberry32 } from '../util/rng.js';
import type { SpecObj } from './rules.js';

export type Rng = () => number;

/** Every run of the benchmark replays the same history: the repository's one seeded PRNG. */
export const rng: (seed: number) => Rng = mulberry32;

type Verdict =
  { action: 'approve' | 'edit'; final: SpecObj } | { action: 'reject'; reason_code: string; reason: string };

export interface Persona {
  name: string;
  /** What the persona does, for the report. */
  conventions: string[];
  consistent: boolean;
  review(p: SpecObj, r: Rng): Verdict;
}

const clone = (s: SpecObj): SpecObj => JSON.parse(JSON.stringify(s)) as SpecObj;
type Edit = (s: SpecObj) => void;

const params = (s: SpecObj): Record<string, unknown>[] =>
  ((s.assert as { params: Record<string, unknown> }[] | undefined) ?? []).map((a) => a.params);

// The conventions, as a reviewer would make them by hand.
const roundSecondsNearest: Edit = (s) => {
  for (const p of params(s))
    for (const k of Object.keys(p)) if (k.endsWith('_s') && typeof p[k] === 'number') p[k] = Math.round(p[k]);
};
const roundSecondsUp: Edit = (s) => {
  for (const p of params(s))
    for (const k of Object.keys(p)) if (k.endsWith('_s') && typeof p[k] === 'number') p[k] = Math.ceil(p[k]);
};
const scopeTo =
  (what: 'minor' | 'major'): Edit =>
  (s) => {
    const scope = s.scope as { version?: string };
    const m = /(\d+)\.(\d+)\.(\d+)/.exec(scope.version ?? '');
    if (!m) return;
    const [maj, min] = [Number(m[1]), Number(m[2])];
    scope.version =
      what === 'minor' ? `>=${maj}.${min}.0 <${maj}.${min + 1}.0` : `>=${maj}.0.0 <${maj + 1}.0.0`;
  };
const setGapFactor =
  (g: number): Edit =>
  (s) => {
    for (const p of params(s)) if ('gap_factor' in p) p.gap_factor = g;
  };
const setSeverity =
  (v: string): Edit =>
  (s) => {
    s.severity = v;
  };
const renameMediaToMc: Edit = (s) => {
  s.id = String(s.id).replace(/_MEDIA_/, '_MC_');
};
const vendorDocsFirst: Edit = (s) => {
  const cs = (s.citations as { url: string }[]) ?? [];
  const official = (u: string) => /\.adobe\.com\//.test(u) && !/communit/.test(u);
  s.citations = [...cs.filter((c) => official(c.url)), ...cs.filter((c) => !official(c.url))];
};
const firstSentenceOnly: Edit = (s) => {
  const t = String(s.rationale ?? '');
  const i = t.indexOf('. ');
  if (i > 0) s.rationale = t.slice(0, i + 1);
};
const rewordTitle: Edit = (s) => {
  s.title = `${String(s.title)} (reviewed)`;
};

/**
 * A consistent reviewer: each convention is applied unless forgotten (probability `forget`), and with
 * probability `noise` an unrelated wording edit no memory could predict.
 */
function consistent(
  name: string,
  conventions: [string, Edit][],
  o: { forget: number; noise: number; rejectForumOnly?: boolean },
): Persona {
  return {
    name,
    conventions: [
      ...conventions.map(([d]) => d),
      ...(o.rejectForumOnly ? ['rejects proposals citing only a forum (goblin:no-evidence)'] : []),
      `forgets a convention ${Math.round(o.forget * 100)} %, unrelated edit ${Math.round(o.noise * 100)} %`,
    ],
    consistent: true,
    review(p, r) {
      const cs = (p.citations as { url: string }[]) ?? [];
      if (o.rejectForumOnly && cs.length && cs.every((c) => /communit|stackoverflow/.test(c.url)))
        return {
          action: 'reject',
          reason_code: 'no-evidence',
          reason: 'A forum thread is not a source. Find the release note.',
        };
      const f = clone(p);
      for (const [, edit] of conventions) if (r() >= o.forget) edit(f);
      if (r() < o.noise) rewordTitle(f);
      return { action: JSON.stringify(f) === JSON.stringify(p) ? 'approve' : 'edit', final: f };
    },
  };
}

/** An inconsistent reviewer: each review picks a few edits at random, or none. */
function inconsistent(name: string, pApprove: number): Persona {
  const pool: [string, Edit][] = [
    ['gap_factor 1.5', setGapFactor(1.5)],
    ['gap_factor 2', setGapFactor(2)],
    ['gap_factor 2.5', setGapFactor(2.5)],
    ['severity warning', setSeverity('warning')],
    ['severity error', setSeverity('error')],
    ['round durations', roundSecondsNearest],
    ['widen to minor', scopeTo('minor')],
    ['widen to major', scopeTo('major')],
    ['reword title', rewordTitle],
  ];
  return {
    name,
    conventions: [
      `no consistent style: approves as proposed ${Math.round(pApprove * 100)} %, else 1–3 random edits`,
    ],
    consistent: false,
    review(p, r) {
      const f = clone(p);
      if (r() >= pApprove) {
        const n = 1 + Math.floor(r() * 3);
        for (let i = 0; i < n; i++) pool[Math.floor(r() * pool.length)][1](f);
      }
      return { action: JSON.stringify(f) === JSON.stringify(p) ? 'approve' : 'edit', final: f };
    },
  };
}

export const PERSONAS: Persona[] = [
  consistent(
    'ana',
    [
      ['rounds durations to the nearest second', roundSecondsNearest],
      ['scopes to the whole minor', scopeTo('minor')],
      ['gap_factor 2', setGapFactor(2)],
      ['vendor documentation cited first', vendorDocsFirst],
    ],
    { forget: 0.05, noise: 0.05 },
  ),
  consistent(
    'ben',
    [
      ['rounds durations up', roundSecondsUp],
      ['severity warning', setSeverity('warning')],
      ['ids say MC, not MEDIA', renameMediaToMc],
      ['rationale: one sentence', firstSentenceOnly],
    ],
    { forget: 0.1, noise: 0.08 },
  ),
  consistent(
    'chen',
    [
      ['scopes to the whole major', scopeTo('major')],
      ['rounds durations to the nearest second', roundSecondsNearest],
    ],
    { forget: 0.05, noise: 0.05, rejectForumOnly: true },
  ),
  inconsistent('dana', 0.3),
  inconsistent('eli', 0.6),
];

// ── the proposals under review (a simulated proposer: raw findings, no conventions) ──────────────────
const METRICS = [
  { check: 'cadence.ad_ping_gap', param: 'ad_interval_s', token: 'AD_PING_INTERVAL', base: 10 },
  {
    check: 'cadence.content_ping_gap',
    param: 'content_interval_s',
    token: 'CONTENT_PING_INTERVAL',
    base: 10,
  },
];
const SDKS = [
  { token: 'MEDIA', protocol: 'media-collection' },
  { token: 'HB', protocol: 'heartbeat' },
  { token: 'EDGE', protocol: 'media-edge' },
];
const VENDOR = 'https://experienceleague.adobe.com/en/docs/media-analytics/using/release-notes';
const FORUM = 'https://experienceleaguecommunities.adobe.com/t5/adobe-analytics-questions/media-pings/td-p/1';

/** The i-th proposal of a history: a measured interval change scoped to the version it was seen in. */
export function proposalAt(i: number, r: Rng): SpecObj {
  const m = METRICS[Math.floor(r() * METRICS.length)];
  const sdk = SDKS[Math.floor(r() * SDKS.length)];
  const [maj, min, patch] = [1 + Math.floor(r() * 4), Math.floor(r() * 9), Math.floor(r() * 5)];
  const measured = Math.round((m.base + 5 + r() * 25) * 10) / 10;
  const exact = r() < 0.5;
  const citeKind = r();
  const citations =
    citeKind < 0.15
      ? [{ url: FORUM, quote: `pings every ${measured} s since ${maj}.${min}.${patch}` }]
      : citeKind < 0.6
        ? [
            { url: FORUM, quote: `pings every ${measured} s since ${maj}.${min}.${patch}` },
            { url: VENDOR, quote: `Version ${maj}.${min}.${patch}: ping interval changed.` },
          ]
        : [{ url: VENDOR, quote: `Version ${maj}.${min}.${patch}: ping interval changed.` }];
  return {
    id: `CADENCE_${m.token}_${sdk.token}_${maj}_${min}`,
    title: `${m.param} ${measured} s for ${sdk.protocol} ${maj}.${min}.${patch} (#${i})`,
    status: 'shadow',
    version: '1.0.0',
    family: 'cadence',
    scope: {
      protocol: [sdk.protocol],
      version: exact ? `${maj}.${min}.${patch}` : `>=${maj}.${min}.${patch} <${maj}.${min}.${patch + 1}`,
    },
    assert: [{ check: m.check, params: { [m.param]: measured, gap_factor: 1.5 } }],
    fail_codes: ['CADENCE_AD_PING_GAP'],
    severity: 'error',
    citations,
    rationale: `Library ${maj}.${min}.${patch} sends pings every ${measured} s. The default of ${m.base} s flags every session. Measured on ${20 + i} sessions.`,
  };
}
