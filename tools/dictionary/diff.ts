/** A reviewable, unified-style diff between two dictionary trees (what a new HAR drop would change). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(n)) out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Line diff (LCS) → unified hunks with `context` lines around changes. */
export function unifiedDiff(a: string, b: string, nameA: string, nameB: string, context = 2): string {
  const x = a === '' ? [] : a.replace(/\n$/, '').split('\n');
  const y = b === '' ? [] : b.replace(/\n$/, '').split('\n');
  const n = x.length;
  const m = y.length;
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) dp[i][j] = x[i] === y[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const ops: { op: ' ' | '-' | '+'; line: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push({ op: ' ', line: x[i], ai: i++, bi: j++ });
    else if (i < n && (j >= m || dp[i + 1][j] >= dp[i][j + 1])) ops.push({ op: '-', line: x[i], ai: i++, bi: j });
    else ops.push({ op: '+', line: y[j], ai: i, bi: j++ });
  }
  const out: string[] = [`--- ${nameA}`, `+++ ${nameB}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].op === ' ') {
      k++;
      continue;
    }
    let start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      if (ops[end].op !== ' ') {
        end++;
        continue;
      }
      let run = 0;
      while (end + run < ops.length && ops[end + run].op === ' ') run++;
      if (end + run >= ops.length || run > context * 2) {
        end = Math.min(ops.length, end + context);
        break;
      }
      end += run;
    }
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${hunk[0].ai + (aLen ? 1 : 0)},${aLen} +${hunk[0].bi + (bLen ? 1 : 0)},${bLen} @@`);
    for (const o of hunk) out.push(`${o.op}${o.line}`);
    k = end;
    start = end;
  }
  return out.join('\n');
}

export interface TreeDiff {
  added: string[];
  removed: string[];
  changed: string[];
  text: string;
}

export function diffTrees(before: string, after: string, label = 'dictionary'): TreeDiff {
  const a = files(before);
  const b = files(after);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const res: TreeDiff = { added: [], removed: [], changed: [], text: '' };
  const parts: string[] = [];
  for (const n of names) {
    const av = a.get(n);
    const bv = b.get(n);
    if (av === bv) continue;
    if (av === undefined) res.added.push(n);
    else if (bv === undefined) res.removed.push(n);
    else res.changed.push(n);
    parts.push(
      unifiedDiff(av ?? '', bv ?? '', av === undefined ? '/dev/null' : `a/${label}/${n}`, bv === undefined ? '/dev/null' : `b/${label}/${n}`),
    );
  }
  res.text = parts.join('\n');
  return res;
}
