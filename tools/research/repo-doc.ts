/**
 * Citations of the repository's own documentation. A spec may cite `docs/reference/wire-formats.md#34-timing`
 * (a repo-relative path, optionally with a GitHub-slugged heading anchor) instead of a public URL: the
 * repo doc is itself sourced, it travels with the clone, and a reader can follow the link offline. The
 * quote must then be verbatim in that section (the heading up to the next heading of the same or a higher
 * level), so a citation stays tied to the rule it quotes and breaks when the section is rewritten.
 *
 * Markdown is parsed with mdast and slugged with github-slugger, the same way `npm run docs:check` checks
 * links, so an anchor that docs:check accepts is one the verifier finds.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { posix, resolve, sep } from 'node:path';
import GithubSlugger from 'github-slugger';
import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString } from 'mdast-util-to-string';
import { gfm } from 'micromark-extension-gfm';
import { normalizeForMatch } from './text.js';

/** A URL with no scheme (`docs/x.md#a`) names a file of the repository; `https:`, `cached:` … do not. */
export function isRepoDocUrl(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('/') && url.trim() !== '';
}

/** Text blocks whose words are joined without separators inside and with a space between them. */
const LEAF_BLOCKS = new Set(['paragraph', 'heading', 'code', 'html']);

function blocksText(nodes: readonly Nodes[]): string {
  const out: string[] = [];
  const walk = (n: Nodes) => {
    // A table row reads `cell | cell | cell`, as `research import` renders it, so evidence-pack passages
    // cut from the imported snapshot verify against the working tree too.
    if (n.type === 'tableRow') out.push(n.children.map((c) => toString(c)).join(' | '));
    else if (LEAF_BLOCKS.has(n.type)) out.push(toString(n));
    else if ('children' in n) for (const c of n.children) walk(c as Nodes);
  };
  nodes.forEach(walk);
  return out.join(' ');
}

/**
 * The visible text of a markdown document, or of the section under `anchor`; null when the anchor names
 * no heading. Emphasis, code spans and link syntax are dropped; table cells and blocks are space-separated.
 */
export function markdownSectionText(markdown: string, anchor?: string): string | null {
  const root: Root = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  if (!anchor) return blocksText(root.children);
  const slugger = new GithubSlugger();
  const want = anchor.toLowerCase();
  const kids = root.children;
  for (let i = 0; i < kids.length; i++) {
    const h = kids[i];
    if (h.type !== 'heading') continue;
    if (slugger.slug(toString(h)) !== want) continue;
    let end = i + 1;
    while (end < kids.length) {
      const k = kids[end];
      if (k.type === 'heading' && k.depth <= h.depth) break;
      end++;
    }
    return blocksText(kids.slice(i, end));
  }
  return null;
}

export type RepoDocCheck =
  { ok: true; file: string } | { ok: false; reason: 'not_cached' | 'quote_not_found'; detail: string };

/**
 * Check a repo-doc citation against the working tree at `root`. `quote` is already normalized
 * (normalizeForMatch) by the caller.
 */
export function checkRepoDocCitation(root: string, url: string, normalizedQuote: string): RepoDocCheck {
  const [rawPath = '', rawAnchor] = url.split('#', 2);
  const rel = posix.normalize(decodeURIComponent(rawPath));
  const abs = resolve(root, rel);
  if (rel.startsWith('../') || (abs !== resolve(root) && !abs.startsWith(resolve(root) + sep)))
    return { ok: false, reason: 'not_cached', detail: `${url} leaves the repository` };
  if (!existsSync(abs) || !statSync(abs).isFile())
    return { ok: false, reason: 'not_cached', detail: `${rel} does not exist in the repository` };
  const anchor = rawAnchor ? decodeURIComponent(rawAnchor) : undefined;
  const raw = readFileSync(abs, 'utf8');
  const text = /\.(md|markdown)$/i.test(rel) ? markdownSectionText(raw, anchor) : anchor ? null : raw;
  if (text === null) return { ok: false, reason: 'not_cached', detail: `${rel} has no heading #${anchor}` };
  if (normalizeForMatch(text).includes(normalizedQuote)) return { ok: true, file: rel };
  return {
    ok: false,
    reason: 'quote_not_found',
    detail: `quote is not in ${anchor ? `section #${anchor} of ` : ''}${rel}`,
  };
}
