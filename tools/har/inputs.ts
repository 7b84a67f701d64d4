import { existsSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { isDynamicPattern } from 'tinyglobby';
import { UsageError } from '../util/errors.js';
import { comparePaths, walkFiles } from '../util/files.js';
import { fnv1a } from '../util/hash.js';

export interface InputFile {
  /**
   * Absolute path. A zip member named on the command line (`bundle.zip!/cap.har`) keeps the `!/member`
   * suffix: the reader opens the archive and reads that member only.
   */
  abs: string;
  /** Path relative to the input folder (what findings report as `har`). */
  rel: string;
  size: number;
  mtimeMs: number;
}

/** Where the `har` paths of a run come from: how to turn one back into something `goblin run` reads. */
export interface InputRoot {
  /** The argument as given. */
  arg: string;
  /** `dir`: `har` paths are relative to `path`; `file`: the input is the one capture `rel`. */
  kind: 'dir' | 'file';
  /** Path to pass to `goblin run` (relative to the working directory when inside it, `/`-separated). */
  path: string;
  /** For `file` roots: the `har` its findings carry. */
  rel: string | null;
}

/** What a folder walk picks up. `.harz` is sniffed by the reader (gzip, zip or plain JSON inside); `.zhar` is mitmproxy's zlib dump. */
export const CAPTURE_FILE = /\.(har|har\.gz|harz|zhar|zip)$/i;
/** `bundle.zip!/member.har`: one member of an archive (what zip members are called in every output). */
const MEMBER = /^(.*\.zip)!\/(.+)$/i;

const posix = (p: string) => p.split(sep).join('/');
const display = (abs: string, cwd: string) => {
  const r = relative(cwd, abs);
  return r && !r.startsWith('..') && !isAbsolute(r) ? posix(r) : posix(abs);
};

/** Split a glob argument into the folder it starts from (no magic) and the pattern below it. */
function splitGlob(arg: string): { base: string; pattern: string } {
  const parts = arg.split(/[\\/]/);
  const i = parts.findIndex((p) => isDynamicPattern(p));
  return { base: parts.slice(0, i).join('/') || '.', pattern: parts.slice(i).join('/') };
}

function zipMembers(abs: string): string[] {
  const names: string[] = [];
  // Listing only: the filter sees every entry and returns false, so nothing is decompressed.
  unzipSync(readFileSync(abs), { filter: (f) => (names.push(f.name), false) });
  return names;
}

function memberInput(arg: string, cwd: string, m: RegExpExecArray): InputFile {
  const container = resolve(cwd, m[1]);
  if (!existsSync(container) || !statSync(container).isFile())
    throw new UsageError(`input not found: ${arg} (no archive ${m[1]})`);
  let names: string[];
  try {
    names = zipMembers(container);
  } catch (e) {
    throw new UsageError(`input not found: ${arg} (${m[1]} is not a readable zip: ${(e as Error).message})`);
  }
  if (!names.includes(m[2])) {
    const hars = names.filter((n) => /\.(har|json)$/i.test(n));
    throw new UsageError(
      `input not found: ${arg} (${m[1]} has no member '${m[2]}'; it holds ${hars.slice(0, 5).join(', ') || 'no .har member'}${hars.length > 5 ? `, … ${hars.length - 5} more` : ''})`,
    );
  }
  const st = statSync(container);
  return {
    abs: `${container}!/${m[2]}`,
    rel: `${basename(container)}!/${m[2]}`,
    size: st.size,
    mtimeMs: st.mtimeMs,
  };
}

function fileInput(abs: string, root: string, rel?: string): InputFile {
  const st = statSync(abs);
  return { abs, rel: rel ?? posix(relative(root, abs)), size: st.size, mtimeMs: st.mtimeMs };
}

/** Folders a volume or an OS keeps for itself: never entered (they hold no captures, and are often unlistable). */
const SYSTEM_DIRS = new Set(['node_modules', 'lost+found', 'System Volume Information', '$RECYCLE.BIN']);

/**
 * The capture files under a folder, and what could not be looked at. A capture-named link whose target is
 * gone comes back among the files (sorted with them) as a path the reader will fail to open, so it is
 * quarantined as `read-error` with the system's words and counts against the parse rate. A folder that
 * cannot be listed (permissions) is named in `unlisted`: what it holds is unknown, so it is reported, not
 * counted as a capture (a tinyglobby walk skipped all three without a word). Dot-files, dot-folders and
 * `SYSTEM_DIRS` are left out; links are followed; the order is `comparePaths`'.
 */
export function walkCaptures(dir: string): { files: string[]; dead: Set<string>; unlisted: string[] } {
  const files: string[] = [];
  const dead = new Set<string>();
  const unlisted: string[] = [];
  // Each real folder is listed once: a link back up the tree (a cycle) or to a sibling adds nothing.
  const listed = new Set<string>();
  const visit = (rel: string) => {
    let entries: Dirent[];
    try {
      const real = realpathSync(join(dir, rel));
      if (listed.has(real)) return;
      listed.add(real);
      entries = readdirSync(real, { withFileTypes: true });
    } catch (e) {
      unlisted.push(`${rel || '.'} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = statSync(join(dir, path));
          [isDir, isFile] = [st.isDirectory(), st.isFile()];
        } catch {
          if (CAPTURE_FILE.test(e.name)) (files.push(path), dead.add(path)); // a capture whose target is gone
          continue;
        }
      }
      if (isDir) {
        if (!SYSTEM_DIRS.has(e.name)) visit(path);
      } else if (isFile && CAPTURE_FILE.test(e.name)) files.push(path);
    }
  };
  visit('');
  return { files: files.sort(comparePaths), dead, unlisted };
}

/**
 * Expand files, folders (recursive), globs and zip members into a sorted, de-duplicated list of capture
 * files. Folders yield .har/.har.gz/.harz/.zip files (`walkCaptures`: dot-files, node_modules and volume
 * folders skipped, dead capture links kept for the reader to name); a glob yields
 * what it matches, relative to its static prefix; a named file is read whatever its extension.
 */
export function expandInputs(
  args: string[],
  cwd = process.cwd(),
  /** Where to say what could not be walked (folders that cannot be listed), for the run's messages. */
  notes?: string[],
): InputFile[] {
  if (args.length === 0) throw new UsageError('no input: give HAR files, folders or globs');
  const out: InputFile[] = [];
  for (const arg of args) {
    const member = MEMBER.exec(arg);
    if (member && !existsSync(resolve(cwd, arg))) {
      out.push(memberInput(arg, cwd, member));
      continue;
    }
    const abs = resolve(cwd, arg);
    if (!existsSync(abs) && isDynamicPattern(arg)) {
      const { base, pattern } = splitGlob(arg);
      const baseDir = resolve(cwd, base);
      const found = walkFiles(baseDir, { patterns: pattern, skipHidden: true });
      if (!found.length) throw new UsageError(`input not found: no file matches ${arg}`);
      out.push(...found.map((p) => fileInput(resolve(baseDir, p), baseDir, p)));
      continue;
    }
    if (!existsSync(abs)) throw new UsageError(`input not found: ${arg}`);
    if (statSync(abs).isDirectory()) {
      const { files: found, dead, unlisted } = walkCaptures(abs);
      for (const u of unlisted)
        notes?.push(`could not list folder ${posix(join(arg, u))}: its files were not read`);
      if (!found.length)
        throw new UsageError(
          `input not found: no capture file (.har, .har.gz, .harz, .zip) under ${arg}${unlisted.length ? ` (${unlisted.length} folder(s) could not be listed: ${unlisted.slice(0, 3).join(', ')})` : ''}`,
        );
      // a dead link's size and mtime are 0: the reader fails to open it and names it read-error
      out.push(
        ...found.map((p) =>
          dead.has(p)
            ? { abs: resolve(abs, p), rel: p, size: 0, mtimeMs: 0 }
            : fileInput(resolve(abs, p), abs, p),
        ),
      );
    } else out.push(fileInput(abs, abs, basename(abs)));
  }
  const seen = new Set<string>();
  // A member named beside its whole archive is read with the archive (else it was read and counted twice).
  const whole = new Set(out.filter((f) => !f.abs.includes('!/')).map((f) => f.abs));
  return out.filter((f) =>
    seen.has(f.abs) || (f.abs.includes('!/') && whole.has(f.abs.slice(0, f.abs.indexOf('!/'))))
      ? false
      : (seen.add(f.abs), true),
  );
}

/** How each argument maps `har` paths back to files, for commands that reproduce one capture. */
export function inputRoots(args: string[], cwd = process.cwd()): InputRoot[] {
  return args.map((arg): InputRoot => {
    const member = MEMBER.exec(arg);
    const abs = resolve(cwd, arg);
    if (member && !existsSync(abs)) {
      const container = resolve(cwd, member[1]);
      return {
        arg,
        kind: 'file',
        path: `${display(container, cwd)}!/${member[2]}`,
        rel: `${basename(container)}!/${member[2]}`,
      };
    }
    if (!existsSync(abs) && isDynamicPattern(arg))
      return { arg, kind: 'dir', path: display(resolve(cwd, splitGlob(arg).base), cwd), rel: null };
    if (existsSync(abs) && statSync(abs).isFile())
      return { arg, kind: 'file', path: display(abs, cwd), rel: basename(abs) };
    return { arg, kind: 'dir', path: display(abs, cwd), rel: null };
  });
}

/**
 * The path the store keeps for a capture: relative to the repository root (the working directory goblin
 * runs in), or absolute outside it. Input-relative names collide (`A/capture.har` and `B/capture.har`
 * are both `capture.har`), so they are for display only.
 */
export function storedPath(abs: string, root: string): string {
  return display(abs, root);
}

/** Maps the stored `har` paths of `files` (zip members included) back to their input-relative names. */
export function displayNames(
  files: readonly Pick<InputFile, 'abs' | 'rel'>[],
  root: string,
): (stored: string) => string {
  const names = new Map(files.map((f) => [storedPath(f.abs, root), f.rel]));
  return (p) => {
    const direct = names.get(p);
    if (direct !== undefined) return direct;
    const bang = p.indexOf('!/');
    const container = bang > 0 ? names.get(p.slice(0, bang)) : undefined;
    return container !== undefined ? `${container}${p.slice(bang)}` : p;
  };
}

/** Deterministic shard membership: stable across machines for the same relative paths. */
export function inShard(rel: string, shard: { index: number; count: number } | null): boolean {
  if (!shard || shard.count <= 1) return true;
  return fnv1a(rel) % shard.count === shard.index;
}

export function parseShard(s: string | undefined): { index: number; count: number } | null {
  if (!s) return null;
  const m = /^(\d+)\/(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--shard must look like i/n (e.g. 0/4), got '${s}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new UsageError(`--shard ${s}: need 0 ≤ i < n`);
  return { index, count };
}
