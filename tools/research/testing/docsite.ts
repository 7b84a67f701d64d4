/**
 * A small documentation site on 127.0.0.1 for the research tests: HTML pages, robots.txt disallowing
 * /private/, a sitemap, a 301, a 404, a slow page, a JavaScript-only page, a page that changes
 * between crawls (ETag / 304) and one with Last-Modified. `requests` logs every request seen.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DocSite {
  origin: string;
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  state: { changingVersion: number; goneIsGone: boolean };
  close(): Promise<void>;
}

const page = (title: string, body: string, extraHead = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>${extraHead}</head>
<body>
<header><nav><a href="/">Home</a> · <a href="/docs/roku/cadence.html">Roku</a> · <a href="/docs/heartbeat/ad-pings.html">Ads</a></nav></header>
<main><article>
${body}
</article></main>
<footer>© Example Docs. All rights reserved. Cookie preferences.</footer>
</body></html>`;

const lorem = (topic: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `<p>Implementation note ${i + 1} about ${topic}: the tracker keeps its own clock, sends events in order, and queues them while the network is unavailable so that reporting stays complete.</p>`,
  ).join('\n');

const PAGES: Record<string, () => string> = {
  '/': () =>
    page(
      'Example Media Docs',
      `<h1>Example Media Docs</h1>
<p>Guides for media tracking on every platform supported by the example SDKs, collected for testing the research crawler.</p>
<ul>
<li><a href="/docs/roku/cadence.html">Roku heartbeat cadence</a></li>
<li><a href="/docs/heartbeat/ad-pings.html">Ad pings</a></li>
<li><a href="/docs/media-collection/ping-interval.html">Media Collection ping interval</a></li>
<li><a href="/docs/changing.html">Release notes</a></li>
<li><a href="/docs/stable.html">Glossary</a></li>
<li><a href="/docs/gone.html">Legacy page</a></li>
<li><a href="/docs/missing.html">Missing page</a></li>
<li><a href="/docs/slow.html">Slow page</a></li>
<li><a href="/docs/app.html">Interactive reference</a></li>
<li><a href="/old/roku-cadence">Old Roku link</a></li>
<li><a href="/private/secret.html">Internal notes</a></li>
<li><a href="https://not-allowed.example.org/x.html">Elsewhere</a></li>
</ul>`,
    ),
  '/docs/roku/cadence.html': () =>
    page(
      'Roku SDK: heartbeat cadence and the first ping',
      `<h1 id="roku-cadence">Roku SDK heartbeat cadence</h1>
<p>This page explains the ping cadence of the Roku media SDK for main content and the timing of the first ping.</p>
<h2 id="first-ping">First ping</h2>
<p>On Roku SDK 3.6 and later, the first content ping may be sent less than 2 seconds after the play event. Later pings follow the regular cadence of 10 seconds.</p>
<h2 id="configuration">Configuration</h2>
<p>The cadence cannot be changed by the application; the SDK owns the ping timer.</p>
<pre><code>' BrightScript
m.mediaTracker = ADBMobile().getMediaTracker()
m.mediaTracker.trackPlay()
</code></pre>
${lorem('Roku sessions', 4)}`,
    ),
  '/docs/heartbeat/ad-pings.html': () =>
    page(
      'Heartbeat ad tracking',
      `<h1 id="ad-tracking">Ad tracking with heartbeats</h1>
<p>During ad playback, ad pings are sent every 1 second instead of the 10-second main content cadence.</p>
<h2 id="bookends">Ad bookends</h2>
<p>Every ad is bracketed by an adStart and an adComplete event; a missing adComplete leaves the ad open until the session ends.</p>
${lorem('ad breaks', 4)}`,
    ),
  '/docs/media-collection/ping-interval.html': () =>
    page(
      'Media Collection API: ping interval',
      `<h1 id="ping-interval">Ping events in the Media Collection API</h1>
<p>Send a ping event every 10 seconds during main content playback, and every 1 second during ad playback.</p>
<h2 id="session-timeout">Session timeout</h2>
<p>A session without any event for 10 minutes is closed by the server.</p>
${lorem('media collection sessions', 4)}`,
    ),
  '/docs/stable.html': () =>
    page(
      'Glossary',
      `<h1 id="glossary">Glossary</h1>
<p>Playhead: the current position in the content, in seconds, reported with every event.</p>
${lorem('the glossary', 3)}`,
    ),
  '/docs/gone.html': () =>
    page(
      'Legacy heartbeat parameters',
      `<h1 id="legacy">Legacy heartbeat parameters</h1>
<p>The legacy parameter s:event:type carries the event name for every heartbeat call.</p>
${lorem('legacy parameters', 3)}`,
    ),
  '/private/secret.html': () => page('Secret', '<p>This must never be crawled.</p>'),
};

const JS_PAGE = `<!doctype html><html><head><title>Interactive reference</title></head>
<body><div id="root"></div>
<noscript>You need to enable JavaScript to run this app.</noscript>
<script src="/static/app.js"></script></body></html>`;

const APP_JS = `document.getElementById('root').innerHTML =
  '<article><h1 id="edge-sessions">Edge streaming media sessions</h1>' +
  '<p>With the Edge Network, a media session starts with a sessionStart event and pings are sent every 10 seconds.</p>' +
  '<p>This reference is rendered in the browser by JavaScript, so a plain HTML fetch sees an empty page.</p></article>';`;

const SITEMAP = (origin: string) => `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${[
  '/docs/roku/cadence.html',
  '/docs/heartbeat/ad-pings.html',
  '/docs/media-collection/ping-interval.html',
  '/docs/changing.html',
  '/private/secret.html',
]
  .map((p) => `  <url><loc>${origin}${p}</loc></url>`)
  .join('\n')}
</urlset>`;

export async function startDocSite(opts: { slowMs?: number; extraPages?: number } = {}): Promise<DocSite> {
  const state = { changingVersion: 1, goneIsGone: false };
  const requests: DocSite['requests'] = [];
  const stableModified = new Date('2026-01-05T10:00:00Z').toUTCString();
  let origin = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path, headers: req.headers });
    const html = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(body);
    };
    if (path === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(
        `User-agent: *\nDisallow: /private/\nAllow: /\n\nUser-agent: BadBot\nDisallow: /\n\nSitemap: ${origin}/sitemap.xml\n`,
      );
      return;
    }
    if (path === '/sitemap.xml') {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(SITEMAP(origin));
      return;
    }
    if (path === '/old/roku-cadence') {
      res.writeHead(301, { location: '/docs/roku/cadence.html' });
      res.end();
      return;
    }
    if (path === '/docs/slow.html') {
      const t = setTimeout(() => html(200, page('Slow', '<p>Too late.</p>')), opts.slowMs ?? 6000);
      res.on('close', () => clearTimeout(t));
      return;
    }
    if (path === '/gen/index.html') {
      const links = Array.from(
        { length: opts.extraPages ?? 0 },
        (_, i) => `<li><a href="/gen/${i}.html">Generated ${i}</a></li>`,
      );
      return html(200, page('Generated index', `<h1>Generated pages</h1><ul>${links.join('')}</ul>`));
    }
    const gen = /^\/gen\/(\d+)\.html$/.exec(path);
    if (gen && Number(gen[1]) < (opts.extraPages ?? 0)) {
      const i = Number(gen[1]);
      const topics = [
        'cadence',
        'first ping',
        'ad break',
        'bookends',
        'playhead',
        'session timeout',
        'orchestration',
        'edge',
      ];
      const t = topics[i % topics.length];
      return html(
        200,
        page(
          `Generated page ${i}: ${t}`,
          `<h1 id="g${i}">Generated page ${i} about ${t}</h1><h2 id="details">Details</h2>${lorem(`${t} variant ${i}`, 12)}<h2 id="more">More</h2>${lorem(`${t} (part 2)`, 12)}`,
        ),
      );
    }
    if (path === '/docs/app.html') return html(200, JS_PAGE);
    if (path === '/static/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(APP_JS);
      return;
    }
    if (path === '/docs/changing.html') {
      const v = state.changingVersion;
      const etag = `"rel-v${v}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      const text =
        v === 1
          ? 'In release 1.0 the heartbeat interval is 10 seconds for all content.'
          : 'In release 2.0 the heartbeat interval is 10 seconds for content and 1 second for ads.';
      return html(
        200,
        page(
          'Release notes',
          `<h1 id="release-notes">Release notes</h1><p>${text}</p>${lorem('releases', 3)}`,
        ),
        { etag },
      );
    }
    if (path === '/docs/stable.html') {
      if (req.headers['if-modified-since'] === stableModified) {
        res.writeHead(304, { 'last-modified': stableModified });
        res.end();
        return;
      }
      return html(200, PAGES[path](), { 'last-modified': stableModified });
    }
    if (path === '/docs/gone.html' && state.goneIsGone)
      return html(404, page('Not found', '<p>Not found</p>'));
    const p = PAGES[path];
    if (!p) return html(404, page('Not found', '<p>Not found</p>'));
    html(200, p());
  };
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
