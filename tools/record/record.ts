import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Browser } from 'playwright-core';
import { importOptional } from '../util/optional.js';
import type { Ledger, Scenario } from './scenario.js';
import { startRecordServer, type RecordServer } from './server.js';
import { MAPPED_HOSTS } from './site.js';
import { makeDirs } from '../util/files.js';

export const CHROMIUM = process.env.GOBLIN_CHROMIUM ?? '/usr/bin/chromium';
const STAGGER_MS = 1000;

/**
 * How Playwright's `recordHar` writes bodies: `embed` inline (`.har`), `attach` as files beside the HAR,
 * `zip` as members of a `.har.zip` (attach is the zip default), `omit` not at all.
 * https://playwright.dev/docs/api/class-browser#browser-new-context-option-record-har
 */
export type HarMode = 'embed' | 'attach' | 'zip' | 'omit';

export interface RecordJob {
  scenario: Scenario;
  mode: HarMode;
  /** Where the HAR goes (`.har`, or `.har.zip` for `zip`); attachments go to its folder. */
  harPath: string;
}

export interface Recording extends RecordJob {
  ledger: Ledger;
  seconds: number;
}

/** Chromium flags of the project plus the host mapping that sends Adobe's hosts to the emulation. */
function chromiumArgs(port: number): string[] {
  const rules = MAPPED_HOSTS.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ');
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-dev-shm-usage',
    // Pings run on page timers: several pages record at once and none may be throttled as "hidden".
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    `--host-resolver-rules=${rules}`,
  ];
}

async function recordOne(browser: Browser, server: RecordServer, job: RecordJob): Promise<Recording> {
  const t0 = performance.now();
  // `attach` writes bodies beside the HAR: its folder holds that capture only, so a retry starts clean.
  if (job.mode === 'attach') rmSync(dirname(job.harPath), { recursive: true, force: true });
  makeDirs(dirname(job.harPath));
  const content = job.mode === 'embed' ? 'embed' : job.mode === 'omit' ? 'omit' : 'attach';
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 720 },
    recordHar: { path: job.harPath, content, mode: 'full' },
  });
  try {
    const page = await context.newPage();
    const last = job.scenario.steps.reduce((m, s) => Math.max(m, s.at), 0);
    await page.goto(server.pageUrl(job.scenario), { waitUntil: 'load' });
    await page.waitForFunction(() => document.title === 'done' || document.title.startsWith('failed'), null, {
      timeout: last + 30_000,
      polling: 250,
    });
    const title = await page.title();
    const ledger = (await page.evaluate(
      () => (window as unknown as { goblinLedger: unknown }).goblinLedger,
    )) as Ledger;
    if (title !== 'done') ledger.errors.push(`page ${title}`);
    // Let the last beacons' responses arrive before the HAR is written.
    await page.waitForTimeout(750);
    await context.close();
    return { ...job, ledger, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    await context.close().catch(() => undefined);
    throw new Error(`${job.scenario.id} (${job.mode}): ${(e as Error).message}`);
  }
}

/**
 * Play every job's scenario in real time in its own browser context and write each HAR with Playwright's
 * own `recordHar`. Real time keeps capture times (`startedDateTime`) and beacon timestamps coherent, as
 * they are in a real capture. Jobs run `concurrency` at a time (longest first: they mostly wait on page
 * timers); a recording whose page timers ran more than `maxLateMs` behind schedule (a busy machine) is
 * recorded again, up to `attempts` times, and fails loudly after that.
 */
export async function recordScenarios(
  jobs: RecordJob[],
  opts: {
    onDone?: (r: Recording) => void;
    onRetry?: (job: RecordJob, lateMs: number) => void;
    concurrency?: number;
    maxLateMs?: number;
    attempts?: number;
  } = {},
): Promise<Recording[]> {
  const concurrency = opts.concurrency ?? 5;
  const maxLate = opts.maxLateMs ?? 400;
  const attempts = opts.attempts ?? 3;
  const server = await startRecordServer([...new Set(jobs.map((j) => j.scenario))]);
  let browser: Browser | null = null;
  try {
    const { chromium } = await importOptional<typeof import('playwright-core')>(
      'playwright-core',
      'recording browser HARs',
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: chromiumArgs(server.port),
    });
    const b = browser;
    const results = new Map<RecordJob, Recording>();
    const queue = [...jobs].sort((x, y) => lastStep(y) - lastStep(x));
    const worker = async (slot: number) => {
      // Start the first pages a second apart: a burst of page loads on a small machine delays them all.
      await new Promise((r) => setTimeout(r, slot * STAGGER_MS));
      for (let job = queue.shift(); job; job = queue.shift()) {
        for (let attempt = 1; ; attempt++) {
          const r = await recordOne(b, server, job);
          if (r.ledger.maxLateMs <= maxLate || attempt >= attempts) {
            if (r.ledger.maxLateMs > maxLate)
              r.ledger.errors.push(`page timers ran ${r.ledger.maxLateMs} ms late after ${attempt} attempts`);
            results.set(job, r);
            opts.onDone?.(r);
            break;
          }
          opts.onRetry?.(job, r.ledger.maxLateMs);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, (_, i) => worker(i)));
    return jobs.map((j) => results.get(j)!);
  } finally {
    await browser?.close();
    await server.close();
  }
}

const lastStep = (j: RecordJob) => j.scenario.steps.reduce((m, s) => Math.max(m, s.at), 0);
