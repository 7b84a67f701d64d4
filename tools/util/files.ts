import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { globSync } from 'tinyglobby';

/**
 * `mkdir -p`, one level at a time. Node 20's `mkdirSync(dir, { recursive: true })` never returns where a
 * folder exists but refuses to hold new ones (`/proc/x`: it answers ENOENT, Node creates the parent, finds
 * it there and tries again, forever): a store configured there hung `goblin ingest` at 100 % CPU. Here the
 * refusal is an error like any other. A folder another process creates meanwhile is fine.
 */
export function makeDirs(dir: string): void {
  if (existsSync(dir)) {
    // As mkdirSync would: a file in the way is an error now, not when something is written into it.
    if (!statSync(dir).isDirectory())
      throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${dir}'`), { code: 'EEXIST' });
    return;
  }
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(parent);
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw e;
  }
}

export interface WalkOptions {
  /** Keep files whose base name matches (default: every file). */
  match?: RegExp;
  /** Glob patterns (picomatch syntax, relative to the folder) a path must match (default `**`). */
  patterns?: string | readonly string[];
  /** Leave out dot-files and dot-folders (default false: every file counts). */
  skipHidden?: boolean;
  /** Folder names never entered (e.g. node_modules). */
  skipDirs?: readonly string[];
}

/**
 * Compare paths segment by segment, so a folder's files sort where the folder does (`a/b` before
 * `a-c`): the order a sorted depth-first walk gives, stable across machines.
 */
export function comparePaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length - y.length;
}

/**
 * The repository's one directory walker: files below `dir` (recursive, sorted), as paths relative to
 * `dir` with `/` separators. A missing folder gives []. Globs are matched by tinyglobby/picomatch, so
 * `a/**\/b.har` matches `a/b.har` and `a/x/b.har`, never `a/xb.har`.
 */
export function walkFiles(dir: string, opts: WalkOptions = {}): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const ignore = (opts.skipDirs ?? []).map((d) => `**/${d}/**`);
  const found = globSync(opts.patterns ?? '**', {
    cwd: dir,
    dot: !opts.skipHidden,
    onlyFiles: true,
    ignore,
    expandDirectories: false,
  });
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  return found.filter((p) => !opts.match || opts.match.test(base(p))).sort(comparePaths);
}

/** Files below `dir` (recursive, sorted) whose name matches `match`, as full paths; a missing folder gives []. */
export function listFiles(dir: string, match: RegExp): string[] {
  return walkFiles(dir, { match }).map((p) => join(dir, p));
}
