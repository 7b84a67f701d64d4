/**
 * `npm run eval:propose`: the scenario suite. For each scenario: simulate + mutate captures, add a
 * background of fault-free captures (every library), build an investigate bundle from the corpus, run the
 * deterministic proposer, the shadow replay and the judges, and count proposals that pass every judge and
 * the shadow criteria without edits. Goal: ≥ 70 % of the (simulated) change scenarios, 0 % of decoys.
 *   npx tsx tools/propose/eval.ts [--json out.json] [scenario-id…]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GoblinConfig, loadConfig } from '../config/index.js';
import { loadConstitution } from '../spec/constitution.js';
import { cleanCorpus } from '../spec/clean-corpus.js';
import { corpusFromHars, type Corpus } from './data.js';
import { bundleFromCorpus, paramsSeen } from './bundler.js';
import { propose } from './propose.js';
import { shadow } from './shadow.js';
import { judge } from './judges.js';
import { SCENARIOS, writeScenario, type ScenarioDef } from './scenarios.js';
import { currentSpecs } from './spec-util.js';

export interface ScenarioOutcome {
  id: string;
  kind: 'real' | 'decoy';
  bundle: string | null;
  proposal: string | null;
  refused: string | null;
  decision: string | null;
  score: number | null;
  shadow_accept: boolean | null;
  passed: boolean;
  reasons: string[];
  /** How directly the first citation supports the change; below `direct`, a version-scoped change gets an investigate issue in the loop, not a PR. */
  evidence: string | null;
  ms: number;
}

export async function runScenarioSuite(opts: {
  root: string;
  config?: GoblinConfig;
  only?: string[];
  log?: (l: string) => void;
  scenarios?: ScenarioDef[];
}): Promise<{
  outcomes: ScenarioOutcome[];
  real: { passed: number; total: number };
  decoys: { passed: number; total: number };
}> {
  const root = opts.root;
  const config = opts.config ?? loadConfig(undefined, root);
  const log = opts.log ?? (() => {});
  const specs = currentSpecs(root, config.validate.specs_dir);
  const constitution = loadConstitution(resolve(root, config.validate.constitution));
  const goodDir = await cleanCorpus(config.autonomy.known_good_sessions);
  const good = corpusFromHars([goodDir], config, { root });
  const known = paramsSeen(good);
  const work = mkdtempSync(join(tmpdir(), 'goblin-eval-propose-'));
  const outcomes: ScenarioOutcome[] = [];
  try {
    for (const def of (opts.scenarios ?? SCENARIOS).filter(
      (s) => !opts.only?.length || opts.only.includes(s.id),
    )) {
      const t0 = Date.now();
      const dir = join(work, def.id, 'hars');
      writeScenario(def, dir, config);
      const target = corpusFromHars([dir], config, { root });
      const corpus: Corpus = {
        captures: [...good.captures, ...target.captures],
        datasetHash: `${good.datasetHash.slice(0, 32)}${target.datasetHash.slice(0, 32)}`,
        source: `${def.id} (simulated + mutated) + known-good background`,
        notes: [],
      };
      const o: ScenarioOutcome = {
        id: def.id,
        kind: def.kind,
        bundle: null,
        proposal: null,
        refused: null,
        decision: null,
        score: null,
        shadow_accept: null,
        passed: false,
        reasons: [],
        evidence: null,
        ms: 0,
      };
      const bundle = bundleFromCorpus(corpus, { specs, constitution, config, knownParams: known });
      if (!bundle) o.refused = 'no anomaly and no unknown parameter in the corpus';
      else {
        o.bundle = bundle.title;
        const p = await propose(bundle, { root, config, corpus, out: join(work, def.id, 'proposals') });
        if (!p.dir) o.refused = p.refused;
        else {
          o.proposal = p.manifest!.spec_id;
          o.evidence = p.manifest!.evidence?.grade ?? null;
          const sh = await shadow(p.dir, { root, config, corpus, knownGood: [goodDir] });
          const j = await judge(p.dir, { root, config, shadow: sh, llm: false });
          o.shadow_accept = sh.accept;
          o.decision = j.decision;
          o.score = j.score;
          o.passed = sh.accept && j.decision === 'ACCEPT';
          o.reasons = j.reasons.slice(0, 4);
        }
      }
      o.ms = Date.now() - t0;
      outcomes.push(o);
      log(
        `${o.passed ? 'PASS' : '----'} ${def.kind.padEnd(5)} ${def.id.padEnd(34)} ${o.proposal ? `${o.proposal} ${o.decision} score ${o.score} shadow ${o.shadow_accept ? 'accept' : 'reject'} evidence ${o.evidence ?? 'ungraded'}` : `no proposal: ${o.refused}`}`,
      );
      if (o.proposal && !o.passed) for (const r of o.reasons) log(`       ${r}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const count = (k: 'real' | 'decoy') => ({
    passed: outcomes.filter((o) => o.kind === k && o.passed).length,
    total: outcomes.filter((o) => o.kind === k).length,
  });
  return { outcomes, real: count('real'), decoys: count('decoy') };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const args = process.argv.slice(2);
  const ji = args.indexOf('--json');
  const jsonOut = ji >= 0 ? args.splice(ji, 2)[1] : null;
  const root = resolve(import.meta.dirname, '../..');
  const t0 = Date.now();
  const r = await runScenarioSuite({ root, only: args, log: (l) => console.log(l) });
  const pct = (x: { passed: number; total: number }) => (x.total ? (100 * x.passed) / x.total : 0);
  console.log('');
  console.log(
    `simulated change scenarios: ${r.real.passed}/${r.real.total} pass every judge and the shadow criteria without edits (${pct(r.real).toFixed(0)} %, goal ≥ 70 %)`,
  );
  console.log(
    `decoys: ${r.decoys.passed}/${r.decoys.total} accepted (${pct(r.decoys).toFixed(0)} %, goal 0 %)`,
  );
  console.log(`proposer: deterministic only · ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(r, null, 2)}\n`);
  const ok = pct(r.real) >= 70 && r.decoys.passed === 0;
  process.exitCode = ok ? 0 : 1;
}
