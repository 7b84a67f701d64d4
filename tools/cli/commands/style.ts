import { resolve } from 'node:path';
import type { CommandContext, CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../../util/errors.js';
import { JSON_OPTION } from '../options.js';

const stylePath = (ctx: CommandContext) => resolve(ctx.config.autonomy.preferences_dir, 'style.yaml');

async function printRules(ctx: CommandContext, path: string): Promise<number> {
  const { readStyle } = await import('../../style/store.js');
  const s = readStyle(path);
  ctx.out(
    `${s.reviews} review(s) · rules apply at support ≥ ${s.min_support} and confidence ≥ ${s.min_confidence}`,
  );
  for (const r of s.rules)
    ctx.out(
      `${r.active ? 'on ' : 'off'} ${r.locked ? '🔒' : '  '} ${r.slot.padEnd(34)} ${String(r.support).padStart(3)} edit(s) ${String(r.counter).padStart(3)} counter  ${r.description}`,
    );
  for (const j of s.rejections)
    ctx.out(
      `${j.active ? 'hold' : 'off '} rejected ${j.rejected}× as ${j.reason} (${j.accepted} merged since): ${j.shape}`,
    );
  return s.rules.filter((r) => r.active).length;
}

export const commands: CommandDef[] = [
  {
    name: 'style learn',
    summary: "Learn the reviewers' editing conventions from the preference log into preferences/style.yaml",
    usage: '[--json]',
    help: 'Reads preferences/*.jsonl (goblin feedback sync), keeps locked rules, thresholds and ignores from the existing style.yaml, and rewrites it. `goblin loop` applies the active rules to every new proposal before its PR opens and holds back proposals shaped like ones the team rejected.',
    options: JSON_OPTION,
    exits: { 0: 'style.yaml written' },
    async run(ctx) {
      const { readPreferences } = await import('../../pr/feedback.js');
      const { learnStyle, reviewsFromRecords } = await import('../../style/learn.js');
      const { readStyle, writeStyle } = await import('../../style/store.js');
      const { modelineFor, schemaKindOf } = await import('../../schemas/files.js');
      const path = stylePath(ctx);
      const recs = readPreferences(resolve(ctx.config.autonomy.preferences_dir));
      let prev;
      try {
        prev = readStyle(path);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const style = learnStyle(reviewsFromRecords(recs), prev, new Date().toISOString());
      const rel = `${ctx.config.autonomy.preferences_dir.replace(/\/+$/, '')}/style.yaml`;
      const kind = schemaKindOf(rel);
      writeStyle(path, style, kind ? modelineFor(rel, kind) : null);
      if (ctx.values.json) ctx.out(JSON.stringify(style, null, 2));
      else {
        ctx.out(`${recs.length} preference record(s) → ${rel}`);
        await printRules(ctx, path);
      }
      return EXIT_OK;
    },
  },
  {
    name: 'style show',
    summary: 'Print the learned style rules and held-back rejection shapes',
    usage: '',
    exits: { 0: 'rules printed', 1: 'no active rule (nothing learned yet)' },
    async run(ctx) {
      try {
        return (await printRules(ctx, stylePath(ctx))) ? EXIT_OK : EXIT_FINDINGS;
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    },
  },
  {
    name: 'style apply',
    summary: 'Apply the learned style to a proposal folder (goblin loop does this before every PR)',
    usage: '<proposal-dir>',
    exits: { 0: 'applied (or nothing to apply)', 1: 'held back: the team rejected proposals of this shape' },
    async run(ctx) {
      const dir = ctx.positionals[0];
      if (!dir) throw new UsageError('give a proposal folder (proposals/<id>)');
      const { readStyle } = await import('../../style/store.js');
      const { applyStyleToProposal } = await import('../../style/apply.js');
      const r = applyStyleToProposal(resolve(dir), readStyle(stylePath(ctx)));
      if (r.held) {
        ctx.out(`held back: ${r.held}`);
        return { code: EXIT_FINDINGS, reason: 'held back by style memory' };
      }
      for (const a of r.applied) ctx.out(`${a.description} (${a.support} edit(s), ${a.counter} counter)`);
      if (!r.applied.length) ctx.out('no style rule changed this proposal');
      return EXIT_OK;
    },
  },
];
