/**
 * Value types for command options: each pairs a zod schema (the boundary check) with the words the
 * error uses, so `--workers abc` says `--workers must be an integer ≥ 1 (got 'abc')` and exits 2.
 */
import { z } from 'zod';
import type { ValueType } from './command.js';

const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** An integer in [min, max]. */
export function int(min: number, max = Number.MAX_SAFE_INTEGER): ValueType<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}…${max}`;
  return {
    describe: `an integer ${range}`,
    schema: z.string().regex(INT).transform(Number).pipe(z.number().int().min(min).max(max)),
  };
}

/** A decimal number in [min, max]. */
export function num(min: number, max: number): ValueType<number> {
  return {
    describe: `a number in [${min}, ${max}]`,
    schema: z.string().regex(DECIMAL).transform(Number).pipe(z.number().finite().min(min).max(max)),
  };
}

/** One of a fixed set of words. */
export function oneOf<const T extends string>(...choices: T[]): ValueType<T> {
  return { describe: `one of ${choices.join(', ')}`, schema: z.enum(choices) as unknown as z.ZodType<T> };
}

/** Anything matching `re` (kept as the string). */
export function pattern(re: RegExp, describe: string): ValueType<string> {
  return { describe, schema: z.string().regex(re) };
}

/** A non-empty string (paths, names, queries): an empty `--out ''` is a mistake, not a folder. */
export const text: ValueType<string> = { describe: 'a non-empty value', schema: z.string().min(1) };

/** An absolute http(s) URL. */
export const url: ValueType<string> = {
  describe: 'an http(s) URL',
  schema: z.string().refine((s) => {
    try {
      return ['http:', 'https:'].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }),
};

/** An ISO 8601 date or date-time. */
export const isoDate: ValueType<string> = {
  describe: 'an ISO date (e.g. 2024-05-01 or 2024-05-01T12:00:00Z)',
  schema: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}/)
    .refine((s) => !Number.isNaN(new Date(s).getTime())),
};

/** `i/n` with 0 ≤ i < n. */
export const shard: ValueType<string> = {
  describe: 'i/n with 0 ≤ i < n (e.g. 0/4)',
  schema: z
    .string()
    .regex(/^\d+\/\d+$/)
    .refine((s) => {
      const [i, n] = s.split('/').map(Number);
      return n >= 1 && i < n;
    }),
};

/** Finding severities a gate can fail on; `warning` also counts errors. */
export const SEVERITIES = ['error', 'warning'] as const;
export type GateSeverity = (typeof SEVERITIES)[number];
export const failOn = oneOf(...SEVERITIES, 'none');
