/**
 * Crawler over seeds and sitemaps. Links are followed up to research.max_depth, only on the same host
 * and under the seed's directory (a sitemap's URLs are scoped to their origin), never outside the
 * domain allowlist; research.max_pages bounds a run. Every fetch lands in the cache; the index is
 * rebuilt at the end (unless disabled).
 */
import { load } from 'cheerio';
import type { GoblinConfig } from '../config/index.js';
import { FetchCache, docRot, type CacheRecord, type RotEntry } from './cache.js';
import { setupModels } from './embed.js';
import { extractLinks } from './extract.js';
import { Fetcher } from './fetcher.js';
import { buildIndex, type BuildResult } from './store.js';

export interface CrawlOptions {
  config: GoblinConfig;
  seeds?: string[];
  sitemaps?: string[];
  /** Follow links (crawl) or fetch only the given URLs (fetch). */
  follow?: boolean;
  maxPages?: number;
  maxDepth?: number;
  render?: 'auto' | 'never' | 'always';
  index?: boolean;
  onPage?: (rec: CacheRecord | null, url: string, note?: string) => void;
  onTotal?: (n: number) => void;
  log?: (line: string) => void;
}

export interface CrawlReport {
  started_at: string;
  elapsed_ms: number;
  pages: number;
  ok: number;
  not_modified: number;
  changed: number;
  failed: { url: string; status: number | null; error: string | null }[];
  skipped: { url: string; reason: string }[];
  redirects: { url: string; final_url: string }[];
  rendered: number;
  bytes: number;
  retries: number;
  requests: number;
  pages_per_s: number;
  rot: RotEntry[];
  index?: BuildResult;
}

const SKIP_EXT =
  /\.(png|jpe?g|gif|svg|ico|webp|css|js|mjs|map|zip|gz|tgz|tar|mp4|mp3|woff2?|ttf|pdf|dmg|exe)$/i;

export function normalizeUrl(u: string): string {
  const url = new URL(u);
  url.hash = '';
  return url.href;
}

export async function parseSitemap(xml: string): Promise<{ urls: string[]; sitemaps: string[] }> {
  const $ = load(xml, { xml: true });
  const urls = $('urlset > url > loc')
    .map((_, e) => $(e).text().trim())
    .get();
  const sitemaps = $('sitemapindex > sitemap > loc')
    .map((_, e) => $(e).text().trim())
    .get();
  return { urls, sitemaps };
}

