/**
 * Holes: HAR entries the reader or a decoder quarantined (a malformed entry, an undecodable beacon). A
 * hole inside a session's window hides what happened there, so continuous checks (cadence, playhead)
 * must not judge across it. The entry's own time is often unknown (a malformed entry may have no
 * parsable `startedDateTime`), so a hole is the time bracket of its neighbours in the file.
 */
export interface Hole {
  entry_index: number;
  /** Earliest / latest capture time (epoch ms) the entry can have; null = unbounded on that side. */
  from_ms: number | null;
  to_ms: number | null;
  reason: string;
}

/**
 * Bracket each quarantined entry by the capture times of the nearest readable entries before and after it
 * in file order (its own time when it was readable, e.g. an undecodable beacon).
 */
export function bracketHoles(
  readable: { index: number; ms: number | null }[],
  quarantined: { entry_index: number; reason: string }[],
): Hole[] {
  if (quarantined.length === 0) return [];
  const byIndex = readable.filter((r) => r.ms !== null).sort((a, b) => a.index - b.index);
  return quarantined.map((q) => {
    const own = byIndex.find((r) => r.index === q.entry_index);
    if (own) return { entry_index: q.entry_index, from_ms: own.ms, to_ms: own.ms, reason: q.reason };
    let before: number | null = null;
    let after: number | null = null;
    for (const r of byIndex) {
      if (r.index < q.entry_index) before = r.ms;
      else if (r.index > q.entry_index) {
        after = r.ms;
        break;
      }
    }
    // Exporters write in capture order mostly, not always: a bracket that runs backwards is unknown.
    if (before !== null && after !== null && before > after) before = after = null;
    return { entry_index: q.entry_index, from_ms: before, to_ms: after, reason: q.reason };
  });
}

/** Whether a hole can lie within [from, to] (capture ms, inclusive). */
export function holeWithin(h: Hole, from: number, to: number): boolean {
  return (h.from_ms === null || h.from_ms <= to) && (h.to_ms === null || h.to_ms >= from);
}
