import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { benchValidateBundle, bundleModule, ingestWorkerBundle, learnWorkerBundle } from './worker-bundle.js';

const dirs: string[] = [];
function project(): string {
  const d = mkdtempSync(join(tmpdir(), 'goblin-bundle-'));
  dirs.push(d);
  mkdirSync(join(d, 'tools', 'a'), { recursive: true });
  writeFileSync(join(d, 'tools', 'a', 'dep.ts'), `export const answer: number = 41;\n`);
  writeFileSync(
    join(d, 'tools', 'a', 'main.ts'),
    `import { answer } from './dep.js';\nexport const value = (x: number): number => x + answer;\n`,
  );
  return d;
}
/** This process's children that are esbuild (its service runs as `esbuild --service=…`). */
function esbuildChildren(): string[] {
  const ps = spawnSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((l) => l.includes('--service='));
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A split build of a generated entry into `root`'s tools/.bundle/<name>.mjs, with more options. */
function splitBuild(
  root: string,
  name: string,
  contents: string,
  more: Partial<Parameters<typeof bundleModule>[0]> = {},
) {
  const outFile = join(root, 'tools', '.bundle', `${name}.mjs`);
  const build = () =>
    bundleModule({ entry: 'tools/a/entry.ts', contents, outFile, root, split: true, ...more });
  return { outFile, build };
}

describe('bundleModule', () => {
  it('builds once, reuses the bundle, and rebuilds when an imported module changes', async () => {
    const root = project();
    const outFile = join(root, 'tools', '.bundle', 'main.mjs');
    const first = await bundleModule({ entry: 'tools/a/main.ts', outFile, root });
    expect(first).toEqual({ file: outFile, built: true });
    const mod = (await import(pathToFileURL(outFile).href)) as { value: (x: number) => number };
    expect(mod.value(1)).toBe(42);

    expect(await bundleModule({ entry: 'tools/a/main.ts', outFile, root })).toEqual({
      file: outFile,
      built: false,
    });

    // A changed dependency (not the entry) must invalidate the bundle.
    writeFileSync(join(root, 'tools', 'a', 'dep.ts'), `export const answer: number = 99;\n`);
    utimesSync(join(root, 'tools', 'a', 'dep.ts'), new Date(), new Date(Date.now() + 5000));
    const again = await bundleModule({ entry: 'tools/a/main.ts', outFile, root });
    expect(again.built).toBe(true);
    const fresh = (await import(`${pathToFileURL(outFile).href}?v=2`)) as { value: (x: number) => number };
    expect(fresh.value(1)).toBe(100);
  });

  it("stops esbuild's service once no build is in flight (it stayed resident, ~160 MB, for the whole run)", async () => {
    const root = project();
    const outFile = (n: string) => join(root, 'tools', '.bundle', `${n}.mjs`);
    // Two builds at once: the first to finish must not stop the service under the second.
    const [a, b] = await Promise.all([
      bundleModule({ entry: 'tools/a/main.ts', outFile: outFile('one'), root }),
      bundleModule({ entry: 'tools/a/dep.ts', outFile: outFile('two'), root }),
    ]);
    expect([a.built, b.built]).toEqual([true, true]);
    expect(esbuildChildren()).toEqual([]);
    // The next build starts it again.
    writeFileSync(join(root, 'tools', 'a', 'dep.ts'), `export const answer: number = 7;\n`);
    utimesSync(join(root, 'tools', 'a', 'dep.ts'), new Date(), new Date(Date.now() + 5000));
    expect((await bundleModule({ entry: 'tools/a/main.ts', outFile: outFile('one'), root })).built).toBe(
      true,
    );
    expect(esbuildChildren()).toEqual([]);
  });

  it('refuses a bundle when a module at another depth reads import.meta (its paths would break)', async () => {
    const root = project();
    mkdirSync(join(root, 'tools', 'a', 'deep'), { recursive: true });
    writeFileSync(
      join(root, 'tools', 'a', 'deep', 'where.ts'),
      `export const here = new URL('../../../package.json', import.meta.url).href;\n`,
    );
    writeFileSync(
      join(root, 'tools', 'a', 'main.ts'),
      `import { here } from './deep/where.js';\nexport const value = here;\n`,
    );
    const r = await bundleModule({
      entry: 'tools/a/main.ts',
      outFile: join(root, 'tools', '.bundle', 'main.mjs'),
      root,
      checkMetaDepth: true,
    });
    expect(r.file).toBeNull();
    expect(r.reason).toContain('tools/a/deep/where.ts');
  });

  it('reports a build error instead of throwing', async () => {
    const root = project();
    writeFileSync(
      join(root, 'tools', 'a', 'main.ts'),
      `import { nothing } from './missing.js';\nexport const value = nothing;\n`,
    );
    const r = await bundleModule({
      entry: 'tools/a/main.ts',
      outFile: join(root, 'tools', '.bundle', 'main.mjs'),
      root,
    });
    expect(r.file).toBeNull();
    expect(r.reason).toMatch(/missing/);
  });

  it('a split build keeps lazy imports lazy, each module in a chunk beside the bundle', async () => {
    const root = project();
    writeFileSync(
      join(root, 'tools', 'a', 'lazy.ts'),
      `(globalThis as { lazyRan?: number }).lazyRan = 1;\nexport const late = 7;\n`,
    );
    const outFile = join(root, 'tools', '.bundle', 'split.mjs');
    const r = await bundleModule({
      entry: 'tools/a/entry.ts',
      contents: `export const load = () => import('./lazy.ts');\nexport { value } from './main.ts';\n`,
      outFile,
      root,
      split: true,
    });
    expect(r).toEqual({ file: outFile, built: true });
    const chunks = readdirSync(join(root, 'tools', '.bundle')).filter((f) => /^split-.+\.mjs$/.test(f));
    expect(chunks.length).toBeGreaterThan(0);
    // Nothing of the build's temporary folder is left.
    expect(readdirSync(join(root, 'tools', '.bundle')).filter((f) => f.includes('.tmp'))).toEqual([]);
    const mod = (await import(pathToFileURL(outFile).href)) as {
      load: () => Promise<{ late: number }>;
      value: (x: number) => number;
    };
    expect(mod.value(1)).toBe(42);
    expect((globalThis as { lazyRan?: number }).lazyRan).toBeUndefined();
    expect((await mod.load()).late).toBe(7);
    expect((globalThis as { lazyRan?: number }).lazyRan).toBe(1);
    delete (globalThis as { lazyRan?: number }).lazyRan;
    // The generated entry is not a file: the stamp holds only real inputs.
    const stamp = JSON.parse(readFileSync(`${outFile}.stamp.json`, 'utf8')) as { inputs: object };
    expect(Object.keys(stamp.inputs).sort()).toEqual([
      'tools/a/dep.ts',
      'tools/a/lazy.ts',
      'tools/a/main.ts',
    ]);
  });

  it('a split build carries only the packages it is told to, with what they import', async () => {
    const root = project();
    const pkg = (name: string, body: string) => {
      mkdirSync(join(root, 'node_modules', name), { recursive: true });
      writeFileSync(join(root, 'node_modules', name, 'package.json'), `{"name":"${name}","main":"index.js"}`);
      writeFileSync(join(root, 'node_modules', name, 'index.js'), body);
    };
    pkg('carried', `module.exports = { carried: require('inner').inner + '-carried' };\n`);
    pkg('inner', `module.exports = { inner: 'inner-${'x'.repeat(8)}' };\n`);
    pkg('loaded', `module.exports = { loaded: 'loaded-from-node-modules' };\n`);
    writeFileSync(
      join(root, 'tools', 'a', 'main.ts'),
      `import { carried } from 'carried';\nimport { loaded } from 'loaded';\nexport const value = [carried, loaded];\n`,
    );
    const outFile = join(root, 'tools', '.bundle', 'p.mjs');
    const r = await bundleModule({
      entry: 'tools/a/entry.ts',
      contents: `export { value } from './main.ts';\n`,
      outFile,
      root,
      split: true,
      carry: ['carried'],
    });
    expect(r.reason).toBeUndefined();
    const text = readdirSync(join(root, 'tools', '.bundle'))
      .filter((f) => f.endsWith('.mjs'))
      .map((f) => readFileSync(join(root, 'tools', '.bundle', f), 'utf8'))
      .join('\n');
    expect(text).toContain('-carried');
    expect(text).toContain('inner-xxxxxxxx'); // what a carried package imports comes along
    expect(text).not.toContain('loaded-from-node-modules');
    expect(text).toMatch(/from "loaded"/);
    const mod = (await import(pathToFileURL(outFile).href)) as { value: string[] };
    expect(mod.value).toEqual(['inner-xxxxxxxx-carried', 'loaded-from-node-modules']);
    // Carried package files are inputs: an upgrade rebuilds.
    const stamp = JSON.parse(readFileSync(`${outFile}.stamp.json`, 'utf8')) as { inputs: object };
    expect(Object.keys(stamp.inputs)).toContain(join('node_modules', 'carried', 'index.js'));
    expect(Object.keys(stamp.inputs)).not.toContain(join('node_modules', 'loaded', 'index.js'));
  });

  it('a watched folder invalidates the bundle when a file is added to it', async () => {
    const root = project();
    const { build } = splitBuild(root, 'w', `export { value } from './main.ts';\n`, { watch: ['tools/a'] });
    expect((await build()).built).toBe(true);
    expect((await build()).built).toBe(false);
    writeFileSync(join(root, 'tools', 'a', 'new-command.ts'), `export const x = 1;\n`);
    // A folder's mtime has the file system's resolution: make the change visible whatever it is.
    utimesSync(join(root, 'tools', 'a'), new Date(), new Date(Date.now() + 5000));
    expect((await build()).built).toBe(true);
  });

  it('keeps chunks no build refers to for a day after they were superseded, then removes them', async () => {
    const root = project();
    const dir = join(root, 'tools', '.bundle');
    const { outFile, build } = splitBuild(root, 'c', `export const load = () => import('./main.ts');\n`);
    mkdirSync(dir, { recursive: true });
    // Old files by mtime, but only now superseded: a process started from their build may still need them.
    const old = join(dir, 'c-OLDHASH.mjs');
    const other = join(dir, 'other-OLDHASH.mjs');
    for (const f of [old, other]) writeFileSync(f, 'export {};\n');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    await build();
    expect(existsSync(old)).toBe(true);
    const ledger = join(dir, 'c.mjs.superseded.json');
    const since = JSON.parse(readFileSync(ledger, 'utf8')) as Record<string, number>;
    expect(Date.now() - since['c-OLDHASH.mjs']).toBeLessThan(60_000);
    // A day and more after it was superseded, the next build removes it; another bundle's chunk stays.
    writeFileSync(ledger, JSON.stringify({ 'c-OLDHASH.mjs': Date.now() - 25 * 3_600_000 }));
    writeFileSync(join(root, 'tools', 'a', 'dep.ts'), `export const answer: number = 40;\n`);
    utimesSync(join(root, 'tools', 'a', 'dep.ts'), twoDaysAgo, twoDaysAgo);
    expect((await build()).built).toBe(true);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(other)).toBe(true);
    // The chunks of the current build are never in the ledger; the first build's, now superseded, are.
    const stamp = JSON.parse(readFileSync(`${outFile}.stamp.json`, 'utf8')) as { outputs: string[] };
    const noted = Object.keys(JSON.parse(readFileSync(ledger, 'utf8')) as object);
    expect(noted.length).toBeGreaterThan(0);
    expect(noted.filter((f) => stamp.outputs.includes(f))).toEqual([]);
  });

  it('builds again when a file it wrote is gone (the bundle, or one of its chunks)', async () => {
    const root = project();
    const dir = join(root, 'tools', '.bundle');
    const { outFile, build } = splitBuild(root, 'g', `export const load = () => import('./main.ts');\n`);
    expect((await build()).built).toBe(true);
    expect((await build()).built).toBe(false);
    const chunk = readdirSync(dir).find((f) => /^g-.+\.mjs$/.test(f))!;
    rmSync(join(dir, chunk));
    expect((await build()).built).toBe(true);
    expect(existsSync(join(dir, chunk))).toBe(true);
    rmSync(outFile);
    expect((await build()).built).toBe(true);
    const mod = (await import(`${pathToFileURL(outFile).href}?v=g`)) as {
      load: () => Promise<{ value: (x: number) => number }>;
    };
    expect((await mod.load()).value(1)).toBe(42);
  });

  it('remembers a refused build until an input changes, and leaves no temporary folder', async () => {
    const root = project();
    mkdirSync(join(root, 'tools', 'a', 'deep'), { recursive: true });
    const where = join(root, 'tools', 'a', 'deep', 'where.ts');
    writeFileSync(where, `export const here = new URL('../../../package.json', import.meta.url).href;\n`);
    writeFileSync(
      join(root, 'tools', 'a', 'main.ts'),
      `import { here } from './deep/where.js';\nexport const value = here;\n`,
    );
    const { outFile, build } = splitBuild(root, 'r', `export { value } from './main.ts';\n`, {
      checkMetaDepth: true,
    });
    const first = await build();
    expect(first.file).toBeNull();
    expect(first.reason).toContain('tools/a/deep/where.ts');
    expect(readdirSync(join(root, 'tools', '.bundle')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const stamp = JSON.parse(readFileSync(`${outFile}.stamp.json`, 'utf8')) as { refused?: string };
    expect(stamp.refused).toBe(first.reason);
    expect(await build()).toEqual(first); // answered from the stamp
    writeFileSync(where, `export const here = 'no import meta here';\n`);
    utimesSync(where, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(await build()).toEqual({ file: outFile, built: true });
  });

  it('bundles the real ingest worker (every import.meta user at the bundle depth)', async () => {
    const r = await ingestWorkerBundle();
    expect(r.reason).toBeUndefined();
    expect(r.file).toMatch(/tools[/\\]\.bundle[/\\]ingest-worker\.mjs$/);
  });

  it("bundles the validator's bench, which validates as the workers do and prints its counts", async () => {
    const r = await benchValidateBundle();
    expect(r.reason).toBeUndefined();
    expect(r.execArgv).toContain('--interrupt-budget=1081344');
    const root = join(import.meta.dirname, '../..');
    const run = spawnSync(process.execPath, [...r.execArgv, r.script, root, '20', '400'], {
      encoding: 'utf8',
      cwd: tmpdir(),
    });
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as {
      sessions: number;
      events: number;
      findings: number;
      seconds: number;
    };
    // At least what it was asked for, from the simulated captures (faults included: findings).
    expect(out.sessions).toBeGreaterThanOrEqual(20);
    expect(out.events).toBeGreaterThanOrEqual(400);
    expect(out.findings).toBeGreaterThan(0);
    expect(out.seconds).toBeGreaterThan(0);
  });

  it('carries the packages it uses, and leaves only native addons to load from node_modules', async () => {
    for (const [r, duckdb] of [
      // The ingest worker writes its staged parts itself (tools/ingest/parquet-part.ts): no DuckDB.
      [await ingestWorkerBundle(), false],
      // The learning process writes learn.duckdb.
      [await learnWorkerBundle(), true],
    ] as const) {
      const text = readFileSync(r.file!, 'utf8');
      // Package imports left in the bundle (Node's own modules aside): none.
      const imported = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      expect(imported.filter((p) => !p.startsWith('node:') && !builtinModules.includes(p))).toEqual([]);
      // DuckDB's JavaScript API is in the bundle that uses it; its native bindings are required from
      // node_modules.
      expect(text.includes('require("@duckdb/node-bindings")')).toBe(duckdb);
      // …and it loads: the bindings resolve from the bundle's own place, whatever the working directory.
      const run = spawnSync(process.execPath, [r.file!], { encoding: 'utf8', cwd: tmpdir() });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
  });

  it('GOBLIN_WORKER_CPU_PROF=<dir> forks workers that write a CPU profile there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-worker-prof-'));
    process.env.GOBLIN_WORKER_CPU_PROF = dir;
    try {
      const r = await ingestWorkerBundle();
      const run = spawnSync(process.execPath, [...r.execArgv, '-e', 'process.exit(0)'], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(1);
    } finally {
      delete process.env.GOBLIN_WORKER_CPU_PROF;
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await ingestWorkerBundle()).execArgv.some((a) => a.startsWith('--cpu-prof'))).toBe(false);
  });

  it('starts the learning process with gc() exposed (its steps collect their garbage between them)', async () => {
    const r = await learnWorkerBundle();
    const run = spawnSync(
      process.execPath,
      [...r.execArgv, '-e', 'process.exit(typeof gc === "function" ? 5 : 6)'],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(5);
    expect((await ingestWorkerBundle()).execArgv).not.toContain('--expose-gc');
  });

  it("forks workers with V8 options this Node accepts (a removed flag would stop every worker's start)", async () => {
    const r = await ingestWorkerBundle();
    expect(r.execArgv.some((a) => a.startsWith('--interrupt-budget='))).toBe(true);
    const run = spawnSync(process.execPath, [...r.execArgv, '-e', 'process.exit(7)'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(7);
  });
});
