/** Git reads for the site: spec histories (one `git log` for the whole pack) and the built commit. */
import { execFileSync } from 'node:child_process';
import type { HistoryEntry } from '../site-schema.js';

export function git(root: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', root, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch {
    return null;
  }
}

export function isWorkTree(root: string): boolean {
  return git(root, ['rev-parse', '--is-inside-work-tree'])?.trim() === 'true';
}

/** The commit and branch the site is built from (null outside a work tree). */
export function repoState(root: string, useGit: boolean): { commit: string | null; branch: string | null } {
  if (!useGit) return { commit: null, branch: null };
  return {
    commit: git(root, ['rev-parse', 'HEAD'])?.trim() || null,
    branch: git(root, ['rev-parse', '--abbrev-ref', 'HEAD'])?.trim() || null,
  };
}

/**
 * History of every file under `dirRel`, from ONE `git log --name-status -M` (newest first), following
 * renames: a commit that renamed A → B makes A's older commits part of B's history. One process for
 * the whole pack keeps 1,000 specs fast (a `git log --follow` per file would spawn 1,000).
 */
export function gitHistories(root: string, dirRel: string, perFile = 30): Map<string, HistoryEntry[]> {
  const out = new Map<string, HistoryEntry[]>();
  const text = git(root, [
    'log',
    '--format=%x1e%H%x1f%an%x1f%aI%x1f%s',
    '--name-status',
    '-M',
    '--',
    dirRel || '.',
  ]);
  if (!text) return out;
  const alias = new Map<string, string>();
  for (const block of text.split('\x1e')) {
    if (!block.trim()) continue;
    const [head, ...rest] = block.split('\n');
    const [hash, author, date, subject] = head.split('\x1f');
    const entry: HistoryEntry = { hash, author, date, subject };
    for (const line of rest) {
      if (!line.trim()) continue;
      const parts = line.split('\t');
      const status = parts[0];
      const path = status.startsWith('R') || status.startsWith('C') ? parts[2] : parts[1];
      if (!path) continue;
      const final = alias.get(path) ?? path;
      const list = out.get(final) ?? [];
      if (list.length < perFile) list.push(entry);
      out.set(final, list);
      if (status.startsWith('R') && parts[1]) alias.set(parts[1], final);
    }
  }
  return out;
}
