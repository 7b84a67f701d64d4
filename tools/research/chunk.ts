/**
 * Structural chunker: cuts the clean text into passages of about min..max tokens (tokens ≈ words × 1.3).
 * A chunk starts at a heading when the running chunk is already ≥ min tokens; it never grows past max
 * unless a single block (a code block, a huge paragraph without sentence breaks) is larger on its own.
 * Code blocks are never split. Each chunk keeps [start, end) offsets into the clean text, so
 * `text.slice(start, end)` is the chunk verbatim, and the anchor of the section it starts in.
 */
import { shortId } from '../util/hash.js';
import type { Section } from './extract.js';
import { approxTokens } from './text.js';

export interface Chunk {
  id: string;
  ordinal: number;
  start: number;
  end: number;
  tokens: number;
  anchor: string;
  heading: string;
  /** Headings covered by this chunk (outline path of its first section first). */
  headings: string[];
}

interface Block {
  start: number;
  end: number;
  tokens: number;
  heading: boolean;
  code: boolean;
}

/** Split text into blocks at blank lines, keeping ``` fences (with their blank lines) whole. */
export function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && text[i] === '\n') i++;
    if (i >= text.length) break;
    let end: number;
    if (text.startsWith('```', i)) {
      const close = text.indexOf('\n```', i + 3);
      end = close < 0 ? text.length : close + 4;
    } else {
      const nl = text.indexOf('\n\n', i);
      end = nl < 0 ? text.length : nl;
    }
    const slice = text.slice(i, end);
    blocks.push({
      start: i,
      end,
      tokens: approxTokens(slice),
      heading: /^#{1,6} /.test(slice),
      code: slice.startsWith('```'),
    });
    i = end;
  }
  return blocks;
}

/** Split an oversized prose block at sentence ends into pieces of at most max tokens. */
function splitProse(text: string, b: Block, max: number): Block[] {
  const out: Block[] = [];
  const re = /[.!?](?=\s+[A-Z0-9"'(`])/g;
  let start = b.start;
  let lastCut = b.start;
  const slice = text.slice(b.start, b.end);
  let m: RegExpExecArray | null;
  while ((m = re.exec(slice))) {
    const cut = b.start + m.index + 1;
    if (approxTokens(text.slice(start, cut)) > max && lastCut > start) {
      out.push({
        start,
        end: lastCut,
        tokens: approxTokens(text.slice(start, lastCut)),
        heading: false,
        code: false,
      });
      start = lastCut;
      while (start < b.end && /\s/.test(text[start])) start++;
    }
    lastCut = cut;
  }
  out.push({
    start,
    end: b.end,
    tokens: approxTokens(text.slice(start, b.end)),
    heading: false,
    code: false,
  });
  // No usable sentence break: cut at whitespace so a run-on block still respects max.
  return out.flatMap((piece) => {
    if (piece.tokens <= max) return [piece];
    const words = Math.max(1, Math.floor(max / 1.3));
    const parts: Block[] = [];
    const mk = (s: number, e: number): Block => ({
      start: s,
      end: e,
      tokens: approxTokens(text.slice(s, e)),
      heading: false,
      code: false,
    });
    const re = /\S+/g;
    re.lastIndex = piece.start;
    let s = piece.start;
    let n = 0;
    let lastEnd = piece.start;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) && m.index < piece.end) {
      if (n === words) {
        parts.push(mk(s, lastEnd));
        s = m.index;
        n = 0;
      }
      n++;
      lastEnd = m.index + m[0].length;
    }
    parts.push(mk(s, piece.end));
    return parts;
  });
}

export function chunkText(
  text: string,
  sections: Section[],
  docKey: string,
  opts: { minTokens: number; maxTokens: number },
): Chunk[] {
  const blocks = blocksOf(text).flatMap((b) =>
    !b.code && !b.heading && b.tokens > opts.maxTokens ? splitProse(text, b, opts.maxTokens) : [b],
  );
  const sectionAt = (pos: number): Section | undefined => {
    let best: Section | undefined;
    for (const s of sections) if (s.start <= pos && (!best || s.start >= best.start)) best = s;
    return best;
  };
  const groups: Block[][] = [];
  let cur: Block[] = [];
  let curTokens = 0;
  for (const b of blocks) {
    const startNew =
      cur.length > 0 && ((b.heading && curTokens >= opts.minTokens) || curTokens + b.tokens > opts.maxTokens);
    if (startNew) {
      // Do not leave a heading dangling at the end of a chunk: move trailing headings forward.
      const carry: Block[] = [];
      while (cur.length > 1 && cur[cur.length - 1].heading) carry.unshift(cur.pop()!);
      groups.push(cur);
      cur = carry;
      curTokens = carry.reduce((a, x) => a + x.tokens, 0);
    }
    cur.push(b);
    curTokens += b.tokens;
  }
  if (cur.length) groups.push(cur);
  return groups.map((g, ordinal) => {
    const start = g[0].start;
    const end = g[g.length - 1].end;
    const sec = sectionAt(start);
    const headings = g.filter((b) => b.heading).map((b) => text.slice(b.start, b.end).replace(/^#+ /, ''));
    return {
      id: `c-${shortId(docKey, start, end)}`,
      ordinal,
      start,
      end,
      tokens: approxTokens(text.slice(start, end)),
      anchor: sec?.anchor ?? '',
      heading: sec?.heading ?? '',
      headings,
    };
  });
}
