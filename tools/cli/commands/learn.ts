import { resolve } from 'node:path';
import type { CommandContext, CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../../util/errors.js';
import { JSON_OPTION } from '../options.js';
import { int, text } from '../values.js';

const OUT = {
  type: 'string',
  description: 'folder for the learning outputs',
  default: 'out/run',
  placeholder: 'DIR',
  value: text,
} as const;
const TOP = {
  type: 'string',
  description: 'rows to print',
  default: '15',
  placeholder: 'N',
  value: int(1),
} as const;
const LEARN_EXITS = { 0: 'learning outputs written' } as const;

async function setup(ctx: CommandContext) {
  const { loadRulePack } = await import('../../validate/pack.js');
  const root = process.cwd();
  const pack = loadRulePack(resolve(root, ctx.config.validate.specs_dir), root);
  return { root, pack };
}

async function learnOver(ctx: CommandContext) {
  if (!ctx.positionals.length) {
    ctx.err('give HAR inputs (files, folders or globs), e.g. examples/hars');
    return null;
  }
  const { root, pack } = await setup(ctx);
  const { corpusFromInputs, learnAndExport } = await import('../../detect/run-learn.js');
  const { corpusRows } = await import('../../detect/learn.js');
  const { allLabelingFunctions } = await import('../../detect/learn-rows.js');
  const { createProgress } = await import('../progress.js');
  const outDir = (ctx.values.out as string) ?? 'out/run';
  const prog = createProgress({ label: 'learn', total: 2, unit: 'stages', quiet: ctx.quiet });
  const corpus = corpusFromInputs(ctx.positionals, pack, ctx.config, root);
  prog.tick(1, `${corpus.captures.length} captures`);
  const out = await learnAndExport(corpusRows(corpus, allLabelingFunctions(pack)), pack, outDir);
  prog.done(`${out.result.sessions.length} sessions`);
  return { ...out, outDir };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const f3 = (v: number | null) => (v === null ? '   –  ' : v.toFixed(3));

export const commands: CommandDef[] = [
  {
    name: 'label',
    summary:
      'Apply every labeling function (specs + lfs/*.ts), fit the label model, compare with majority vote',
    usage: '<input…> [--out DIR] [--json]',
    help: 'Per LF: coverage, overlaps, conflicts, estimated accuracy (label model, no ground truth). Writes labels.jsonl, lf-stats.jsonl, learn-summary.json and learn.duckdb (tables label, lf_stats, anomaly, inbox) into --out (default out/run).',
    options: { out: OUT, ...JSON_OPTION },
    exits: LEARN_EXITS,
    async run(ctx) {
      const r = await learnOver(ctx);
      if (!r) return EXIT_USAGE;
      const lab = r.result.labeling;
      if (ctx.values.json) {
        ctx.out(
          JSON.stringify(
            { lfs: lab.lfStats, winner: lab.winner, classifiers: r.result.classifiers },
            null,
            2,
          ),
        );
        return EXIT_OK;
      }
      ctx.out(`${lab.lfStats.length} labeling functions over ${r.result.sessions.length} sessions`);
      ctx.out(`${'LF'.padEnd(36)} ${'family'.padEnd(13)} coverage overlaps conflicts est.acc`);
      for (const s of lab.lfStats)
        ctx.out(
          `${s.name.padEnd(36)} ${s.family.padEnd(13)} ${pct(s.coverage).padStart(8)} ${pct(s.overlaps).padStart(8)} ${pct(s.conflicts).padStart(9)} ${f3(s.estimated_accuracy)}`,
        );
      ctx.out('');
      for (const f of lab.families)
        ctx.out(
          `${f.family.padEnd(14)} ${f.lfs.length} LFs · covered ${f.covered} · prior P(violation) ${f.fit.prior.toFixed(3)} · label model says ${f.lm.filter((p, i) => f.mv[i] !== null && p > 0.5).length} violating`,
        );
      for (const c of r.result.classifiers)
        ctx.out(
          `classifier ${c.family.padEnd(14)} ${c.trained ? `trained on ${c.positives}+/${c.negatives}−` : 'not trained (too few confident labels)'} · rules abstain on ${c.abstained} · predicted violations ${c.predicted_violations}`,
        );
      ctx.out(
        `aggregator: ${lab.winner}${lab.evaluation ? ` (${lab.evaluation.reason})` : ' (no labelled slice here; `goblin learn eval` compares it with majority vote on simulated truth)'}`,
      );
      ctx.out(`outputs: ${r.outDir}/labels.jsonl, lf-stats.jsonl, learn-summary.json, learn.duckdb`);
      return EXIT_OK;
    },
  },
  {
    name: 'anomalies',
    summary:
      'Novelty ranking (surprise no rule explains; Isolation Forest beside it), DBSCAN clusters (noise = novel), next-event surprise',
    usage: '<input…> [--out DIR] [--top N] [--json]',
    options: { out: OUT, top: TOP, ...JSON_OPTION },
    exits: LEARN_EXITS,
    async run(ctx) {
      const r = await learnOver(ctx);
      if (!r) return EXIT_USAGE;
      const a = r.result.anomalies;
      const { rankAnomalies } = await import('../../detect/anomaly.js');
      const rows = rankAnomalies(a.rows).slice(0, Number(ctx.values.top ?? 15));
      if (ctx.values.json) {
        ctx.out(JSON.stringify({ top: rows, clusters: a.clusters }, null, 2));
        return EXIT_OK;
      }
      ctx.out(
        `clusters (DBSCAN per protocol, median ε=${a.eps.toFixed(2)}): ${a.clusters.length}; noise (novel) sessions: ${a.rows.filter((x) => x.novel).length} of ${a.rows.length}`,
      );
      for (const c of a.clusters)
        ctx.out(
          `  cluster ${c.id}: ${c.size} sessions · ${c.platform}/${c.sdk}/${c.protocol} ${pct(c.purity)}`,
        );
      ctx.out('most anomalous sessions:');
      for (const x of rows)
        ctx.out(
          `  ${x.score.toFixed(3)} (${x.novelty_bits.toFixed(1)} bits ${x.evidence || '–'}${x.explained_by.length ? `; explained: ${x.explained_by.join(',')}` : ''}) ${x.novel ? 'novel ' : ''}${x.har} ${x.session} — ${x.top_features.map((t) => `${t.name}=${t.value.toFixed(2)}`).join(', ')}`,
        );
      ctx.out(`outputs: ${r.outDir}/anomalies.jsonl, learn.duckdb (table anomaly)`);
      return EXIT_OK;
    },
  },
  {
    name: 'triage',
    summary: 'Rank sessions by uncertainty × impact × novelty into inbox.jsonl (the site inbox)',
    usage: '<input…> [--out DIR] [--top N] [--bundles DIR] [--min-sessions N]',
    help: 'Every row says why it ranks high (the strongest evidence no rule finding explains) and points at the event. With --bundles, sessions in the top 20 % that no rule explains are grouped per protocol by that evidence; each group of --min-sessions or more becomes an investigate bundle (docs/learning.md).',
    options: {
      out: OUT,
      top: TOP,
      bundles: {
        type: 'string',
        description: 'write novel-session bundles into this folder (none written without it)',
        default: 'none: no bundles',
        placeholder: 'DIR',
        value: text,
      },
      'min-sessions': {
        type: 'string',
        description: 'sessions a novel group needs to become a bundle',
        default: '3',
        placeholder: 'N',
        value: int(1),
      },
    },
    exits: LEARN_EXITS,
    async run(ctx) {
      const r = await learnOver(ctx);
      if (!r) return EXIT_USAGE;
      if (ctx.values.bundles) {
        const { novelBundles } = await import('../../detect/novel-bundles.js');
        const { writeBundles } = await import('../../detect/drift.js');
        const { constitutionConstraints, datasetHash } = await import('../../detect/learn.js');
        const { join } = await import('node:path');
        const written = writeBundles(
          ctx.values.bundles as string,
          novelBundles(r.result.anomalies.rows, {
            minSessions: Number(ctx.values['min-sessions'] ?? 3),
            constraints: constitutionConstraints(join(process.cwd(), 'constitution.yaml')),
            datasetHash: datasetHash(r.result.sessions.map((v) => v.har)),
          }),
        );
        ctx.out(
          written.length
            ? `novel bundles: ${written.join(', ')}`
            : 'no novel group reached --min-sessions; no bundle',
        );
      }
      for (const x of r.result.inbox.slice(0, Number(ctx.values.top ?? 15)))
        ctx.out(
          `  ${x.score.toFixed(3)} (u ${x.uncertainty} · i ${x.impact} · n ${x.novelty}) ${x.har} ${x.session} — ${x.why || x.reasons.slice(0, 3).join('; ')}${x.at ? ` @entry ${x.at.entry_index}` : ''}`,
        );
      ctx.out(
        `inbox: ${r.outDir}/inbox.jsonl (${r.result.inbox.length} sessions); tables ${r.tables.join(', ')} in ${r.outDir}/learn.duckdb`,
      );
      return EXIT_OK;
    },
  },
  {
    name: 'drift',
    summary:
      'PSI/KL drift of a new drop against a reference window per (platform, SDK, version); writes bundles',
    usage:
      '--reference <run dir|HAR input> --drop <run dir|HAR input> [--bundles DIR] [--out DIR] [--min-sessions N] [--json]',
    help: 'A run dir (with drift-profile.json, written by `goblin run`/`triage`) or HAR inputs on either side. PSI bands: < 0.1 none, 0.1–0.25 moderate, ≥ 0.25 major; a metric also has to beat its sampling-noise critical value; groups under --min-sessions (12) abstain. Major drift writes bundles/<id>.json. Exit 1 when a bundle was written.',
    options: {
      reference: {
        type: 'string',
        description: 'the reference window: a run dir or HAR input',
        required: true,
        placeholder: 'RUN|INPUT',
        value: text,
      },
      drop: {
        type: 'string',
        description: 'the new drop: a run dir or HAR input',
        required: true,
        placeholder: 'RUN|INPUT',
        value: text,
      },
      bundles: {
        type: 'string',
        description: 'where investigate bundles are written',
        default: 'bundles',
        placeholder: 'DIR',
        value: text,
      },
      out: {
        type: 'string',
        description: 'also write drift.jsonl here',
        default: 'not written',
        placeholder: 'DIR',
        value: text,
      },
      'min-sessions': {
        type: 'string',
        description: 'sessions a group needs on both sides, else it abstains',
        default: '12',
        placeholder: 'N',
        value: int(1),
      },
      ...JSON_OPTION,
    },
    exits: { 0: 'no drift beyond the threshold', 1: 'major drift: an investigate bundle was written' },
    async run(ctx) {
      if (!ctx.values.reference || !ctx.values.drop) {
        ctx.err('--reference and --drop are required');
        return EXIT_USAGE;
      }
      const { root, pack } = await setup(ctx);
      const { runDrift } = await import('../../detect/run-learn.js');
      const r = await runDrift({
        reference: ctx.values.reference as string,
        drop: ctx.values.drop as string,
        pack,
        cfg: ctx.config,
        root,
        bundlesDir: (ctx.values.bundles as string) ?? 'bundles',
        outDir: ctx.values.out as string | undefined,
        minSessions: ctx.values['min-sessions'] ? Number(ctx.values['min-sessions']) : undefined,
      });
      if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
      else {
        for (const g of r.groups)
          ctx.out(
            `${g.status.padEnd(8)} ${g.key} (ref ${g.ref_sessions} / drop ${g.drop_sessions}, ${g.reference}) PSI max ${g.psi_max.toFixed(3)}${
              g.metrics.filter((m) => m.significant).length
                ? ` — ${g.metrics
                    .filter((m) => m.significant)
                    .map((m) => `${m.metric} ${m.psi}`)
                    .slice(0, 4)
                    .join(', ')}`
                : ''
            }`,
          );
        ctx.out(
          r.bundles.length ? `bundles: ${r.bundles.join(', ')}` : 'no drift beyond threshold; no bundle',
        );
      }
      return r.bundles.length ? EXIT_FINDINGS : EXIT_OK;
    },
  },
  {
    name: 'learn novelty',
    summary:
      "Leave-a-family-out: drop each family's specs, triage again, report where its faulty sessions rank",
    usage:
      '[--corpus simulator,crosscheck] [--sessions N] [--seed N] [--crosscheck-seed N] [--family F] [--floor X] [--json]',
    help: 'Per family and corpus (own simulator, independent cross-check generator): recall@10 %, recall@20 % and median inbox rank of the sessions with a fault of that family, with none of its specs loaded (docs/learning.md). Exit 1 when a recall@20 % is under --floor.',
    options: {
      corpus: {
        type: 'string',
        description: 'corpora to evaluate, comma-separated',
        default: 'simulator,crosscheck',
        placeholder: 'LIST',
        value: text,
      },
      sessions: {
        type: 'string',
        description: 'captures (simulator) / sessions (cross-check) per corpus',
        default: '300',
        placeholder: 'N',
        value: int(20),
      },
      seed: {
        type: 'string',
        description: 'corpus seed',
        default: '20240611',
        placeholder: 'N',
        value: int(0),
      },
      'crosscheck-seed': {
        type: 'string',
        description: 'cross-check generator seed (as `goblin eval --crosscheck-seed`)',
        default: 'the --seed',
        placeholder: 'N',
        value: int(0),
      },
      family: {
        type: 'string',
        description: 'only these families, comma-separated',
        default: 'all seven',
        placeholder: 'LIST',
        value: text,
      },
      floor: {
        type: 'string',
        description: 'minimum recall@20 % per family and corpus (exit 1 below it)',
        default: '0',
        placeholder: 'X',
        value: text,
      },
      ...JSON_OPTION,
    },
    exits: { 0: 'every family at or above --floor', 1: 'a family under --floor', 2: 'usage error' },
    async run(ctx) {
      const { root, pack } = await setup(ctx);
      const { CODE_FAMILIES } = await import('../../codes/catalog.js');
      const { evaluateNovelty, formatNovelty } = await import('../../detect/novelty-eval.js');
      const list = (v: unknown) =>
        String(v ?? '')
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
      const corpora = list(ctx.values.corpus ?? 'simulator,crosscheck');
      const bad = corpora.filter((c) => c !== 'simulator' && c !== 'crosscheck');
      const families = ctx.values.family ? list(ctx.values.family) : undefined;
      const badFam = (families ?? []).filter((f) => !(CODE_FAMILIES as readonly string[]).includes(f));
      const floor = Number(ctx.values.floor ?? 0);
      if (bad.length || badFam.length || !Number.isFinite(floor) || floor < 0 || floor > 1) {
        ctx.err(
          `--corpus takes simulator,crosscheck; --family one of ${CODE_FAMILIES.join(', ')}; --floor 0..1${bad.length || badFam.length ? ` (got ${[...bad, ...badFam].join(', ')})` : ''}`,
        );
        return EXIT_USAGE;
      }
      const n = Number(ctx.values.sessions ?? 300);
      const r = await evaluateNovelty({
        root,
        pack,
        cfg: ctx.config,
        seed: Number(ctx.values.seed ?? 20240611),
        crosscheckSeed: ctx.values['crosscheck-seed'] as number | undefined,
        simCaptures: n,
        crossSessions: n,
        floor,
        corpora: corpora as ('simulator' | 'crosscheck')[],
        families: families as (typeof CODE_FAMILIES)[number][] | undefined,
      });
      if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
      else for (const l of formatNovelty(r)) ctx.out(l);
      return r.failing.length ? EXIT_FINDINGS : EXIT_OK;
    },
  },
  {
    name: 'learn eval',
    summary:
      'Quality of the learning layer on simulated drops: anomaly P@k, label model vs MV, classifier, drift',
    usage: '[--captures N] [--drift-captures N] [--seed N] [--record] [--json]',
    help: '--record writes the label model vs majority vote winner to lfs/aggregator.json, which real runs (no labelled slice) then use.',
    options: {
      captures: {
        type: 'string',
        description: 'simulated captures for the labelled drop',
        default: '120',
        placeholder: 'N',
        value: int(1),
      },
      'drift-captures': {
        type: 'string',
        description: 'simulated captures per side of the drift test',
        default: '70',
        placeholder: 'N',
        value: int(1),
      },
      seed: {
        type: 'string',
        description: 'simulator seed',
        default: '20240611',
        placeholder: 'N',
        value: int(0),
      },
      record: { type: 'boolean', description: 'write the winning aggregator to lfs/aggregator.json' },
      ...JSON_OPTION,
    },
    exits: { 0: 'evaluation printed (and recorded with --record)' },
    async run(ctx) {
      const { root, pack } = await setup(ctx);
      const { evaluateLearning, formatEval } = await import('../../detect/eval.js');
      const r = await evaluateLearning({
        pack,
        cfg: ctx.config,
        root,
        seed: ctx.values.seed ? Number(ctx.values.seed) : undefined,
        captures: ctx.values.captures ? Number(ctx.values.captures) : undefined,
        driftCaptures: ctx.values['drift-captures'] ? Number(ctx.values['drift-captures']) : undefined,
      });
      if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
      else for (const l of formatEval(r)) ctx.out(l);
      if (ctx.values.record && r.labels) {
        const { recordAggregator } = await import('../../label/aggregator.js');
        const p = recordAggregator(root, r.labels.winner as 'label_model' | 'majority_vote', {
          label_model: r.labels.label_model,
          majority_vote: r.labels.majority_vote,
          reason: r.labels.reason,
          sessions: r.labels.sessions,
          seed: r.seed,
        });
        ctx.out(`recorded aggregator ${r.labels.winner} in ${p}`);
      }
      return EXIT_OK;
    },
  },
];
