import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK } from '../../util/errors.js';
import { int, oneOf, text } from '../values.js';
import { makeDirs } from '../../util/files.js';

export const commands: CommandDef[] = [
  {
    name: 'eval',
    summary:
      'Per-code precision/recall and fingerprint accuracy on the own simulator and on corpora Goblin did not generate',
    usage: '[--corpus all|sim|crosscheck|browser] [--sessions N] [--seed N] [--report FILE] [--keep]',
    help: [
      'Corpora: sim = the own simulator (goal: precision ≥ 0.99, recall ≥ 0.97 per code); crosscheck = the',
      'independent generator in tests/crosscheck/ (goals: micro precision ≥ 0.99, recall ≥ 0.98,',
      'PLAYHEAD_STALLED recall ≥ 0.95, ≤ 0.5 % clean sessions with a false alarm, platform + SDK + version',
      '≥ 0.99); browser = the Chromium-recorded HARs in tests/browser/ (every fault found, no false alarm).',
      'Numbers from the simulator never count alone: `all` runs every corpus present.',
    ].join('\n'),
    options: {
      corpus: {
        type: 'string',
        description: 'which labelled corpus to score: all, sim, crosscheck or browser',
        default: 'all',
        placeholder: 'NAME',
        value: oneOf('all', 'sim', 'crosscheck', 'browser'),
      },
      'crosscheck-sessions': {
        type: 'string',
        description: 'media sessions the cross-check generator writes',
        default: '300',
        placeholder: 'N',
        value: int(1),
      },
      'crosscheck-seed': {
        type: 'string',
        description: 'cross-check generator seed',
        default: '1',
        placeholder: 'N',
        value: int(0),
      },
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
    exits: { 0: 'every corpus scored met its goals', 1: 'a corpus missed a goal' },
    async run(ctx) {
      const { evaluate, formatEval } = await import('../../eval/evaluate.js');
      const { evaluateIndependent, formatCorpus } = await import('../../eval/corpus.js');
      const which = (ctx.values.corpus as string | undefined) ?? 'all';
      const root = process.cwd();
      const common = {
        root,
        specsDir: ctx.config.validate.specs_dir,
        quiet: ctx.quiet,
        keep: Boolean(ctx.values.keep),
        workers: (ctx.values.workers as number | undefined) || undefined,
      };
      const report: Record<string, unknown> = {};
      const missed: string[] = [];
      if (which === 'all' || which === 'sim') {
        const r = await evaluate({
          ...common,
          sessions: (ctx.values.sessions as number | undefined) ?? 600,
          seed: (ctx.values.seed as number | undefined) ?? 7,
        });
        for (const l of formatEval(r)) ctx.out(l);
        report.sim = r;
        if (!r.goals.met) missed.push('sim');
      }
      for (const corpus of ['crosscheck', 'browser'] as const) {
        if (which !== 'all' && which !== corpus) continue;
        if (
          corpus === 'browser' &&
          which === 'all' &&
          !existsSync(resolve(root, 'tests/browser/truth.jsonl'))
        )
          continue;
        const r = await evaluateIndependent(corpus, {
          ...common,
          seed: (ctx.values['crosscheck-seed'] as number | undefined) ?? 1,
          sessions: (ctx.values['crosscheck-sessions'] as number | undefined) ?? 300,
        });
        ctx.out('');
        for (const l of formatCorpus(r)) ctx.out(l);
        report[corpus] = r;
        if (!r.goals.met) missed.push(corpus);
      }
      const path = resolve((ctx.values.report as string) ?? 'out/eval.json');
      makeDirs(dirname(path));
      writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
      return missed.length
        ? { code: EXIT_FINDINGS, reason: `goals missed on: ${missed.join(', ')}` }
        : { code: EXIT_OK, reason: `goals met on every corpus scored (${Object.keys(report).join(', ')})` };
    },
  },
];
