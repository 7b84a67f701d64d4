import { z } from 'zod';
import { FAIL_CODES } from '../codes/catalog.js';
import type { Finding, SessionRow } from '../validate/outputs.js';

/**
 * Scoring against a labelled corpus Goblin did not generate (the cross-check generator in
 * `tests/crosscheck/`, the browser-recorded HARs in `tests/browser/`). Pure: truth lines, findings and
 * session rows in; scores out. The unit is (HAR, session, code), stricter than the own simulator's
 * (HAR, code), so that a finding in the wrong session is a false positive *and* a miss.
 */

export const TruthSession = z.object({
  type: z.literal('session'),
  har: z.string(),
  session: z.string(),
  kind: z.enum(['media', 'page']),
  protocol: z.enum(['heartbeat', 'media-collection', 'media-edge', 'aa', 'edge']),
  platform: z.string(),
  sdk: z.string(),
  sdk_version_raw: z.string().nullable(),
  sdk_version: z.string().nullable(),
  app_version: z.string().nullable().optional(),
  traps: z.array(z.string()).default([]),
});
export type TruthSession = z.infer<typeof TruthSession>;

export const TruthFault = z.object({
  type: z.literal('fault'),
  har: z.string(),
  session: z.string(),
  code: z.string(),
  family: z.string().optional(),
  entry_index: z.number().int().nullable().optional(),
  note: z.string().default(''),
});
export type TruthFault = z.infer<typeof TruthFault>;

export const TruthLine = z.discriminatedUnion('type', [
  TruthSession,
  TruthFault,
  z.object({ type: z.literal('capture'), har: z.string() }).passthrough(),
]);
export type TruthLine = z.infer<typeof TruthLine>;

/** Parse a truth.jsonl text; a bad line is an error with its number (a corpus we can't read can't score). */
export function parseTruth(text: string): TruthLine[] {
  return text
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l !== '')
    .map(([l, n]) => {
      const r = TruthLine.safeParse(JSON.parse(l));
      if (!r.success) throw new Error(`truth.jsonl line ${n}: ${r.error.issues[0]?.message ?? 'invalid'}`);
      return r.data;
    });
}

export interface CorpusCodeScore {
  code: string;
  support: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  /** Found faults whose findings include the truth's entry (where the truth names one). */
  pointed: number;
}

export interface CorpusScore {
  corpus: string;
  codes: CorpusCodeScore[];
  micro: { precision: number; recall: number; tp: number; fp: number; fn: number };
  /** Findings beyond the first per (session, code): cascades of one fault. */
  findings: { total: number; beyond_first: number };
  clean: {
    sessions: number;
    with_false_alarm: number;
    rate: number;
    by_trap: Record<string, { sessions: number; with_false_alarm: number }>;
  };
  fingerprint: {
    sessions: number;
    found: number;
    platform: number;
    sdk: number;
    version: number;
    all: number;
  };
  false_positives: {
    har: string;
    session: string;
    code: string;
    entry_index: number | null;
    message: string;
  }[];
  misses: { har: string; session: string; code: string; entry_index: number | null; note: string }[];
  fingerprint_errors: { har: string; session: string; field: string; expected: string; observed: string }[];
}

const ratio = (a: number, b: number, empty = 1) => (b ? a / b : empty);

/**
 * Which Goblin session a truth session is. Media sessions keep their native id; page/app traffic is one
 * Goblin session per protocol and capture (`page:<suite>`), so it is found by HAR and protocol.
 */
function sessionIndex(sessions: SessionRow[]) {
  const media = new Map<string, SessionRow>();
  const page = new Map<string, SessionRow[]>();
  for (const s of sessions) {
    if (s.kind === 'media') media.set(`${s.har}\u0000${s.session}`, s);
    else {
      const k = `${s.har}\u0000${s.protocol}`;
      page.set(k, [...(page.get(k) ?? []), s]);
    }
  }
  return (t: Pick<TruthSession, 'har' | 'session' | 'kind' | 'protocol'>): SessionRow[] =>
    t.kind === 'media'
      ? [media.get(`${t.har}\u0000${t.session}`)].filter((s): s is SessionRow => !!s)
      : (page.get(`${t.har}\u0000${t.protocol}`) ?? []);
}

