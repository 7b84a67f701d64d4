/**
 * The husky hooks in a real temporary git repository: pre-commit validates staged specs and dictionary
 * files against their schemas (lint-staged → `goblin schema check`), pre-push runs `npm run spec:test`,
 * and both are skipped by `--no-verify`. The repo is a copy of this one with the playhead specs only
 * (spec:test replays every spec, so fewer specs keep the test short).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEEP_SPECS = /^(specs\/playhead\/|tests\/PLAYHEAD_|specs\/README\.md$)/;

/** Hooks must run: CI sets HUSKY=0 for its own installs, which would silence them here. */
const ENV = {
  ...process.env,
  HUSKY: '',
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.test',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.test',
  FORCE_COLOR: '0',
};

function git(cwd: string, ...args: string[]) {
  const r = spawnSync('git', args, { cwd, env: ENV, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function makeRepo(): { dir: string; remote: string } {
  const root = mkdtempSync(join(tmpdir(), 'goblin-hooks-'));
  const dir = join(root, 'work');
  const remote = join(root, 'remote.git');
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], {
    cwd: REPO,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean)
    .filter((f) => !f.startsWith('examples/'))
    .filter((f) => !/^(specs|tests)\//.test(f) || KEEP_SPECS.test(f) || f === 'tests/known-fps.csv');
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(REPO, f), join(dir, f));
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['commit', '-q', '--no-verify', '-m', 'seed'],
    ['remote', 'add', 'origin', remote],
  ])
    expect(git(dir, ...args).code).toBe(0);
  // What `npm install` does through the "prepare" script.
  execFileSync(process.execPath, [join(REPO, 'node_modules/husky/bin.js')], { cwd: dir, env: ENV });
  return { dir, remote };
}

const edit = (dir: string, file: string, from: string | RegExp, to: string) => {
  const p = join(dir, file);
  const text = readFileSync(p, 'utf8');
  const next = text.replace(from, to);
  expect(next, `${file} changed`).not.toBe(text);
  writeFileSync(p, next);
};
const head = (dir: string) => git(dir, 'rev-parse', 'HEAD').out.trim();

describe('git hooks (husky)', () => {
  let dir: string;
  let remote: string;
  beforeAll(() => {
    ({ dir, remote } = makeRepo());
  });

  it('pre-commit rejects a staged spec that breaks its schema, naming file, line and field', () => {
    const spec = 'specs/playhead/PLAYHEAD_STALLED.yaml';
    edit(dir, spec, /^status: \w+$/m, 'status: live');
    git(dir, 'add', spec);
    const before = head(dir);
    const r = git(dir, 'commit', '-m', 'typo in status');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/specs\/playhead\/PLAYHEAD_STALLED\.yaml:\d+: error: status: /);
    expect(head(dir)).toBe(before);
    // --no-verify skips the hook (the typo is then committed as is).
    expect(git(dir, 'commit', '--no-verify', '-q', '-m', 'typo in status').code).toBe(0);
    expect(head(dir)).not.toBe(before);
    edit(dir, spec, /^status: live$/m, 'status: active');
    expect(git(dir, 'commit', '-qam', 'fix status').code).toBe(0);
  });

  it('pre-commit rejects a dictionary entry with a type the schema does not know', () => {
    const entry = 'dictionary/hb-api/media.resume.yaml';
    edit(dir, entry, /^type: bool$/m, 'type: boolean');
    git(dir, 'add', entry);
    const r = git(dir, 'commit', '-m', 'retype');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(
      /dictionary\/hb-api\/media\.resume\.yaml:\d+: error: type: .*dictionary entry schema/,
    );
    git(dir, 'checkout', 'HEAD', '--', entry);
  });

  it('pre-commit lets a valid constitution edit through', () => {
    edit(dir, 'constitution.yaml', /^# Rules no spec may break\./m, '# Rules no spec may ever break.');
    const r = git(dir, 'commit', '-am', 'wording');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/schema check|lint-staged|Running tasks/i);
  });

  it('pre-push runs spec:test and refuses a spec that breaks the constitution; --no-verify pushes', () => {
    edit(dir, 'specs/playhead/PLAYHEAD_DECREASING.yaml', /tolerance_s: 0\.5/, 'tolerance_s: 3');
    expect(git(dir, 'commit', '-qam', 'relax playhead tolerance').code).toBe(0);
    const r = git(dir, 'push', '-q', 'origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/NON_DECREASING_PLAYHEAD/);
    expect(r.out).toMatch(/spec:test FAILED/);
    expect(git(remote, 'rev-parse', '--verify', '-q', 'refs/heads/main').code).not.toBe(0);
    expect(git(dir, 'push', '-q', '--no-verify', 'origin', 'main').code).toBe(0);
    expect(git(remote, 'rev-parse', 'refs/heads/main').out.trim()).toBe(head(dir));
  }, 300_000); // spec:test inside a git push: minutes on a loaded 2-core machine
});
