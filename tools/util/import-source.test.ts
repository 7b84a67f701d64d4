import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const cleanup: string[] = [];
afterEach(() => {
  for (const p of cleanup.splice(0)) rmSync(p, { recursive: true, force: true });
});

describe('importSource', () => {
  it('imports TypeScript sources by path from a process that runs compiled code without a loader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-import-source-'));
    cleanup.push(dir);
    writeFileSync(join(dir, 'package.json'), `{ "type": "module" }\n`); // as this repository's
    writeFileSync(join(dir, 'dep.ts'), `export const base: number = 40;\n`);
    writeFileSync(
      join(dir, 'check.ts'),
      `import { base } from './dep.js';\nexport const answer: number = base + 2;\n`,
    );
    // As the precompiled CLI runs it: compiled by esbuild, packages (tsx) from node_modules.
    mkdirSync(join(REPO, 'tools', '.bundle'), { recursive: true });
    const compiled = join(REPO, 'tools', '.bundle', `import-source-test-${process.pid}.mjs`);
    cleanup.push(compiled);
    await build({
      entryPoints: [join(REPO, 'tools', 'util', 'import-source.ts')],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      outfile: compiled,
      logLevel: 'silent',
    });
    const script = [
      `const { importSource } = await import(${JSON.stringify(pathToFileURL(compiled).href)});`,
      `const a = await importSource(${JSON.stringify(join(dir, 'check.ts'))});`,
      `const b = await importSource(${JSON.stringify(join(dir, 'dep.ts'))});`,
      `console.log(a.answer, b.base);`,
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('42 40');
  });
});