export function scoreCorpus(
  corpus: string,
  truth: TruthLine[],
  findings: Finding[],
  sessions: SessionRow[],
): CorpusScore {
  const truthSessions = truth.filter((t): t is TruthSession => t.type === 'session');
  const faults = truth.filter((t): t is TruthFault => t.type === 'fault');
  const goblinSessions = sessionIndex(sessions);

  // Every Goblin session a truth session maps to → that truth session (to attribute findings).
  const truthOfGoblin = new Map<string, TruthSession>();
  for (const t of truthSessions)
    for (const g of goblinSessions(t)) {
      const k = `${g.har}\u0000${g.session}`;
      // A page session shared by several truth page sessions keeps the first; faults match by code.
      if (!truthOfGoblin.has(k) || t.kind === 'media') truthOfGoblin.set(k, t);
    }

  // Findings grouped by the truth session they fall in (or an unknown bucket) and code.
  const groups = new Map<string, Finding[]>();
  const keyOf = (har: string, session: string, code: string) => `${har}\u0000${session}\u0000${code}`;
  let beyondFirst = 0;
  for (const f of findings) {
    const t = truthOfGoblin.get(`${f.har}\u0000${f.session}`);
    const k = keyOf(f.har, t ? t.session : `?${f.session}`, f.code);
    const g = groups.get(k);
    if (g) {
      g.push(f);
      beyondFirst++;
    } else groups.set(k, [f]);
  }

  const truthKeys = new Set(faults.map((f) => keyOf(f.har, f.session, f.code)));
  const codeNames = [...new Set([...FAIL_CODES.map((c) => c.code), ...faults.map((f) => f.code)])];
  const perCode = new Map<string, CorpusCodeScore>(
    codeNames.map((code) => [
      code,
      { code, support: 0, tp: 0, fp: 0, fn: 0, precision: 1, recall: 1, pointed: 0 },
    ]),
  );
  const misses: CorpusScore['misses'] = [];
  for (const f of faults) {
    const c = perCode.get(f.code)!;
    c.support++;
    const found = groups.get(keyOf(f.har, f.session, f.code));
    if (found) {
      c.tp++;
      if (f.entry_index == null || found.some((x) => x.entry_index === f.entry_index)) c.pointed++;
    } else {
      c.fn++;
      misses.push({
        har: f.har,
        session: f.session,
        code: f.code,
        entry_index: f.entry_index ?? null,
        note: f.note,
      });
    }
  }
  const falsePositives: CorpusScore['false_positives'] = [];
  for (const [k, fs] of groups) {
    if (truthKeys.has(k)) continue;
    const f = fs[0];
    const c = perCode.get(f.code) ?? {
      code: f.code,
      support: 0,
      tp: 0,
      fp: 0,
      fn: 0,
      precision: 1,
      recall: 1,
      pointed: 0,
    };
    perCode.set(f.code, c);
    c.fp++;
    falsePositives.push({
      har: f.har,
      session: k.split('\u0000')[1],
      code: f.code,
      entry_index: f.entry_index,
      message: f.message,
    });
  }
  for (const c of perCode.values()) {
    c.precision = ratio(c.tp, c.tp + c.fp);
    c.recall = ratio(c.tp, c.support);
  }
  const codes = [...perCode.values()].sort((a, b) => codeNames.indexOf(a.code) - codeNames.indexOf(b.code));
  const TP = codes.reduce((a, c) => a + c.tp, 0);
  const FP = codes.reduce((a, c) => a + c.fp, 0);
  const FN = codes.reduce((a, c) => a + c.fn, 0);

  // Clean media sessions (no truth fault) that raised anything: the false-alarm rate a user sees.
  const faulty = new Set(faults.map((f) => `${f.har}\u0000${f.session}`));
  const alarmed = new Set(falsePositives.map((f) => `${f.har}\u0000${f.session}`));
  const clean = truthSessions.filter((t) => t.kind === 'media' && !faulty.has(`${t.har}\u0000${t.session}`));
  const byTrap: CorpusScore['clean']['by_trap'] = {};
  let withAlarm = 0;
  for (const t of clean) {
    const hit = alarmed.has(`${t.har}\u0000${t.session}`);
    if (hit) withAlarm++;
    for (const trap of t.traps) {
      const b = (byTrap[trap] ??= { sessions: 0, with_false_alarm: 0 });
      b.sessions++;
      if (hit) b.with_false_alarm++;
    }
  }

  // Fingerprints: platform, sdk and the comparable library version of every truth session.
  let found = 0;
  let plat = 0;
  let sdk = 0;
  let ver = 0;
  let all = 0;
  const fingerprintErrors: CorpusScore['fingerprint_errors'] = [];
  for (const t of truthSessions) {
    const g = goblinSessions(t)[0];
    if (!g) {
      fingerprintErrors.push({
        har: t.har,
        session: t.session,
        field: 'session',
        expected: t.protocol,
        observed: 'not found',
      });
      continue;
    }
    found++;
    const checks: [string, string | null, string | null][] = [
      ['platform', t.platform, g.platform],
      ['sdk', t.sdk, g.sdk],
      ['sdk_version', t.sdk_version, g.sdk_version],
    ];
    let ok = 0;
    for (const [field, expected, observed] of checks) {
      if (expected === observed) ok++;
      else
        fingerprintErrors.push({
          har: t.har,
          session: t.session,
          field,
          expected: String(expected),
          observed: String(observed),
        });
    }
    if (t.platform === g.platform) plat++;
    if (t.sdk === g.sdk) sdk++;
    if (t.sdk_version === g.sdk_version) ver++;
    if (ok === checks.length) all++;
  }
  const n = truthSessions.length;
  return {
    corpus,
    codes,
    micro: { precision: ratio(TP, TP + FP), recall: ratio(TP, TP + FN), tp: TP, fp: FP, fn: FN },
    findings: { total: findings.length, beyond_first: beyondFirst },
    clean: {
      sessions: clean.length,
      with_false_alarm: withAlarm,
      rate: ratio(withAlarm, clean.length, 0),
      by_trap: byTrap,
    },
    fingerprint: {
      sessions: n,
      found,
      platform: ratio(plat, n),
      sdk: ratio(sdk, n),
      version: ratio(ver, n),
      all: ratio(all, n),
    },
    false_positives: falsePositives,
    misses,
    fingerprint_errors: fingerprintErrors,
  };
}
