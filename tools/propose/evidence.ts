/**
 * Evidence for proposals: candidate quotes (verbatim slices of cached pages' clean text, plus the bundle's
 * evidence chunks), ranked by the changed parameter's terms, and a deterministic "does this quote support
 * the value" test. Verification goes through the research verifier (CitationResolver), so a quote is
 * accepted exactly when `goblin research verify` would accept it.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CitationResolver } from '../research/verify.js';
import { FetchCache } from '../research/cache.js';
import { extractRecord } from '../research/store.js';
import type { Bundle } from '../bundle/schema.js';
import { checkFor } from '../validate/checks/index.js';
import { gradeOf, rankEvidence, type EvidenceGrade, type RankContext } from './evidence-rank.js';

export interface Quote {
  url: string;
  quote: string;
  cached_ref?: string;
}

/** A candidate passage with what ranking reads about its page (title, fetch date). */
interface Candidate extends Quote {
  title?: string;
  fetched_at?: string;
}

/** What a change is about, for finding and judging evidence. */
export interface ParamTopic {
  /** check parameter or dictionary param, e.g. ad_interval_s, first_ping_min_s, heartbeat_hosts, media.assetId */
  param: string;
  value: number | string;
  /** regexes; a supporting quote names the topic (any of these) near the value */
  terms: RegExp[];
  kind: 'interval' | 'first_ping' | 'host' | 'param_name';
}

/**
 * What a quote about a check's parameter must name: the check definition's proposal hooks say it (the
 * moved parameter's own hook, else the check's first); anything else is about a parameter name.
 */
