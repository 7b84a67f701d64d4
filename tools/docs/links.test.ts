import { describe, expect, it } from 'vitest';
import { anchorsOf, checkMarkdown, checkRepoDocs, outsideMentions } from './links.js';

// The outside names are assembled so that this file does not point outside the repository itself.
const SHARED = ['..', '..', 'shared'].join('/');
const DESIGN = ['design', '§'].join(' ');

const repo = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([path, text]) => [path, () => text] as const));

describe('checkMarkdown', () => {
  const files = repo({
    'docs/specs.md': '# Specs\n\n## Lifecycle and status\n\ntext\n',
    'specs/README.md': '# Specs\n\n## Checks and their parameters (defaults in brackets)\n',
    'tools/validate/checks/playhead/stalled/check.ts': '',
  });

  it('accepts a relative link to an existing file, a folder and a heading slugged as GitHub does', () => {
    const md =
      '[specs](specs.md) · [checks](../tools/validate/checks/) · ' +
      '[params](../specs/README.md#checks-and-their-parameters-defaults-in-brackets) · [self](#top)\n\n# Top\n';
    expect(checkMarkdown('docs/cli.md', md, files)).toEqual([]);
  });

  it('flags a link to a file the split left behind (a README-relative path now read from docs/)', () => {
    const problems = checkMarkdown('docs/cli.md', 'See [specs](specs/README.md).', files);
    expect(problems).toMatchObject([{ kind: 'missing-file', target: 'specs/README.md', line: 1 }]);
  });

  it('flags a heading anchor that does not exist in the target, not only a missing file', () => {
    const problems = checkMarkdown('docs/cli.md', 'text\n\n[life](specs.md#lifecycle)', files);
    expect(problems).toMatchObject([{ kind: 'missing-anchor', line: 3, target: 'specs.md#lifecycle' }]);
  });

  it('flags links that leave the repository: parent of the root, absolute paths, file: URLs', () => {
    const md = `[a](${SHARED}/notes.md) [b](/etc/passwd) [c](file:///tmp/x.md) [d](https://example.com/)`;
    const kinds = checkMarkdown('docs/cli.md', md, files).map((p) => p.kind);
    expect(kinds).toEqual(['outside-repo', 'outside-repo', 'outside-repo']);
  });

  it('ignores links inside code spans and fenced blocks: they are examples, not links', () => {
    const md = 'Use `[x](nowhere.md)` like this:\n\n```md\n[y](missing.md)\n```\n';
    expect(checkMarkdown('docs/cli.md', md, files)).toEqual([]);
  });

  it('checks reference-style definitions too', () => {
    const md = 'See [the spec][s].\n\n[s]: nothing-here.md\n';
    expect(checkMarkdown('docs/cli.md', md, files)).toMatchObject([{ kind: 'missing-file', line: 3 }]);
  });
});

describe('anchorsOf', () => {
  it('slugs duplicate headings with -1 suffixes and keeps explicit html anchors', () => {
    const a = anchorsOf('# Usage\n\n## Usage\n\n### `goblin run` — exit codes\n\n<a id="custom"></a>\n');
    expect([...a].sort()).toEqual(['custom', 'goblin-run--exit-codes', 'usage', 'usage-1']);
  });
});

describe('outsideMentions', () => {
  it('flags a comment citing a section of a document the repository does not carry', () => {
    const ts = `/**\n * Research trigger (${DESIGN}24.2): stable params.\n */`;
    expect(outsideMentions('tools/dictionary/unknowns.ts', ts)).toMatchObject([
      { line: 2, kind: 'outside-document', target: DESIGN },
    ]);
  });

  it('accepts citations of public sources and of the repository’s own reference', () => {
    const ts =
      '// RFC 9309 §2.2.2; docs/reference/wire-formats.md §3.4; https://experienceleague.adobe.com/x';
    expect(outsideMentions('tools/research/robots.ts', ts)).toEqual([]);
  });
});

describe('the repository itself', () => {
  it('has no broken relative link and no pointer to a document it does not carry', () => {
    const problems = checkRepoDocs(process.cwd()).map((p) => `${p.file}:${p.line} ${p.kind} ${p.target}`);
    expect(problems).toEqual([]);
  });
});
