import { z } from 'zod';

/**
 * One row of the DPO dataset, as TRL's DPOTrainer reads it (the "standard" preference format: plain
 * text prompt, chosen and rejected answers). `goblin feedback export --dpo` validates every row it
 * writes against this; tools/train/dpo_lora.py checks the same on its side before training.
 */
export const DpoRow = z
  .object({
    prompt: z.string().refine((v) => v.trim() !== '', 'empty'),
    chosen: z.string().refine((v) => v.trim() !== '', 'empty'),
    rejected: z.string().refine((v) => v.trim() !== '', 'empty'),
  })
  .strict()
  .refine((r) => r.chosen !== r.rejected, 'chosen and rejected are the same text');
export type DpoRow = z.infer<typeof DpoRow>;

/** Parse a DPO JSONL text; errors name the line. */
export function parseDpoJsonl(text: string): { rows: DpoRow[]; errors: string[] } {
  const rows: DpoRow[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      errors.push(`line ${i + 1}: not JSON (${(e as Error).message})`);
      return;
    }
    const r = DpoRow.safeParse(raw);
    if (r.success) rows.push(r.data);
    else
      errors.push(
        `line ${i + 1}: ${r.error.issues.map((x) => `${x.path.join('.') || 'row'}: ${x.message}`).join('; ')}`,
      );
  });
  return { rows, errors };
}
