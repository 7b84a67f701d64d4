import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { RepoFile } from './proposal-files.js';
import { makeDirs } from '../util/files.js';

const IDENTITY_ENV = [
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_DATE',
];

/**
 * simple-git 4 strips (or refuses) GIT_* variables unless allowed: allow the bot identity/date and
 * whatever GIT_* the caller's own environment already has (e.g. GIT_SSL_CAINFO on CI).
 */
export function git(dir: string): SimpleGit {
  const ambient = Object.keys(process.env).filter((k) => /^git_/i.test(k));
  return simpleGit({ baseDir: dir, allowEnvironment: [...IDENTITY_ENV, ...ambient] });
}

export interface BranchRequest {
  /** The user's clone (its remote is where the branch goes). */
  root: string;
  remote: string;
  base: string;
  branch: string;
  files: RepoFile[];
  message: string;
  author: { name: string; email: string };
  /** Author/committer date: with the same parent and files, re-running yields the same commit. */
  date: string;
  dryRun: boolean;
}

export interface BranchResult {
  commit: string;
  baseCommit: string;
  /** false when the remote branch already had exactly this commit. */
  pushed: boolean;
  /** The branch existed on the remote before. */
  existed: boolean;
  /** Files that differ from the base branch. */
  changedFiles: string[];
  /** Someone other than the bot committed to the branch: it was left as is (not force-pushed). */
  humanEdited: boolean;
}

async function remoteHead(g: SimpleGit, remote: string, branch: string): Promise<string | null> {
  try {
    await g.fetch(remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`);
    return (await g.revparse([`refs/remotes/${remote}/${branch}`])).trim();
  } catch {
    return null;
  }
}

/**
 * Build the PR branch in a temporary worktree off `<remote>/<base>` (the user's working tree is never
 * touched), commit the files, and force-push it (the branch belongs to the bot, like Renovate's).
 * The local branch `branch` is left in the clone (that is what `--dry-run` leaves behind).
 */
export async function preparePrBranch(req: BranchRequest): Promise<BranchResult> {
  const g = git(req.root);
  await g.fetch(req.remote, `+refs/heads/${req.base}:refs/remotes/${req.remote}/${req.base}`);
  const baseCommit = (await g.revparse([`refs/remotes/${req.remote}/${req.base}`])).trim();
  const existing = await remoteHead(g, req.remote, req.branch);

  const wtDir = mkdtempSync(join(tmpdir(), 'goblin-pr-'));
  rmSync(wtDir, { recursive: true, force: true });
  await g.raw(['worktree', 'add', '--force', '-B', req.branch, wtDir, baseCommit]);
  try {
    const wt = git(wtDir);
    for (const f of req.files) {
      const abs = join(wtDir, f.path);
      makeDirs(dirname(abs));
      writeFileSync(abs, f.content);
    }
    await wt.raw(['add', '-f', '--', ...req.files.map((f) => f.path)]);
    const changed = (await wt.raw(['diff', '--cached', '--name-only'])).split('\n').filter(Boolean);
    if (!changed.length)
      throw new Error(`nothing to propose: every file already matches ${req.remote}/${req.base}`);
    await wt
      .env({
        // A minimal environment: simple-git refuses EDITOR/PAGER-like variables outright.
        ...Object.fromEntries(
          Object.entries(process.env).filter(
            ([k]) =>
              /^git_/i.test(k) ||
              ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'USER', 'SYSTEMROOT'].includes(k.toUpperCase()),
          ),
        ),
        GIT_AUTHOR_NAME: req.author.name,
        GIT_AUTHOR_EMAIL: req.author.email,
        GIT_COMMITTER_NAME: req.author.name,
        GIT_COMMITTER_EMAIL: req.author.email,
        GIT_AUTHOR_DATE: req.date,
        GIT_COMMITTER_DATE: req.date,
      })
      .raw(['-c', 'commit.gpgsign=false', 'commit', '--no-verify', '-q', '-m', req.message]);
    const commit = (await wt.revparse(['HEAD'])).trim();
    let pushed = false;
    let humanEdited = false;
    if (existing && existing !== commit) {
      const authors = (await g.raw(['log', '--format=%ae', `${baseCommit}..${existing}`]))
        .split('\n')
        .filter(Boolean);
      humanEdited = authors.some((a) => a !== req.author.email);
    }
    if (!req.dryRun && !humanEdited && existing !== commit) {
      await wt.push(req.remote, `${req.branch}:refs/heads/${req.branch}`, ['--force']);
      pushed = true;
    }
    return { commit, baseCommit, pushed, existed: existing !== null, changedFiles: changed, humanEdited };
  } finally {
    await g
      .raw(['worktree', 'remove', '--force', wtDir])
      .catch(() => rmSync(wtDir, { recursive: true, force: true }));
    await g.raw(['worktree', 'prune']).catch(() => {});
  }
}

/** A file's text at a revision, or null when it does not exist there. */
export async function showFile(root: string, rev: string, path: string): Promise<string | null> {
  try {
    return await git(root).show([`${rev}:${path}`]);
  } catch {
    return null;
  }
}
