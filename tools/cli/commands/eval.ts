import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK } from '../../util/errors.js';

export const commands: CommandDef[] = [
  {
    name: 'eval',
    summary: 'Simulate a labelled corpus and report per-code precision/recall and fingerprint accuracy',
    usage: '[--sessions N] [--seed N] [--report FILE] [--keep]',
    help: 'Goal: precision ≥ 0.99 and recall ≥ 0.97 for every code. Exit 1 when the goal is not met.',
    options: {
      sessions: { type: 'string' },
      seed: { type: 'string' },
      report: { type: 'string' },
      keep: { type: 'boolean' },
      workers: { type: 'string' },
    },
    async run(ctx) {
      const { evaluate, formatEval } = await import('../../eval/evaluate.js');
      const r = await evaluate({
        sessions: Number(ctx.values.sessions ?? 600),
        seed: Number(ctx.values.seed ?? 7),
        root: process.cwd(),
        specsDir: ctx.config.validate.specs_dir,
        quiet: ctx.quiet,
        keep: Boolean(ctx.values.keep),
        workers: ctx.values.workers ? Number(ctx.values.workers) : undefined,
      });
      for (const l of formatEval(r)) ctx.out(l);
      const path = resolve((ctx.values.report as string) ?? 'out/eval.json');
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(r, null, 2) + '\n');
      return r.goals.met ? EXIT_OK : EXIT_FINDINGS;
    },
  },
];
