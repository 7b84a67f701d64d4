/**
 * After the Astro build: rewrite every internal link of every page to a relative link that names its
 * file (tools/publish/links.ts), so site/dist works from a server under any prefix and opened from disk.
 * `data-root` becomes the page's way back to the root, for scripts that build links (search).
 * 404.html keeps absolute links: a server shows it at any depth, where relative links would break.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { walkFiles } from '../util/files.js';
import { relativeLink, rootPrefix } from './links.js';

const ATTR = /\b(href|src|action|data-index|data-root)="([^"]*)"/g;

/** Rewrite one page's HTML; `page` is its path inside the site, `base` the URL prefix Astro built for. */
export function relativizeHtml(html: string, page: string, base = '/'): string {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return html.replace(ATTR, (whole, attr: string, value: string) => {
    if (attr === 'data-root') return `data-root="${rootPrefix(page)}"`;
    // Internal links start with the base; `//host`, `https:`, `data:`, `#x` and `mailto:` stay.
    if (!value.startsWith(prefix) && value !== prefix.slice(0, -1)) return whole;
    if (value.startsWith('//')) return whole;
    const sitePath = value.slice(Math.min(value.length, prefix.length));
    return `${attr}="${relativeLink(page, sitePath)}"`;
  });
}

/** Rewrite every page under `dir`; returns how many were rewritten. */
export function relativizeSite(dir: string, base = '/'): number {
  let n = 0;
  for (const page of walkFiles(dir, { match: /\.html$/ })) {
    if (page === '404.html') continue;
    const path = join(dir, page);
    const html = readFileSync(path, 'utf8');
    const out = relativizeHtml(html, page, base);
    if (out !== html) {
      writeFileSync(path, out);
      n++;
    }
  }
  return n;
}
