/**
 * Local research index (under research.index_dir):
 *   meta.json       build info: embedder key (null = lexical only), counts, avgdl
 *   chunks.jsonl    one passage per line: id, url, title, fetched_at, content_hash, cached_ref, anchor, offsets, text
 *   bm25.json       per-chunk term frequencies + document frequencies (BM25 is always available)
 *   vectra/         vectra LocalIndex of chunk vectors, only when an embedder is configured
 *   extract/        memo of extracted clean text per content hash (skips re-extraction on rebuilds)
 */
import { hash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FetchCache, type CacheRecord } from './cache.js';
import { chunkText } from './chunk.js';
import type { Embedder } from './embed.js';
import { extract, type Extracted } from './extract.js';
import { lexTokens } from './text.js';
import { makeDirs } from '../util/files.js';

export const INDEX_VERSION = 1;
const EXTRACTOR_VERSION = 1;

export interface StoredChunk {
  id: string;
  url: string;
  requested_urls: string[];
  title: string;
  fetched_at: string;
  content_hash: string;
  cached_ref: string;
  anchor: string;
  heading: string;
  start: number;
  end: number;
  tokens: number;
  rendered: boolean;
  text: string;
}

export interface IndexMeta {
  version: number;
  built_at: string;
  cache_dir: string;
  /**
   * SHA-256 of the cache's index.jsonl as the build read it: the index is fresh while the cache's index
   * is the same (a time comparison missed a page added within the file system's clock tick).
   */
  cache_index_sha256?: string | null;
  embedder_key: string | null;
  embedder: string | null;
  embedder_error?: string | null;
  documents: number;
  chunks: number;
  avgdl: number;
}

export interface Bm25Data {
  df: Record<string, number>;
  docs: { len: number; tf: Record<string, number> }[];
  avgdl: number;
}

/** Extract a cached snapshot (memoized by content hash in the index dir when given). */
export function extractRecord(cache: FetchCache, rec: CacheRecord, memoDir?: string): Extracted | null {
  const memo = memoDir && rec.content_hash ? join(memoDir, `${rec.content_hash}.json`) : null;
  if (memo && existsSync(memo)) {
    const m = JSON.parse(readFileSync(memo, 'utf8')) as Extracted & { v: number; url: string };
    if (m.v === EXTRACTOR_VERSION && m.url === rec.final_url) return m;
  }
  const body = cache.readBody(rec);
  if (!body) return null;
  const ctype = rec.headers['content-type'] ?? 'text/html';
  if (!/html|xml|text\/|markdown|json/i.test(ctype)) return null;
  const ex = extract(body.toString('utf8'), rec.final_url, ctype);
  if (memo) {
    makeDirs(memoDir!);
    writeFileSync(memo, JSON.stringify({ ...ex, v: EXTRACTOR_VERSION, url: rec.final_url }));
  }
  return ex;
}

export interface BuildResult {
  meta: IndexMeta;
  embedded: number;
  reusedVectors: number;
  elapsed_ms: number;
}

