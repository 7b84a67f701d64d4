/**
 * Browser test of the published site: build it once from the fixture run, serve dist on 127.0.0.1,
 * drive Debian's chromium with playwright-core and assert on what a person sees. Screenshots go to
 * test-artifacts/screenshots/ (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { assertChromium, skipWithoutChromium } from '../util/chromium.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, REPO_ROOT, type BuildSiteResult } from './site-build.js';
import { sessionSlug } from './site-data.js';
import { LONG_PARAM, REPO_DOC_URL, ROKU_QUOTE, writeFixtureRepo } from './testing/site-fixtures.js';
import { serveStatic, type StaticServer } from './static-server.js';

const CHROMIUM = process.env.GOBLIN_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = resolve(REPO_ROOT, 'test-artifacts', 'screenshots');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let dir: string;
let build: BuildSiteResult;
let server: StaticServer;
let browser: Browser;
const problems: string[] = [];

async function open(path: string, viewport = DESKTOP): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${path}: console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`${path}: request failed ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${path}: HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(server.url + path, { waitUntil: 'load' });
  return page;
}

/** Full-page shot on desktop; on a phone, what fits the screen (a 4,000 px strip is unreadable). */
async function shot(page: Page, name: string): Promise<void> {
  const phone = (page.viewportSize()?.width ?? DESKTOP.width) < 600;
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: !phone });
}

async function noHorizontalOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

