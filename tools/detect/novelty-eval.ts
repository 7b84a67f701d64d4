import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { CODE_FAMILIES, CODE_INFO, type CodeFamily } from '../codes/catalog.js';
import { HAND_LFS } from '../../lfs/index.js';
import { sessionId, specLabelingFunctions } from '../label/labeling.js';
import { expandInputs } from '../har/inputs.js';
import type { Capture } from '../session/index.js';
import type { SessionRow } from '../validate/outputs.js';
import { buildPack, type RulePack } from '../validate/pack.js';
import { learn, loadCorpus, sessionValidator, type LearnCorpus } from './learn.js';
import type { SessionPartsCache } from './learn-rows.js';
import { generateDrop } from './scenarios.js';
import { importSource } from '../util/import-source.js';

/**
 * Leave-a-family-out evaluation of the triage inbox (docs/learning.md, "Leave-a-family-out"): for each
 * rule family, drop its specs (and the hand-written LFs of that family), validate and triage again, and
 * measure where the sessions carrying a fault of that family land in the inbox. Nothing in the rule
 * pack names those faults any more, so only the spec-free features and the novelty scoring can put
 * them near the top. Chance is recall@k% = k %.
 */

export interface FamilyRecall {
  corpus: string;
  family: CodeFamily;
  sessions: number;
  /** Sessions with a fault of the family (the ones that should rise). */
  affected: number;
  recall10: number;
  recall20: number;
  /** Median 1-based inbox rank of the affected sessions, and as a share of the inbox. */
  median_rank: number;
  median_rank_share: number;
}

/** The family a spec belongs to: its folder under specs/, else the family of its fail codes. */
export function specFamily(path: string, failCodes: readonly string[]): string | null {
  const m = /(?:^|\/)specs\/([^/]+)\//.exec(path.replace(/\\/g, '/'));
  if (m && (CODE_FAMILIES as readonly string[]).includes(m[1])) return m[1];
  return CODE_INFO.get(failCodes[0] ?? '')?.family ?? null;
}

/** The pack without the specs of `family`. */
export function packWithout(pack: RulePack, family: CodeFamily): RulePack {
  return buildPack(pack.specs.filter((s) => specFamily(s.path, s.spec.fail_codes) !== family));
}

/** Validate already-decoded captures against a (reduced) pack: the corpus is decoded once. */
export function revalidate(
  captures: Capture[],
  pack: RulePack,
  cfg: GoblinConfig,
  root = process.cwd(),
): LearnCorpus {
  const rows = new Map<string, SessionRow>();
  const validate = sessionValidator(pack, cfg, root);
  for (const c of captures) for (const r of validate(c)) rows.set(sessionId(r.har, r.session), r);
  return { captures, rows };
}

/** A labelled corpus: decoded captures and, per family, the ids of the sessions with a fault of it. */
export interface LabelledCorpus {
  name: string;
  captures: Capture[];
  affected: Map<CodeFamily, Set<string>>;
}

function addAffected(m: Map<CodeFamily, Set<string>>, code: string, id: string) {
  const fam = CODE_INFO.get(code)?.family;
  if (!fam) return;
  const s = m.get(fam) ?? new Set<string>();
  s.add(id);
  m.set(fam, s);
}

/** The own simulator: `generateDrop` with a fault in `faultRate` of the captures. */
export function simulatorCorpus(o: {
  dir: string;
  seed: number;
  captures: number;
  faultRate: number;
  pack: RulePack;
  cfg: GoblinConfig;
}): LabelledCorpus {
  const drop = generateDrop({ outDir: o.dir, seed: o.seed, captures: o.captures, faultRate: o.faultRate });
  const corpus = loadCorpus(drop.files, o.pack, o.cfg, o.dir);
  const affected = new Map<CodeFamily, Set<string>>();
  for (const t of drop.truth) {
    if (t.type !== 'fault') continue;
    const cap = corpus.captures.find((c) => c.har === t.har);
    for (const s of cap?.sessions ?? [])
      if (t.session ? s.key === t.session : s.kind !== 'media')
        addAffected(affected, t.code, sessionId(t.har, s.key));
  }
  return { name: 'simulator', captures: corpus.captures, affected };
}

