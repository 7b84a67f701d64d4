import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { RULE_KINDS } from './rules.js';
import { makeDirs } from '../util/files.js';

/**
 * preferences/style.yaml: the team's editing conventions as reviewable rules. `goblin style learn`
 * rewrites it from the preference log; a person may
 *   - lock a rule (`locked: true`): learning keeps it exactly as written (variant, active) from then on;
 *   - delete a rule: it comes back on the next learn if the reviews still show it, so to switch one off
 *     for good, put its slot in `ignore:`;
 *   - edit the thresholds (`min_support`, `min_confidence`).
 */
const Variant = z.union([z.string(), z.number(), z.boolean()]);

export const StyleRule = z
  .object({
    slot: z.string().min(1),
    kind: z.enum(RULE_KINDS),
    variant: Variant,
    description: z.string(),
    /** Edits towards this variant. */
    support: z.number().int().min(0),
    /** Reviews that kept or edited to a different choice. */
    counter: z.number().int().min(0),
    /** PR numbers (or review ids) of the last supporting edits and counter-examples. */
    examples: z.array(z.union([z.number(), z.string()])).default([]),
    counter_examples: z.array(z.union([z.number(), z.string()])).default([]),
    /** Applied to new proposals (support and confidence over the thresholds, or locked active). */
    active: z.boolean(),
    locked: z.boolean().default(false),
  })
  .strict();
export type StyleRule = z.infer<typeof StyleRule>;

/** A proposal shape the team rejected for a reason (tools/style/reject.ts). */
export const RejectShape = z
  .object({
    shape: z.string(),
    reason: z.string(),
    /** The reviewer's words, from the last rejection (closing comment or label). */
    example_reason: z.string().nullable().default(null),
    rejected: z.number().int().min(0),
    accepted: z.number().int().min(0),
    examples: z.array(z.union([z.number(), z.string()])).default([]),
    active: z.boolean(),
  })
  .strict();
export type RejectShape = z.infer<typeof RejectShape>;

export const StyleFile = z
  .object({
    version: z.literal(1).default(1),
    generated_at: z.string().nullable().default(null),
    /** Reviews read (approve + edit + reject; defers are not a verdict). */
    reviews: z.number().int().min(0).default(0),
    min_support: z.number().int().min(1).default(1),
    min_confidence: z.number().min(0).max(1).default(0.7),
    /** Rejections of one shape before proposals of that shape are held back. */
    min_rejections: z.number().int().min(1).default(2),
    ignore: z.array(z.string()).default([]),
    rules: z.array(StyleRule).default([]),
    rejections: z.array(RejectShape).default([]),
  })
  .strict();
export type StyleFile = z.infer<typeof StyleFile>;

const emptyStyle = (): StyleFile => StyleFile.parse({});

const HEADER = [
  '# Weird Goblin style memory: conventions learned from reviewed PRs (goblin style learn).',
  '# Lock a rule with `locked: true`; switch one off for good by adding its slot to `ignore:`.',
  '# docs/proposals.md "Style memory" explains every field.',
];

export function readStyle(path: string): StyleFile {
  if (!existsSync(path)) return emptyStyle();
  const raw: unknown = YAML.parse(readFileSync(path, 'utf8')) ?? {};
  const r = StyleFile.safeParse(raw);
  if (!r.success)
    throw new Error(
      `${path}: not a style file: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

export function styleYaml(style: StyleFile, modeline: string | null): string {
  const head = [...(modeline ? [modeline] : []), ...HEADER].join('\n');
  return `${head}\n${YAML.stringify(StyleFile.parse(style), { lineWidth: 0 })}`;
}

export function writeStyle(path: string, style: StyleFile, modeline: string | null): void {
  makeDirs(dirname(path));
  writeFileSync(path, styleYaml(style, modeline));
}