export async function crawl(opts: CrawlOptions): Promise<CrawlReport> {
  const cfg = opts.config.research;
  const cache = new FetchCache(cfg.cache_dir);
  const fetcher = new Fetcher(cache, cfg);
  const follow = opts.follow ?? true;
  const maxPages = opts.maxPages ?? cfg.max_pages;
  const maxDepth = follow ? (opts.maxDepth ?? cfg.max_depth) : 0;
  const started = Date.now();
  const report: CrawlReport = {
    started_at: new Date(started).toISOString(),
    elapsed_ms: 0,
    pages: 0,
    ok: 0,
    not_modified: 0,
    changed: 0,
    failed: [],
    skipped: [],
    redirects: [],
    rendered: 0,
    bytes: 0,
    retries: 0,
    requests: 0,
    pages_per_s: 0,
    rot: [],
  };
  const seen = new Set<string>();
  const queue: { url: string; depth: number; scope: string }[] = [];
  const enqueue = (url: string, depth: number, scope: string) => {
    let n: string;
    try {
      n = normalizeUrl(url);
    } catch {
      report.skipped.push({ url, reason: 'invalid URL' });
      return;
    }
    if (seen.has(n) || SKIP_EXT.test(new URL(n).pathname)) return;
    if (seen.size >= maxPages) return;
    seen.add(n);
    queue.push({ url: n, depth, scope });
  };
  const scopeOf = (u: string) => {
    const x = new URL(u);
    return x.origin + x.pathname.replace(/[^/]*$/, '');
  };
  const previousHash = new Map<string, string | null>();

  // Sitemaps (nested sitemap indexes up to two levels).
  const sitemapQueue = [...(opts.sitemaps ?? [])].map((u) => ({ u, level: 0 }));
  while (sitemapQueue.length) {
    const { u, level } = sitemapQueue.shift()!;
    const out = await fetcher.fetch(u, { kind: 'sitemap', unconditional: true, render: 'never' });
    if (out.skipped) {
      report.skipped.push({ url: u, reason: out.reason });
      continue;
    }
    if (!out.body || !out.record.ok) {
      report.failed.push({
        url: u,
        status: out.record.status,
        error: out.record.error ?? 'sitemap fetch failed',
      });
      continue;
    }
    const sm = await parseSitemap(out.body.toString('utf8'));
    for (const x of sm.urls) enqueue(x, 0, new URL(x).origin + '/');
    if (level < 2) for (const s of sm.sitemaps) sitemapQueue.push({ u: s, level: level + 1 });
  }
  for (const s of opts.seeds ?? []) enqueue(s, 0, scopeOf(s));
  opts.onTotal?.(queue.length);

  const worker = async () => {
    for (;;) {
      const item = queue.shift();
      if (!item) return;
      previousHash.set(item.url, cache.latestWithBody(item.url)?.content_hash ?? null);
      const out = await fetcher.fetch(item.url, { render: opts.render, log: opts.log });
      if (out.skipped) {
        report.skipped.push({ url: item.url, reason: out.reason });
        opts.onPage?.(null, item.url, out.reason);
        continue;
      }
      const rec = out.record;
      report.pages++;
      if (rec.final_url !== rec.url) report.redirects.push({ url: rec.url, final_url: rec.final_url });
      if (!rec.ok) {
        report.failed.push({ url: item.url, status: rec.status, error: rec.error });
      } else {
        report.ok++;
        if (rec.not_modified) report.not_modified++;
        const prev = previousHash.get(item.url);
        if (prev && prev !== rec.content_hash) report.changed++;
        if (rec.rendered) report.rendered++;
        if (
          follow &&
          item.depth < maxDepth &&
          out.body &&
          /html/i.test(rec.headers['content-type'] ?? 'text/html')
        ) {
          const finalHost = new URL(rec.final_url).host;
          const before = queue.length;
          for (const link of extractLinks(out.body.toString('utf8'), rec.final_url)) {
            const lu = new URL(link);
            if (lu.host !== finalHost || !link.startsWith(item.scope)) continue;
            enqueue(link, item.depth + 1, item.scope);
          }
          if (queue.length > before) opts.onTotal?.(seen.size);
        }
      }
      opts.onPage?.(rec, item.url);
    }
  };
  // Workers are started together; when the queue runs dry while others still fetch, an idle worker
  // exits — so keep restarting until the queue is empty and all workers are done.
  let running: Promise<void>[] = [];
  do {
    running = Array.from({ length: Math.max(1, cfg.concurrency) }, () => worker());
    await Promise.all(running);
  } while (queue.length);
  await fetcher.close();
  report.elapsed_ms = Date.now() - started;
  report.rendered = fetcher.stats.rendered;
  report.bytes = fetcher.stats.bytes;
  report.retries = fetcher.stats.retries;
  report.requests = fetcher.stats.requests;
  report.pages_per_s = Number((report.pages / Math.max(0.001, report.elapsed_ms / 1000)).toFixed(2));
  report.rot = docRot(cache).filter((r) => seen.has(r.url));
  if (opts.index ?? true) {
    const models = await setupModels(opts.config.models);
    for (const n of models.notes) opts.log?.(`note: ${n}`);
    report.index = await buildIndex({
      cacheDir: cfg.cache_dir,
      indexDir: cfg.index_dir,
      embedder: models.embedder,
      minTokens: cfg.chunk_min_tokens,
      maxTokens: cfg.chunk_max_tokens,
    });
  }
  return report;
}
