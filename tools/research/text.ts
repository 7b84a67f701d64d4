/** Text helpers shared by the index, the quote picker and the citation verifier. */
import { fnv1a } from '../util/hash.js';
export { fnv1a };

/**
 * Normalization used to compare quotes with cached pages: Unicode NFKC, typographic quotes and
 * dashes folded to ASCII, non-breaking spaces to spaces, whitespace collapsed, lower-cased.
 */
export function normalizeForMatch(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\s\u00A0\u200B]+/g, ' ')
    .trim()
    .toLowerCase();
}

const STOPWORDS = new Set(
  (
    'a an and are as at be by for from has have in is it its of on or that the this to was were will with ' +
    'when what which who how do does can may not no your you we our they their than then there these those'
  ).split(' '),
);

/** Light, deterministic suffix stripping (a tiny Porter-like step 1) so "pings" matches "ping". */
export function stem(w: string): string {
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is')) return w;
  if (w.endsWith('s')) return w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) return w.slice(0, -3);
  if (w.endsWith('ed') && w.length > 4) return w.slice(0, -2);
  return w;
}

/** Lexical tokens for BM25 and the hashing embedders: lower-case words/numbers, stop words dropped, stemmed. */
export function lexTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of normalizeForMatch(text).matchAll(/[a-z0-9][a-z0-9_.:-]*[a-z0-9]|[a-z0-9]/g)) {
    let t = m[0];
    // Keep dotted versions ("3.6.0") and colon params ("s:event:type") whole, but also index their parts.
    if (/[.:_-]/.test(t)) {
      for (const part of t.split(/[.:_-]+/)) if (part && !STOPWORDS.has(part)) out.push(stem(part));
      if (!/^\d+(\.\d+)*$/.test(t) && !t.includes(':')) continue;
    }
    if (STOPWORDS.has(t)) continue;
    t = stem(t);
    out.push(t);
  }
  return out;
}

/** Approximate token count (words × 1.3), documented in README: no tokenizer download needed. */
export function approxTokens(text: string): number {
  const words = text.match(/\S+/g)?.length ?? 0;
  return Math.ceil(words * 1.3);
}

/** Deterministic hashed bag-of-words vector (signed feature hashing, L2-normalized). */
export function hashedBagOfWords(text: string, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (const t of lexTokens(text)) {
    const h = fnv1a(t);
    v[h % dim] += (h >>> 31) & 1 ? -1 : 1;
  }
  let n = 0;
  for (let i = 0; i < dim; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < dim; i++) v[i] /= n;
  return v;
}

export function slugify(s: string, max = 60): string {
  return (
    s
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, max)
      .replace(/-+$/g, '') || 'x'
  );
}
