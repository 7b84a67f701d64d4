/**
 * The learning step's two memory bounds under `goblin run` (docs/learning.md, "The learning step's memory
 * bounds"). The learning process holds every row it learns from and what each step derives from them
 * (~17 KB a session at its peak, measured at 28,426 and 56,846 sessions), and DuckDB, loading the store
 * in the parent meanwhile, takes ~0.7–1.0 GB whatever the drop: at 24,000 dense captures the two peaks
 * together made 1,991 MiB.
 *
 * - Past `learn.alongside_store_max_bytes` of staged learn rows, the learning step waits until the store
 *   is closed instead of learning while it loads, so the two peaks never add up.
 * - Past `learn.max_sessions`, it learns from a fixed sample of the sessions. The validator's findings,
 *   the report and the store always cover every session; only the learning layer's outputs (labels,
 *   anomalies, inbox, drift profile) come from the sample, and the run's message and learn-summary.json
 *   say so. The sample is chosen by a hash of the capture's name and the session's key: the same inputs
 *   give the same sample on every machine and in every run, whatever order the workers staged them in.
 */

/**
 * `learn.max_sessions`'s default: at 56,846 sessions the learning process peaked at ~1.0 GB, so 60,000
 * keeps it near 1 GB, under the 1.5 GiB the whole run may take, with the parent's ~0.2–0.3 GB beside it
 * (docs/measured.md, "`goblin run` at twenty-four times the bench, within 1.5 GiB").
 */
export const DEFAULT_LEARN_MAX_SESSIONS = 60_000;

/**
 * `learn.alongside_store_max_bytes`'s default: the learning process peaks at ~2 bytes per staged byte
 * (636 MB for 302 MB of rows), DuckDB at up to ~1.0 GB; 128 MiB of rows (~5,000 dense captures) keeps
 * the two together under 1.5 GiB with room to spare. Smaller runs (the bench's 1,000 captures stage
 * ~25 MB) keep learning while the store loads, which saves the learning step's time.
 */
export const DEFAULT_LEARN_ALONGSIDE_STORE_MAX_BYTES = 128 * 2 ** 20;

/** FNV-1a (32 bits) of `text`'s UTF-16 code units: cheap, stable, spread well enough to sample. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface LearnSample {
  /** Sessions staged by the run. */
  staged: number;
  /** The most the step learns from (`learn.max_sessions`). */
  max: number;
  /** Keep this session? (`har`: its capture's name as the run's outputs give it.) */
  keeps(har: string, key: string): boolean;
}

/**
 * The sample for a run that staged `staged` sessions, or null when every session fits under `max`.
 * About `max` sessions are kept (each with probability max / staged), never a set that depends on order.
 */
export function learnSample(staged: number, max: number): LearnSample | null {
  if (!(staged > max)) return null;
  const bound = Math.floor((max / staged) * 2 ** 32);
  return { staged, max, keeps: (har, key) => fnv1a(`${har}\u0000${key}`) < bound };
}
