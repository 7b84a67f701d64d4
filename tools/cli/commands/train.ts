import type { CommandDef } from '../command.js';
import { EXIT_OK, UsageError } from '../../util/errors.js';
import { text } from '../values.js';
import { makeDirs } from '../../util/files.js';

export const commands: CommandDef[] = [
  {
    name: 'train dpo',
    summary: "LoRA-tune the writer model on the reviewers' preferences (TRL DPO + PEFT; needs a GPU)",
    usage: '--dry-run [--base-model HF_ID] [--out DIR] [--model NAME]',
    help: 'Exports the DPO pairs (goblin feedback export --dpo), trains a LoRA adapter with tools/train/dpo_lora.py and serves it with Ollama (tools/train/Modelfile, ADAPTER). --dry-run prints exactly the commands and the Modelfile; without it the recipe runs only where python3 has torch, trl and peft — otherwise it says so and exits 3. Then set models.writer to the new model.',
    options: {
      'dry-run': { type: 'boolean', description: 'print the commands and the Modelfile; run nothing' },
      'base-model': {
        type: 'string',
        description: 'Hugging Face weights of the writer model (known for the default writers)',
        default: 'from models.writer',
        placeholder: 'HF_ID',
        value: text,
      },
      out: {
        type: 'string',
        description: 'work folder',
        default: 'out/train',
        placeholder: 'DIR',
        value: text,
      },
      model: {
        type: 'string',
        description: 'name of the Ollama model to create',
        default: '<writer>-goblin-dpo',
        placeholder: 'NAME',
        value: text,
      },
    },
    exits: {
      0: 'plan printed (dry run) or adapter trained',
      3: 'cannot train here (no torch/trl/peft) or no pairs',
    },
    async run(ctx) {
      const { dpoPlan, shellLine } = await import('../../train/plan.js');
      const plan = dpoPlan({
        writer: ctx.config.models.writer,
        baseModel: ctx.values['base-model'] as string | undefined,
        outDir: ctx.values.out as string | undefined,
        model: ctx.values.model as string | undefined,
      });
      if ('error' in plan) throw new UsageError(plan.error);
      if (ctx.values['dry-run']) {
        for (const c of plan.commands) ctx.out(shellLine(c));
        ctx.out(`# ${plan.modelfile}:`);
        for (const l of plan.modelfileText.trimEnd().split('\n')) ctx.out(`#   ${l}`);
        ctx.out(`# then set models.writer: ${plan.model} in goblin.config.yaml`);
        return { code: EXIT_OK, reason: 'dry run: the commands above were printed, nothing was run' };
      }
      const { spawnSync } = await import('node:child_process');
      const probe = spawnSync(
        'python3',
        ['-c', 'import torch, trl, peft; print(torch.cuda.is_available())'],
        {
          encoding: 'utf8',
        },
      );
      if (probe.status !== 0)
        return {
          code: 3,
          reason: `cannot train here: python3 with torch, trl and peft is not available (${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)}); run 'goblin train dpo --dry-run' and the printed commands on a GPU machine`,
        };
      if (probe.stdout.trim() !== 'True')
        return { code: 3, reason: 'cannot train here: torch sees no GPU; DPO on a 7B model needs one' };
      const { mkdirSync, writeFileSync } = await import('node:fs');
      makeDirs(plan.adapter);
      writeFileSync(plan.modelfile, plan.modelfileText);
      const { readPreferences, dpoPairs } = await import('../../pr/feedback.js');
      const pairs = dpoPairs(readPreferences(ctx.config.autonomy.preferences_dir));
      if (!pairs.length)
        return { code: 3, reason: 'no preference pairs yet (goblin feedback sync after reviews)' };
      writeFileSync(plan.data, pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');
      for (const c of plan.commands.slice(1)) {
        ctx.err(`$ ${shellLine(c)}`);
        const r = spawnSync(c[0], c.slice(1), { stdio: 'inherit' });
        if (r.status !== 0)
          return { code: 3, reason: `${c[0]} failed (exit ${r.status ?? r.error?.message})` };
      }
      ctx.out(`adapter ${plan.adapter} → Ollama model ${plan.model}; set models.writer: ${plan.model}`);
      return EXIT_OK;
    },
  },
];
