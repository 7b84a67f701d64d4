/**
 * The precompiled CLI: bin/goblin.js runs it when its stamp says it is up to date, and it must behave as
 * the TypeScript source does. Real processes, the repository's own commands and example captures.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { version as esbuildVersion } from 'esbuild';
import { currentStamp } from '../../bin/fresh-bundle.js';
import { bundleModule } from '../ingest/worker-bundle.js';
import { CLI_BUNDLE, cliBundle, cliEntrySource } from './bundle.js';
import { commandModuleFiles, loadCommands } from './main.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin', 'goblin.js');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function goblin(cwd: string, env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GOBLIN_DEBUG: '1', ...env },
    timeout: 110_000,
  });
}

describe('the precompiled CLI', () => {
  it('lists every command module in its generated entry, tests left out', async () => {
    const files = commandModuleFiles();
    expect(files).toContain('validate.ts');
    expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
    const entry = cliEntrySource(files);
    for (const f of files) expect(entry).toContain(`() => import("./commands/${f}")`);
    // …so the bundle knows the commands the source finds by listing the folder.
    expect((await loadCommands()).length).toBeGreaterThan(20);
  });

  it('runs from the bundle once built, with the same help as the source', async () => {
    const built = await cliBundle();
    expect(built.reason).toBeUndefined();
    expect(built.file).toBe(CLI_BUNDLE);
    const fromBundle = goblin(REPO, {}, '--help');
    expect(fromBundle.stderr).toContain('goblin: running the precompiled CLI (tools/.bundle/cli.mjs)');
    const fromSource = goblin(REPO, { GOBLIN_CLI_TSX: '1' }, '--help');
    expect(fromSource.stderr).toContain('goblin: running from source (GOBLIN_CLI_TSX=1)');
    expect(fromBundle.status).toBe(0);
    expect(fromBundle.stdout).toBe(fromSource.stdout);
    expect(fromBundle.stdout).toMatch(/^ {2}validate {2,}/m);
  });

  it('validates the bundled examples as the source does: same findings, sessions and exit line', async () => {
    await cliBundle();
    const work = mkdtempSync(join(tmpdir(), 'goblin-cli-bundle-'));
    dirs.push(work);
    const hars = join(REPO, 'examples', 'hars', 'web');
    const outputs = (env: Record<string, string>, out: string) => {
      const r = goblin(REPO, env, 'validate', hars, '--out', join(work, out), '--workers', '1');
      return {
        code: r.status,
        last: r.stderr.trim().split('\n').at(-1),
        violations: readFileSync(join(work, out, 'violations.jsonl'), 'utf8'),
        sessions: readFileSync(join(work, out, 'sessions.jsonl'), 'utf8'),
        specCommit: (
          JSON.parse(readFileSync(join(work, out, 'summary.json'), 'utf8')) as {
            spec_pack: { commit: string | null };
          }
        ).spec_pack.commit,
      };
    };
    const a = outputs({}, 'bundle');
    const b = outputs({ GOBLIN_CLI_TSX: '1' }, 'source');
    expect(a.violations.length).toBeGreaterThan(0);
    // The last commit that touched the specs, as git tells it.
    const last = spawnSync('git', ['log', '-1', '--format=%H', '--', 'specs'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(a.specCommit).toBe(last.stdout.trim());
    expect(a).toEqual(b);
  });
});

describe('commands that read TypeScript sources by path, from the bundle', () => {
  it('evaluates on the cross-check corpus, whose generator is loaded from tests/ at run time', async () => {
    await cliBundle();
    const work = mkdtempSync(join(tmpdir(), 'goblin-cli-bundle-eval-'));
    dirs.push(work);
    const r = goblin(
      REPO,
      {},
      ...['eval', '--corpus', 'crosscheck', '--crosscheck-sessions', '5', '--workers', '1'],
      ...['--report', join(work, 'report.json')],
    );
    expect(r.stderr).toContain('goblin: running the precompiled CLI');
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(join(work, 'report.json'), 'utf8')) as { captures?: number };
    expect(JSON.stringify(report)).toContain('crosscheck');
  });
});

/** What the launcher asks (bin/goblin.js): a stamp that holds and is not a refused build. */
const bundleIsFresh = (bundle: string, root: string) => {
  const stamp = currentStamp(bundle, root, esbuildVersion);
  return stamp !== null && !stamp.refused;
};

describe('currentStamp (bin/fresh-bundle.js) reads the stamp bundleModule writes', () => {
  it('fresh after a build; stale once an input or a watched folder changes, or the bundle is gone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'goblin-fresh-'));
    dirs.push(root);
    mkdirSync(join(root, 'tools', 'a'), { recursive: true });
    writeFileSync(join(root, 'tools', 'a', 'main.ts'), `export const value = 1;\n`);
    writeFileSync(join(root, 'tools', 'a', 'lazy.ts'), `export const later = 2;\n`);
    const outFile = join(root, 'tools', '.bundle', 'x.mjs');
    const build = () =>
      bundleModule({
        entry: 'tools/a/entry.ts',
        contents: `export { value } from './main.ts';\nexport const load = () => import('./lazy.ts');\n`,
        outFile,
        root,
        split: true,
        watch: ['tools/a'],
      });
    expect((await build()).built).toBe(true);
    expect(bundleIsFresh(outFile, root)).toBe(true);

    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, 'tools', 'a', 'main.ts'), later, later);
    expect(bundleIsFresh(outFile, root)).toBe(false);
    await build();
    expect(bundleIsFresh(outFile, root)).toBe(true);

    writeFileSync(join(root, 'tools', 'a', 'another.ts'), `export {};\n`);
    utimesSync(join(root, 'tools', 'a'), later, new Date(Date.now() + 10_000));
    expect(bundleIsFresh(outFile, root)).toBe(false);
    await build();
    expect(bundleIsFresh(outFile, root)).toBe(true);

    // Built by another Node: stale.
    const stampFile = `${outFile}.stamp.json`;
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { node: string };
    writeFileSync(stampFile, JSON.stringify({ ...stamp, node: 'v0.0.0' }));
    expect(bundleIsFresh(outFile, root)).toBe(false);
    writeFileSync(stampFile, JSON.stringify(stamp));
    expect(bundleIsFresh(outFile, root)).toBe(true);

    // A refused build is never fresh, whatever bundle an earlier build left.
    writeFileSync(stampFile, JSON.stringify({ ...stamp, refused: 'a module at another depth' }));
    expect(bundleIsFresh(outFile, root)).toBe(false);
    writeFileSync(stampFile, JSON.stringify(stamp));

    // A chunk, or the bundle itself, gone: stale.
    const outputs = (stamp as unknown as { outputs: string[] }).outputs;
    const chunk = outputs.find((f) => f !== 'x.mjs')!;
    expect(chunk).toMatch(/^x-.+\.mjs$/);
    rmSync(join(root, 'tools', '.bundle', chunk));
    expect(bundleIsFresh(outFile, root)).toBe(false);
    await build();
    expect(bundleIsFresh(outFile, root)).toBe(true);
    rmSync(outFile);
    expect(bundleIsFresh(outFile, root)).toBe(false);
  });
});
