import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files below `dir` (recursive, sorted) whose name matches `match`; a missing folder gives []. */
export function listFiles(dir: string, match: RegExp): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, match));
    else if (match.test(n)) out.push(p);
  }
  return out;
}
