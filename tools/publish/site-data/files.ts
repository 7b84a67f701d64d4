/** Reading the repository's and the run's files for the site: bad input becomes a listed problem, never a crash. */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { z } from 'zod';

export type Problem = { path: string; message: string };

export function rel(root: string, p: string): string {
  return relative(root, p).split('\\').join('/');
}

export function readJson(path: string, problems: Problem[], root: string): unknown | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    problems.push({ path: rel(root, path), message: `invalid JSON: ${(e as Error).message}` });
    return undefined;
  }
}

/** Parse a JSONL file against a schema; bad lines are reported (first 5) and skipped. */
export function readJsonl<T>(path: string, schema: z.ZodType<T>, problems: Problem[], root: string): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  let bad = 0;
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      if (bad++ < 5) problems.push({ path: `${rel(root, path)}:${i + 1}`, message: (e as Error).message });
      return;
    }
    const r = schema.safeParse(raw);
    if (r.success) out.push(r.data);
    else if (bad++ < 5)
      problems.push({
        path: `${rel(root, path)}:${i + 1}`,
        message: r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '),
      });
  });
  if (bad > 5) problems.push({ path: rel(root, path), message: `${bad - 5} more invalid lines` });
  return out;
}

/** A zod error as one line per issue, for the problems list. */
export function issues(e: z.ZodError): string {
  return e.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ');
}
