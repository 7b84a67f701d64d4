/**
 * The site's client-side search: a prebuilt inverted index (written at build time) and a BM25 scorer
 * that runs in the browser. This module has no imports so the site's browser bundle can use the same
 * tokenizer and scorer as the build (and the unit tests).
 */

export type SearchKind = 'spec' | 'dictionary' | 'code' | 'evidence' | 'clause';

export interface SearchDocInput {
  kind: SearchKind;
  title: string;
  /** Site-relative URL (no base), e.g. `/specs/CADENCE_X/`. */
  url: string;
  /** Short text shown under the result. */
  snippet: string;
  /** Extra searchable text with field weight 3 (ids, names). */
  keywords?: string;
  /** Body text, weight 1. */
  body: string;
}

export interface SearchIndex {
  version: 1;
  docs: { k: SearchKind; t: string; u: string; s: string }[];
  /** Document length (weighted token count) per doc. */
  dl: number[];
  avgdl: number;
  /** term → flat [docIndex, weightedTf, docIndex, weightedTf, …] */
  terms: Record<string, number[]>;
}

export interface SearchHit {
  doc: number;
  score: number;
  kind: SearchKind;
  title: string;
  url: string;
  snippet: string;
}

const STOP = new Set(
  'a an and are as at be by for from has have in is it its of on or that the this to was were will with than then'.split(
    ' ',
  ),
);

function stem(t: string): string {
  if (t.length > 4 && t.endsWith('ies')) return `${t.slice(0, -3)}y`;
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us')) return t.slice(0, -1);
  return t;
}

/** Lowercased, camelCase- and punctuation-split, lightly stemmed tokens without stop words. */
export function tokenize(text: string): string[] {
  const spaced = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  const out: string[] = [];
  for (const raw of spaced.split(/[^a-z0-9]+/)) {
    if (!raw || STOP.has(raw)) continue;
    out.push(stem(raw));
  }
  return out;
}

const FIELD_WEIGHT_TITLE = 3;
const KIND_PRIOR: Record<SearchKind, number> = {
  spec: 1.15,
  code: 1,
  dictionary: 1,
  evidence: 1,
  clause: 0.9,
};

export function buildSearchIndex(inputs: SearchDocInput[]): SearchIndex {
  const docs: SearchIndex['docs'] = [];
  const dl: number[] = [];
  const postings = new Map<string, Map<number, number>>();
  inputs.forEach((d, i) => {
    docs.push({ k: d.kind, t: d.title, u: d.url, s: d.snippet.slice(0, 240) });
    const tf = new Map<string, number>();
    let len = 0;
    const add = (text: string, w: number) => {
      for (const tok of tokenize(text)) {
        tf.set(tok, (tf.get(tok) ?? 0) + w);
        len += w;
      }
    };
    add(`${d.title} ${d.keywords ?? ''}`, FIELD_WEIGHT_TITLE);
    add(d.body, 1);
    dl.push(len);
    for (const [tok, n] of tf) {
      let p = postings.get(tok);
      if (!p) postings.set(tok, (p = new Map()));
      p.set(i, n);
    }
  });
  const terms: Record<string, number[]> = {};
  for (const tok of [...postings.keys()].sort()) {
    const flat: number[] = [];
    for (const [doc, n] of postings.get(tok)!) flat.push(doc, n);
    terms[tok] = flat;
  }
  const avgdl = dl.length ? dl.reduce((a, b) => a + b, 0) / dl.length : 1;
  return { version: 1, docs, dl, avgdl: avgdl || 1, terms };
}

/**
 * BM25 (k1 1.2, b 0.75) with a coordination factor (documents matching more of the query's words rank
 * first) and a small prior per kind (specs slightly ahead). The last query word also matches as a
 * prefix, so results appear while typing.
 */
export function search(index: SearchIndex, query: string, limit = 20): SearchHit[] {
  const words = [...new Set(tokenize(query))];
  if (!words.length) return [];
  const N = index.docs.length;
  const k1 = 1.2;
  const b = 0.75;
  const scores = new Map<number, number>();
  const matched = new Map<number, number>();
  words.forEach((w, wi) => {
    let variants = index.terms[w] ? [w] : [];
    if (wi === words.length - 1 && w.length >= 2) {
      const more = Object.keys(index.terms).filter((t) => t !== w && t.startsWith(w));
      variants = variants.concat(more.slice(0, 30));
    }
    const seen = new Set<number>();
    for (const v of variants) {
      const p = index.terms[v];
      const df = p.length / 2;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      const exact = v === w ? 1 : 0.6;
      for (let i = 0; i < p.length; i += 2) {
        const doc = p[i];
        const tf = p[i + 1];
        const norm = tf + k1 * (1 - b + (b * index.dl[doc]) / index.avgdl);
        scores.set(doc, (scores.get(doc) ?? 0) + exact * idf * ((tf * (k1 + 1)) / norm));
        if (!seen.has(doc)) {
          seen.add(doc);
          matched.set(doc, (matched.get(doc) ?? 0) + 1);
        }
      }
    }
  });
  const hits: SearchHit[] = [];
  for (const [doc, s] of scores) {
    const coord = (matched.get(doc)! / words.length) ** 2;
    const d = index.docs[doc];
    hits.push({
      doc,
      score: s * coord * KIND_PRIOR[d.k],
      kind: d.k,
      title: d.t,
      url: d.u,
      snippet: d.s,
    });
  }
  hits.sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
  return hits.slice(0, limit);
}
