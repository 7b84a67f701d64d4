/** JavaScript rendering with Debian's chromium through playwright-core (never downloads a browser). */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { GoblinConfig } from '../config/index.js';
import { importOptional } from '../util/optional.js';
import { hostAllowed } from './allowlist.js';

type ResearchConfig = GoblinConfig['research'];

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--headless',
];

export function chromiumAvailable(path: string): boolean {
  return existsSync(path);
}

export class Renderer {
  private browser: Promise<Browser> | null = null;
  constructor(private readonly cfg: ResearchConfig) {}

  private launch(): Promise<Browser> {
    this.browser ??= importOptional<typeof import('playwright-core')>(
      'playwright-core',
      'rendering JavaScript-only pages',
    ).then(({ chromium }) =>
      chromium.launch({ executablePath: this.cfg.chromium_path, headless: true, args: CHROMIUM_ARGS }),
    );
    return this.browser;
  }

  /** Render a page and return its DOM as HTML. Sub-requests outside the allowlist are blocked. */
  async render(url: string): Promise<string> {
    const browser = await this.launch();
    const context = await browser.newContext({ userAgent: this.cfg.user_agent, javaScriptEnabled: true });
    try {
      const page = await context.newPage();
      await page.route('**/*', (route) =>
        hostAllowed(route.request().url(), this.cfg.domains_allowlist) ? route.continue() : route.abort(),
      );
      await page.goto(url, { waitUntil: 'networkidle', timeout: Math.max(this.cfg.timeout_ms, 5_000) });
      return await page.content();
    } finally {
      await context.close();
    }
  }

  async close(): Promise<void> {
    if (this.browser) await (await this.browser).close();
    this.browser = null;
  }
}
