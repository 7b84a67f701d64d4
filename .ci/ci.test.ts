/**
 * `npm run ci` (.ci/ci.sh over .ci/steps): the one list of CI steps that .ci/run and both hosted
 * workflows run. The runner is exercised for real in a scratch project with its own steps file.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (p: string) => readFileSync(join(REPO, p), 'utf8');
const stepsOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

function runCi(steps: string) {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-ci-'));
  mkdirSync(join(dir, '.ci'));
  copyFileSync(join(REPO, '.ci/ci.sh'), join(dir, '.ci/ci.sh'));
  writeFileSync(join(dir, '.ci/steps'), steps);
  // A stand-in `npm test` that prints what the real one ends with.
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'x', private: true, scripts: { test: "echo '7 passed, 0 failed'" } }),
  );
  const r = spawnSync('bash', [join(dir, '.ci/ci.sh')], { cwd: dir, encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  return { code: r.status, out: `${r.stdout}${r.stderr}`, last: lines[lines.length - 1] };
}

describe('npm run ci', () => {
  it('runs every step even after a failure, fails CI for it, and still ends with the test line', () => {
    const r = runCi('# comment\nexit 3\n~ false\ntrue\n\nnpm test\n');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAILED +\d+s +exit 3 \(exit 3\)/);
    expect(r.out).toMatch(/advisory +\d+s +false \(exit 1, does not fail CI\)/);
    expect(r.out).toMatch(/ok +\d+s +true/);
    expect(r.last).toBe('7 passed, 0 failed');
  });

  it('an advisory failure alone does not fail CI', () => {
    const r = runCi('~ exit 4\nnpm test\n');
    expect(r.code).toBe(0);
    expect(r.last).toBe('7 passed, 0 failed');
  });

  it('refuses a steps file whose last step is not npm test (the output would not end with its line)', () => {
    const r = runCi('npm test\nnpm run lint\n');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/last step .* must be 'npm test'/);
  });

  it("the repo's steps: existing npm scripts, typecheck/lint/spec:test/eval first, npm test last", () => {
    const scripts = Object.keys(JSON.parse(read('package.json')).scripts as object);
    const steps = stepsOf(read('.ci/steps')).map((s) => s.replace(/^~ /, ''));
    for (const s of steps) {
      const m = /^npm (?:run ([\w:-]+)|(test))\b/.exec(s);
      expect(m, `step '${s}' is an npm script`).not.toBeNull();
      expect(scripts).toContain(m![1] ?? m![2]);
    }
    expect(steps.slice(0, 3)).toEqual(['npm run typecheck', 'npm run lint', 'npm run spec:test']);
    expect(steps).toContain('npm run eval:propose');
    expect(steps[steps.length - 1]).toBe('npm test');
    expect(JSON.parse(read('package.json')).scripts.ci).toBe('bash .ci/ci.sh');
  });

  it('.ci/run and both hosted workflows run `npm run ci` on the Node versions the project supports', () => {
    expect(read('.ci/run')).toMatch(/^exec npm run ci$/m);
    expect(read('.nvmrc').trim()).toBe('22');
    for (const dir of ['.github', '.forgejo']) {
      const wf = YAML.parse(read(`${dir}/workflows/ci.yml`)) as {
        jobs: Record<string, { strategy?: { matrix: { include: object[] } }; steps: { run?: string }[] }>;
      };
      const job = wf.jobs.ci;
      expect(job.steps.map((s) => s.run).filter(Boolean)).toContain('npm run ci');
      expect(job.strategy?.matrix.include).toEqual([
        { 'node-version-file': '.nvmrc' },
        { 'node-version': '20' },
      ]);
      // The step that must be last in the log is the last step of the job.
      expect(job.steps[job.steps.length - 1].run).toBe('npm run ci');
    }
  });
});
