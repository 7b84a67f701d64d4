/**
 * The fetcher against small local servers: what a real documentation host does that a naive crawler gets
 * wrong — Crawl-delay, Retry-After (seconds and HTTP-date), a Retry-After too long to wait for, a
 * redirected robots.txt — plus the import graph and the optional dependencies' failure messages.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FetchCache } from './cache.js';
import { Fetcher, MAX_SERVER_DELAY_MS, retryAfterMs } from './fetcher.js';
import { testConfig } from './testing/config.js';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;
interface Site {
  origin: string;
  hits: { path: string; t: number }[];
  close(): Promise<void>;
}
const open: Site[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A server whose routes see how many times they were hit (1-based). */
async function site(routes: Record<string, Handler>): Promise<Site> {
  const hits: Site['hits'] = [];
  const count = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.push({ path, t: performance.now() });
    count.set(path, (count.get(path) ?? 0) + 1);
    const route = routes[path];
    if (route) return route(req, res, count.get(path)!);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<html><head><title>${path}</title></head><body><main><p>Page ${path}.</p></main></body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const s: Site = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  open.push(s);
  return s;
}

const robots =
  (text: string): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(text);
  };

function fetcher(over: Record<string, unknown> = {}) {
  const { config } = testConfig({ research: { render: 'never', timeout_ms: 3000, ...over } });
  return new Fetcher(new FetchCache(config.research.cache_dir), config.research);
}

const gaps = (s: Site, prefix: string) => {
  const t = s.hits.filter((h) => h.path.startsWith(prefix)).map((h) => h.t);
  return t.slice(1).map((x, i) => x - t[i]);
};

describe('fetcher: politeness and server signals', () => {
  it('spaces requests to a host by its robots.txt Crawl-delay, even when the configured rate is higher', async () => {
    const s = await site({ '/robots.txt': robots('User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n') });
    const f = fetcher({ per_host_rate_per_s: 500 });
    for (const p of ['/docs/a.html', '/docs/b.html', '/docs/c.html']) await f.fetch(`${s.origin}${p}`);
    await f.close();
    const g = gaps(s, '/docs/');
    expect(g).toHaveLength(2);
    // 1,000 ms apart at the client (2 ms at the configured rate); arrivals at the server jitter on a loaded
    // machine, far less than the 400 ms margin.
    for (const x of g) expect(x).toBeGreaterThanOrEqual(600);
  });

  it('waits as long as Retry-After (delay-seconds) says before retrying a 503', async () => {
    const s = await site({
      '/docs/busy.html': (_req, res, hit) => {
        if (hit === 1) {
          res.writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain' });
          return res.end('busy');
        }
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body><main><p>Back again.</p></main></body></html>');
      },
    });
    const f = fetcher({ retries: 2, retry_base_ms: 20 });
    const out = await f.fetch(`${s.origin}/docs/busy.html`);
    await f.close();
    expect(out.record?.ok).toBe(true);
    expect(out.record?.attempts).toBe(2);
    const [g] = gaps(s, '/docs/busy.html');
    expect(g).toBeGreaterThanOrEqual(950); // not the 20 ms backoff
  });

  it('reads Retry-After as an HTTP-date on a 429', async () => {
    const s = await site({
      '/docs/limited.html': (_req, res, hit) => {
        if (hit === 1) {
          // HTTP-dates have whole seconds: two seconds ahead is at least one full second of waiting.
          res.writeHead(429, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
          return res.end();
        }
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body><main><p>Fine now.</p></main></body></html>');
      },
    });
    const f = fetcher({ retries: 2, retry_base_ms: 20 });
    const out = await f.fetch(`${s.origin}/docs/limited.html`);
    await f.close();
    expect(out.record?.ok).toBe(true);
    expect(gaps(s, '/docs/limited.html')[0]).toBeGreaterThanOrEqual(950);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:30 GMT'))).toBe(
      30_000,
    );
    expect(retryAfterMs('soon')).toBeNull();
  });

  it('does not sit out a Retry-After longer than it waits for: one attempt, recorded with the reason', async () => {
    const s = await site({
      '/docs/maintenance.html': (_req, res) => {
        res.writeHead(503, { 'retry-after': '3600' });
        res.end();
      },
    });
    const f = fetcher({ retries: 3, retry_base_ms: 20 });
    const t0 = performance.now();
    const out = await f.fetch(`${s.origin}/docs/maintenance.html`);
    await f.close();
    expect(performance.now() - t0).toBeLessThan(MAX_SERVER_DELAY_MS / 10);
    expect(s.hits.filter((h) => h.path === '/docs/maintenance.html')).toHaveLength(1);
    expect(out.record).toMatchObject({ ok: false, status: 503, attempts: 1 });
    expect(out.record?.error).toMatch(/Retry-After 3600 s/);
  });

  it('follows a redirected robots.txt (RFC 9309 §2.3.1.2) and obeys the rules it points to', async () => {
    const s = await site({
      '/robots.txt': (_req, res) => {
        res.writeHead(301, { location: '/meta/robots.txt' });
        res.end();
      },
      '/meta/robots.txt': robots('User-agent: *\nDisallow: /private/\n'),
    });
    const f = fetcher();
    const out = await f.fetch(`${s.origin}/private/notes.html`);
    await f.close();
    expect(out.skipped).toBe('robots');
    expect(s.hits.some((h) => h.path === '/private/notes.html')).toBe(false);
  });
});

