import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRepoDocUrl, markdownSectionText } from './repo-doc.js';
import { verifyCitations } from './verify.js';

const DOC = `# Wire formats

## 3. Legacy

### 3.4 Timing

| rule         | value                                                                    |
| ------------ | ------------------------------------------------------------------------ |
| ad heartbeat | every 1 s (granular ad tracking is **on** by default in \`JS 2.x\`)       |
| first        | no fixed offset: the SDK reports at each 10 s tick and **flushes** state |

### 3.5 Orchestration

Goblin accepts either order and asks for all three within a short window.

## 4. Media Collection

### 4.6 Timing

Every 10 s, the first 10 s after playback starts.
`;

function repo(citations: { url: string; quote: string }[]): string {
  const root = mkdtempSync(join(tmpdir(), 'goblin-repodoc-'));
  mkdirSync(join(root, 'docs/reference'), { recursive: true });
  mkdirSync(join(root, 'specs'), { recursive: true });
  writeFileSync(join(root, 'docs/reference/wire-formats.md'), DOC);
  writeFileSync(join(root, 'specs/x.yaml'), JSON.stringify({ id: 'X', citations }));
  return root;
}

describe('citations of the repository’s own docs (repo path + GitHub heading anchor)', () => {
  it('tells repo paths from URLs', () => {
    expect(isRepoDocUrl('docs/reference/wire-formats.md#34-timing')).toBe(true);
    expect(isRepoDocUrl('https://experienceleague.adobe.com/x')).toBe(false);
    expect(isRepoDocUrl('cached://adobe/x')).toBe(false);
    expect(isRepoDocUrl('urn:goblin:reference:x.md')).toBe(false);
  });

  it('reads a section up to the next heading of the same level, markup dropped', () => {
    const t = markdownSectionText(DOC, '34-timing')!;
    expect(t).toContain('granular ad tracking is on by default in JS 2.x');
    expect(t).toContain('and flushes state');
    // Table rows read `cell | cell`, as the imported snapshot renders them.
    expect(t).toContain('ad heartbeat | every 1 s');
    expect(t).not.toContain('either order');
    // A level-2 section holds its subsections.
    expect(markdownSectionText(DOC, '3-legacy')).toContain('either order');
    expect(markdownSectionText(DOC, '3-legacy')).not.toContain('first 10 s after playback');
    expect(markdownSectionText(DOC, 'no-such-heading')).toBeNull();
  });

  it('a quote verifies only in the section its anchor names', () => {
    const root = repo([
      {
        url: 'docs/reference/wire-formats.md#34-timing',
        quote: 'every 1 s (granular ad tracking is on by default',
      },
      { url: 'docs/reference/wire-formats.md#46-timing', quote: 'the first 10 s after playback starts' },
      { url: 'docs/reference/wire-formats.md', quote: 'asks for all three within a short window' },
      // Verbatim in the document, but in another section than the one cited.
      { url: 'docs/reference/wire-formats.md#46-timing', quote: 'every 1 s (granular ad tracking' },
      { url: 'docs/reference/wire-formats.md#9-nowhere', quote: 'every 1 s' },
      { url: 'docs/reference/missing.md#x', quote: 'anything at all' },
      { url: '../outside.md', quote: 'anything at all' },
    ]);
    const r = verifyCitations({ root, cacheDir: join(root, 'evidence/cache') });
    expect(r.checked).toBe(7);
    expect(r.broken.map((b) => [b.path, b.reason])).toEqual([
      ['/citations/3', 'quote_not_found'],
      ['/citations/4', 'not_cached'],
      ['/citations/5', 'not_cached'],
      ['/citations/6', 'not_cached'],
    ]);
    expect(r.broken[1].detail).toContain('has no heading #9-nowhere');
  });
});
