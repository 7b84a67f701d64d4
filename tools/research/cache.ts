/**
 * Fetch cache (documented format, an equivalent of WARC request/response records):
 *
 *   <cache_dir>/index.jsonl          one JSON record per fetch attempt, append-only (history is never rewritten)
 *   <cache_dir>/bodies/<sha256>.gz   response bodies, gzip, content-addressed (identical bodies stored once)
 *
 * A record (`CacheRecord`) carries: ref (the citation's `cached_ref`), url, final_url, redirects, status,
 * a subset of response headers, fetched_at, content_hash (sha256 of the body bytes as received, or of
 * the rendered DOM for rendered pages), body_ref, bytes, truncated, etag, last_modified, not_modified
 * (a 304 on re-crawl: the record points at the previous body), rendered, error, attempts, elapsed_ms.
 * Doc rot is visible by reading a URL's history: a 200 followed by a 404, or a changed content_hash.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sha256Hex, shortId } from '../util/hash.js';
import { makeDirs } from '../util/files.js';

export type RecordKind = 'page' | 'robots' | 'sitemap';

export interface CacheRecord {
  ref: string;
  kind: RecordKind;
  url: string;
  final_url: string;
  redirects: string[];
  status: number | null;
  ok: boolean;
  headers: Record<string, string>;
  fetched_at: string;
  content_hash: string | null;
  body_ref: string | null;
  bytes: number;
  truncated: boolean;
  etag: string | null;
  last_modified: string | null;
  not_modified: boolean;
  rendered: boolean;
  /** sha256 of the raw (pre-render) body for rendered pages. */
  raw_content_hash?: string | null;
  error: string | null;
  attempts: number;
  elapsed_ms: number;
}

export const KEPT_HEADERS = [
  'content-type',
  'content-length',
  'content-language',
  'etag',
  'last-modified',
  'location',
  'cache-control',
  'x-robots-tag',
  'date',
];

export class FetchCache {
  readonly indexFile: string;
  private records: CacheRecord[] | null = null;
  private seq = 0;

  constructor(readonly dir: string) {
    this.indexFile = join(dir, 'index.jsonl');
  }

  all(): CacheRecord[] {
    if (!this.records) {
      this.records = existsSync(this.indexFile)
        ? readFileSync(this.indexFile, 'utf8')
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l) as CacheRecord)
        : [];
    }
    return this.records;
  }

  /** Store a body (content-addressed) and return [hash, body_ref]. */
  putBody(body: Buffer): [string, string] {
    const hash = sha256Hex(body);
    const ref = `bodies/${hash}.gz`;
    const path = join(this.dir, ref);
    if (!existsSync(path)) {
      makeDirs(join(this.dir, 'bodies'));
      writeFileSync(path, gzipSync(body, { level: 9 }));
    }
    return [hash, ref];
  }

  readBody(rec: Pick<CacheRecord, 'body_ref'>): Buffer | null {
    if (!rec.body_ref) return null;
    const path = join(this.dir, rec.body_ref);
    if (!existsSync(path)) return null;
    return gunzipSync(readFileSync(path));
  }

  append(rec: Omit<CacheRecord, 'ref'> & { ref?: string }): CacheRecord {
    const full: CacheRecord = {
      ...rec,
      ref: rec.ref ?? `f-${shortId(rec.url, rec.fetched_at, process.pid, this.seq++, Math.random())}`,
    } as CacheRecord;
    makeDirs(this.dir);
    appendFileSync(this.indexFile, `${JSON.stringify(full)}\n`);
    this.all().push(full);
    return full;
  }

  history(url: string): CacheRecord[] {
    return this.all().filter((r) => r.url === url || r.final_url === url);
  }

  /** Latest record for a URL (by requested or final URL). */
  latest(url: string, kind: RecordKind = 'page'): CacheRecord | undefined {
    const h = this.history(url).filter((r) => r.kind === kind);
    return h[h.length - 1];
  }

  /** Latest record for a URL that has a body (a 200, or a 304 pointing at an earlier body). */
  latestWithBody(url: string): CacheRecord | undefined {
    const h = this.history(url).filter((r) => r.kind === 'page' && r.body_ref && r.ok);
    return h[h.length - 1];
  }

  byRef(ref: string): CacheRecord | undefined {
    return this.all().find((r) => r.ref === ref);
  }

  byContentHash(hash: string): CacheRecord | undefined {
    const h = hash.replace(/^sha256:/, '').toLowerCase();
    if (h.length < 12) return undefined;
    return [...this.all()].reverse().find((r) => r.content_hash?.startsWith(h) && r.body_ref);
  }

  /** Requested URLs of pages, in first-seen order. */
  pageUrls(): string[] {
    const seen = new Set<string>();
    for (const r of this.all()) if (r.kind === 'page') seen.add(r.url);
    return [...seen];
  }

  /**
   * The snapshot of each page URL to index: the latest record with a body, keyed by final URL so a
   * redirect and its target are one document. Pages whose latest fetch failed keep their last good
   * snapshot (that is what was cited); `docRot` reports them.
   */
  snapshots(): CacheRecord[] {
    const byFinal = new Map<string, CacheRecord>();
    for (const url of this.pageUrls()) {
      const rec = this.latestWithBody(url);
      if (!rec) continue;
      const prev = byFinal.get(rec.final_url);
      if (!prev || prev.fetched_at <= rec.fetched_at) byFinal.set(rec.final_url, rec);
    }
    return [...byFinal.values()].sort((a, b) =>
      a.final_url < b.final_url ? -1 : a.final_url > b.final_url ? 1 : 0,
    );
  }
}

export interface RotEntry {
  url: string;
  kind: 'gone' | 'changed' | 'failing';
  detail: string;
  last_ok_at: string | null;
  latest_at: string;
}

/** Doc rot from history: pages that were fine and now 4xx/5xx/fail, and pages whose content changed. */
export function docRot(cache: FetchCache): RotEntry[] {
  const out: RotEntry[] = [];
  for (const url of cache.pageUrls()) {
    const h = cache.history(url).filter((r) => r.kind === 'page' && r.url === url);
    const latest = h[h.length - 1];
    if (!latest) continue;
    const good = h.filter((r) => r.ok && r.content_hash);
    const lastOk = good[good.length - 1];
    if (!latest.ok && lastOk) {
      out.push({
        url,
        kind: latest.status && latest.status >= 400 && latest.status < 500 ? 'gone' : 'failing',
        detail: latest.status ? `HTTP ${latest.status}` : (latest.error ?? 'failed'),
        last_ok_at: lastOk.fetched_at,
        latest_at: latest.fetched_at,
      });
    } else if (latest.ok && good.length >= 2) {
      const hashes = new Set(good.map((r) => r.content_hash));
      if (hashes.size > 1 && good[good.length - 2].content_hash !== latest.content_hash) {
        out.push({
          url,
          kind: 'changed',
          detail: `${good[good.length - 2].content_hash?.slice(0, 12)} → ${latest.content_hash?.slice(0, 12)}`,
          last_ok_at: lastOk.fetched_at,
          latest_at: latest.fetched_at,
        });
      }
    }
  }
  return out;
}
