import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../util/files.js';

const root = resolve(import.meta.dirname, '../..');
/** The rules area: checks, codes, specs, the simulator, and the proposer modules that read check hooks. */
const AREA = ['tools/validate', 'tools/spec', 'tools/codes', 'tools/simulate', 'tools/propose'];

/** Runtime imports (not `import type`) of a module, resolved to repo paths. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?'(\.{1,2}\/[^']+)'/gm))
    out.push(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
  return out;
}

const production = (f: string) =>
  !/\.test\.ts$/.test(f) && !/(^|\/)testing(\/|\.ts$)/.test(relative(root, f));

describe('architecture of the rules area', () => {
  const files = AREA.flatMap((d) => listFiles(resolve(root, d), /\.ts$/)).filter(production);
  const graph = new Map(files.map((f) => [f, runtimeImports(f).filter((x) => files.includes(x))]));

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const g of graph.get(f) ?? []) {
        if (state.get(g) === 'open')
          cycles.push([...stack.slice(stack.indexOf(g)), g].map((x) => relative(root, x)).join(' → '));
        else if (!state.has(g)) visit(g);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('production code never imports a testing/ helper', () => {
    const bad = files.flatMap((f) =>
      runtimeImports(f)
        .filter((x) => /(^|\/)testing(\/|\.ts$)/.test(relative(root, x)))
        .map((x) => `${relative(root, f)} → ${relative(root, x)}`),
    );
    expect(bad).toEqual([]);
  });
});
