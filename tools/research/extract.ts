/**
 * Extraction: @mozilla/readability on a linkedom DOM picks the main content; cheerio turns it into
 * clean text that keeps structure: headings as `#`-prefixed lines (with their anchor), code blocks
 * fenced with ``` and kept intact, list items as `- `, table rows as `a | b`. Blocks are separated by
 * a blank line. Sections carry char offsets into that text, so chunks and quotes point back exactly.
 */
import { Readability } from '@mozilla/readability';
import { load, type CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { parseHTML } from 'linkedom';
import { slugify } from './text.js';

export interface Section {
  anchor: string;
  heading: string;
  level: number;
  start: number;
  end: number;
}

export interface Extracted {
  title: string;
  text: string;
  sections: Section[];
  links: string[];
  /** 'readability' or 'fallback' (whole body minus boilerplate when readability found too little). */
  method: 'readability' | 'fallback' | 'plain';
}

const SKIP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'canvas',
  'iframe',
  'button',
  'form',
  'input',
  'select',
  'nav',
  'footer',
  'aside',
]);
const BLOCK_TEXT = new Set(['p', 'blockquote', 'dt', 'dd', 'figcaption', 'caption', 'summary', 'address']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const CONTAINERS = new Set([
  'div',
  'section',
  'article',
  'main',
  'body',
  'header',
  'details',
  'figure',
  'dl',
  'ul',
  'ol',
  'center',
  'span',
  'html',
]);

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const MARK = '\u2063';
const MARK_RE = /^\u2063([1-6])\|([^\u2063]*)\u2063(.*)$/;

class Builder {
  blocks: { text: string; heading?: { level: number; anchor: string; text: string } }[] = [];
  inline: string[] = [];
  flushInline() {
    const t = collapse(this.inline.join(''));
    this.inline = [];
    if (t) this.blocks.push({ text: t });
  }
  push(text: string) {
    this.flushInline();
    if (text.trim()) this.blocks.push({ text });
  }
}

function walk($: CheerioAPI, node: AnyNode, b: Builder, anchors: Map<string, string>): void {
  if (node.type === 'text') {
    b.inline.push((node as unknown as { data: string }).data);
    return;
  }
  if (node.type !== 'tag') return;
  const el = node as Element;
  const tag = el.tagName.toLowerCase();
  if (SKIP.has(tag)) return;
  if (HEADINGS.has(tag)) {
    const text = collapse($(el).text());
    if (!text) return;
    const id =
      $(el).attr('id') || $(el).find('[id]').first().attr('id') || anchors.get(text) || slugify(text);
    b.flushInline();
    b.blocks.push({
      text: `${'#'.repeat(Number(tag[1]))} ${text}`,
      heading: { level: Number(tag[1]), anchor: id, text },
    });
    return;
  }
  if (tag === 'pre') {
    const code = $(el)
      .text()
      .replace(/^\n+|\s+$/g, '');
    if (code) b.push(`\`\`\`\n${code}\n\`\`\``);
    return;
  }
  if (tag === 'br') {
    b.inline.push(' ');
    return;
  }
  if (BLOCK_TEXT.has(tag)) {
    const t = collapse($(el).text());
    const m = MARK_RE.exec(t);
    if (m) {
      b.flushInline();
      b.blocks.push({
        text: `${'#'.repeat(Number(m[1]))} ${m[3]}`,
        heading: { level: Number(m[1]), anchor: m[2], text: m[3] },
      });
      return;
    }
    b.push(t);
    return;
  }
  if (tag === 'li') {
    b.flushInline();
    const clone = $(el).clone();
    clone.find('ul,ol').remove();
    const t = collapse(clone.text());
    if (t) b.blocks.push({ text: `- ${t}` });
    $(el)
      .children('ul,ol')
      .each((_, c) => walk($, c, b, anchors));
    return;
  }
  if (tag === 'table') {
    b.flushInline();
    $(el)
      .find('tr')
      .each((_, tr) => {
        const cells = $(tr)
          .children('th,td')
          .map((__, c) => collapse($(c).text()))
          .get()
          .filter(Boolean);
        if (cells.length) b.blocks.push({ text: cells.join(' | ') });
      });
    return;
  }
  const isContainer =
    CONTAINERS.has(tag) ||
    !/^(a|b|i|em|strong|code|kbd|var|samp|small|sub|sup|mark|abbr|time|u|s|q|cite|label|font)$/.test(tag);
  if (isContainer) b.flushInline();
  for (const c of el.children) walk($, c, b, anchors);
  if (isContainer) b.flushInline();
}

/** Turn an HTML fragment into structured clean text + sections. */
export function htmlToStructuredText(
  html: string,
  anchors = new Map<string, string>(),
): { text: string; sections: Section[] } {
  const $ = load(html);
  const b = new Builder();
  const root = $('body').get(0) ?? $.root().get(0);
  if (root) for (const c of (root as Element).children) walk($, c, b, anchors);
  b.flushInline();
  let text = '';
  const sections: Section[] = [];
  let open: Section | null = null;
  for (const blk of b.blocks) {
    if (text) text += '\n\n';
    const start = text.length;
    text += blk.text;
    if (blk.heading) {
      if (open) open.end = start;
      open = {
        anchor: blk.heading.anchor,
        heading: blk.heading.text,
        level: blk.heading.level,
        start,
        end: -1,
      };
      sections.push(open);
    }
  }
  if (open) open.end = text.length;
  if (!sections.length || sections[0].start > 0) {
    sections.unshift({ anchor: '', heading: '', level: 0, start: 0, end: sections[0]?.start ?? text.length });
  }
  return { text, sections };
}

function headingAnchors($: CheerioAPI): Map<string, string> {
  const m = new Map<string, string>();
  $('h1,h2,h3,h4,h5,h6').each((_, h) => {
    const id = $(h).attr('id') || $(h).find('[id]').first().attr('id') || $(h).prev('a[name]').attr('name');
    if (id) m.set(collapse($(h).text()), id);
  });
  return m;
}

export function extractLinks(html: string, baseUrl: string): string[] {
  const $ = load(html);
  const base = $('base[href]').attr('href');
  const out = new Set<string>();
  $('a[href]').each((_, a) => {
    const href = $(a).attr('href');
    if (!href || /^(mailto|javascript|tel|data):/i.test(href)) return;
    try {
      const u = new URL(href, base ? new URL(base, baseUrl) : baseUrl);
      if (!/^https?:$/.test(u.protocol)) return;
      u.hash = '';
      out.add(u.href);
    } catch {
      /* ignore bad hrefs */
    }
  });
  return [...out].sort();
}

/** Visible text of the whole page (used as the second place a quote may be found). */
export function pageText(html: string): string {
  const $ = load(html);
  $('script,style,noscript,template').remove();
  return collapse($('body').text() || $.root().text());
}

/** Heuristic: the page has (almost) no readable text but ships scripts, or says it needs JavaScript. */
export function looksJsOnly(html: string): boolean {
  const $ = load(html);
  const scripts = $('script').length;
  const noscript = $('noscript').text();
  $('script,style,noscript,template').remove();
  const text = collapse($('body').text());
  if (text.length >= 200) return false;
  return scripts > 0 || /javascript/i.test(noscript);
}

export function extract(body: string, url: string, contentType = 'text/html'): Extracted {
  if (!/html|xml/i.test(contentType) && !/^\s*</.test(body)) {
    // Plain text / markdown: keep as is, headings from markdown `#` lines.
    const text = body.replace(/\r\n/g, '\n').trim();
    const sections: Section[] = [];
    const re = /^(#{1,6})\s+(.+)$/gm;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      if (sections.length) sections[sections.length - 1].end = m.index;
      sections.push({
        anchor: slugify(m[2]),
        heading: m[2].trim(),
        level: m[1].length,
        start: m.index,
        end: text.length,
      });
    }
    if (!sections.length || sections[0].start > 0)
      sections.unshift({
        anchor: '',
        heading: '',
        level: 0,
        start: 0,
        end: sections[0]?.start ?? text.length,
      });
    return {
      title: sections.find((s) => s.heading)?.heading ?? url,
      text,
      sections,
      links: [],
      method: 'plain',
    };
  }
  const $ = load(body);
  const anchors = headingAnchors($);
  const title = collapse($('title').first().text()) || collapse($('h1').first().text()) || url;
  const links = extractLinks(body, url);
  let article: { content?: string | null; title?: string | null } | null = null;
  try {
    const { document } = parseHTML(body);
    // Readability demotes headings and drops those resembling the title; carry them through as marked
    // paragraphs (level + anchor encoded between invisible separators) and restore them afterwards.
    for (const h of [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]) {
      const text = collapse(h.textContent ?? '');
      if (!text) continue;
      const id =
        h.getAttribute('id') ||
        h.querySelector('[id]')?.getAttribute('id') ||
        anchors.get(text) ||
        slugify(text);
      const p = document.createElement('p');
      p.textContent = `${MARK}${h.tagName[1]}|${id}${MARK}${text}`;
      h.replaceWith(p);
    }
    article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], {
      charThreshold: 200,
    }).parse();
  } catch {
    article = null;
  }
  let method: Extracted['method'] = 'readability';
  let structured = article?.content
    ? htmlToStructuredText(article.content, anchors)
    : { text: '', sections: [] };
  // Readability can drop short pages or most of a reference page; fall back to the boilerplate-stripped body.
  const full = pageText(body);
  if (structured.text.length < 200 || structured.text.length < full.length * 0.3) {
    $('script,style,noscript,template,nav,footer,aside,header nav').remove();
    const fb = htmlToStructuredText($('body').html() ?? body, anchors);
    if (fb.text.length > structured.text.length) {
      structured = fb;
      method = 'fallback';
    }
  }
  return { title, text: structured.text, sections: structured.sections, links, method };
}