describe.skipIf(skipWithoutChromium(CHROMIUM))('published site in chromium', () => {
  beforeAll(async () => {
    assertChromium(CHROMIUM);
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'goblin-site-browser-'));
    const { root, runDir } = writeFixtureRepo(dir, { git: true });
    // A fixed build time: spec ages on the pages are counted from it.
    build = await buildSite({
      root,
      runDir,
      outDir: join(dir, 'dist'),
      dataDir: join(dir, 'data'),
      now: new Date('2026-11-24T12:00:00.000Z'),
    });
    server = await serveStatic(build.outDir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds quickly into a static folder', () => {
    expect(build.ms.total).toBeLessThan(60_000);
    for (const f of [
      'index.html',
      'findings.csv',
      'search-index.json',
      'specs/CADENCE_EARLY_FIRST_PING_ROKU/index.html',
    ])
      expect(existsSync(join(build.outDir, f))).toBe(true);
  });

  it('dashboard: coverage, the platform × version matrix and what changed', async () => {
    const page = await open('/');
    await expect(page.locator('h1').textContent()).resolves.toBe('Dashboard');
    const coverage = await page.locator('#kpi-coverage').innerText();
    expect(coverage).toContain('80.0 %');
    expect(coverage).toContain('4 of 5 sessions');
    expect(await page.locator('#kpi-parse').innerText()).toContain('83.3 %');
    const rows = await page.locator('#matrix tbody tr').allInnerTexts();
    expect(rows).toHaveLength(5);
    const ios = rows.find((r) => r.startsWith('ios'))!;
    expect(ios.split('\t').map((c) => c.trim())).toEqual([
      'ios',
      'heartbeat',
      '2.3.0',
      '1',
      '·',
      '1',
      '1',
      '2',
    ]);
    expect(rows.some((r) => r.includes('roku') && r.includes('2.0.1'))).toBe(true);
    const headers = await page.locator('#matrix thead th').allInnerTexts();
    expect(headers).toEqual([
      'Platform',
      'SDK',
      'Version',
      'Sessions',
      'cadence',
      'playhead',
      'orchestration',
      'Total',
    ]);
    const changes = await page.locator('#changes').innerText();
    expect(changes).toContain('Coverage 75.0 % → 80.0 % (+5.0 pt)');
    expect(changes).toContain('roku|hb-api|2.0.1');
    await shot(page, 'dashboard-desktop');
    await page.setViewportSize(PHONE);
    expect(await noHorizontalOverflow(page)).toBe(true);
    await shot(page, 'dashboard-phone');
    await page.close();
  });

  it('specs index: each spec shows its lifecycle status and how long it has held it', async () => {
    const page = await open('/specs/');
    const rows = await page.locator('#spec-table tbody tr').allInnerTexts();
    const roku = rows.find((r) => r.startsWith('CADENCE_EARLY_FIRST_PING_ROKU'))!;
    expect(roku).toContain('active');
    expect(roku).toContain('since 2026-10-01 · 54 days');
    // a spec without since: shows its status alone, no invented age
    const shadow = rows.find((r) => r.startsWith('CADENCE_EARLY_FIRST_PING_DEFAULT'))!;
    expect(shadow).toContain('shadow');
    expect(shadow).not.toContain('since');
    await page.close();
  });

  it('spec page: scope, fail codes, fixtures, citation quote and history', async () => {
    const page = await open('/specs/CADENCE_EARLY_FIRST_PING_ROKU/');
    expect(await page.locator('h1').innerText()).toBe('CADENCE_EARLY_FIRST_PING_ROKU');
    expect(await page.locator('main').innerText()).toMatch(/Status\s+active since 2026-10-01 · 54 days/);
    expect(await page.locator('#scope-summary').innerText()).toBe(
      'platform roku · protocol media-collection, media-edge · version >=2.0.0',
    );
    expect(await page.locator('#fail-codes').innerText()).toContain('CADENCE_EARLY_FIRST_PING');
    await expect(page.locator('blockquote').first().innerText()).resolves.toBe(ROKU_QUOTE);
    const body = await page.locator('main').innerText();
    expect(body).toContain('"first_ping_min_s": 1');
    expect(body).toContain('tests/CADENCE_EARLY_FIRST_PING_ROKU/fail/instant.har');
    expect(body).toContain('unexpected');
    expect(body).toContain('Roku first ping: confirm on Roku OS 12');
    expect(body).toContain('C1: Cadence rules follow the documented ping intervals');
    // A repo-doc citation is shown as its path, not as a link the site cannot serve.
    expect(body).toContain(REPO_DOC_URL);
    expect(await page.locator(`a[href="${REPO_DOC_URL}"]`).count()).toBe(0);
    // the citation links to its cached evidence passage
    await page.getByRole('link', { name: /Roku media ping cadence #1/ }).click();
    await page.waitForURL(/\/evidence\/index\.html#roku-cadence-0$/);
    expect(await page.locator('#roku-cadence-0').innerText()).toContain('CADENCE_EARLY_FIRST_PING_ROKU');
    await shot(page, 'evidence');
    await page.close();
    const p2 = await open('/specs/CADENCE_EARLY_FIRST_PING_ROKU/');
    await shot(p2, 'spec-desktop');
    await p2.close();
  });

  it('dictionary pages: type, unit and aliases; long parameter names wrap on a phone', async () => {
    const page = await open('/dictionary/heartbeat--l-event-playhead/');
    expect(await page.locator('h1').innerText()).toBe('l:event:playhead');
    const facts = await page.locator('#dict-facts').innerText();
    expect(facts).toMatch(/Type\s+float/);
    expect(facts).toMatch(/Unit\s+s/);
    expect(await page.locator('#aliases li').allInnerTexts()).toEqual(['playhead', 'a.media.playhead']);
    expect(await page.locator('main').innerText()).toContain('PLAYHEAD_DECREASING_MAIN');
    await shot(page, 'dictionary-desktop');
    await page.close();
    const phone = await open(`/dictionary/edge--${LONG_PARAM}/`, PHONE);
    expect(await phone.locator('h1').innerText()).toBe(LONG_PARAM);
    expect(await noHorizontalOverflow(phone)).toBe(true);
    await shot(phone, 'dictionary-long-name-phone');
    await phone.close();
  });

  it('session viewer: the timeline is drawn and hovering an event shows its parameters', async () => {
    const page = await open(`/sessions/${sessionSlug('roku/mc-roku.har', 'mc-sess-2')}/`);
    expect(await page.locator('h1').innerText()).toBe('Session mc-sess-2');
    const svg = page.locator('#timeline svg');
    await expect(svg.isVisible()).resolves.toBe(true);
    expect(await page.locator('#timeline polyline.line').count()).toBe(1);
    expect(await page.locator('#timeline line.tick').count()).toBe(7);
    expect(await page.locator('#timeline rect.band-pause').count()).toBe(1);
    expect(await page.locator('#timeline path.viol').count()).toBe(1);
    const tip = page.locator('#ev-tip');
    expect(await tip.isVisible()).toBe(false);
    await page.locator('#timeline circle.ev[data-i="9"]').hover();
    await expect(tip.isVisible()).resolves.toBe(true);
    const text = await tip.innerText();
    expect(text).toContain('ping');
    expect(text).toContain('CADENCE_CONTENT_PING_GAP');
    expect(text).toMatch(/playerTime\.playhead\s+69\.5/);
    await shot(page, 'session-mc-hover');
    await page.mouse.move(5, 5);
    await expect(tip.isVisible()).resolves.toBe(false);
    await page.close();

    const hb = await open(`/sessions/${sessionSlug('web/hb-bunny.har', 'hb-sess-1')}/`);
    expect(await hb.locator('#timeline rect.band-ad').count()).toBe(1);
    expect(await hb.locator('#timeline rect.band-pause').count()).toBe(1);
    await hb.locator('#timeline circle.ev[data-i="6"]').hover();
    expect(await hb.locator('#ev-tip').innerText()).toContain('s:asset:ad_id');
    await shot(hb, 'session-heartbeat-desktop');
    await hb.setViewportSize(PHONE);
    expect(await noHorizontalOverflow(hb)).toBe(true);
    await shot(hb, 'session-heartbeat-phone');
    await hb.locator('#h-ev').scrollIntoViewIfNeeded();
    await shot(hb, 'session-heartbeat-phone-events');
    await hb.close();
  });

  it('search: "roku cadence first ping" lists the Roku spec first and the cached snippet', async () => {
    const page = await open('/');
    await page.getByLabel('Search specs, dictionary, codes and evidence').fill('roku cadence first ping');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\/index\.html\?q=roku/);
    await page.locator('#search-results li').first().waitFor();
    const results = await page.locator('#search-results li').allInnerTexts();
    expect(results[0]).toContain('CADENCE_EARLY_FIRST_PING_ROKU');
    const kinds = await page
      .locator('#search-results li')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind));
    expect(kinds[0]).toBe('spec');
    const ev = results.findIndex((r, i) => kinds[i] === 'evidence' && r.includes(ROKU_QUOTE));
    expect(ev).toBeGreaterThan(0);
    expect(ev).toBeLessThan(5);
    expect(await page.locator('#search-status').innerText()).toMatch(
      /results? for “roku cadence first ping”/,
    );
    await shot(page, 'search');
    await page.locator('#search-results li a').first().click();
    await page.waitForURL(/\/specs\/CADENCE_EARLY_FIRST_PING_ROKU\/index\.html$/);
    await page.close();
  });

  it('findings: filtering by code changes the rows, CSV downloads work, findings link to sessions', async () => {
    const page = await open('/findings/');
    const visible = () => page.locator('#findings-table tbody tr:visible').count();
    expect(await visible()).toBe(3);
    await page.getByLabel('Code', { exact: true }).selectOption('PLAYHEAD_DECREASING');
    expect(await visible()).toBe(1);
    expect(await page.locator('#finding-count').innerText()).toBe('1 of 3 findings shown');
    expect(page.url()).toContain('?code=PLAYHEAD_DECREASING');
    await shot(page, 'findings-filtered');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#csv-filtered').click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(download.suggestedFilename()).toBe('findings-filtered.csv');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain('PLAYHEAD_DECREASING');
    const href = await page.locator('#csv-all').getAttribute('href');
    const all = await page.evaluate(async (h) => (await fetch(h!)).text(), href);
    expect(all.split('\r\n')[0]).toMatch(/^ts,code,family,severity,spec/);
    expect(all.trim().split('\r\n')).toHaveLength(4);
    await page.getByLabel('Code', { exact: true }).selectOption('');
    await page.getByLabel('Platform', { exact: true }).selectOption('roku');
    expect(await visible()).toBe(1);
    await page.locator('#findings-table tbody tr:visible a', { hasText: 'mc-sess-2' }).click();
    await page.waitForURL(/\/sessions\/[0-9a-f]{12}\/index\.html$/);
    expect(await page.locator('h1').innerText()).toBe('Session mc-sess-2');
    await page.close();
  });

  it('inbox and code pages: ranked sessions with reproduce commands; code definitions with examples', async () => {
    const page = await open('/inbox/');
    const items = await page.locator('#inbox > li').allInnerTexts();
    expect(items[0]).toContain('hb-sess-4');
    expect(items.find((i) => i.includes('edge-sess-3'))).toContain('2 of 2 rules abstained');
    expect(items[1]).toContain('npx goblin run examples/hars/roku/mc-roku.har');
    await page.close();
    const code = await open('/codes/CADENCE_CONTENT_PING_GAP/');
    expect(await code.locator('#definition').innerText()).toContain('1.5 ×');
    expect(await code.locator('main').innerText()).toContain('main-content pings 25.0 s apart');
    await code.close();
  });

  it('quarantine: every file and entry the run could not read, with reason and position', async () => {
    const page = await open('/');
    await page.locator('#quarantine-link').click();
    await page.waitForURL(/\/quarantine\/index\.html$/);
    expect(await page.locator('#quarantine-summary').innerText()).toBe(
      '2 files and entries: invalid-json 1 · undecodable-beacon 1.',
    );
    const rows = await page.locator('#quarantine-table tbody tr').allInnerTexts();
    expect(rows[0].split('\t').map((c) => c.trim())).toEqual([
      'roku/mc-roku.har',
      '17',
      'undecodable-beacon',
      'media-collection: Media Collection call without a JSON body\nhttps://acme.hb-api.omtrdc.net/api/v1/sessions/139bd3c6/events',
    ]);
    expect(rows[1]).toContain('Unterminated string in JSON at position 3000');
    await shot(page, 'quarantine');
    await page.close();
  });

  it('reviews: the running rate on the dashboard, each bot PR with its outcome, diff and the style rules applied', async () => {
    const home = await open('/');
    expect(await home.locator('#kpi-reviews .value').innerText()).toBe('33.3 %');
    expect(await home.locator('#kpi-reviews .sub').innerText()).toBe('1 of 3 reviewed PRs');
    const list = await open('/reviews/');
    expect(await list.locator('#review-kpi').innerText()).toContain('33.3 %');
    const rows = await list.locator('#reviews tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t')[0].trim())).toEqual(['#13', '#12', '#11']);
    const edited = await open('/reviews/11/');
    expect(await edited.locator('#outcome').innerText()).toBe('edit');
    expect(await edited.locator('#diff .del').allInnerTexts()).toEqual(['-  gap_factor: 1.5\n']);
    expect(await edited.locator('#diff .add').allInnerTexts()).toEqual(['+  gap_factor: 2\n']);
    const styled = await open('/reviews/12/');
    expect(await styled.locator('#rules li').innerText()).toContain('params.gap_factor is set to 2');
    const rejected = await open('/reviews/13/', PHONE);
    expect(await rejected.locator('#outcome').innerText()).toBe('reject');
    expect(await rejected.getByText('Too broad: scope it to 1.4.').count()).toBe(1);
    expect(await noHorizontalOverflow(rejected)).toBe(true);
    await shot(edited, 'review-edited');
  });

  it('every session page shows its reproduce command', async () => {
    const page = await open(`/sessions/${sessionSlug('web/hb-bunny.har', 'hb-sess-1')}/`);
    expect(await page.locator('#reproduce').innerText()).toBe(
      `npx goblin run examples/hars/web/hb-bunny.har --out out/repro && grep -F '"session":"hb-sess-1"' out/repro/sessions.jsonl out/repro/violations.jsonl`,
    );
    await page.close();
  });

  it('opened from disk (file://): styled, links, search, filters and the timeline all work', async () => {
    const fileProblems: string[] = [];
    const page = await browser.newPage({ viewport: DESKTOP });
    page.on('pageerror', (e) => fileProblems.push(e.message));
    page.on('requestfailed', (r) => fileProblems.push(`request failed ${r.url()}`));
    page.on('console', (m) => {
      if (m.type() === 'error') fileProblems.push(`console: ${m.text()}`);
    });
    await page.goto(pathToFileURL(join(build.outDir, 'index.html')).href, { waitUntil: 'load' });
    // The stylesheet applied: the header is laid out by site.css, not the browser default.
    expect(await page.evaluate(() => document.styleSheets.length)).toBeGreaterThan(0);
    expect(await page.locator('header.site .hdr').evaluate((e) => getComputedStyle(e).display)).not.toBe(
      'block',
    );
    await page.getByRole('link', { name: 'Specs', exact: true }).click();
    await page.waitForURL(/\/specs\/index\.html$/);
    expect(page.url().startsWith('file://')).toBe(true);
    await page.locator('input[data-filter-table]').fill('roku');
    expect(await page.locator('[data-filter-count]').innerText()).toMatch(/^\d+ of \d+ shown$/);
    await page.getByRole('link', { name: 'CADENCE_EARLY_FIRST_PING_ROKU' }).click();
    await page.waitForURL(/\/specs\/CADENCE_EARLY_FIRST_PING_ROKU\/index\.html$/);
    expect(await page.locator('h1').innerText()).toBe('CADENCE_EARLY_FIRST_PING_ROKU');
    await page.getByLabel('Search specs, dictionary, codes and evidence').fill('roku cadence first ping');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\/index\.html\?q=roku/);
    await page.locator('#search-results li').first().waitFor();
    expect(await page.locator('#search-results li').first().innerText()).toContain(
      'CADENCE_EARLY_FIRST_PING_ROKU',
    );
    await page.locator('#search-results li a').first().click();
    await page.waitForURL(/\/specs\/CADENCE_EARLY_FIRST_PING_ROKU\/index\.html$/);
    await page.goto(
      pathToFileURL(join(build.outDir, 'findings', 'index.html')).href + '?code=PLAYHEAD_DECREASING',
    );
    expect(await page.locator('#finding-count').innerText()).toBe('1 of 3 findings shown');
    await page.goto(
      pathToFileURL(
        join(build.outDir, 'sessions', sessionSlug('roku/mc-roku.har', 'mc-sess-2'), 'index.html'),
      ).href,
    );
    expect(await page.locator('#timeline polyline.line').count()).toBe(1);
    await page.locator('#timeline circle.ev[data-i="9"]').hover();
    expect(await page.locator('#ev-tip').innerText()).toContain('CADENCE_CONTENT_PING_GAP');
    await shot(page, 'session-from-file');
    await page.close();
    expect(fileProblems).toEqual([]);
  });

  it('loads every page without console errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