/** The independent cross-check corpus (tests/crosscheck/), loaded at run time like `goblin eval`. */
export async function crosscheckCorpus(o: {
  root: string;
  dir: string;
  seed: number;
  sessions: number;
  pack: RulePack;
  cfg: GoblinConfig;
}): Promise<LabelledCorpus> {
  const gen = await importSource<typeof import('../../tests/crosscheck/generate.js')>(
    resolve(o.root, 'tests/crosscheck/generate.ts'),
  );
  const { truth } = gen.generate({ out: o.dir, seed: o.seed, sessions: o.sessions });
  const files = expandInputs([o.dir], o.dir).map((f) => ({
    abs: f.abs,
    rel: relative(o.dir, f.abs).split('\\').join('/'),
  }));
  const corpus = loadCorpus(files, o.pack, o.cfg, o.dir);
  const truthSessions = new Map<string, { kind: string; protocol: string }>();
  for (const t of truth) if (t.type === 'session') truthSessions.set(`${t.har}\u0000${t.session}`, t);
  const affected = new Map<CodeFamily, Set<string>>();
  for (const t of truth) {
    if (t.type !== 'fault') continue;
    const ts = truthSessions.get(`${t.har}\u0000${t.session}`);
    const cap = corpus.captures.find((c) => c.har === t.har);
    for (const s of cap?.sessions ?? []) {
      // media sessions keep their native id; page traffic is one Goblin session per protocol and capture
      const hit =
        ts?.kind === 'media' ? s.key === t.session : s.kind !== 'media' && s.protocol === ts?.protocol;
      if (hit) addAffected(affected, t.code, sessionId(t.har, s.key));
    }
  }
  return { name: 'crosscheck', captures: corpus.captures, affected };
}

/** Rank statistics of `affected` in an inbox order. */
export function recallAt(order: string[], affected: Set<string>) {
  const ranks: number[] = [];
  order.forEach((id, i) => affected.has(id) && ranks.push(i + 1));
  const n = order.length;
  const at = (q: number) => {
    const k = Math.max(1, Math.ceil(n * q));
    return ranks.length ? ranks.filter((r) => r <= k).length / ranks.length : 0;
  };
  ranks.sort((a, b) => a - b);
  const med = ranks.length
    ? ranks.length % 2
      ? ranks[(ranks.length - 1) / 2]
      : (ranks[ranks.length / 2 - 1] + ranks[ranks.length / 2]) / 2
    : 0;
  return {
    found: ranks.length,
    recall10: at(0.1),
    recall20: at(0.2),
    median_rank: med,
    median_rank_share: n ? med / n : 0,
  };
}

/** Leave each family out in turn and rank the inbox. */
export function leaveFamilyOut(
  corpus: LabelledCorpus,
  pack: RulePack,
  cfg: GoblinConfig,
  opts: { seed?: number; families?: readonly CodeFamily[]; cache?: SessionPartsCache } = {},
): FamilyRecall[] {
  const out: FamilyRecall[] = [];
  for (const family of opts.families ?? CODE_FAMILIES) {
    const affected = corpus.affected.get(family);
    if (!affected?.size) continue;
    const reduced = packWithout(pack, family);
    const lc = revalidate(corpus.captures, reduced, cfg);
    const lfs = [...specLabelingFunctions(reduced), ...HAND_LFS.filter((l) => l.family !== family)];
    const res = learn(lc, reduced, { seed: opts.seed, lfs, cache: opts.cache });
    const order = res.inbox.map((r) => sessionId(r.har, r.session));
    const r = recallAt(order, affected);
    out.push({
      corpus: corpus.name,
      family,
      sessions: order.length,
      affected: r.found,
      recall10: r.recall10,
      recall20: r.recall20,
      median_rank: r.median_rank,
      median_rank_share: r.median_rank_share,
    });
  }
  return out;
}

/**
 * The inbox with every spec in place: the share of sessions with a fault (any family) in its top 10 %,
 * against their share of the whole corpus (the base rate). Rule-explained sessions are in the findings
 * report too, so the inbox earns its place when it is richer in faults than the corpus, not equal to it.
 */
export interface InboxShare {
  corpus: string;
  sessions: number;
  faulty: number;
  base_rate: number;
  top10_share: number;
}

