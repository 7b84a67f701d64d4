import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import GithubSlugger from 'github-slugger';
import { FetchCache, type CacheRecord } from './cache.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const inline = (s: string) =>
  esc(s)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>');

/** Minimal Markdown → HTML (headings, paragraphs, lists, fenced code, table rows) for offline docs. */
export function markdownToHtml(md: string, title: string): string {
  const out: string[] = [`<!doctype html><html><head><title>${esc(title)}</title></head><body><article>`];
  // Heading ids slugged as GitHub slugs them, so a passage's anchor is the anchor docs:check accepts.
  const slugger = new GithubSlugger();
  let para: string[] = [];
  let code: string[] | null = null;
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
  };
  for (const line of md.split('\n')) {
    if (code) {
      if (line.startsWith('```')) {
        out.push(`<pre><code>${esc(code.join('\n'))}</code></pre>`);
        code = null;
      } else code.push(line);
      continue;
    }
    if (line.startsWith('```')) {
      flush();
      code = [];
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      const id = slugger.slug(h[2].replace(/\*\*|`/g, '').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1'));
      out.push(`<h${h[1].length} id="${id}">${inline(h[2])}</h${h[1].length}>`);
    } else if (/^\s*[-*]\s+/.test(line)) {
      flush();
      out.push(`<ul><li>${inline(line.replace(/^\s*[-*]\s+/, ''))}</li></ul>`);
    } else if (/^\|/.test(line)) {
      flush();
      if (!/^\|[-\s|:]+\|$/.test(line.trim()))
        out.push(
          `<p>${inline(
            line
              .replace(/^\||\|$/g, '')
              .split('|')
              .map((c) => c.trim())
              .join(' | '),
          )}</p>`,
        );
    } else if (line.trim() === '' || /^-{3,}$/.test(line.trim())) flush();
    else para.push(line.trim());
  }
  flush();
  out.push('</article></body></html>');
  return out.join('\n');
}

/**
 * Import a local document (HTML or Markdown) into the evidence cache as a snapshot of `url`, for
 * documentation a team holds offline. The record says `imported_from` so nobody mistakes it for a crawl.
 */
export function importDocument(opts: {
  cacheDir: string;
  file: string;
  url: string;
  title?: string;
  fetchedAt?: string;
}): CacheRecord {
  const cache = new FetchCache(opts.cacheDir);
  const raw = readFileSync(opts.file, 'utf8');
  const isMd = ['.md', '.markdown'].includes(extname(opts.file).toLowerCase());
  const html = isMd ? markdownToHtml(raw, opts.title ?? opts.url) : raw;
  const body = Buffer.from(html, 'utf8');
  const [hash, bodyRef] = cache.putBody(body);
  const prev = cache.latestWithBody(opts.url);
  if (prev && prev.content_hash === hash) return prev;
  return cache.append({
    kind: 'page',
    url: opts.url,
    final_url: opts.url,
    redirects: [],
    status: 200,
    ok: true,
    headers: { 'content-type': 'text/html; charset=utf-8', 'x-goblin-imported-from': opts.file },
    fetched_at: opts.fetchedAt ?? new Date().toISOString(),
    content_hash: hash,
    body_ref: bodyRef,
    bytes: body.length,
    truncated: false,
    etag: null,
    last_modified: null,
    not_modified: false,
    rendered: false,
    error: null,
    attempts: 1,
    elapsed_ms: 0,
  });
}
