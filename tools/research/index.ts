/** Research agent library API (crawl → cache → extract → index → search → verify → packs). */
export { FetchCache, docRot, type CacheRecord, type RotEntry } from './cache.js';
export { crawl, parseSitemap, type CrawlOptions, type CrawlReport } from './crawl.js';
export { Fetcher, retryAfterMs } from './fetcher.js';
export { hostAllowed } from './allowlist.js';
export { extract, looksJsOnly, type Extracted, type Section } from './extract.js';
export { chunkText, type Chunk } from './chunk.js';
export {
  setupModels,
  loadOnnxEmbedder,
  loadOnnxReranker,
  OllamaEmbedder,
  OnnxEmbedder,
  OnnxReranker,
  type Embedder,
  type Reranker,
} from './embed.js';
export { buildIndex, loadIndex, type StoredChunk, type IndexMeta } from './store.js';
export {
  searchEvidence,
  LEXICAL_ONLY_NOTE,
  type SearchHit,
  type SearchResult,
  type SearchOptions,
} from './search.js';
export { pickQuote } from './quote.js';
export {
  expandQuery,
  SYNONYMS,
  PARAM_ALIASES,
  SDK_NAMES,
  type QueryInput,
  type ExpandedQuery,
} from './query.js';
export {
  verifyCitations,
  findCitations,
  CitationResolver,
  type Citation,
  type BrokenCitation,
  type VerifyResult,
} from './verify.js';
export { buildEvidencePack, requestsFromFile, type EvidencePack, type ResearchRequest } from './trigger.js';
export { parseRobotsPolicy, productToken, type RobotsPolicy } from './robots.js';
export { normalizeForMatch } from './text.js';
export { importDocument, markdownToHtml } from './import.js';
export { docRotReport, rotMarkdown, type RotReport } from './rot.js';
