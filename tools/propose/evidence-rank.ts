/**
 * Which passage supports *this change*: a reviewer accepts a citation without editing it when it is
 * about the same SDK family and platform, names the version the spec is scoped to, states the measured
 * value, comes from the vendor, and is the newest such statement. A generic passage (a range in a
 * wire-format reference) stays as support behind it; a passage about another SDK is never cited.
 *
 * Pure: the candidates carry their page title and fetch date (tools/propose/evidence.ts adds them).
 */
import semver from 'semver';
import { isVendorSource } from '../style/rules.js';

export interface RankContext {
  platform?: string[];
  protocol?: string[];
  /** The spec's version scope (a semver range). */
  version?: string;
  value?: number | string;
}

export interface RankedQuote<Q> {
  quote: Q;
  score: number;
  /** Same SDK family or platform, the scoped version named, and no other SDK: it supports the change itself. */
  direct: boolean;
  /** About another SDK family or platform only: never the main evidence. */
  other_sdk: boolean;
  reasons: string[];
}

/** SDK families as documentation names them, and the protocols (scope.protocol) each one speaks. */
const FAMILIES: { id: string; re: RegExp; protocols: string[] }[] = [
  { id: 'heartbeat', re: /heartbeat|\bVHL\b|hb\.omtrdc|video heartbeat/i, protocols: ['heartbeat'] },
  {
    id: 'media-js',
    re: /\bmedia ?js\b|media sdk for javascript|mediasdk\.js/i,
    protocols: ['media-collection'],
  },
  {
    id: 'media-collection',
    re: /media collection api|media-collection|streaming media collection/i,
    protocols: ['media-collection'],
  },
  { id: 'web-sdk', re: /\bweb sdk\b|\balloy\b|streamingmedia/i, protocols: ['media-edge', 'edge'] },
  { id: 'edge-media', re: /media edge|edge network media|media-edge/i, protocols: ['media-edge'] },
  { id: 'appmeasurement', re: /appmeasurement|\bs_code\b/i, protocols: ['aa'] },
];

const PLATFORMS: { id: string; re: RegExp }[] = [
  { id: 'android', re: /android/i },
  { id: 'ios', re: /\bios\b|iphone|ipad/i },
  { id: 'tvos', re: /tvos|apple tv/i },
  { id: 'roku', re: /roku|brightscript/i },
  { id: 'chromecast', re: /chromecast|cast receiver/i },
  { id: 'web', re: /javascript|browser|\bweb\b/i },
];

/** Versions the text names (3.4, 3.4.1, v2.1.0). */
function versionsNamed(text: string): string[] {
  return [...text.matchAll(/\bv?(\d+\.\d+(?:\.\d+)?)(?![\d.]*%)/g)].map((m) => m[1]);
}

function namesScopedVersion(text: string, range: string | undefined): boolean {
  if (!range || !semver.validRange(range)) return false;
  const low = semver.minVersion(range.split('||')[0]);
  return versionsNamed(text).some((v) => {
    const c = semver.coerce(v);
    if (!c) return false;
    // "3.4" names the 3.4 minor: it matches a range starting inside it.
    if (v.split('.').length === 2) return !!low && low.major === c.major && low.minor === c.minor;
    return semver.satisfies(c, range);
  });
}

function statesValue(text: string, value: number | string | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value === 'string') return text.includes(value);
  return new RegExp(`(^|[^\\d.])${String(value).replace('.', '\\.')}\\s*(s\\b|sec|second)`, 'i').test(text);
}

function rankQuote<Q extends { url: string; quote: string; title?: string; fetched_at?: string }>(
  q: Q,
  ctx: RankContext,
): RankedQuote<Q> {
  const text = `${q.title ?? ''}\n${q.url}\n${q.quote}`;
  const reasons: string[] = [];
  const fams = FAMILIES.filter((f) => f.re.test(text));
  const plats = PLATFORMS.filter((p) => p.re.test(text));
  const famOk = fams.some((f) => f.protocols.some((p) => ctx.protocol?.includes(p)));
  const platOk = plats.some((p) => ctx.platform?.includes(p.id));
  // Another SDK: it names families or platforms, and none of them is this scope's.
  const otherFam = fams.length > 0 && !famOk && !!ctx.protocol?.length;
  const otherPlat =
    plats.length > 0 && !platOk && !!ctx.platform?.length && !plats.some((p) => p.id === 'web');
  const other_sdk = otherFam || otherPlat;
  let score = 0;
  if (famOk) ((score += 3), reasons.push('same SDK family'));
  if (platOk) ((score += 2), reasons.push('same platform'));
  const version = namesScopedVersion(text, ctx.version);
  if (version) ((score += 3), reasons.push('names the scoped version'));
  if (statesValue(q.quote, ctx.value)) ((score += 2), reasons.push('states the measured value'));
  if (isVendorSource(q.url)) ((score += 1), reasons.push('vendor source'));
  if (/release[- ]notes?|changelog|what'?s new/i.test(`${q.title ?? ''} ${q.url}`))
    ((score += 1), reasons.push('release note'));
  if (other_sdk) ((score -= 10), reasons.push('about another SDK'));
  return { quote: q, score, direct: version && (famOk || platOk) && !other_sdk, other_sdk, reasons };
}

/** Best first: score, then the newest fetch, then the longer passage (more context for the reviewer). */
export function rankEvidence<Q extends { url: string; quote: string; title?: string; fetched_at?: string }>(
  qs: Q[],
  ctx: RankContext,
): RankedQuote<Q>[] {
  return qs
    .map((q) => rankQuote(q, ctx))
    .sort(
      (a, b) =>
        b.score - a.score ||
        (b.quote.fetched_at ?? '').localeCompare(a.quote.fetched_at ?? '') ||
        b.quote.quote.length - a.quote.quote.length,
    );
}

export type EvidenceGrade = 'direct' | 'generic' | 'none';

/** How well the cited evidence supports a version-scoped change (the loop opens no PR below `direct`). */
export function gradeOf(ranked: RankedQuote<unknown>[]): EvidenceGrade {
  const main = ranked.find((r) => !r.other_sdk);
  return !main ? 'none' : main.direct ? 'direct' : 'generic';
}
