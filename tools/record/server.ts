import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { AdobeEmulation, type EmulatedReply, type EmulatedRequest } from './answers.js';
import { throwawayCertificate } from './cert.js';
import type { Scenario } from './scenario.js';
import { SITE } from './site.js';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'page');

export interface RecordServer {
  port: number;
  scheme: 'https' | 'http';
  /** URL of a scenario's watch page on the customer's (mapped) host. */
  pageUrl(s: Scenario): string;
  close(): Promise<void>;
}

function scenarioSlug(id: string): string {
  return id.replace(/[^A-Za-z0-9]+/g, '-');
}

/** The page's TypeScript modules, compiled for the browser on first request (no bundler, no build step). */
const compiled = new Map<string, string>();
function pageModule(name: string): string | null {
  if (!/^[a-z-]+$/.test(name)) return null;
  const file = join(PAGE_DIR, `${name}.ts`);
  if (!existsSync(file)) return null;
  let js = compiled.get(name);
  if (js === undefined) {
    js = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ES2022,
        removeComments: true,
      },
    }).outputText;
    compiled.set(name, js);
  }
  return js;
}

function watchPage(s: Scenario): string {
  // `</` cannot appear inside the JSON script element.
  const data = JSON.stringify({ scenario: s, site: SITE }).replace(/<\//g, '<\\/');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${s.media.name} · Acme Stream</title></head>
<body><main><h1>${s.media.name}</h1><div id="player" role="region" aria-label="video player"></div></main>
<script id="scenario" type="application/json">${data}</script>
<script type="module" src="/assets/player.js"></script>
</body></html>`;
}

/**
 * One local server for everything the page talks to: the customer's pages and scripts, and the Adobe
 * emulation for every mapped Adobe host (Chromium sends them all here through `--host-resolver-rules`).
 */
export async function startRecordServer(scenarios: Scenario[]): Promise<RecordServer> {
  // Compile the page modules before any browser asks: the first page loads must not wait on the compiler.
  for (const f of readdirSync(PAGE_DIR)) if (f.endsWith('.ts')) pageModule(f.slice(0, -3));
  const bySlug = new Map(scenarios.map((s) => [scenarioSlug(s.id), s]));
  const adobe = new AdobeEmulation(SITE);
  const page = (req: EmulatedRequest): EmulatedReply => {
    const watch = /^\/watch\/([A-Za-z0-9-]+)$/.exec(req.path);
    if (watch && bySlug.has(watch[1]))
      return {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
        body: watchPage(bySlug.get(watch[1])!),
      };
    const asset = /^\/assets\/([a-z-]+)\.js$/.exec(req.path);
    const js = asset ? pageModule(asset[1]) : null;
    if (js !== null)
      return { status: 200, headers: { 'Content-Type': 'text/javascript; charset=utf-8' }, body: js };
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'not found' };
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://placeholder');
      const er: EmulatedRequest = {
        method: req.method ?? 'GET',
        host: (req.headers.host ?? '').replace(/:\d+$/, ''),
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers as Record<string, string | undefined>,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const reply = adobe.answer(er) ?? page(er);
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  };
  const tls = throwawayCertificate([
    ...SITE.pageOrigin.replace('https://', '').split(','),
    '*.omtrdc.net',
    '*.sc.omtrdc.net',
    '*.hb.omtrdc.net',
    '*.hb-api.omtrdc.net',
    '*.adobedc.net',
    '*.demdex.net',
  ]);
  const server = tls ? createHttps({ key: tls.key, cert: tls.cert }, handler) : createHttp(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const scheme = tls ? 'https' : 'http';
  return {
    port,
    scheme,
    pageUrl: (s) => `${SITE.pageOrigin.replace('https:', `${scheme}:`)}/watch/${scenarioSlug(s.id)}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
