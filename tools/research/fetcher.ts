/**
 * HTTP fetcher on undici: per-attempt timeout, retries with exponential backoff (5xx, 429, timeouts,
 * network errors; never other 4xx), per-host rate limit, domain allowlist checked on every redirect
 * hop, robots.txt (obeyed unless disabled), conditional requests (If-None-Match / If-Modified-Since)
 * from the cache, a byte cap per page (the body is cut and marked `truncated`). Every fetch is
 * appended to the cache; pages that look JavaScript-only are rendered with chromium when enabled.
 */
import { Agent, request } from 'undici';
import type { GoblinConfig } from '../config/index.js';
import { FetchCache, KEPT_HEADERS, type CacheRecord, type RecordKind } from './cache.js';
import { HostRateLimiter } from './ratelimit.js';
import { isAllowed, parseRobots, type RobotsRules } from './robots.js';

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

class RetryableError extends Error {}

export function hostAllowed(url: string, allowlist: string[]): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return allowlist.some((d) => {
    const dd = d.toLowerCase().replace(/^\*\./, '');
    return host === dd || host.endsWith(`.${dd}`);
  });
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
  private readonly robots = new Map<string, Promise<RobotsRules>>();
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
        if ((res.statusCode >= 500 || res.statusCode === 429) && attempt <= this.cfg.retries) {
          throw new RetryableError(`HTTP ${res.statusCode}`);
        }
        return {
          status: res.statusCode,
          headers: pickHeaders(res.headers),
          body: Buffer.concat(chunks),
          truncated,
          attempts: attempt,
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
        await sleep(this.cfg.retry_base_ms * 2 ** (attempt - 1));
      }
    }
  }

  /** robots.txt rules for an origin, fetched once per Fetcher (and recorded in the cache). */
  robotsFor(origin: string): Promise<RobotsRules> {
    let p = this.robots.get(origin);
    if (!p) {
      p = (async () => {
        const url = `${origin}/robots.txt`;
        const t0 = Date.now();
        try {
          const r = await this.exchange(url, {});
          const [hash, bodyRef] = r.body.length ? this.cache.putBody(r.body) : [null, null];
          this.cache.append({
            kind: 'robots',
            url,
            final_url: url,
            redirects: [],
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
            error: null,
            attempts: r.attempts,
            elapsed_ms: Date.now() - t0,
          });
          if (r.status >= 200 && r.status < 300) return parseRobots(r.body.toString('utf8'));
          if (r.status >= 500) return { groups: [], sitemaps: [], disallowAll: true };
          return { groups: [], sitemaps: [] }; // 4xx: no restrictions
        } catch {
          return { groups: [], sitemaps: [], disallowAll: true }; // unreachable: assume disallow
        }
      })();
      this.robots.set(origin, p);
    }
    return p;
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
      const rules = await this.robotsFor(u.origin);
      if (!isAllowed(rules, this.cfg.user_agent, u.pathname + u.search)) {
        return { ok: false, skipped: 'robots', reason: `robots.txt disallows ${u.pathname}` };
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
          error: null,
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