export async function buildIndex(opts: {
  cacheDir: string;
  indexDir: string;
  embedder: Embedder | null;
  minTokens: number;
  maxTokens: number;
}): Promise<BuildResult> {
  const t0 = Date.now();
  // Before reading any page: a page added while the index builds makes it stale, not silently fresh.
  const cacheIndexSha256 = cacheIndexHash(opts.cacheDir);
  const cache = new FetchCache(opts.cacheDir);
  makeDirs(opts.indexDir);
  const chunks: StoredChunk[] = [];
  let documents = 0;
  for (const rec of cache.snapshots()) {
    const ex = extractRecord(cache, rec, join(opts.indexDir, 'extract'));
    if (!ex || !ex.text.trim()) continue;
    documents++;
    const requested = cache
      .all()
      .filter((r) => r.kind === 'page' && r.final_url === rec.final_url)
      .map((r) => r.url);
    for (const c of chunkText(ex.text, ex.sections, `${rec.final_url}\u0000${rec.content_hash}`, {
      minTokens: opts.minTokens,
      maxTokens: opts.maxTokens,
    })) {
      chunks.push({
        id: c.id,
        url: rec.final_url,
        requested_urls: [...new Set(requested)].sort(),
        title: ex.title,
        fetched_at: rec.fetched_at,
        content_hash: rec.content_hash!,
        cached_ref: rec.ref,
        anchor: c.anchor,
        heading: c.heading,
        start: c.start,
        end: c.end,
        tokens: c.tokens,
        rendered: rec.rendered,
        text: ex.text.slice(c.start, c.end),
      });
    }
  }
  chunks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // BM25 statistics.
  const df: Record<string, number> = {};
  const docs = chunks.map((c) => {
    const toks = lexTokens(`${c.title}\n${c.heading}\n${c.text}`);
    const tf: Record<string, number> = {};
    for (const t of toks) tf[t] = (tf[t] ?? 0) + 1;
    for (const t of Object.keys(tf)) df[t] = (df[t] ?? 0) + 1;
    return { len: toks.length, tf };
  });
  const avgdl = docs.length ? docs.reduce((a, d) => a + d.len, 0) / docs.length : 0;

  // Dense vectors in vectra (reusing vectors of unchanged chunks from the previous build).
  let embedded = 0;
  let reusedVectors = 0;
  const vdir = join(opts.indexDir, 'vectra');
  const oldMeta = readMeta(opts.indexDir);
  let embedderError: string | null = null;
  let embedder = opts.embedder;
  if (embedder) {
    try {
      await embedder.embed(['probe']);
    } catch (e) {
      embedderError = `embedder ${embedder.key} unavailable: ${(e as Error).message}; index is lexical only (BM25)`;
      embedder = null;
    }
  }
  if (embedder) {
    const { LocalIndex } = await import('vectra');
    const old = new Map<string, number[]>();
    if (oldMeta?.embedder_key === embedder.key && existsSync(join(vdir, 'index.json'))) {
      const prev = new LocalIndex(vdir);
      for (const it of await prev.listItems()) old.set(it.id, it.vector);
    }
    const todo = chunks.filter((c) => !old.has(c.id));
    const vecs = await embedder.embed(todo.map((c) => `${c.title}\n${c.heading}\n${c.text}`));
    embedded = todo.length;
    todo.forEach((c, i) => old.set(c.id, vecs[i]));
    reusedVectors = chunks.length - todo.length;
    const idx = new LocalIndex(vdir);
    await idx.createIndex({ version: 1, deleteIfExists: true, metadata_config: { indexed: [] } });
    await idx.beginUpdate();
    for (const c of chunks) {
      await idx.insertItem({ id: c.id, vector: old.get(c.id)!, metadata: { url: c.url, anchor: c.anchor } });
    }
    await idx.endUpdate();
  } else if (existsSync(vdir)) {
    rmSync(vdir, { recursive: true, force: true });
  }

  const meta: IndexMeta = {
    version: INDEX_VERSION,
    built_at: new Date().toISOString(),
    cache_dir: opts.cacheDir,
    cache_index_sha256: cacheIndexSha256,
    embedder_key: embedder?.key ?? null,
    embedder: embedder?.describe ?? null,
    embedder_error: embedderError,
    documents,
    chunks: chunks.length,
    avgdl,
  };
  writeFileSync(
    join(opts.indexDir, 'chunks.jsonl'),
    chunks.map((c) => JSON.stringify(c)).join('\n') + (chunks.length ? '\n' : ''),
  );
  writeFileSync(join(opts.indexDir, 'bm25.json'), JSON.stringify({ df, docs, avgdl } satisfies Bm25Data));
  writeFileSync(join(opts.indexDir, 'meta.json'), JSON.stringify(meta, null, 2));
  return { meta, embedded, reusedVectors, elapsed_ms: Date.now() - t0 };
}

/** SHA-256 of a fetch cache's index.jsonl (null: no such file), what `IndexMeta.cache_index_sha256` holds. */
export function cacheIndexHash(cacheDir: string): string | null {
  const p = join(cacheDir, 'index.jsonl');
  return existsSync(p) ? hash('sha256', readFileSync(p), 'hex') : null;
}

export function readMeta(indexDir: string): IndexMeta | null {
  const p = join(indexDir, 'meta.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as IndexMeta) : null;
}

export interface LoadedIndex {
  meta: IndexMeta;
  chunks: StoredChunk[];
  bm25: Bm25Data;
}

export function loadIndex(indexDir: string): LoadedIndex | null {
  const meta = readMeta(indexDir);
  if (!meta) return null;
  const chunks = readFileSync(join(indexDir, 'chunks.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as StoredChunk);
  const bm25 = JSON.parse(readFileSync(join(indexDir, 'bm25.json'), 'utf8')) as Bm25Data;
  return { meta, chunks, bm25 };
}

/** Okapi BM25 (k1 = 1.2, b = 0.75) over the chunk collection; returns [chunkIndex, score] with score > 0. */
export function bm25Scores(ix: LoadedIndex, query: string, k1 = 1.2, b = 0.75): [number, number][] {
  const N = ix.bm25.docs.length;
  const terms = [...new Set(lexTokens(query))];
  const out: [number, number][] = [];
  ix.bm25.docs.forEach((d, i) => {
    let s = 0;
    for (const t of terms) {
      const f = d.tf[t];
      if (!f) continue;
      const n = ix.bm25.df[t] ?? 0;
      const idf = Math.log(1 + (N - n + 0.5) / (n + 0.5));
      s += (idf * (f * (k1 + 1))) / (f + k1 * (1 - b + (b * d.len) / (ix.bm25.avgdl || 1)));
    }
    if (s > 0) out.push([i, s]);
  });
  return out;
}
