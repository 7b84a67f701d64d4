/** Pick the passage's best sentence(s) for a query; the quote is always an exact slice of the passage. */
import { lexTokens } from './text.js';

export interface Quote {
  quote: string;
  /** Offsets into the passage text. */
  start: number;
  end: number;
}

interface Span {
  start: number;
  end: number;
}

/** Sentence spans of prose lines (headings and code fences are skipped; code lines count as sentences). */
export function sentenceSpans(text: string): Span[] {
  const spans: Span[] = [];
  let inCode = false;
  let pos = 0;
  for (const line of text.split('\n')) {
    const lineStart = pos;
    pos += line.length + 1;
    if (line.startsWith('```')) {
      inCode = !inCode;
      continue;
    }
    if (!line.trim() || /^#{1,6} /.test(line)) continue;
    if (inCode) {
      spans.push({ start: lineStart, end: lineStart + line.length });
      continue;
    }
    const body = line.replace(/^- /, '');
    const offset = lineStart + (line.length - body.length);
    const re = /.*?[.!?]+["')\]]*(?=\s|$)|.+$/g;
    let m: RegExpExecArray | null;
    let carry: number | null = null;
    while ((m = re.exec(body))) {
      if (!m[0]) break;
      let s = offset + m.index;
      const e = offset + m.index + m[0].length;
      // Avoid cutting after abbreviations / versions like "v3." or "e.g." by merging very short pieces.
      if (carry !== null) s = carry;
      const piece = text.slice(s, e);
      if (piece.trim().length < 12 && e < offset + body.length) {
        carry = s;
        continue;
      }
      carry = null;
      while (s < e && /\s/.test(text[s])) s++;
      let ee = e;
      while (ee > s && /\s/.test(text[ee - 1])) ee--;
      if (ee > s) spans.push({ start: s, end: ee });
    }
    if (carry !== null) spans.push({ start: carry, end: offset + body.length });
  }
  return spans;
}

export function pickQuote(
  text: string,
  query: string,
  idf: (t: string) => number = () => 1,
  maxChars = 320,
): Quote {
  const q = new Set(lexTokens(query));
  const spans = sentenceSpans(text);
  if (!spans.length) {
    const end = Math.min(text.length, maxChars);
    return { quote: text.slice(0, end), start: 0, end };
  }
  const score = (s: Span) => {
    const toks = new Set(lexTokens(text.slice(s.start, s.end)));
    let v = 0;
    for (const t of q) if (toks.has(t)) v += idf(t);
    return v;
  };
  const scored = spans.map((s, i) => ({ s, i, v: score(s) }));
  let best = scored[0];
  for (const x of scored) if (x.v > best.v) best = x; // first best wins ties: deterministic
  let { start, end } = best.s;
  // Extend with the following sentence when it adds query terms and the quote stays short.
  const next = scored[best.i + 1];
  if (
    next &&
    next.v > 0 &&
    next.s.end - start <= maxChars &&
    !text.slice(end, next.s.start).includes('\n\n')
  ) {
    end = next.s.end;
  }
  if (end - start > maxChars * 2) end = start + maxChars * 2;
  return { quote: text.slice(start, end), start, end };
}
