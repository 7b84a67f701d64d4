import YAML from 'yaml';
import type { PreferenceRecord } from '../pr/feedback.js';
import type { ReviewAction } from './outcome.js';
import { reasonFromComment } from './outcome.js';
import { shapeOf } from './reject.js';
import { fits, KINDS, NONE, observe, type Observation, type SpecObj, type Variant } from './rules.js';
import { StyleFile, type RejectShape, type StyleRule } from './store.js';

/** One review as style memory reads it (a preference record, or a simulated one in the replay benchmark). */
export interface Review {
  ref: number | string;
  at: string;
  action: ReviewAction;
  proposed: SpecObj | null;
  final: SpecObj | null;
  reason_code: string | null;
  reason: string | null;
}

function parseSpec(text: string | null): SpecObj | null {
  if (!text) return null;
  try {
    const v: unknown = YAML.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as SpecObj) : null;
  } catch {
    return null;
  }
}

export function reviewsFromRecords(records: PreferenceRecord[]): Review[] {
  return records
    .map((r) => ({
      ref: r.pr,
      at: r.closed_at ?? r.opened_at,
      action:
        r.action ?? (r.outcome === 'merged' ? 'approve' : r.outcome === 'merged_edited' ? 'edit' : 'reject'),
      proposed: parseSpec(r.proposed),
      final: parseSpec(r.final),
      reason_code: r.reason_code ?? (r.outcome === 'closed' ? reasonFromComment(r.reason) : null),
      reason: r.reason,
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

const keepLast = <T>(xs: T[], n = 5) => xs.slice(-n);

function learnRules(reviews: Review[], prev: StyleFile): StyleRule[] {
  const bySlot = new Map<string, { o: Observation; ref: number | string }[]>();
  for (const r of reviews) {
    if ((r.action !== 'approve' && r.action !== 'edit') || !r.proposed || !r.final) continue;
    for (const o of observe(r.proposed, r.final)) {
      const l = bySlot.get(o.slot) ?? [];
      l.push({ o, ref: r.ref });
      bySlot.set(o.slot, l);
    }
  }
  const locked = new Map(prev.rules.filter((r) => r.locked).map((r) => [r.slot, r]));
  const rules: StyleRule[] = [];
  for (const [slot, obs] of bySlot) {
    const kind = obs[0].o.kind;
    const def = KINDS[kind];
    const lock = locked.get(slot);
    const candidates: Variant[] = lock
      ? [lock.variant]
      : [
          ...new Set(
            obs
              .filter((x) => x.o.edited)
              .flatMap((x) => [x.o.variant, ...(x.o.also ?? [])])
              .filter((v) => v !== NONE),
          ),
        ];
    let best: StyleRule | null = null;
    for (const v of candidates) {
      const sup = obs.filter((x) => x.o.edited && fits(x.o, v));
      const con = obs.filter((x) => !fits(x.o, v) && def.contradicts(v, x.o.variant));
      const conf = sup.length / Math.max(1, sup.length + con.length);
      const rule: StyleRule = {
        slot,
        kind,
        variant: v,
        description: def.describe(slot, v),
        support: sup.length,
        counter: con.length,
        examples: keepLast(sup.map((x) => x.ref)),
        counter_examples: keepLast(con.map((x) => x.ref)),
        active: lock
          ? lock.active
          : !prev.ignore.includes(slot) && sup.length >= prev.min_support && conf >= prev.min_confidence,
        locked: !!lock,
      };
      // The variant edits moved towards most often; on a tie the most recent one (conventions drift).
      if (
        !best ||
        rule.support > best.support ||
        (rule.support === best.support && lastIndex(obs, v) > lastIndex(obs, best.variant))
      )
        best = rule;
    }
    if (best) rules.push(best);
    locked.delete(slot);
  }
  // Locked rules no review mentions any more stay as the person wrote them.
  rules.push(...locked.values());
  return rules.sort((a, b) => a.slot.localeCompare(b.slot));
}

const lastIndex = (obs: { o: Observation }[], v: Variant) =>
  obs.findLastIndex((x) => x.o.edited && fits(x.o, v));

function learnRejections(reviews: Review[], prev: StyleFile): RejectShape[] {
  const shapes = new Map<string, RejectShape & { since: number }>();
  const reasons = new Set<string>();
  for (const r of reviews) {
    if (r.action === 'reject' && r.proposed && r.reason_code && r.reason_code !== 'unspecified') {
      reasons.add(r.reason_code);
      const key = `${r.reason_code}\n${shapeOf(r.proposed, r.reason_code)}`;
      const s = shapes.get(key) ?? {
        shape: shapeOf(r.proposed, r.reason_code),
        reason: r.reason_code,
        example_reason: null,
        rejected: 0,
        accepted: 0,
        examples: [],
        active: false,
        since: 0,
      };
      s.rejected++;
      s.since = 0;
      s.example_reason = r.reason ?? s.example_reason;
      s.examples = keepLast([...s.examples, r.ref]);
      shapes.set(key, s);
    } else if ((r.action === 'approve' || r.action === 'edit') && r.final) {
      // A merge of the same shape (as merged) means the team does take such proposals after all.
      for (const reason of reasons) {
        const s = shapes.get(`${reason}\n${shapeOf(r.final, reason)}`);
        if (s) (s.accepted++, s.since++);
      }
    }
  }
  return [...shapes.values()].map(({ since, ...s }) => ({
    ...s,
    active: !prev.ignore.includes(`reject:${s.shape}`) && s.rejected >= prev.min_rejections && since === 0,
  }));
}

/** Style memory from the reviews so far (time order); `prev` supplies thresholds, locks and ignores. */
export function learnStyle(
  reviews: Review[],
  prev: StyleFile = StyleFile.parse({}),
  now?: string,
): StyleFile {
  return {
    ...prev,
    generated_at: now ?? prev.generated_at,
    reviews: reviews.filter((r) => r.action !== 'defer').length,
    rules: learnRules(reviews, prev),
    rejections: learnRejections(reviews, prev),
  };
}