describe('research module structure', () => {
  it('has no import cycle (render.ts used to import fetcher.ts, which imports render.ts)', () => {
    const dir = import.meta.dirname;
    const graph = new Map<string, string[]>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      // Runtime imports only (static and dynamic); `import type` is erased.
      const deps = [...src.matchAll(/(?:^import (?!type )[^;]*? from |import\()'\.\/([\w-]+)\.js'/gm)].map(
        (m) => `${m[1]}.ts`,
      );
      graph.set(f, deps);
    }
    expect(graph.get('fetcher.ts')).toContain('render.ts'); // the edge that made the cycle is still real
    const cycles: string[] = [];
    const visit = (n: string, stack: string[]) => {
      if (stack.includes(n)) return void cycles.push([...stack.slice(stack.indexOf(n)), n].join(' → '));
      for (const d of graph.get(n) ?? []) visit(d, [...stack, n]);
    };
    for (const n of graph.keys()) visit(n, []);
    expect(cycles).toEqual([]);
  });
});

describe('optional dependencies', () => {
  // A resolve hook that makes the named packages absent, as after `npm ci --omit=optional`.
  const hide = (pkgs: string[], script: string) => {
    const env = testConfig().dir;
    writeFileSync(
      join(env, 'hide.mjs'),
      `const HIDDEN = ${JSON.stringify(pkgs)};
export async function resolve(specifier, context, next) {
  if (HIDDEN.some((p) => specifier === p || specifier.startsWith(p + '/'))) {
    const e = new Error("Cannot find package '" + specifier + "'");
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return next(specifier, context);
}`,
    );
    writeFileSync(
      join(env, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${join(env, 'hide.mjs')}`)});\n`,
    );
    const file = join(env, 'probe.mts');
    writeFileSync(file, script);
    const root = resolve(import.meta.dirname, '../..');
    return spawnSync(process.execPath, ['--import', 'tsx', '--import', join(env, 'register.mjs'), file], {
      cwd: root,
      encoding: 'utf8',
    });
  };
  const ROOT = resolve(import.meta.dirname, '../..');

  it('an ONNX model without onnxruntime-node says which package is missing and how to install it', () => {
    const r = hide(
      ['onnxruntime-node'],
      `import { setupModels } from ${JSON.stringify(join(ROOT, 'tools/research/embed.ts'))};
const m = await setupModels({ onnx_embedder: ${JSON.stringify(join(ROOT, 'package.json'))}, onnx_reranker: null, onnx_input_dim: null, onnx_pooling: 'auto', embedder: null, ollama_host: null } as never);
console.log(JSON.stringify(m.notes));`,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /ONNX embedder unavailable: onnxruntime-node is not installed; it is an optional dependency, needed for ONNX models .*npm install/,
    );
  });

  it('rendering without playwright-core fails with the package name, not a module-resolution stack', () => {
    const r = hide(
      ['playwright-core'],
      `import { Renderer } from ${JSON.stringify(join(ROOT, 'tools/research/render.ts'))};
try { await new Renderer({ chromium_path: '/usr/bin/chromium' } as never).render('http://127.0.0.1:9/'); }
catch (e) { console.log((e as Error).name + ': ' + (e as Error).message); }`,
    );
    expect(r.stdout).toMatch(
      /^OptionalDependencyError: playwright-core is not installed; it is an optional dependency, needed for rendering JavaScript-only pages\. .*npm install .*playwright-core@1\.65\.1/m,
    );
  });
});
