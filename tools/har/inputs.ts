import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../util/errors.js';
import { fnv1a } from '../util/hash.js';

export interface InputFile {
  abs: string;
  /** Path relative to the input folder (what findings report as `har`). */
  rel: string;
  size: number;
  mtimeMs: number;
}

const HAR_FILE = /\.(har|har\.gz|harz|zhar|zip)$/i;

function walk(dir: string, root: string, out: InputFile[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, root, out);
    else if (HAR_FILE.test(name))
      out.push({ abs: p, rel: relative(root, p).split(sep).join('/'), size: st.size, mtimeMs: st.mtimeMs });
  }
}

/** `**` any depth, `*` within a segment, `?` one char. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expand files, folders (recursive) and globs into a sorted, de-duplicated list of capture files. */
export function expandInputs(args: string[], cwd = process.cwd()): InputFile[] {
  if (args.length === 0) throw new UsageError('no input: give HAR files, folders or globs');
  const out: InputFile[] = [];
  for (const arg of args) {
    if (/[*?]/.test(arg)) {
      const firstGlob = arg.search(/[*?]/);
      const baseDir = resolve(cwd, dirname(arg.slice(0, firstGlob + 1)));
      const re = globToRegExp(relative(baseDir, resolve(cwd, arg)).split(sep).join('/'));
      const found: InputFile[] = [];
      if (existsSync(baseDir)) walkAll(baseDir, baseDir, found);
      out.push(...found.filter((f) => re.test(relative(baseDir, f.abs).split(sep).join('/'))));
      continue;
    }
    const abs = resolve(cwd, arg);
    if (!existsSync(abs)) throw new UsageError(`input not found: ${arg}`);
    const st = statSync(abs);
    if (st.isDirectory()) walk(abs, abs, out);
    else out.push({ abs, rel: basename(abs), size: st.size, mtimeMs: st.mtimeMs });
  }
  const seen = new Set<string>();
  return out.filter((f) => (seen.has(f.abs) ? false : (seen.add(f.abs), true)));
}

function walkAll(dir: string, root: string, out: InputFile[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walkAll(p, root, out);
    else
      out.push({ abs: p, rel: relative(root, p).split(sep).join('/'), size: st.size, mtimeMs: st.mtimeMs });
  }
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