export function topicFor(check: string, param: string, value: number | string): ParamTopic {
  const moves = checkFor(check)?.propose ?? [];
  const move = moves.find((m) => m.param === param) ?? moves[0];
  if (move && move.evidence.kind !== 'param_name')
    return { param, value, kind: move.evidence.kind, terms: move.evidence.terms ?? [] };
  return { param, value, kind: 'param_name', terms: [new RegExp(escapeRe(String(value)))] };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const NUM = /(\d+(?:\.\d+)?)(?:\s*[–-]\s*(\d+(?:\.\d+)?))?\s*(ms|s\b|sec|seconds)?/g;

/**
 * A quote supports a value when it names the topic and, within 60 characters after that, states the
 * value (a number equal to it, or a range containing it). Hosts: the quote says CNAMEs are allowed for
 * that traffic. Params: the quote names the param.
 */
export function supports(quote: string, t: ParamTopic): boolean {
  if (t.kind === 'param_name') {
    // heartbeat `s:meta:{key}` carries the standard metadata key (docs/reference/wire-formats.md §8)
    const v = String(t.value);
    return quote.includes(v) || (v.startsWith('s:meta:') && quote.includes(v.slice('s:meta:'.length)));
  }
  if (t.kind === 'host') return /CNAME/i.test(quote) && /hb\.omtrdc|heartbeat|hb-api|edge/i.test(quote);
  const v = Number(t.value);
  for (const term of t.terms) {
    const g = new RegExp(term.source, term.flags.includes('g') ? term.flags : `${term.flags}g`);
    for (const m of quote.matchAll(g)) {
      const after = quote.slice(m.index! + m[0].length, m.index! + m[0].length + 60);
      for (const n of after.matchAll(NUM)) {
        const unit = n[3];
        if (unit === 'ms' || (!unit && !n[2])) continue; // bare numbers (version parts, list indices) do not count
        const a = Number(n[1]);
        const b = n[2] !== undefined ? Number(n[2]) : null;
        if (t.kind === 'interval' && (b === null ? a === v : a <= v && v <= b)) return true;
        if (t.kind === 'first_ping' && b === null && a <= v + 0.5 && a < 5) return true;
      }
      if (t.kind === 'first_ping' && /no fixed offset/i.test(after)) return true;
    }
  }
  return false;
}

/** Verbatim candidate quotes from every cached page (table cells, sentences, list items). */
export function cachedQuotes(cacheDir: string): Candidate[] {
  const cache = new FetchCache(cacheDir);
  const out: Candidate[] = [];
  const urls = cache.pageUrls();
  for (const url of urls) {
    const rec = cache.latestWithBody(url);
    if (!rec) continue;
    const ex = extractRecord(cache, rec);
    if (!ex) continue;
    const seen = new Set<string>();
    for (const line of ex.text.split('\n'))
      for (const cell of line.split(' | '))
        for (const piece of [cell, ...cell.split(/(?<=[.;])\s+|;\s+/)]) {
          const q = piece.replace(/^[-*#>\s]+/, '').trim();
          if (q.length < 12 || q.length > 320 || seen.has(q)) continue;
          seen.add(q);
          out.push({
            url: rec.url,
            quote: q,
            cached_ref: rec.ref,
            title: ex.title,
            fetched_at: rec.fetched_at,
          });
        }
  }
  return out;
}

const quoteMemo = new Map<string, Candidate[]>();

export interface RankedEvidence {
  quotes: Quote[];
  /** direct: the first quote names this SDK/platform and the scoped version; generic: it does not; none: no quote. */
  grade: EvidenceGrade;
  /** Why the first quote ranks first (same SDK family, names the scoped version, …). */
  reasons: string[];
  /** Supporting passages left out because they are about another SDK. */
  other_sdk: number;
}

/** Best verbatim quotes for a topic: bundle evidence first, then cached pages; only supporting ones. */
export function findEvidence(
  topic: ParamTopic,
  opts: { cacheDir: string; bundle?: Bundle; max?: number },
): Quote[] {
  return findRankedEvidence(topic, opts).quotes;
}

/**
 * The supporting quotes ranked by how directly they support the change (tools/propose/evidence-rank.ts)
 * when a context is given: a passage about another SDK is never cited; the direct one comes first and a
 * generic one stays as support. Without a context, the longest supporting quotes (bundle evidence first).
 */
export function findRankedEvidence(
  topic: ParamTopic,
  opts: { cacheDir: string; bundle?: Bundle; max?: number; context?: RankContext },
): RankedEvidence {
  const cands: Candidate[] = [
    ...(opts.bundle?.evidence_chunks ?? []).map((c) => ({
      url: c.url,
      quote: c.quote,
      cached_ref: c.cached_ref,
      title: c.title,
    })),
  ];
  const dir = resolve(opts.cacheDir);
  // Keyed by the cache's index state too: a page fetched or imported since must be seen (same process).
  const idx = join(dir, 'index.jsonl');
  const st = existsSync(idx) ? statSync(idx) : null;
  const key = `${dir}\n${st?.mtimeMs ?? 0}\n${st?.size ?? 0}`;
  if (!quoteMemo.has(key)) quoteMemo.set(key, cachedQuotes(dir));
  cands.push(...quoteMemo.get(key)!);
  const resolver = new CitationResolver(new FetchCache(dir));
  const out: Quote[] = [];
  const seen = new Set<string>();
  // Longest first is the tie-break (more context for the reviewer), as before ranking existed.
  const supporting = cands
    .filter((c) => supports(c.quote, topic))
    .sort((a, b) => b.quote.length - a.quote.length);
  const ranked = opts.context
    ? rankEvidence(supporting, { ...opts.context, value: opts.context.value ?? topic.value })
    : supporting.map((quote) => ({
        quote,
        score: 0,
        direct: false,
        other_sdk: false,
        reasons: [] as string[],
      }));
  const kept: typeof ranked = [];
  for (const r of ranked) {
    const c = r.quote;
    if (r.other_sdk || seen.has(c.quote)) continue;
    seen.add(c.quote);
    if (!resolver.check(c).ok) continue;
    out.push({ url: c.url, quote: c.quote, ...(c.cached_ref ? { cached_ref: c.cached_ref } : {}) });
    kept.push(r);
    if (out.length >= (opts.max ?? 2)) break;
  }
  return {
    quotes: out,
    grade: opts.context ? gradeOf(kept) : out.length ? 'generic' : 'none',
    reasons: kept[0]?.reasons ?? [],
    other_sdk: ranked.filter((r) => r.other_sdk).length,
  };
}

export function verifyQuote(q: Quote, cacheDir: string): { ok: boolean; detail: string } {
  const r = new CitationResolver(new FetchCache(resolve(cacheDir))).check(q);
  return r.ok
    ? { ok: true, detail: `verbatim in ${r.where}` }
    : { ok: false, detail: `${r.reason}: ${r.detail}` };
}
