/**
 * House rules for the CLI and publishing folders: test helpers live in `testing/` folders and only
 * tests (and benches, which measure on the same fixtures) import them.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkFiles } from '../util/files.js';

const TOOLS = resolve(import.meta.dirname, '..');
const AREAS = ['cli', 'publish'];
const mayImportTesting = (p: string) => /\.test\.ts$|-bench\.ts$|(^|\/)testing\//.test(p);

describe('layout', () => {
  it('production code in tools/cli and tools/publish never imports a testing/ helper', () => {
    const offenders: string[] = [];
    for (const area of AREAS)
      for (const p of walkFiles(join(TOOLS, area), { match: /\.ts$/ })) {
        const rel = `${area}/${p}`;
        if (mayImportTesting(rel)) continue;
        const text = readFileSync(join(TOOLS, rel), 'utf8');
        for (const m of text.matchAll(/from '([^']+)'|import\('([^']+)'\)/g)) {
          const spec = m[1] ?? m[2];
          if (/(^|\/)testing(\/|\.js$)/.test(spec)) offenders.push(`${rel} imports ${spec}`);
        }
      }
    expect(offenders).toEqual([]);
  });
});
