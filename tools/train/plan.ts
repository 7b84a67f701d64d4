/**
 * `goblin train dpo`: the LoRA recipe as a plan — export the preference pairs, train the adapter with
 * tools/train/dpo_lora.py (TRL + PEFT), write the Ollama Modelfile and create the model. `--dry-run`
 * prints exactly these commands; a real run executes them only where Python has torch, trl and peft
 * (and a GPU), and says so instead of pretending otherwise.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The Hugging Face weights behind the Ollama writer models Goblin is configured with out of the box. */
const HF_BASE: Record<string, string> = {
  'qwen2.5:7b': 'Qwen/Qwen2.5-7B-Instruct',
  'qwen2.5:3b': 'Qwen/Qwen2.5-3B-Instruct',
  'qwen2.5:14b': 'Qwen/Qwen2.5-14B-Instruct',
  'llama3.1:8b': 'meta-llama/Llama-3.1-8B-Instruct',
  'mistral:7b': 'mistralai/Mistral-7B-Instruct-v0.3',
};

export interface TrainPlan {
  data: string;
  adapter: string;
  modelfile: string;
  modelfileText: string;
  model: string;
  /** Each command as argv (printed shell-quoted). */
  commands: string[][];
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
export const shellLine = (argv: string[]) => argv.map(quote).join(' ');

/** The repository this module belongs to (two levels up, also from the CLI's bundle in tools/.bundle/). */
const REPO_ROOT = resolve(import.meta.dirname, '../..');

export function dpoPlan(o: {
  /** Where tools/train/Modelfile is read from (default: this repository). */
  repoRoot?: string;
  writer: string;
  baseModel?: string;
  outDir?: string;
  model?: string;
}): TrainPlan | { error: string } {
  const base = o.baseModel ?? HF_BASE[o.writer];
  if (!base)
    return {
      error: `no Hugging Face weights known for the writer model '${o.writer}': pass --base-model <hf-id or path>`,
    };
  const out = (o.outDir ?? 'out/train').replace(/\/+$/, '');
  const data = `${out}/dpo.jsonl`;
  const adapter = `${out}/dpo-lora`;
  const modelfile = `${out}/Modelfile`;
  const model = o.model ?? `${o.writer.split(':')[0]}-goblin-dpo`;
  // The committed Modelfile with the configured base and this run's adapter filled in.
  const modelfileText = readFileSync(join(o.repoRoot ?? REPO_ROOT, 'tools/train/Modelfile'), 'utf8')
    .replace(/^FROM .*$/m, `FROM ${o.writer}`)
    .replace(/^ADAPTER .*$/m, `ADAPTER ./dpo-lora`);
  return {
    data,
    adapter,
    modelfile,
    modelfileText,
    model,
    commands: [
      ['goblin', 'feedback', 'export', '--dpo', '--out', data],
      ['python3', 'tools/train/dpo_lora.py', '--data', data, '--base-model', base, '--output', adapter],
      ['ollama', 'create', model, '-f', modelfile],
    ],
  };
}
