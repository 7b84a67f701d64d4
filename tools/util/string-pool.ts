/**
 * One copy of each text that repeats from row to row. `JSON.parse` gives every parsed row its own copy of
 * every string, and a run holds many rows at once — the learning step its learn rows (docs/measured.md,
 * "The learning step's read"), the report its findings ("Findings held once per value"): the same keys,
 * codes, hosts and messages again and again.
 */
export class StringPool {
  private readonly seen = new Map<string, string>();

  /** `text`, or the equal text this pool was given first. */
  one(text: string): string {
    const same = this.seen.get(text);
    if (same !== undefined) return same;
    this.seen.set(text, text);
    return text;
  }

  /** Each text in `list` (when it is an array) replaced in place by the pool's copy; other values kept. */
  inList(list: unknown): void {
    if (!Array.isArray(list)) return;
    for (let i = 0; i < list.length; i++) {
      const v: unknown = list[i];
      if (typeof v === 'string') list[i] = this.one(v);
    }
  }

  /** Each of `keys` whose value in `row` is text replaced in place by the pool's copy. */
  inFields(row: Record<string, unknown>, keys: readonly string[]): void {
    for (const k of keys) {
      const v = row[k];
      if (typeof v === 'string') row[k] = this.one(v);
    }
  }
}
