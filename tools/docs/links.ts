/**
 * The repository must explain itself: a person who clones it has nothing else. This module finds the
 * places where the documentation breaks that promise — a relative link to a file or heading that does not
 * exist, a link that leaves the repository, or a pointer to a document Goblin does not carry (the
 * design notes and references it was first written from). It is pure over a file map so that its
 * tests can state each trap inline; `checkRepoDocs` reads the tracked files at the edge.
 *
 * Markdown is parsed with mdast (the parser Astro's own markdown uses) rather than regexes, so links in
 * code spans and fenced blocks are not links, reference-style definitions are, and heading anchors are
 * slugged the way GitHub and Forgejo slug them (github-slugger).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import GithubSlugger from 'github-slugger';
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString } from 'mdast-util-to-string';
import { gfm } from 'micromark-extension-gfm';
import { visit } from 'unist-util-visit';

export interface DocProblem {
  file: string;
  line: number;
  kind: 'missing-file' | 'missing-anchor' | 'outside-repo' | 'outside-document';
  target: string;
  message: string;
}

/**
 * Names of documents that exist only outside this repository. Any mention of them in a tracked text file
 * is a dangling pointer: the reader cannot follow it. (The strings are assembled so this file does not
 * flag itself.)
 */
const OUTSIDE_DOCUMENTS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: new RegExp(['\\.\\.', 'shared', ''].join('/')), what: 'a folder outside the repository' },
  { pattern: new RegExp(['', 'work', 'shared'].join('/')), what: 'a folder outside the repository' },
  { pattern: new RegExp(['adobe', 'wire', 'formats\\.md'].join('-')), what: 'the outside wire-format notes' },
  { pattern: new RegExp(['ingest', 'performance\\.md'].join('-')), what: 'the outside ingest notes' },
  { pattern: new RegExp(['weird', 'goblin', 'design'].join('-')), what: 'the outside design document' },
  { pattern: new RegExp(['design', '§'].join(' ')), what: 'a section of the outside design document' },
];

const parse = (text: string): Root =>
  fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });

/** The anchors a markdown file offers: its headings slugged as GitHub does, plus explicit `id`/`name`s. */
export function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const out = new Set<string>();
  visit(parse(markdown), 'heading', (node) => {
    out.add(slugger.slug(toString(node)));
  });
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1] as string);
  return out;
}

const isExternal = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url);

/**
 * Problems in one markdown file. `files` maps every tracked repo path (posix, relative) to a loader of
 * its text; folders exist when some file lies under them.
 */
export function checkMarkdown(
  file: string,
  text: string,
  files: ReadonlyMap<string, () => string>,
): DocProblem[] {
  const problems: DocProblem[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (path: string) => {
    let a = anchorCache.get(path);
    if (!a) anchorCache.set(path, (a = anchorsOf(path === file ? text : (files.get(path)?.() ?? ''))));
    return a;
  };
  const isDir = (path: string) => {
    const prefix = path.endsWith('/') ? path : `${path}/`;
    for (const f of files.keys()) if (f.startsWith(prefix)) return true;
    return false;
  };

  visit(parse(text), ['link', 'definition', 'image'], (node) => {
    const url = (node as { url: string }).url;
    const line = node.position?.start.line ?? 0;
    if (!url || url.startsWith('mailto:')) return;
    if (isExternal(url)) {
      if (url.startsWith('file:'))
        problems.push({ file, line, kind: 'outside-repo', target: url, message: 'file: link' });
      return;
    }
    const [rawPath = '', rawAnchor] = url.split('#', 2);
    const path = decodeURIComponent(rawPath);
    if (path.startsWith('/')) {
      problems.push({
        file,
        line,
        kind: 'outside-repo',
        target: url,
        message: 'absolute path: link relative to the file instead',
      });
      return;
    }
    const target = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), path));
    if (target.startsWith('../') || target === '..') {
      problems.push({ file, line, kind: 'outside-repo', target: url, message: 'leaves the repository' });
      return;
    }
    const clean = target.replace(/\/$/, '');
    if (clean !== file && !files.has(clean) && !isDir(clean)) {
      problems.push({ file, line, kind: 'missing-file', target: url, message: `${clean} does not exist` });
      return;
    }
    if (rawAnchor && clean.endsWith('.md') && (clean === file || files.has(clean))) {
      const anchor = decodeURIComponent(rawAnchor).toLowerCase();
      if (!anchors(clean).has(anchor))
        problems.push({
          file,
          line,
          kind: 'missing-anchor',
          target: url,
          message: `${clean} has no heading #${anchor}`,
        });
    }
  });
  return problems;
}

/** Mentions of documents that live outside the repository, in any tracked text file. */
export function outsideMentions(file: string, text: string): DocProblem[] {
  const problems: DocProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, i) => {
    for (const { pattern, what } of OUTSIDE_DOCUMENTS) {
      const m = pattern.exec(lineText);
      if (m)
        problems.push({
          file,
          line: i + 1,
          kind: 'outside-document',
          target: m[0],
          message: `points to ${what}; cite the public source or a repo path instead`,
        });
    }
  });
  return problems;
}

/** Text files whose words are read by people (code comments included); data and lock files are not. */
const TEXT_FILE = /\.(md|ts|mts|mjs|js|astro|ya?ml|json|sh|txt)$|(^|\/)(run|steps|\.nvmrc)$/;
const SKIP = /^(package-lock\.json$|evidence\/cache\/|tests\/[^/]+\/.*\.har$|schemas\/)/;

/** Every problem in the tracked files of the git checkout at `root`. */
export function checkRepoDocs(root: string): DocProblem[] {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, maxBuffer: 64 << 20 })
    .toString('utf8')
    .split('\0')
    .filter(Boolean);
  const files = new Map<string, () => string>();
  for (const f of tracked) files.set(f, () => readFileSync(posix.join(root, f), 'utf8'));
  const problems: DocProblem[] = [];
  for (const f of tracked) {
    if (SKIP.test(f) || !TEXT_FILE.test(f)) continue;
    let text: string;
    try {
      text = readFileSync(posix.join(root, f), 'utf8');
    } catch {
      continue; // listed by git but deleted in the working tree
    }
    problems.push(...outsideMentions(f, text));
    if (f.endsWith('.md')) problems.push(...checkMarkdown(f, text, files));
  }
  return problems;
}
