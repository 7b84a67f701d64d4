// Which session carries which fault, and which clean session carries which trap.
//
// Quotas: with F = round(sessions × fault rate) faulted media sessions, every code gets
// q = round(8 × F / 150) findings (8 at the default 300 sessions / 0.5), spread round-robin over the
// protocols it applies to. Codes that also exist in page traffic put most of their quota there. There are
// more media-only codes × q than faulted sessions, so some sessions carry two faults; the second is then
// chosen from a different zone so the two cannot change each other's evidence.

import { ALL_CODES, type Code } from './codes.js';
import { applies, MEDIA_VARIANTS, type MediaVariant } from './faults.js';
import type { MediaLib, Platform, Protocol } from './model.js';
import { pageVariantsFor, type PageKind, type PageVariant } from './page-faults.js';
import type { Rng } from './prng.js';
import { EXPLICIT_TRAPS, mergeNeeds, trapApplies } from './traps.js';

export interface SessionSlot {
  index: number;
  protocol: Protocol;
  platform: Platform;
  lib: MediaLib;
  reserved: boolean;
  faults: MediaVariant[];
  traps: string[];
}

/** Media-side share of codes that mostly live in page traffic. */
const MEDIA_SHARE: Partial<Record<Code, number>> = {
  BEACON_TRUNCATED: 0,
  EVENT_DUPLICATE: 2,
  RSID_INVALID: 2,
  PARAM_NAME_INVALID: 2,
  IDENTITY_MISSING_ECID: 3,
  HOST_UNEXPECTED: 3,
  BEACON_REJECTED: 0,
};

export function quotaFor(faulted: number): number {
  return faulted > 0 ? Math.max(1, Math.round((8 * faulted) / 150)) : 0;
}

function needsOk(slot: SessionSlot, extra: MediaVariant): boolean {
  let needs = {};
  for (const v of [...slot.faults, extra]) {
    const m = mergeNeeds(needs, v.needs?.(slot.lib) ?? {});
    if (!m) return false;
    needs = m;
  }
  return true;
}

function compatible(slot: SessionSlot, v: MediaVariant): boolean {
  if (slot.faults.length === 0) return needsOk(slot, v);
  if (slot.faults.length >= 2 || v.solo) return false;
  const other = slot.faults[0];
  if (other.solo || other.zone === v.zone || other.code === v.code) return false;
  if ((other.touches ?? []).some((t) => (v.touches ?? []).includes(t))) return false;
  const zones = new Set([other.zone, v.zone]);
  if (zones.has('stamp') && (zones.has('content') || zones.has('playhead') || zones.has('ad'))) return false;
  // A double needs at least one light fault (parameters, identity, transport, chapters, orchestration).
  const light = ['attr', 'chapter', 'start', 'stamp'];
  if (!light.includes(other.zone) && !light.includes(v.zone)) return false;
  return needsOk(slot, v);
}

