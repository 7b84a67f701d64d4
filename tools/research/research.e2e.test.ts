import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { FetchCache, docRot } from './cache.js';
import { crawl, type CrawlReport } from './crawl.js';
import { assertChromium, CHROMIUM_PATH, skipWithoutChromium } from '../util/chromium.js';
import { chromiumAvailable } from './render.js';
import { LEXICAL_ONLY_NOTE, searchEvidence } from './search.js';
import { buildEvidencePack } from './trigger.js';
import { verifyCitations } from './verify.js';
import { extractRecord } from './store.js';
import { normalizeForMatch } from './text.js';
import { startDocSite, type DocSite } from './testing/docsite.js';
import { testConfig } from './testing/config.js';

const HAVE_CHROMIUM = chromiumAvailable(CHROMIUM_PATH);

describe('research: crawl → cache → extract → index → search → verify on a local docs site', () => {
  let site: DocSite;
  let env: ReturnType<typeof testConfig>;
  let first: CrawlReport;
  let cache: FetchCache;
  const u = (p: string) => `${site.origin}${p}`;

  beforeAll(async () => {
    site = await startDocSite();
    env = testConfig({
      research: { render: HAVE_CHROMIUM ? 'auto' : 'never', chromium_path: CHROMIUM_PATH },
    });
    first = await crawl({ config: env.config, seeds: [u('/')], sitemaps: [u('/sitemap.xml')] });
    cache = new FetchCache(env.config.research.cache_dir);
  });
  afterAll(async () => {
    await site?.close();
  });

  it('caches pages with URL, final URL, status, headers, time and content hash', () => {
    const rec = cache.latest(u('/docs/roku/cadence.html'))!;
    expect(rec.status).toBe(200);
    expect(rec.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rec.headers['content-type']).toContain('text/html');
    expect(Date.parse(rec.fetched_at)).toBeGreaterThan(0);
    expect(cache.readBody(rec)!.toString('utf8')).toContain('first content ping may be sent');
    expect(existsSync(join(env.config.research.cache_dir, 'index.jsonl'))).toBe(true);
    // Crawled through links and the sitemap (robots, sitemap records are kept too).
    const pages = new Set(cache.pageUrls());
    for (const p of [
      '/',
      '/docs/heartbeat/ad-pings.html',
      '/docs/media-collection/ping-interval.html',
      '/docs/stable.html',
    ])
      expect(pages.has(u(p))).toBe(true);
    expect(cache.all().some((r) => r.kind === 'robots' && r.status === 200)).toBe(true);
    expect(cache.all().some((r) => r.kind === 'sitemap' && r.status === 200)).toBe(true);
    expect(first.ok).toBeGreaterThanOrEqual(8);
    expect(first.pages_per_s).toBeGreaterThan(0);
  });

  it('obeys robots.txt and the domain allowlist', () => {
    expect(site.requests.some((r) => r.path.startsWith('/private/'))).toBe(false);
    expect(first.skipped.find((s) => s.url === u('/private/secret.html'))?.reason).toMatch(
      /robots\.txt disallows/,
    );
    expect(first.skipped.some((s) => s.url.includes('not-allowed.example.org'))).toBe(false); // other hosts are never even queued
    expect(
      site.requests.every(
        (r) => r.headers['user-agent'] === env.config.research.user_agent || r.path === '/static/app.js',
      ),
    ).toBe(true);
  });

  it('records the redirect target as final URL', () => {
    const rec = cache.latest(u('/old/roku-cadence'))!;
    expect(rec.status).toBe(200);
    expect(rec.final_url).toBe(u('/docs/roku/cadence.html'));
    expect(rec.redirects).toEqual([u('/old/roku-cadence')]);
    expect(first.redirects).toContainEqual({
      url: u('/old/roku-cadence'),
      final_url: u('/docs/roku/cadence.html'),
    });
  });

  it('records 404s and retried timeouts as failures', () => {
    const missing = cache.latest(u('/docs/missing.html'))!;
    expect(missing.status).toBe(404);
    expect(missing.ok).toBe(false);
    expect(missing.attempts).toBe(1); // 4xx is not retried
    const slow = cache.latest(u('/docs/slow.html'))!;
    expect(slow.status).toBeNull();
    expect(slow.error).toMatch(/timeout/);
    expect(slow.attempts).toBe(2);
    expect(site.requests.filter((r) => r.path === '/docs/slow.html')).toHaveLength(2);
    expect(first.failed.map((f) => f.url).sort()).toEqual([u('/docs/missing.html'), u('/docs/slow.html')]);
  });

  it.skipIf(skipWithoutChromium())(
    'renders the JavaScript-only page with chromium (skipped without chromium, outside CI only)',
    () => {
      assertChromium();
      const rec = cache.latest(u('/docs/app.html'))!;
      expect(rec.rendered).toBe(true);
      expect(rec.raw_content_hash).toMatch(/^[0-9a-f]{64}$/);
      const ex = extractRecord(cache, rec)!;
      expect(ex.text).toContain('a media session starts with a sessionStart event');
      // Plain HTML pages never go through the browser.
      expect(cache.latest(u('/docs/roku/cadence.html'))!.rendered).toBe(false);
      expect(first.rendered).toBe(1);
    },
  );

  it('extracts clean text with headings and intact code blocks, without boilerplate', () => {
    const ex = extractRecord(cache, cache.latest(u('/docs/roku/cadence.html'))!)!;
    expect(ex.title).toBe('Roku SDK: heartbeat cadence and the first ping');
    expect(ex.text).toContain('## First ping');
    expect(ex.text).toContain(
      "```\n' BrightScript\nm.mediaTracker = ADBMobile().getMediaTracker()\nm.mediaTracker.trackPlay()\n```",
    );
    expect(ex.text).not.toContain('All rights reserved');
    expect(ex.sections.map((s) => s.anchor)).toEqual(
      expect.arrayContaining(['roku-cadence', 'first-ping', 'configuration']),
    );
  });

  it('search "roku cadence first ping" ranks the Roku page first with an exact quote, lexically, reproducibly', async () => {
    const res = await searchEvidence('roku cadence first ping', { config: env.config });
    expect(res.mode).toBe('lexical');
    expect(res.notes).toContain(LEXICAL_ONLY_NOTE);
    expect(res.hits[0].url).toBe(u('/docs/roku/cadence.html'));
    expect(res.hits[0].title).toBe('Roku SDK: heartbeat cadence and the first ping');
    expect(res.hits[0].quote).toMatch(/roku/i);
    expect(res.hits[0].quote).toMatch(/first (content )?ping/i);
    const ex = extractRecord(cache, cache.byRef(res.hits[0].cached_ref)!)!;
    expect(ex.text.slice(res.hits[0].quote_start, res.hits[0].quote_end)).toBe(res.hits[0].quote);
    for (const h of res.hits) expect(h.text).toContain(h.quote);
    const again = await searchEvidence('roku cadence first ping', { config: env.config });
    expect(again.hits.map(({ rank, chunk_id, score, quote }) => ({ rank, chunk_id, score, quote }))).toEqual(
      res.hits.map(({ rank, chunk_id, score, quote }) => ({ rank, chunk_id, score, quote })),
    );
    const ads = await searchEvidence('ad pings every second', { config: env.config, k: 3 });
    expect(ads.hits[0].url).toBe(u('/docs/heartbeat/ad-pings.html'));
  });

  it('verify passes on a real quote and reports hallucinated and uncached ones', async () => {
    const res = await searchEvidence('roku cadence first ping', { config: env.config });
    const hit = res.hits[0];
    const root = join(env.dir, 'repo');
    mkdirSync(join(root, 'specs'), { recursive: true });
    writeFileSync(
      join(root, 'specs/roku.yaml'),
      YAML.stringify({
        id: 'HB_CADENCE_FIRST_PING_ROKU',
        citations: [
          { url: hit.url, quote: `  ${hit.quote.toUpperCase().replace(/ /g, '\n  ')}  ` }, // whitespace/case differ
          {
            url: `cached://${hit.cached_ref}`,
            quote: 'Later pings follow the regular cadence of 10 seconds.',
          },
          {
            url: hit.url,
            cached_ref: hit.cached_ref,
            quote: 'On Roku SDK 3.6 the first content ping must be sent after 5 seconds.',
          },
          { url: u('/docs/never-fetched.html'), quote: 'anything at all' },
        ],
      }),
    );
    const r = verifyCitations({ root, cacheDir: env.config.research.cache_dir });
    expect(r.checked).toBe(4);
    expect(r.ok).toBe(2);
    expect(r.broken.map((b) => [b.file, b.path, b.reason])).toEqual([
      ['specs/roku.yaml', '/citations/2', 'quote_not_found'],
      ['specs/roku.yaml', '/citations/3', 'not_cached'],
    ]);
  });

  it('re-crawl uses ETag/Last-Modified, keeps history and makes doc rot visible', async () => {
    site.state.changingVersion = 2;
    site.state.goneIsGone = true;
    const before = site.requests.length;
    const second = await crawl({ config: env.config, seeds: [u('/')], sitemaps: [u('/sitemap.xml')] });
    const c2 = new FetchCache(env.config.research.cache_dir);
    const newReqs = site.requests.slice(before);
    // Conditional requests were sent.
    expect(newReqs.find((r) => r.path === '/docs/changing.html')?.headers['if-none-match']).toBe('"rel-v1"');
    expect(newReqs.find((r) => r.path === '/docs/stable.html')?.headers['if-modified-since']).toBeTruthy();
    const stable = c2.history(u('/docs/stable.html'));
    expect(stable.map((r) => r.status)).toEqual([200, 304]);
    expect(stable[1].not_modified).toBe(true);
    expect(stable[1].content_hash).toBe(stable[0].content_hash);
    const changing = c2.history(u('/docs/changing.html'));
    expect(changing.map((r) => r.status)).toEqual([200, 200]);
    expect(changing[0].content_hash).not.toBe(changing[1].content_hash);
    expect(c2.history(u('/docs/gone.html')).map((r) => r.status)).toEqual([200, 404]);
    expect(second.not_modified).toBeGreaterThanOrEqual(1);
    expect(second.changed).toBe(1);
    const rot = docRot(c2);
    expect(rot.find((r) => r.url === u('/docs/gone.html'))).toMatchObject({
      kind: 'gone',
      detail: 'HTTP 404',
    });
    expect(rot.find((r) => r.url === u('/docs/changing.html'))?.kind).toBe('changed');
    // A quote from the old snapshot verifies against that snapshot, not against the latest page.
    const root = join(env.dir, 'repo2');
    mkdirSync(join(root, 'evidence'), { recursive: true });
    const oldQuote = 'In release 1.0 the heartbeat interval is 10 seconds for all content.';
    writeFileSync(
      join(root, 'evidence/old.json'),
      JSON.stringify({
        citations: [
          { url: u('/docs/changing.html'), quote: oldQuote, content_hash: changing[0].content_hash },
          { url: u('/docs/changing.html'), quote: oldQuote },
          { url: u('/docs/gone.html'), quote: 'The legacy parameter s:event:type carries the event name' },
        ],
      }),
    );
    const v = verifyCitations({ root, cacheDir: env.config.research.cache_dir });
    expect(v.broken.map((b) => b.path)).toEqual(['/citations/1']);
    expect(v.warnings.some((w) => w.detail.includes('doc rot') && w.url === u('/docs/gone.html'))).toBe(true);
    // The index follows the latest snapshots.
    const res = await searchEvidence('release heartbeat interval ads', { config: env.config, k: 3 });
    expect(res.hits[0].quote).toContain('release 2.0');
  });

  it('writes an evidence pack whose citations verify', async () => {
    const pack = await buildEvidencePack('roku first ping cadence', { config: env.config, k: 4 });
    expect(pack.file && existsSync(pack.file)).toBe(true);
    const onDisk = JSON.parse(readFileSync(pack.file!, 'utf8'));
    expect(onDisk.passages[0].url).toBe(u('/docs/roku/cadence.html'));
    expect(onDisk.queries[0]).toBe('roku first ping cadence');
    expect(onDisk.queries.length).toBeGreaterThan(1);
    expect(onDisk.citations[0]).toEqual({
      url: onDisk.passages[0].url,
      cached_ref: onDisk.passages[0].cached_ref,
      quote: onDisk.passages[0].quote,
      fetched_at: onDisk.passages[0].fetched_at,
      content_hash: onDisk.passages[0].content_hash,
    });
    const v = verifyCitations({ root: env.dir, cacheDir: env.config.research.cache_dir });
    // Both `passages` and `citations` entries are citation objects (url + quote).
    expect(v.checked).toBe(onDisk.citations.length + onDisk.passages.length);
    expect(v.broken).toEqual([]);
    expect(normalizeForMatch(onDisk.passages[0].text)).toContain(normalizeForMatch(onDisk.passages[0].quote));
  });
});
