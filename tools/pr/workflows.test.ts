import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './testing/repo.js';

const schema = JSON.parse(
  readFileSync(join(REPO_ROOT, 'tools/pr/schemas/github-workflow.schema.json'), 'utf8'),
);
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const scripts = Object.keys(
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts as object,
);
// Every GitHub workflow, each with its Forgejo twin.
const NAMES = readdirSync(join(REPO_ROOT, '.github/workflows'))
  .filter((f) => f.endsWith('.yml'))
  .sort();

type Step = { uses?: string; run?: string };
type Wf = {
  on: Record<string, unknown>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
  permissions?: unknown;
  concurrency?: unknown;
};
const load = (dir: string, f: string): Wf => YAML.parse(readFileSync(join(REPO_ROOT, dir, f), 'utf8')) as Wf;
const runs = (w: Wf) => Object.values(w.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '').filter(Boolean));

describe('CI workflows', () => {
  it('the schema rejects broken workflows (it can fail)', () => {
    expect(validate({ on: 'push', jobs: { a: { 'runs-on': 'x', steps: [{ run: 'true' }] } } })).toBe(true);
    expect(validate({ on: 'push', jobs: { a: { steps: [{ run: 'true' }] } } })).toBe(false); // no runs-on
    expect(
      validate({ on: 'push', jobs: { a: { 'runs-on': 'x', steps: [{ uses: 'a/b@v1', run: 'x' }] } } }),
    ).toBe(false);
    expect(
      validate({
        on: { push: { branch: ['main'] } },
        jobs: { a: { 'runs-on': 'x', steps: [{ run: 'x' }] } },
      }),
    ).toBe(false);
  });

  it.each(NAMES)('.github/workflows/%s is valid against the workflow schema', (f) => {
    const ok = validate(load('.github/workflows', f));
    expect(validate.errors ?? [], f).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(NAMES)('.forgejo/workflows/%s is valid and Forgejo-shaped', (f) => {
    const w = load('.forgejo/workflows', f);
    expect(validate(w), JSON.stringify(validate.errors)).toBe(true);
    for (const j of Object.values(w.jobs)) {
      expect(j['runs-on']).toBe('docker');
      for (const s of j.steps) if (s.uses) expect(s.uses).toMatch(/^https:\/\/code\.forgejo\.org\//);
      for (const s of j.steps) if (s.uses?.includes('upload-artifact')) expect(s.uses).toMatch(/@v3$/);
    }
    expect(w.permissions).toBeUndefined();
    expect(w.concurrency).toBeUndefined();
    // Same steps as the GitHub workflow.
    expect(runs(w)).toEqual(runs(load('.github/workflows', f)));
  });

  it('runs npm ci with retries and only npm scripts / goblin commands that exist', () => {
    for (const f of NAMES) {
      const w = load('.github/workflows', f);
      const all = runs(w).join('\n');
      // npm ci with retries, never a fallback to `npm install` (it would not install the lockfile's tree).
      expect(all).toContain('npm ci || { sleep 20; npm ci; }');
      expect(all).not.toContain('npm install');
      for (const m of all.matchAll(/npm run ([\w:-]+)/g))
        expect(scripts, `${f}: npm run ${m[1]}`).toContain(m[1]);
      for (const m of all.matchAll(/npx tsx (\S+)/g))
        expect(() => readFileSync(join(REPO_ROOT, m[1]))).not.toThrow();
      expect(JSON.stringify((w as unknown as { env: object }).env)).toContain(
        '"ONNXRUNTIME_NODE_INSTALL":"skip"',
      );
    }
    const ci = runs(load('.github/workflows', 'ci.yml')).join('\n');
    expect(ci).toContain('npm run ci'); // .ci/steps: typecheck, lint, spec:test, eval, … npm test
    const replay = runs(load('.github/workflows', 'replay.yml')).join('\n');
    expect(replay).toMatch(/npx goblin run \$files --out out\/replay/);
    expect(replay).toContain('npx tsx tools/pr/ci-summary.ts out/replay/report.md');
    const loop = load('.github/workflows', 'loop.yml');
    expect(Object.keys(loop.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(runs(loop).join('\n')).toContain('npx goblin loop drops/latest --max-prs');
    const site = load('.github/workflows', 'site.yml');
    expect(runs(site)).toContain('npm run site:build');
    expect(site.jobs.site.steps.some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
  });

  it('every goblin subcommand a workflow calls exists', async () => {
    const { loadCommands } = await import('../cli/main.js');
    const names = (await loadCommands()).map((c) => c.name);
    for (const dir of ['.github/workflows', '.forgejo/workflows'])
      for (const f of readdirSync(join(REPO_ROOT, dir))) {
        for (const m of runs(load(dir, f))
          .join('\n')
          .matchAll(/npx goblin ([a-z]+(?: [a-z]+)?)/g)) {
          const cmd = m[1];
          expect(
            names.some((n) => cmd === n || cmd.startsWith(`${n} `)),
            `${dir}/${f}: goblin ${cmd}`,
          ).toBe(true);
        }
      }
  });
});