/** Triage with the full pack and measure the faulty share of the inbox's top 10 %. */
function inboxShare(
  corpus: LabelledCorpus,
  pack: RulePack,
  cfg: GoblinConfig,
  seed?: number,
  cache?: SessionPartsCache,
): InboxShare {
  const lc = revalidate(corpus.captures, pack, cfg);
  const res = learn(lc, pack, { seed, cache });
  const order = res.inbox.map((r) => sessionId(r.har, r.session));
  const faulty = new Set<string>();
  for (const ids of corpus.affected.values()) for (const id of ids) faulty.add(id);
  const n = order.length;
  const k = Math.max(1, Math.ceil(n * 0.1));
  const hit = order.filter((id) => faulty.has(id));
  return {
    corpus: corpus.name,
    sessions: n,
    faulty: hit.length,
    base_rate: n ? hit.length / n : 0,
    top10_share: order.slice(0, k).filter((id) => faulty.has(id)).length / k,
  };
}

export interface NoveltyEvalReport {
  seed: number;
  /** Seed of the cross-check generator (defaults to `seed`). */
  crosscheck_seed: number;
  floor: number;
  rows: FamilyRecall[];
  /** The inbox with all specs present, per corpus. */
  inbox: InboxShare[];
  failing: string[];
  seconds: number;
}

export async function evaluateNovelty(o: {
  root: string;
  pack: RulePack;
  cfg: GoblinConfig;
  seed?: number;
  crosscheckSeed?: number;
  simCaptures?: number;
  crossSessions?: number;
  floor?: number;
  corpora?: ('simulator' | 'crosscheck')[];
  families?: readonly CodeFamily[];
}): Promise<NoveltyEvalReport> {
  const t0 = performance.now();
  const seed = o.seed ?? 20240611;
  const crossSeed = o.crosscheckSeed ?? seed;
  const floor = o.floor ?? 0.8;
  const inbox: InboxShare[] = [];
  const work = mkdtempSync(join(tmpdir(), 'goblin-novelty-'));
  const rows: FamilyRecall[] = [];
  try {
    const corpora = o.corpora ?? ['simulator', 'crosscheck'];
    for (const name of corpora) {
      const lc =
        name === 'simulator'
          ? simulatorCorpus({
              dir: join(work, 'sim'),
              seed,
              captures: o.simCaptures ?? 300,
              faultRate: 0.5,
              pack: o.pack,
              cfg: o.cfg,
            })
          : await crosscheckCorpus({
              root: o.root,
              dir: join(work, 'crosscheck'),
              seed: crossSeed,
              sessions: o.crossSessions ?? 300,
              pack: o.pack,
              cfg: o.cfg,
            });
      // features, signals and event types do not depend on the pack: computed once per corpus
      const cache: SessionPartsCache = new WeakMap();
      rows.push(...leaveFamilyOut(lc, o.pack, o.cfg, { seed, families: o.families, cache }));
      inbox.push(inboxShare(lc, o.pack, o.cfg, seed, cache));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const failing = rows
    .filter((r) => r.recall20 < floor)
    .map((r) => `${r.corpus} ${r.family} recall@20% ${r.recall20.toFixed(2)} < ${floor}`);
  return {
    seed,
    crosscheck_seed: crossSeed,
    floor,
    rows,
    inbox,
    failing,
    seconds: (performance.now() - t0) / 1000,
  };
}

export function formatNovelty(r: NoveltyEvalReport): string[] {
  const f2 = (v: number) => v.toFixed(2);
  const lines = [
    `leave-a-family-out triage (seed ${r.seed}, cross-check seed ${r.crosscheck_seed}; chance = 0.10 / 0.20), ${r.seconds.toFixed(1)} s`,
    '',
    'corpus      family          sessions  affected  recall@10%  recall@20%  median rank',
  ];
  for (const x of r.rows)
    lines.push(
      `${x.corpus.padEnd(11)} ${x.family.padEnd(15)} ${String(x.sessions).padStart(8)}  ${String(x.affected).padStart(8)}  ${f2(x.recall10).padStart(10)}  ${f2(x.recall20).padStart(10)}  ${String(x.median_rank).padStart(5)} (${(100 * x.median_rank_share).toFixed(0)}%)`,
    );
  lines.push(
    '',
    'all specs present: faulty share of the inbox top 10 % vs the base rate',
    'corpus      sessions  faulty  base rate  top 10 %',
  );
  for (const x of r.inbox)
    lines.push(
      `${x.corpus.padEnd(11)} ${String(x.sessions).padStart(8)}  ${String(x.faulty).padStart(6)}  ${f2(x.base_rate).padStart(9)}  ${f2(x.top10_share).padStart(8)}`,
    );
  lines.push(
    '',
    r.failing.length ? `below the floor ${r.floor}: ${r.failing.join('; ')}` : `every family ≥ ${r.floor}`,
  );
  return lines;
}
