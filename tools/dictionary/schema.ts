import { z } from 'zod';

/** One file per parameter under dictionary/<sdk>/<param>.yaml (docs/dictionary.md). */
export const ParamType = z.enum(['float', 'int', 'bool', 'string', 'datetime', 'id-like', 'enum']);
export const Presence = z.enum(['required', 'optional', 'forbidden']);

export const DictionaryEntry = z.object({
  param: z.string(), // canonical name as on the wire (e.g. `l:event:playhead`, `media.length`)
  sdk: z.string(), // aa | heartbeat | hb-api | edge
  aliases: z.array(z.string()).default([]),
  /** Where each alias comes from: the seed map (docs/reference/wire-formats.md §8), value agreement in captures with two protocols, or both. */
  alias_sources: z.record(z.string(), z.enum(['seed', 'values', 'seed+values'])).default({}),
  concept: z.string().nullable().default(null), // cross-protocol concept (e.g. `playhead`, `content_id`)
  type: ParamType,
  unit: z.string().nullable().default(null),
  stats: z
    .object({
      count: z.number(),
      min: z.number().nullable(),
      max: z.number().nullable(),
      mean: z.number().nullable(),
      stdev: z.number().nullable(),
      null_rate: z.number(),
      distinct: z.number(),
      top_values: z.array(z.object({ value: z.string(), count: z.number() })).default([]),
    })
    .partial({ top_values: true }),
  stability: z.number(), // 0..1, high = stable across sessions
  sessions: z.number().default(0),
  /** version range → presence, per event type where it matters: { "sessionStart": { ">=3.0.0": "required" } } */
  presence: z.record(z.string(), z.record(z.string(), Presence)).default({}),
  first_seen: z.string().nullable().default(null),
  last_seen: z.string().nullable().default(null),
  evidence: z.object({ examples: z.array(z.string()).default([]) }).default({ examples: [] }),
  /** Hand-edit guard: a locked entry keeps its reviewed fields on re-induction. */
  locked: z.boolean().default(false),
  note: z.string().optional(),
});
export type DictionaryEntry = z.infer<typeof DictionaryEntry>;
