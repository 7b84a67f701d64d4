import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandContext, CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../../util/errors.js';

function specCommit(root: string, specsDir: string): string | null {
  try {
    return (
      execFileSync('git', ['log', '-1', '--format=%H', '--', specsDir], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || null
    );
  } catch {
    return null;
  }
}

/** ingest (+ validation inside the workers) → output files; shared by `validate` and `run`. */
async function validateInputs(ctx: CommandContext, outDir: string) {
  const { ingest } = await import('../../ingest/run.js');
  const { writeRunOutputs } = await import('../../validate/report.js');
  const { loadRulePack } = await import('../../validate/pack.js');
  const root = process.cwd();
  const specsDir = ctx.config.validate.specs_dir;
  const pack = loadRulePack(resolve(root, specsDir), root);
  if (pack.errors.length) {
    for (const e of pack.errors.slice(0, 10))
      ctx.err(`spec error: ${e.path}${e.line ? `:${e.line}` : ''}: ${e.message}`);
    ctx.err("fix the specs first ('goblin spec lint')");
  }
  const { summary: ing, store } = await ingest({
    inputs: ctx.positionals,
    config: ctx.config,
    shard: ctx.values.shard as string | undefined,
    workers: ctx.values.workers ? Number(ctx.values.workers) : undefined,
    quiet: ctx.quiet,
    validate: { specsDir },
    keepStaging: true,
  });
  store.close();
  const out = writeRunOutputs({
    stagingDir: ing.staging_dir,
    outDir,
    input: ctx.positionals.join(' '),
    ingest: ing,
    specCount: pack.specs.length,
    commit: specCommit(root, specsDir),
  });
  rmSync(ing.staging_dir, { recursive: true, force: true });
  return { ing, pack, ...out };
}

const shared = {
  out: { type: 'string' },
  shard: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const commands: CommandDef[] = [
  {
    name: 'validate',
    summary:
      'Validate HAR inputs (or every capture in the store) against the spec pack; write the output files',
    usage: '<input…> [--out DIR] [--shard i/n] [--workers N]  |  --store [--out DIR]',
    help: "Writes violations.jsonl, violations.csv, sessions.jsonl, timelines.jsonl, summary.json and report.md into --out (default out/run).\n--store re-validates every capture already ingested (e.g. after a spec change) and refreshes the store's findings.\nExit 1 when an active spec found a violation.",
    options: { ...shared, store: { type: 'boolean' } },
    async run(ctx) {
      const outDir = (ctx.values.out as string) ?? 'out/run';
      if (ctx.values.store) {
        if (ctx.positionals.length) throw new UsageError('give HAR inputs or --store, not both');
        const { validateStore } = await import('../../validate/from-store.js');
        const { summary } = await validateStore({
          config: ctx.config,
          outDir,
          commit: specCommit(process.cwd(), ctx.config.validate.specs_dir),
        });
        if (ctx.values.json) ctx.out(JSON.stringify(summary, null, 2));
        else
          ctx.out(
            `${summary.findings} findings in ${summary.sessions.total} stored sessions (${summary.sessions.violation} violating); outputs in ${outDir}/`,
          );
        return summary.sessions.violation > 0 ? EXIT_FINDINGS : EXIT_OK;
      }
      const r = await validateInputs(ctx, outDir);
      if (ctx.values.json) ctx.out(JSON.stringify(r.summary, null, 2));
      else
        ctx.out(
          `${r.summary.findings} findings in ${r.summary.sessions.total} sessions (${r.summary.sessions.violation} violating); outputs in ${outDir}/`,
        );
      return r.summary.sessions.violation > 0 ? EXIT_FINDINGS : EXIT_OK;
    },
  },
  {
    name: 'run',
    summary:
      'Ingest + validate + report in one go, printing violations by platform/SDK with likely root causes',
    usage: '<input…> [--out DIR] [--shard i/n] [--workers N]',
    help: 'The main job: `goblin run examples/hars`. Outputs as for `goblin validate` (default out/run).',
    options: shared,
    async run(ctx) {
      const outDir = (ctx.values.out as string) ?? 'out/run';
      const r = await validateInputs(ctx, outDir);
      const { formatIngestSummary } = await import('./ingest.js');
      const { platformTable, rootCauses } = await import('../../validate/report.js');
      if (ctx.values.json) {
        ctx.out(JSON.stringify(r.summary, null, 2));
        return r.summary.sessions.violation > 0 ? EXIT_FINDINGS : EXIT_OK;
      }
      for (const l of formatIngestSummary(r.ing)) ctx.out(l);
      const s = r.summary;
      ctx.out('');
      ctx.out(
        `sessions ${s.sessions.total}: ${s.sessions.pass} PASS · ${s.sessions.violation} VIOLATION · ${s.sessions.abstain} ABSTAIN · coverage ${(100 * s.coverage).toFixed(1)}% · ${s.findings} findings`,
      );
      ctx.out('');
      ctx.out('Violations by platform / SDK version');
      for (const l of platformTable(r.findings, r.sessions)) ctx.out(`  ${l}`);
      ctx.out('');
      ctx.out('Likely root causes');
      for (const rc of rootCauses(r.findings).slice(0, 15))
        ctx.out(
          `  ${rc.code.padEnd(32)} ${String(rc.findings).padStart(5)} in ${String(rc.sessions).padStart(4)} sessions · ${rc.where} — ${rc.cause}`,
        );
      ctx.out('');
      ctx.out(
        `outputs: ${outDir}/report.md, violations.jsonl/.csv, sessions.jsonl, timelines.jsonl, summary.json`,
      );
      // learning layer (labels, anomalies, triage → inbox.jsonl, learn.duckdb); never fails the run
      const { learnForRun } = await import('../../detect/run-learn.js');
      ctx.out(await learnForRun(ctx.positionals, outDir, ctx.config, r.pack, process.cwd(), r.sessions));
      return s.sessions.violation > 0 ? EXIT_FINDINGS : EXIT_OK;
    },
  },
];