export function allocateMediaFaults(rng: Rng, slots: SessionSlot[], faultRate: number): Map<Code, number> {
  const counts = new Map<Code, number>(ALL_CODES.map((c) => [c, 0]));
  const open = slots.filter((s) => !s.reserved);
  const F = Math.min(open.length, Math.round(slots.length * faultRate));
  const q = quotaFor(F);
  if (q === 0) return counts;
  const pool = rng.shuffle(open).slice(0, F);
  const outside = open.filter((s) => !pool.includes(s));
  const perProtocol = new Map<string, number>();
  const perVariant = new Map<string, number>();

  const eligible = (v: MediaVariant) => open.filter((s) => applies(v, s.protocol, s.platform));
  const codeOrder = ALL_CODES.filter((c) => MEDIA_VARIANTS.some((v) => v.code === c))
    .map((c) => ({
      c,
      n: MEDIA_VARIANTS.filter((v) => v.code === c).reduce((s, v) => s + eligible(v).length, 0),
    }))
    .sort((a, b) => a.n - b.n || ALL_CODES.indexOf(a.c) - ALL_CODES.indexOf(b.c))
    .map((x) => x.c);
  const quota = (c: Code) => (c in MEDIA_SHARE ? Math.min(q, MEDIA_SHARE[c] ?? 0) : q);

  const place = (v: MediaVariant, s: SessionSlot) => {
    s.faults.push(v);
    for (const c of [v.code, ...(v.also ?? [])]) counts.set(c, (counts.get(c) ?? 0) + 1);
    perProtocol.set(`${v.code}:${s.protocol}`, (perProtocol.get(`${v.code}:${s.protocol}`) ?? 0) + 1);
    perVariant.set(v.id, (perVariant.get(v.id) ?? 0) + 1);
  };

  const tryPlace = (code: Code, light: boolean): boolean => {
    const variants = MEDIA_VARIANTS.filter((v) => v.code === code).sort(
      (a, b) => (perVariant.get(a.id) ?? 0) - (perVariant.get(b.id) ?? 0),
    );
    // Spread over protocols: try the protocol this code has used least first.
    const protocols = [...new Set(variants.flatMap((v) => v.protocols))].sort(
      (a, b) => (perProtocol.get(`${code}:${a}`) ?? 0) - (perProtocol.get(`${code}:${b}`) ?? 0),
    );
    const tiers: ((s: SessionSlot) => boolean)[] = light
      ? [(s) => pool.includes(s) && s.faults.length === 1, (s) => pool.includes(s) && s.faults.length === 0]
      : [(s) => pool.includes(s) && s.faults.length === 0, (s) => pool.includes(s) && s.faults.length === 1];
    tiers.push((s) => outside.includes(s) && s.faults.length === 0);
    for (const tier of tiers) {
      for (const p of protocols) {
        for (const v of variants) {
          if (!v.protocols.includes(p)) continue;
          const cands = open.filter(
            (s) => s.protocol === p && applies(v, s.protocol, s.platform) && tier(s) && compatible(s, v),
          );
          if (cands.length === 0) continue;
          place(v, cands[Math.floor(rng.next() * cands.length)]);
          return true;
        }
      }
    }
    return false;
  };

  // Heavy faults first (each wants a session of its own), then the light ones, which may share.
  const isLight = (c: Code) => MEDIA_VARIANTS.filter((v) => v.code === c).every((v) => v.zone === 'attr');
  for (const light of [false, true]) {
    let progress = true;
    while (progress) {
      progress = false;
      for (const code of codeOrder) {
        if (isLight(code) !== light || (counts.get(code) ?? 0) >= quota(code)) continue;
        if (tryPlace(code, light)) progress = true;
      }
    }
  }
  // Faulted sessions still without a fault take the least-used code that fits them.
  for (const s of pool) {
    if (s.faults.length > 0) continue;
    const options = MEDIA_VARIANTS.filter((v) => applies(v, s.protocol, s.platform) && compatible(s, v)).sort(
      (a, b) =>
        (counts.get(a.code) ?? 0) - (counts.get(b.code) ?? 0) ||
        (perVariant.get(a.id) ?? 0) - (perVariant.get(b.id) ?? 0),
    );
    if (options.length > 0) place(options[0], s);
  }
  return counts;
}

export interface PageSlot {
  capture: number;
  kind: PageKind;
  withHeartbeat: boolean;
  hasPage: boolean;
  faults: PageVariant[];
}

export function allocatePageFaults(
  rng: Rng,
  slots: PageSlot[],
  mediaCounts: Map<Code, number>,
  faulted: number,
): void {
  const q = quotaFor(faulted);
  if (q === 0) return;
  const perVariant = new Map<string, number>();
  const codes = Object.keys(MEDIA_SHARE) as Code[];
  const order = rng.shuffle(slots.filter((s) => s.hasPage));
  let cursor = 0;
  for (const code of codes) {
    // One extra over the quota so that a capture lost to a page fault never drops a code below it.
    let need = Math.max(2, q + 1 - (mediaCounts.get(code) ?? 0));
    let tries = 0;
    while (need > 0 && tries < order.length) {
      const slot = order[cursor % order.length];
      cursor++;
      tries++;
      if (slot.faults.length > 0) continue;
      const variants = pageVariantsFor(slot.kind, slot.withHeartbeat)
        .filter((v) => v.code === code)
        .sort((a, b) => (perVariant.get(a.id) ?? 0) - (perVariant.get(b.id) ?? 0));
      if (variants.length === 0) continue;
      slot.faults.push(variants[0]);
      perVariant.set(variants[0].id, (perVariant.get(variants[0].id) ?? 0) + 1);
      need--;
    }
  }
}

/** Clean sessions get one explicit trap each (least used first), some a second one. */
export function allocateTraps(rng: Rng, slots: SessionSlot[]): void {
  const used = new Map<string, number>();
  for (const s of slots) {
    if (s.reserved || s.faults.length > 0) continue;
    const fits = EXPLICIT_TRAPS.filter((t) => trapApplies(t, s.protocol, s.platform)).sort(
      (a, b) =>
        (used.get(a.name) ?? 0) - (used.get(b.name) ?? 0) ||
        EXPLICIT_TRAPS.indexOf(a) - EXPLICIT_TRAPS.indexOf(b),
    );
    let needs = {};
    for (const t of fits) {
      if (s.traps.length >= (rng.chance(0.25) ? 2 : 1)) break;
      if (t.name === 'no_analytics_in_capture' && s.traps.length > 0) continue;
      const m = mergeNeeds(needs, t.needs);
      if (!m) continue;
      needs = m;
      s.traps.push(t.name);
      used.set(t.name, (used.get(t.name) ?? 0) + 1);
    }
  }
}
