/**
 * Search: BM25 always; dense (vectra cosine) when the index was built with the configured embedder;
 * both fused by reciprocal rank fusion; optionally reranked by the ONNX reranker. Every ordering has a
 * stable tie-break on chunk id, so the same index + query gives the same results.
 */
import { join } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { UsageError } from '../util/errors.js';
import { setupModels, type ModelSetup } from './embed.js';
import { pickQuote } from './quote.js';
import { bm25Scores, loadIndex, type LoadedIndex, type StoredChunk } from './store.js';
import { lexTokens } from './text.js';

export type SearchMode = 'lexical' | 'hybrid' | 'hybrid+rerank' | 'lexical+rerank';

export interface SearchHit {
  rank: number;
  score: number;
  chunk_id: string;
  url: string;
  anchor_url: string;
  title: string;
  heading: string;
  fetched_at: string;
  content_hash: string;
  cached_ref: string;
  quote: string;
  /** Offsets of the quote in the page's clean text. */
  quote_start: number;
  quote_end: number;
  text: string;
  sources: { bm25?: number; dense?: number; rerank?: number };
}

export interface SearchResult {
  query: string;
  mode: SearchMode;
  notes: string[];
  hits: SearchHit[];
  elapsed_ms: number;
  index: { documents: number; chunks: number; embedder: string | null };
}

export interface SearchOptions {
  config: GoblinConfig;
  /** Defaults to config.research.index_dir. */
  indexDir?: string;
  k?: number;
  maxPerUrl?: number;
  /** Reuse loaded models/index across many queries (packs, triggers). */
  models?: ModelSetup;
  index?: LoadedIndex;
}

export const LEXICAL_ONLY_NOTE =
  'lexical only (BM25): no embedding model configured (models.embedder + models.ollama_host, or models.onnx_embedder)';

const byScoreThenId = (chunks: StoredChunk[]) => (a: [number, number], b: [number, number]) =>
  b[1] - a[1] || (chunks[a[0]].id < chunks[b[0]].id ? -1 : 1);

export async function searchEvidence(query: string, opts: SearchOptions): Promise<SearchResult> {
  const t0 = performance.now();
  const indexDir = opts.indexDir ?? opts.config.research.index_dir;
  const ix = opts.index ?? loadIndex(indexDir);
  if (!ix)
    throw new UsageError(
      `no research index at ${indexDir}: run 'goblin research crawl' or 'goblin research fetch' first`,
    );
  const k = opts.k ?? opts.config.research.top_k;
  const notes: string[] = [];
  const models = opts.models ?? (await setupModels(opts.config.models));
  notes.push(...models.notes);
  const pool = Math.max(50, k * 5);

  const lex = bm25Scores(ix, query).sort(byScoreThenId(ix.chunks)).slice(0, pool);
  const lists: [number, number][][] = [lex];
  const dense = new Map<number, number>();
  let mode: SearchMode = 'lexical';
  if (models.embedder) {
    if (ix.meta.embedder_error) {
      notes.push(ix.meta.embedder_error);
    } else if (ix.meta.embedder_key !== models.embedder.key) {
      notes.push(
        `lexical only (BM25): the index was built ${ix.meta.embedder_key ? `with ${ix.meta.embedder_key}` : 'without embeddings'}, ` +
          `the configured embedder is ${models.embedder.key}; rebuild with 'goblin research index'`,
      );
    } else {
      try {
        const [qv] = await models.embedder.embed([query]);
        const { LocalIndex } = await import('vectra');
        const vix = new LocalIndex(join(indexDir, 'vectra'));
        const pos = new Map(ix.chunks.map((c, i) => [c.id, i]));
        const res = await vix.queryItems(qv, '', pool);
        const dl: [number, number][] = res
          .map((r) => [pos.get(r.item.id) ?? -1, r.score] as [number, number])
          .filter(([i]) => i >= 0)
          .sort(byScoreThenId(ix.chunks));
        for (const [i, s] of dl) dense.set(i, s);
        lists.push(dl);
        mode = 'hybrid';
      } catch (e) {
        notes.push(`lexical only (BM25): embedder ${models.embedder.key} failed: ${(e as Error).message}`);
      }
    }
  } else {
    notes.push(LEXICAL_ONLY_NOTE);
  }

  // Reciprocal rank fusion (k = 60); with one list this is just the BM25 order.
  const fused = new Map<number, number>();
  for (const l of lists) l.forEach(([i], r) => fused.set(i, (fused.get(i) ?? 0) + 1 / (60 + r + 1)));
  let order = [...fused.entries()].sort(byScoreThenId(ix.chunks));
  const bm = new Map(lex);
  const rr = new Map<number, number>();
  if (models.reranker && order.length) {
    const top = order.slice(0, Math.max(20, k * 2));
    try {
      const scores = await models.reranker.score(
        query,
        top.map(([i]) => `${ix.chunks[i].title}\n${ix.chunks[i].text}`),
      );
      top.forEach(([i], j) => rr.set(i, scores[j]));
      const reranked = top.map(([i], j) => [i, scores[j]] as [number, number]).sort(byScoreThenId(ix.chunks));
      order = [...reranked, ...order.slice(top.length)];
      mode = mode === 'hybrid' ? 'hybrid+rerank' : 'lexical+rerank';
    } catch (e) {
      notes.push(`reranker failed: ${(e as Error).message}`);
    }
  }

  const N = ix.bm25.docs.length;
  const idf = (t: string) => Math.log(1 + (N - (ix.bm25.df[t] ?? 0) + 0.5) / ((ix.bm25.df[t] ?? 0) + 0.5));
  const perUrl = new Map<string, number>();
  const hits: SearchHit[] = [];
  const maxPerUrl = opts.maxPerUrl ?? 2;
  for (const [i, score] of order) {
    if (hits.length >= k) break;
    const c = ix.chunks[i];
    const n = perUrl.get(c.url) ?? 0;
    if (n >= maxPerUrl) continue;
    perUrl.set(c.url, n + 1);
    const q = pickQuote(c.text, query, idf);
    hits.push({
      rank: hits.length + 1,
      score: Number(score.toFixed(6)),
      chunk_id: c.id,
      url: c.url,
      anchor_url: c.anchor ? `${c.url}#${c.anchor}` : c.url,
      title: c.title,
      heading: c.heading,
      fetched_at: c.fetched_at,
      content_hash: c.content_hash,
      cached_ref: c.cached_ref,
      quote: q.quote,
      quote_start: c.start + q.start,
      quote_end: c.start + q.end,
      text: c.text,
      sources: {
        ...(bm.has(i) ? { bm25: Number(bm.get(i)!.toFixed(4)) } : {}),
        ...(dense.has(i) ? { dense: Number(dense.get(i)!.toFixed(4)) } : {}),
        ...(rr.has(i) ? { rerank: Number(rr.get(i)!.toFixed(4)) } : {}),
      },
    });
  }
  if (!lexTokens(query).length) notes.push('query has no searchable terms');
  return {
    query,
    mode,
    notes,
    hits,
    elapsed_ms: Number((performance.now() - t0).toFixed(2)),
    index: { documents: ix.meta.documents, chunks: ix.meta.chunks, embedder: ix.meta.embedder_key },
  };
}
