import type { CommandContext, CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../../util/errors.js';
import { JSON_OPTION } from '../options.js';
import { int, isoDate, text } from '../values.js';

const DRY_RUN = {
  type: 'boolean',
  description: 'build locally and write the PR body under out/pr/, without pushing or calling the forge',
} as const;

async function forgeFor(ctx: CommandContext) {
  const { forgeFromConfig } = await import('../../pr/forge.js');
  try {
    return forgeFromConfig(ctx.config.forge, process.env, ctx.quiet ? undefined : (l) => ctx.err(`  ${l}`));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export const commands: CommandDef[] = [
  {
    name: 'pr',
    summary:
      'Open or update the pull request for a proposal folder (branch, commit, push, labels, sticky comment)',
    usage: '<proposal-dir> [--dry-run] [--force]',
    help: 'Branch goblin/spec/<SPEC_ID>-<hash> off forge.base_branch, commit the spec (status: shadow), fixtures, dictionary changes and the eval report, push to forge.remote and open/update the PR on forge.kind (forgejo|github). Token from $GOBLIN_FORGE_TOKEN (forge.token_env).\n--dry-run: build the branch locally and write out/pr/<id>/body.md without pushing or calling the forge.',
    options: {
      'dry-run': DRY_RUN,
      force: { type: 'boolean', description: 'push even when the branch already holds this proposal' },
    },
    exits: { 0: 'PR opened or updated (or the dry run written)' },
    async run(ctx) {
      const dir = ctx.positionals[0];
      if (!dir) throw new UsageError('give a proposal folder (proposals/<id>)');
      const { openProposalPr } = await import('../../pr/bot.js');
      const { updateDashboard } = await import('../../pr/dashboard.js');
      const dry = Boolean(ctx.values['dry-run']);
      const forge = dry ? undefined : await forgeFor(ctx);
      const r = await openProposalPr({
        root: process.cwd(),
        config: ctx.config,
        proposalDir: dir,
        dryRun: dry,
        force: Boolean(ctx.values.force),
        forge,
        log: (l) => ctx.err(l),
      });
      if (forge && ctx.config.forge.dashboard) await updateDashboard(forge, process.cwd(), ctx.config);
      ctx.out(
        r.pr
          ? `${r.action}: #${r.pr.number} ${r.pr.url} (${r.branch})`
          : `${r.action}: ${r.branch} → ${r.bodyPath}`,
      );
      return EXIT_OK;
    },
  },
  {
    name: 'pr list',
    summary: 'List open Goblin proposal PRs and their lifecycle labels',
    usage: '[--all] [--json]',
    options: { all: { type: 'boolean', description: 'include closed and merged PRs' }, ...JSON_OPTION },
    exits: { 0: 'listed the PRs' },
    async run(ctx) {
      const { parseMeta } = await import('../../pr/body.js');
      const forge = await forgeFor(ctx);
      const prs = (await forge.listPulls(ctx.values.all ? 'all' : 'open')).filter((p) =>
        p.head.startsWith('goblin/'),
      );
      if (ctx.values.json) {
        ctx.out(
          JSON.stringify(
            prs.map((p) => ({
              number: p.number,
              title: p.title,
              state: p.state,
              merged: p.merged,
              labels: p.labels,
              url: p.html_url,
              meta: parseMeta(p.body),
            })),
            null,
            2,
          ),
        );
        return EXIT_OK;
      }
      for (const p of prs) {
        const st = p.merged ? 'merged' : p.state;
        ctx.out(
          `#${String(p.number).padEnd(5)} ${st.padEnd(7)} ${p.labels
            .filter((l) => l.startsWith('spec:') || l.startsWith('goblin:'))
            .join(',')
            .padEnd(28)} ${p.title}`,
        );
      }
      ctx.out(`${prs.length} PR(s)`);
      return EXIT_OK;
    },
  },
  {
    name: 'pr dashboard',
    summary: 'Create or refresh the dashboard issue listing pending proposals and their state',
    usage: '',
    exits: { 0: 'dashboard issue created or refreshed' },
    async run(ctx) {
      const { updateDashboard } = await import('../../pr/dashboard.js');
      const r = await updateDashboard(await forgeFor(ctx), process.cwd(), ctx.config);
      ctx.out(`dashboard issue #${r.number} ${r.action}`);
      return EXIT_OK;
    },
  },
  {
    name: 'loop',
    summary: 'drift → research → propose → shadow → judge → PR, capped at autonomy.max_prs_per_run PRs',
    usage: '[input…] [--max-prs N] [--skip-drift] [--dry-run] [--json]',
    help: 'Inputs: HAR files/folders of the drop (default: the store). --skip-drift uses bundles already in autonomy.bundles_dir. A stage that is not installed fails with its name.',
    options: {
      'max-prs': {
        type: 'string',
        description: 'at most this many PRs in this run',
        default: 'autonomy.max_prs_per_run (3)',
        placeholder: 'N',
        value: int(0),
      },
      'skip-drift': { type: 'boolean', description: 'use the bundles already in autonomy.bundles_dir' },
      'dry-run': DRY_RUN,
      ...JSON_OPTION,
    },
    exits: { 0: 'the loop ran (proposals and PRs as printed)' },
    async run(ctx) {
      const { runLoop } = await import('../../pr/loop.js');
      const max = ctx.values['max-prs'] as number | undefined;
      const dry = Boolean(ctx.values['dry-run']);
      const r = await runLoop({
        root: process.cwd(),
        config: ctx.config,
        forge: dry ? undefined : await forgeFor(ctx),
        maxPrs: max,
        dryRun: dry,
        input: ctx.positionals.length ? ctx.positionals : undefined,
        skipDrift: Boolean(ctx.values['skip-drift']),
        log: (l) => ctx.err(l),
      });
      if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
      else {
        for (const p of r.proposals) ctx.out(`${p.bundle}: ${p.status}`);
        ctx.out(`${r.bundles.length} bundle(s), ${r.prs.length} PR(s), ${r.capped} capped`);
      }
      return EXIT_OK;
    },
  },
  {
    name: 'promote',
    summary:
      'Open PRs moving shadow specs to active after autonomy.shadow_days (and active specs with known-good FPs back to shadow)',
    usage: '[--now ISO] [--dry-run] [--json]',
    options: {
      now: {
        type: 'string',
        description: 'judge shadow age as of this time',
        default: 'the current time',
        placeholder: 'ISO',
        value: isoDate,
      },
      'dry-run': DRY_RUN,
      ...JSON_OPTION,
    },
    exits: { 0: 'promotion plan printed (and PRs opened unless --dry-run)' },
    async run(ctx) {
      const now = ctx.values.now ? new Date(String(ctx.values.now)) : new Date();
      const { promoteSpecs } = await import('../../pr/promote.js');
      const dry = Boolean(ctx.values['dry-run']);
      const r = await promoteSpecs({
        root: process.cwd(),
        config: ctx.config,
        now,
        dryRun: dry,
        forge: dry ? undefined : await forgeFor(ctx),
        log: (l) => ctx.err(l),
      });
      if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
      else {
        for (const c of r.plan) ctx.out(`${c.id.padEnd(40)} ${c.action.padEnd(8)} ${c.reason}`);
        for (const p of r.prs) ctx.out(`${p.id}: ${p.action} ${p.outcome}${p.pr ? ` #${p.pr}` : ''}`);
      }
      return EXIT_OK;
    },
  },
  {
    name: 'feedback sync',
    summary:
      'Record the outcome of closed proposal PRs (merged, merged after edits, closed + reason) in preferences/*.jsonl',
    usage: '',
    exits: { 0: 'outcomes recorded' },
    async run(ctx) {
      const { syncFeedback, readPreferences, feedbackKpis } = await import('../../pr/feedback.js');
      const r = await syncFeedback({
        root: process.cwd(),
        config: ctx.config,
        forge: await forgeFor(ctx),
        log: (l) => ctx.err(l),
      });
      const k = feedbackKpis(readPreferences(ctx.config.autonomy.preferences_dir));
      ctx.out(
        `${r.recorded.length} new record(s), ${r.skipped} already recorded; acceptance ${k.acceptance_rate === null ? 'n/a' : `${(100 * k.acceptance_rate).toFixed(1)}%`}`,
      );
      return EXIT_OK;
    },
  },
  {
    name: 'feedback export',
    summary: 'Export preference records as DPO pairs ({prompt, chosen, rejected} JSONL)',
    usage: '--dpo [--out FILE]',
    options: {
      dpo: { type: 'boolean', description: 'export DPO pairs (the only format; required)' },
      out: {
        type: 'string',
        description: 'write to this file',
        default: 'stdout',
        placeholder: 'FILE',
        value: text,
      },
    },
    exits: { 0: 'pairs exported' },
    async run(ctx) {
      if (!ctx.values.dpo) throw new UsageError('only --dpo is supported');
      const { readPreferences, dpoPairs } = await import('../../pr/feedback.js');
      const { DpoRow } = await import('../../train/dataset.js');
      // Only rows TRL's DPOTrainer accepts: an empty side or chosen == rejected would fail the run later.
      const all = dpoPairs(readPreferences(ctx.config.autonomy.preferences_dir));
      const pairs = all.filter((p) => DpoRow.safeParse(p).success);
      if (pairs.length < all.length)
        ctx.err(`skipped ${all.length - pairs.length} pair(s) with an empty side`);
      const text = pairs.map((p) => JSON.stringify(p)).join('\n') + (pairs.length ? '\n' : '');
      if (ctx.values.out) {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(String(ctx.values.out), text);
        ctx.out(`${pairs.length} pair(s) → ${ctx.values.out}`);
      } else if (text) ctx.out(text.replace(/\n$/, ''));
      return EXIT_OK;
    },
  },
  {
    name: 'feedback stats',
    summary: 'PR acceptance rate and time from proposal to merge',
    usage: '[--json]',
    options: JSON_OPTION,
    exits: { 0: 'KPIs printed', 1: 'no PR has been reviewed yet (no KPI to report)' },
    async run(ctx) {
      const { readPreferences, feedbackKpis } = await import('../../pr/feedback.js');
      const k = feedbackKpis(readPreferences(ctx.config.autonomy.preferences_dir));
      if (ctx.values.json) ctx.out(JSON.stringify(k, null, 2));
      else {
        const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
        const h = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)} h`);
        ctx.out(
          `reviewed ${k.reviewed}: merged ${k.merged} (as proposed ${k.merged_as_proposed}, edited ${k.merged_edited}), closed ${k.closed}`,
        );
        ctx.out(
          `acceptance rate ${pct(k.acceptance_rate)} · as-proposed ${pct(k.as_proposed_rate)} · time to merge median ${h(k.median_hours_to_merge)}, mean ${h(k.mean_hours_to_merge)}`,
        );
      }
      return k.reviewed ? EXIT_OK : EXIT_FINDINGS;
    },
  },
];
