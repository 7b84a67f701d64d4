import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK } from '../../util/errors.js';
import { int, text } from '../values.js';

export const commands: CommandDef[] = [
  {
    name: 'eval',
    summary: 'Simulate a labelled corpus and report per-code precision/recall and fingerprint accuracy',
    usage: '[--sessions N] [--seed N] [--report FILE] [--keep]',
    help: 'Goal: precision ≥ 0.99 and recall ≥ 0.97 for every code.',
    options: {
      sessions: {
        type: 'string',
        description: 'simulated captures in the labelled corpus',
        default: '600',
        placeholder: 'N',
        value: int(1),
      },
      seed: {
        type: 'string',
        description: 'simulator seed (same seed, same corpus)',
        default: '7',
        placeholder: 'N',
        value: int(0),
      },
      report: {
        type: 'string',
        description: 'where the JSON report is written',
        default: 'out/eval.json',
        placeholder: 'FILE',
        value: text,
      },
      keep: { type: 'boolean', description: 'keep the simulated corpus and its run folder' },
      workers: {
        type: 'string',
        description: 'worker processes for the ingest (0 = one per core)',
        default: 'ingest.workers (0)',
        placeholder: 'N',
        value: int(0, 256),
      },
    },
    exits: { 0: 'every code met the precision and recall goal', 1: 'a code missed the goal' },
    async run(ctx) {
      const { evaluate, formatEval } = await import('../../eval/evaluate.js');
      const r = await evaluate({
        sessions: (ctx.values.sessions as number | undefined) ?? 600,
        seed: (ctx.values.seed as number | undefined) ?? 7,
        root: process.cwd(),
        specsDir: ctx.config.validate.specs_dir,
        quiet: ctx.quiet,
        keep: Boolean(ctx.values.keep),
        workers: (ctx.values.workers as number | undefined) || undefined,
      });
      for (const l of formatEval(r)) ctx.out(l);
      const path = resolve((ctx.values.report as string) ?? 'out/eval.json');
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(r, null, 2) + '\n');
      return r.goals.met ? EXIT_OK : EXIT_FINDINGS;
    },
  },
];
