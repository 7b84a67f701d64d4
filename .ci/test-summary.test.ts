/**
 * `npm test`'s summary line (.ci/test-summary.sh + .mjs), run for real: vitest in a scratch project
 * with test files that fail in the ways per-test counts miss.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-test-summary-'));
  mkdirSync(join(dir, '.ci'));
  for (const f of ['test-summary.sh', 'test-summary.mjs', 'summary-reporter.ts'])
    copyFileSync(join(REPO, '.ci', f), join(dir, '.ci', f));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function npmTest(dir: string, ...args: string[]) {
  const r = spawnSync('bash', [join(dir, '.ci/test-summary.sh'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  const lines = `${r.stdout}`.trim().split('\n');
  return { code: r.status, last: lines[lines.length - 1], out: `${r.stdout}\n${r.stderr}` };
}

const PASSING = `import { it, expect } from 'vitest';\nit('adds', () => expect(1 + 1).toBe(2));\n`;

describe('npm test summary line', () => {
  // One vitest run of a project with the failures per-test counts miss, asserted trap by trap.
  let mixed: ReturnType<typeof npmTest>;
  beforeAll(() => {
    mixed = npmTest(
      project({
        'ok.test.ts': PASSING,
        'broken.test.ts': `import './missing-module.js';\nimport { it } from 'vitest';\nit('never runs', () => {});\n`,
        'hook.test.ts': `import { beforeAll, describe, it, expect } from 'vitest';
describe('needs a server', () => {
  beforeAll(() => { throw new Error('port in use'); });
  it('a', () => expect(1).toBe(1));
  it('b', () => expect(1).toBe(1));
});
it('is wrong', () => expect(1).toBe(2));
`,
      }),
    );
  });

  it('counts a test file that fails to import as a failure (it used to print "0 failed")', () => {
    expect(mixed.out).toMatch(/failed outside a test: broken\.test\.ts: .*missing-module/);
    expect(mixed.code).not.toBe(0);
  });

  it('counts a throwing beforeAll (its tests show as skipped), also beside a failing test in the same file', () => {
    expect(mixed.out).toMatch(/failed outside a test: hook\.test\.ts > needs a server: port in use/);
    // 1 failing test + 1 broken file + 1 broken suite; the suite's 2 tests are skipped.
    expect(mixed.last).toBe('1 passed, 3 failed, 2 skipped');
  });

  it('never prints a stale report from an earlier run when vitest dies before writing one', () => {
    const dir = project({ 'ok.test.ts': PASSING });
    writeFileSync(
      join(dir, '.vitest-summary.json'),
      JSON.stringify({ passed: 999, failed: 0, skipped: 0, errors: [] }),
    );
    const r = npmTest(dir, '--reporter=./no-such-reporter.js');
    expect(r.out).not.toContain('999 passed');
    expect(r.last).toBe('0 passed, 1 failed');
    expect(r.code).not.toBe(0);
  });

  it('a clean run ends with the plain line and exit 0', () => {
    const r = npmTest(project({ 'ok.test.ts': PASSING }));
    expect(r.last).toBe('1 passed, 0 failed');
    expect(r.code).toBe(0);
  });
});
