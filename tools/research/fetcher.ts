/**
 * HTTP fetcher on undici: per-attempt timeout, retries with exponential backoff (5xx, 429, timeouts,
 * network errors; never other 4xx) that honour the server's Retry-After, per-host rate limit (and the
 * robots.txt Crawl-delay), domain allowlist checked on every redirect hop, robots.txt (obeyed unless
 * disabled), conditional requests (If-None-Match / If-Modified-Since) from the cache, a byte cap per page
 * (the body is cut and marked `truncated`). Every fetch is appended to the cache; pages that look
 * JavaScript-only are rendered with chromium when enabled.
 *
 * The retry loop is our own rather than undici's RetryAgent: each attempt must take a rate-limit slot,
 * timeouts must be retried (RetryAgent does not retry an aborted request), and every attempt is counted
 * in the cache record.
 */
import { Agent, request } from 'undici';
import type { GoblinConfig } from '../config/index.js';
import { hostAllowed } from './allowlist.js';
import { FetchCache, KEPT_HEADERS, type CacheRecord, type RecordKind } from './cache.js';
import { HostRateLimiter } from './ratelimit.js';
import { allowAll, disallowAll, parseRobotsPolicy, type RobotsPolicy } from './robots.js';

export type ResearchConfig = GoblinConfig['research'];

export interface FetchOptions {
  /** Override config.render for this run. */
  render?: 'auto' | 'never' | 'always';
  /** Skip the conditional request even when the cache has validators. */
  unconditional?: boolean;
  kind?: RecordKind;
  log?: (line: string) => void;
}

export type FetchOutcome =
  | { skipped: 'robots' | 'domain'; url: string; reason: string; record?: undefined }
  | { skipped?: undefined; url: string; record: CacheRecord; body: Buffer | null };

/**
 * The longest Retry-After (and robots.txt Crawl-delay) the crawler honours. A server asking for more is
 * not retried in this crawl (the record says why) instead of stalling every page behind it.
 */
export const MAX_SERVER_DELAY_MS = 120_000;

class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, as ms from `now`; null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

function pickHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KEPT_HEADERS) {
    const v = h[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Fetcher {
  readonly limiter: HostRateLimiter;
  private readonly agent: Agent;
  private readonly robots = new Map<string, Promise<RobotsPolicy>>();
  private renderer: import('./render.js').Renderer | null = null;
  readonly stats = { requests: 0, bytes: 0, rendered: 0, retries: 0 };

  constructor(
    readonly cache: FetchCache,
    readonly cfg: ResearchConfig,
  ) {
    this.limiter = new HostRateLimiter(cfg.per_host_rate_per_s);
    this.agent = new Agent({
      connect: { timeout: cfg.timeout_ms },
      headersTimeout: cfg.timeout_ms,
      bodyTimeout: cfg.timeout_ms,
      connections: 4,
    });
  }

  async close(): Promise<void> {
    await this.renderer?.close();
    await this.agent.close();
  }

  /** One HTTP exchange (no redirect following), with timeout + retries. */
  private async exchange(
    url: string,
    headers: Record<string, string>,
  ): Promise<{
    status: number;
    headers: Record<string, string>;
    body: Buffer;
    truncated: boolean;
    attempts: number;
    /** Why a retryable status was not retried (a Retry-After beyond MAX_SERVER_DELAY_MS). */
    note: string | null;
  }> {
    const host = new URL(url).host;
    let attempt = 0;
    for (;;) {
      attempt++;
      await this.limiter.acquire(host);
      this.stats.requests++;
      try {
        const res = await request(url, {
          method: 'GET',
          headers: {
            'user-agent': this.cfg.user_agent,
            accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
            ...headers,
          },
          dispatcher: this.agent,
          signal: AbortSignal.timeout(this.cfg.timeout_ms),
        });
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        for await (const chunk of res.body) {
          const b = chunk as Buffer;
          if (size + b.length > this.cfg.max_bytes_per_page) {
            chunks.push(b.subarray(0, this.cfg.max_bytes_per_page - size));
            size = this.cfg.max_bytes_per_page;
            truncated = true;
            res.body.destroy();
            break;
          }
          chunks.push(b);
          size += b.length;
        }
        this.stats.bytes += size;
        let note: string | null = null;
        if (res.statusCode >= 500 || res.statusCode === 429) {
          const wait = retryAfterMs(res.headers['retry-after']);
          if (wait !== null && wait > MAX_SERVER_DELAY_MS)
            note = `HTTP ${res.statusCode} with Retry-After ${Math.round(wait / 1000)} s (more than the ${MAX_SERVER_DELAY_MS / 1000} s the crawler waits): not retried`;
          else if (attempt <= this.cfg.retries) throw new RetryableError(`HTTP ${res.statusCode}`, wait);
        }
        return {
          status: res.statusCode,
          headers: pickHeaders(res.headers),
          body: Buffer.concat(chunks),
          truncated,
          attempts: attempt,
          note,
        };
      } catch (e) {
        const err = e as Error & { code?: string };
        const retryable =
          e instanceof RetryableError ||
          err.name === 'TimeoutError' ||
          err.name === 'AbortError' ||
          /timeout|ECONNRESET|ECONNREFUSED|EPIPE|socket|UND_ERR/i.test(`${err.code ?? ''} ${err.message}`);
        if (!retryable || attempt > this.cfg.retries) {
          const msg =
            err.name === 'TimeoutError' || /timeout/i.test(err.message)
              ? `timeout after ${this.cfg.timeout_ms} ms`
              : err.message;
          throw Object.assign(new Error(msg), { attempts: attempt });
        }
        this.stats.retries++;
        const backoff = this.cfg.retry_base_ms * 2 ** (attempt - 1);
        const serverWait = e instanceof RetryableError ? e.retryAfterMs : null;
        // The server's Retry-After holds back every request to the host (not only this retry).
        if (serverWait !== null) this.limiter.defer(host, Math.max(backoff, serverWait));
        else await sleep(backoff);
      }
    }
  }

  /**
   * The robots.txt policy for an origin, fetched once per Fetcher and recorded in the cache. Redirects are
   * followed (up to 5, inside the allowlist; RFC 9309 §2.3.1.2); its Crawl-delay spaces this host's requests.
   */
  robotsFor(origin: string): Promise<RobotsPolicy> {
    let p = this.robots.get(origin);
    if (!p) {
      p = this.fetchRobots(origin);
      this.robots.set(origin, p);
    }
    return p;
  }

  private async fetchRobots(origin: string): Promise<RobotsPolicy> {
    const url = `${origin}/robots.txt`;
    const t0 = Date.now();
    let current = url;
    const redirects: string[] = [];
    try {
      for (;;) {
        const r = await this.exchange(current, {});
        if ([301, 302, 303, 307, 308].includes(r.status) && r.headers.location) {
          const next = new URL(r.headers.location, current).href;
          if (redirects.length >= 5 || !hostAllowed(next, this.cfg.domains_allowlist))
            return allowAll(`robots.txt unavailable (redirect to ${next})`);
          redirects.push(current);
          current = next;
          continue;
        }
        const [hash, bodyRef] = r.body.length ? this.cache.putBody(r.body) : [null, null];
        this.cache.append({
          kind: 'robots',
          url,
          final_url: current,
          redirects,
          status: r.status,
          ok: r.status >= 200 && r.status < 300,
          headers: r.headers,
          fetched_at: new Date().toISOString(),
          content_hash: hash,
          body_ref: bodyRef,
          bytes: r.body.length,
          truncated: r.truncated,
          etag: null,
          last_modified: null,
          not_modified: false,
          rendered: false,
          error: r.note,
          attempts: r.attempts,
          elapsed_ms: Date.now() - t0,
        });
        if (r.status >= 500 || r.status === 429)
          return disallowAll(`robots.txt unreachable (HTTP ${r.status})`);
        if (r.status < 200 || r.status >= 300) return allowAll(`no robots.txt (HTTP ${r.status})`);
        const policy = parseRobotsPolicy(current, r.body.toString('utf8'), this.cfg.user_agent);
        if (policy.crawlDelayMs !== null)
          this.limiter.setMinGap(new URL(origin).host, Math.min(policy.crawlDelayMs, MAX_SERVER_DELAY_MS));
        return policy;
      }
    } catch (e) {
      return disallowAll(`robots.txt unreachable (${(e as Error).message})`);
    }
  }

  async checkPolicy(
    url: string,
  ): Promise<{ ok: true } | { ok: false; skipped: 'robots' | 'domain'; reason: string }> {
    if (!hostAllowed(url, this.cfg.domains_allowlist)) {
      return {
        ok: false,
        skipped: 'domain',
        reason: `host not in research.domains_allowlist: ${new URL(url).host}`,
      };
    }
    if (this.cfg.obey_robots) {
      const u = new URL(url);
      const policy = await this.robotsFor(u.origin);
      if (!policy.allowed(url)) {
        const why =
          policy.source === 'robots.txt'
            ? `robots.txt disallows ${u.pathname}`
            : `${policy.source}: nothing is allowed`;
        return { ok: false, skipped: 'robots', reason: why };
      }
    }
    return { ok: true };
  }

  /** Fetch one URL (following up to 5 redirects), cache it, render it if needed. */
  async fetch(url: string, opts: FetchOptions = {}): Promise<FetchOutcome> {
    const kind = opts.kind ?? 'page';
    const t0 = Date.now();
    const fetchedAt = new Date().toISOString();
    const redirects: string[] = [];
    let current = url;
    const prev = kind === 'page' ? this.cache.latestWithBody(url) : undefined;
    const base = {
      kind,
      url,
      redirects,
      fetched_at: fetchedAt,
      rendered: false,
      not_modified: false,
    };
    try {
      for (let hop = 0; ; hop++) {
        const policy = await this.checkPolicy(current);
        if (!policy.ok) {
          if (hop === 0) return { skipped: policy.skipped, url, reason: policy.reason };
          throw Object.assign(new Error(`redirect to ${current} refused: ${policy.reason}`), { attempts: 1 });
        }
        const cond: Record<string, string> = {};
        if (prev && !opts.unconditional && hop === 0) {
          if (prev.etag) cond['if-none-match'] = prev.etag;
          if (prev.last_modified) cond['if-modified-since'] = prev.last_modified;
        }
        const r = await this.exchange(current, cond);
        if ([301, 302, 303, 307, 308].includes(r.status) && r.headers.location) {
          if (hop >= 5) throw Object.assign(new Error('too many redirects'), { attempts: r.attempts });
          redirects.push(current);
          current = new URL(r.headers.location, current).href;
          continue;
        }
        const common = {
          ...base,
          final_url: current,
          status: r.status,
          headers: r.headers,
          etag: r.headers.etag ?? null,
          last_modified: r.headers['last-modified'] ?? null,
          attempts: r.attempts,
          error: r.note,
        };
        if (r.status === 304 && prev) {
          const rec = this.cache.append({
            ...common,
            ok: true,
            not_modified: true,
            rendered: prev.rendered,
            raw_content_hash: prev.raw_content_hash ?? null,
            content_hash: prev.content_hash,
            body_ref: prev.body_ref,
            bytes: prev.bytes,
            truncated: prev.truncated,
            etag: r.headers.etag ?? prev.etag,
            last_modified: r.headers['last-modified'] ?? prev.last_modified,
            elapsed_ms: Date.now() - t0,
          });
          return { url, record: rec, body: this.cache.readBody(rec) };
        }
        const ok = r.status >= 200 && r.status < 300;
        let body = r.body;
        let rendered = false;
        let rawHash: string | null = null;
        if (ok && kind === 'page') {
          const mode = opts.render ?? this.cfg.render;
          const ctype = r.headers['content-type'] ?? '';
          if (mode !== 'never' && /html/i.test(ctype || 'text/html')) {
            const { looksJsOnly } = await import('./extract.js');
            if (mode === 'always' || looksJsOnly(body.toString('utf8'))) {
              const html = await this.render(current, opts.log);
              if (html !== null) {
                rawHash = this.cache.putBody(body)[0];
                body = Buffer.from(html, 'utf8');
                rendered = true;
                this.stats.rendered++;
              }
            }
          }
        }
        const [hash, bodyRef] = body.length ? this.cache.putBody(body) : [null, null];
        const rec = this.cache.append({
          ...common,
          ok,
          rendered,
          raw_content_hash: rawHash,
          content_hash: hash,
          body_ref: bodyRef,
          bytes: body.length,
          truncated: r.truncated,
          elapsed_ms: Date.now() - t0,
        });
        return { url, record: rec, body };
      }
    } catch (e) {
      const err = e as Error & { attempts?: number };
      const rec = this.cache.append({
        ...base,
        final_url: current,
        status: null,
        ok: false,
        headers: {},
        content_hash: null,
        body_ref: null,
        bytes: 0,
        truncated: false,
        etag: null,
        last_modified: null,
        error: err.message,
        attempts: err.attempts ?? 1,
        elapsed_ms: Date.now() - t0,
      });
      return { url, record: rec, body: null };
    }
  }

  private async render(url: string, log?: (l: string) => void): Promise<string | null> {
    const { Renderer, chromiumAvailable } = await import('./render.js');
    if (!chromiumAvailable(this.cfg.chromium_path)) {
      log?.(
        `warn: ${url} looks JavaScript-only but chromium was not found at ${this.cfg.chromium_path} ` +
          `(apt-get install -y chromium, or set research.chromium_path); caching the raw HTML`,
      );
      return null;
    }
    this.renderer ??= new Renderer(this.cfg);
    try {
      return await this.renderer.render(url);
    } catch (e) {
      log?.(`warn: rendering ${url} failed: ${(e as Error).message}; caching the raw HTML`);
      return null;
    }
  }
}
