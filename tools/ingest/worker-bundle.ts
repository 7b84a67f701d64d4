/**
 * The ingest worker as one precompiled ES module. Forking a worker through tsx costs about 0.7 s of wall
 * time and 1.1 s of CPU per process (tsx's loader thread transpiles and resolves ~130 modules) and its
 * keep-names transform wraps every nested function it creates on the hot path. esbuild (the compiler tsx
 * itself uses) bundles tools/ingest/worker.ts once, in ~0.3 s, and the bundle is reused until one of its
 * inputs changes (size or mtime). The packages it uses are bundled too, except native addons
 * (`NOT_BUNDLED`): loaded from node_modules one by one, resolving them and Node's scan of each CommonJS
 * package for its exports took a worker ~0.2 s of its ~0.6 s start (docs/ingest.md, "Worker start").
 *
 * The bundle is written to tools/.bundle/ (git-ignored): two levels under the repository root like every
 * source it contains, so a module that finds a file relative to its own `import.meta.url`
 * (tools/config/load.ts, tools/util/optional.ts) finds the same file from the bundle. The build refuses a
 * module at another depth that uses `import.meta`, and anything that goes wrong (no esbuild, a read-only
 * checkout) falls back to forking the TypeScript worker through tsx, with the reason.
 *
 * `bundleModule` also builds the CLI (tools/cli/bundle.ts): split into chunks, most packages left to
 * node_modules, its entry generated. Its stamp is checked by bin/fresh-bundle.js, which the launcher
 * runs before tsx is loaded.
 */
import { readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { currentStamp, type BundleStamp } from '../../bin/fresh-bundle.js';
import { makeDirs } from '../util/files.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * What stays a plain import: native addons find their binary next to their own files (DuckDB's JavaScript
 * API is bundled; the bindings it requires are not), and tools a worker never loads.
 */
const NOT_BUNDLED = [
  '@duckdb/node-bindings',
  '@duckdb/node-bindings-*',
  'onnxruntime-node',
  'esbuild',
  'fsevents',
];
const REQUIRE_BANNER =
  "import { createRequire as __goblinCreateRequire } from 'node:module'; const require = __goblinCreateRequire(import.meta.url);";

export interface BundleResult {
  /** Absolute path of the bundled module, or null when the caller must fall back to the source. */
  file: string | null;
  /** True when this call built it; false when an up-to-date bundle was reused. */
  built: boolean;
  /** Why there is no bundle (file = null). */
  reason?: string;
}

type Stamp = BundleStamp;

/**
 * Size and mtime of each input; null when one is gone, or was written since `notAfter` (ms; a file dated
 * in the future, say unpacked from another machine's archive, was not written now).
 */
function statInputs(root: string, paths: string[], notAfter = Infinity): Stamp['inputs'] | null {
  const out: Stamp['inputs'] = {};
  for (const p of paths) {
    try {
      const s = statSync(join(root, p));
      // Changed while esbuild read it: the bundle may hold the old text under the new mtime.
      if (s.mtimeMs >= notAfter && s.mtimeMs <= Date.now()) return null;
      out[p] = [s.size, s.mtimeMs];
    } catch {
      return null; // an input vanished: rebuild
    }
  }
  return out;
}

function writeStamp(stampFile: string, stamp: Stamp): void {
  writeFileSync(`${stampFile}.${process.pid}.tmp`, JSON.stringify(stamp));
  renameSync(`${stampFile}.${process.pid}.tmp`, stampFile);
}

/** The package a bare import names: `@scope/name` or `name`, without a subpath. */
const packageOf = (spec: string) => spec.split('/', spec.startsWith('@') ? 2 : 1).join('/');

/**
 * Packages imported by the program's own modules load from node_modules, except those in `carry`; what a
 * carried package imports is carried too (NOT_BUNDLED aside).
 */
function carryOnly(carry: readonly string[]): import('esbuild').Plugin {
  const keep = new Set(carry);
  return {
    name: 'carry-only',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.importer.split(/[\\/]/).includes('node_modules') || args.path.startsWith('node:'))
          return undefined;
        return keep.has(packageOf(args.path)) ? undefined : { path: args.path, external: true };
      });
    },
  };
}

/**
 * How long a chunk stays once no build refers to it: a process started from an earlier build loads its
 * chunks as its command goes on, so they must outlive any run that could still be going.
 */
const SUPERSEDED_CHUNK_MS = 24 * 60 * 60 * 1000;

/**
 * Move a split build from `tmp` into `outDir`: the chunks first (a chunk's name carries its content's
 * hash, so one already there is the same file), the entry last, so a process that sees the new entry
 * finds all its chunks. Chunks no build refers to any more are noted with the time they were superseded
 * (`<name>.mjs.superseded.json`) and removed a day later. Returns the files written.
 */
function placeChunks(tmp: string, outDir: string, name: string): string[] {
  const built = readdirSync(tmp);
  for (const f of built) if (f !== `${name}.mjs`) renameSync(join(tmp, f), join(outDir, f));
  renameSync(join(tmp, `${name}.mjs`), join(outDir, `${name}.mjs`));
  rmSync(tmp, { recursive: true, force: true });
  const ledger = join(outDir, `${name}.mjs.superseded.json`);
  let since: Record<string, number> = {};
  try {
    since = JSON.parse(readFileSync(ledger, 'utf8')) as Record<string, number>;
  } catch {
    // none yet, or damaged: every chunk not in use starts its day now
  }
  const keep = new Set(built);
  const now = Date.now();
  const next: Record<string, number> = {};
  for (const f of readdirSync(outDir)) {
    if (!f.startsWith(`${name}-`) || !f.endsWith('.mjs') || keep.has(f)) continue;
    const t = since[f] ?? now;
    if (now - t <= SUPERSEDED_CHUNK_MS) next[f] = t;
    else
      try {
        unlinkSync(join(outDir, f));
      } catch {
        // another build removed it first
      }
  }
  writeFileSync(`${ledger}.${process.pid}.tmp`, JSON.stringify(next));
  renameSync(`${ledger}.${process.pid}.tmp`, ledger);
  return built;
}

/** Sources more or fewer than two levels under the root that read `import.meta`: their paths would break. */
function misplacedMetaUsers(root: string, inputs: string[]): string[] {
  return inputs.filter((p) => {
    const parts = p.split(/[\\/]/);
    if (parts.includes('node_modules')) return false;
    const depth = parts.length - 1;
    return depth !== 2 && readFileSync(join(root, p), 'utf8').includes('import.meta');
  });
}

/**
 * Bundle `entry` (a TypeScript module under `root`) into `outFile`, or reuse the bundle when no input
 * changed. Concurrent callers (parallel test files, two shards on one runner) each write their own
 * temporary file and rename it into place, so a reader never sees half a bundle.
 */
export async function bundleModule(opts: {
  entry: string;
  outFile: string;
  root?: string;
  /** Check that every `import.meta` user sits at the bundle's depth (true for the repository's tools/). */
  checkMetaDepth?: boolean;
  /**
   * The entry's source, generated by the caller: `entry` then only names it and places it (its imports
   * resolve from `entry`'s folder).
   */
  contents?: string;
  /**
   * Leave packages to load from node_modules (but `carry`) and put each module imported lazily (`await import`)
   * into a chunk of its own beside the bundle (`<name>-<hash>.mjs`), loaded when first imported: for a
   * program with many entry points, like the CLI, where a bundled package, or an ES module's static
   * imports hoisted into one file, would load everything at start.
   */
  split?: boolean;
  /**
   * In a split build, the packages to carry (with what they import) although the program's other packages
   * load from node_modules: those nearly every run loads, where Node's resolution and its scan of each
   * CommonJS file for named exports cost more than reading them from the bundle.
   */
  carry?: readonly string[];
  /**
   * More paths whose size and mtime the stamp keeps (a folder's mtime changes when a file is added or
   * removed): for inputs that decide the generated `contents`.
   */
  watch?: string[];
}): Promise<BundleResult> {
  const root = opts.root ?? ROOT;
  const stampFile = `${opts.outFile}.stamp.json`;
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (e) {
    return { file: null, built: false, reason: `esbuild is not installed (${(e as Error).message})` };
  }
  const known = currentStamp(opts.outFile, root, esbuild.version);
  if (known?.refused) return { file: null, built: false, reason: known.refused };
  if (known) return { file: opts.outFile, built: false };
  const outDir = dirname(opts.outFile);
  const name = basename(opts.outFile, '.mjs');
  // A split build writes the bundle and its chunks into a folder of its own first, moved into place below.
  const tmp = opts.split ? join(outDir, `.${name}.${process.pid}.tmp`) : `${opts.outFile}.${process.pid}.tmp`;
  // An input dated from here on may have changed while esbuild read it. One millisecond later than now:
  // Date.now() is whole milliseconds, and a file written just before the build in the same millisecond
  // must not count.
  const started = Date.now() + 1;
  building++;
  try {
    makeDirs(outDir);
    const r = await esbuild.build({
      absWorkingDir: root,
      ...(opts.contents === undefined
        ? { entryPoints: [opts.entry] }
        : {
            stdin: {
              contents: opts.contents,
              resolveDir: join(root, dirname(opts.entry)),
              sourcefile: basename(opts.entry),
              loader: 'ts',
            },
          }),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`,
      ...(opts.split
        ? {
            plugins: [carryOnly(opts.carry ?? [])],
            external: NOT_BUNDLED,
            banner: { js: REQUIRE_BANNER },
            splitting: true,
            outdir: tmp,
            entryNames: name,
            chunkNames: `${name}-[hash]`,
            outExtension: { '.js': '.mjs' },
          }
        : {
            external: NOT_BUNDLED,
            // Bundled CommonJS packages call require() for Node's own modules: give the ES module one.
            banner: { js: REQUIRE_BANNER },
            outfile: tmp,
          }),
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
    });
    // A generated entry is not a file: what decides its text is for the caller to `watch`.
    const inputs = Object.keys(r.metafile.inputs)
      .map((p) => relative(root, resolve(root, p)))
      .filter((p) => opts.contents === undefined || p !== relative(root, resolve(root, opts.entry)));
    const all = [...inputs, ...(opts.watch ?? [])];
    const stamped = statInputs(root, all, started);
    const base = { esbuild: esbuild.version, node: process.version };
    if (opts.checkMetaDepth) {
      const bad = misplacedMetaUsers(root, inputs);
      if (bad.length) {
        rmSync(tmp, { recursive: true, force: true });
        const reason = `${bad.join(', ')} read import.meta at another depth than the bundle`;
        // Remembered, so each later call answers at once instead of building again to find the same.
        if (stamped) writeStamp(stampFile, { ...base, inputs: stamped, refused: reason });
        return { file: null, built: false, reason };
      }
    }
    let outputs: string[] | undefined;
    if (opts.split) outputs = placeChunks(tmp, outDir, name);
    else renameSync(tmp, opts.outFile);
    // No stamp when an input changed or vanished while esbuild read it: the next call builds again.
    if (stamped) writeStamp(stampFile, { ...base, inputs: stamped, ...(outputs ? { outputs } : {}) });
    else rmSync(stampFile, { force: true });
    return { file: opts.outFile, built: true };
  } catch (e) {
    if (opts.split) rmSync(tmp, { recursive: true, force: true });
    // esbuild's message is only "Build failed with N errors"; the first error names file and cause.
    const first = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] })
      .errors?.[0];
    const reason = first
      ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}`
      : (e as Error).message.split('\n')[0];
    return { file: null, built: false, reason };
  } finally {
    // esbuild's service process stays resident once started (~160 MB, counted in a run's process tree
    // for the whole run after an update); stopped once no build is in flight, and restarted by the next.
    if (--building === 0) await esbuild.stop();
  }
}

/** Builds in flight in this process (bundleModule): esbuild's service is stopped when none is left. */
let building = 0;

/** What a worker process is forked from: the bundle, or its TypeScript source through tsx's loader. */
export interface WorkerLaunch extends BundleResult {
  script: string;
  execArgv: string[];
}

/** The ingest worker (tools/.bundle/ingest-worker.mjs), unless GOBLIN_WORKER_TSX=1 asks for source. */
export async function ingestWorkerBundle(): Promise<WorkerLaunch> {
  return toolBundle('tools/ingest/worker.ts', 'ingest-worker.mjs');
}

/** `goblin run`'s learning-step process (tools/detect/learn-worker.ts), built and reused the same way. */
export async function learnWorkerBundle(): Promise<WorkerLaunch> {
  // --expose-gc: the step collects its garbage between its parts (tools/util/heap.ts says why).
  return toolBundle('tools/detect/learn-worker.ts', 'learn-worker.mjs', ['--expose-gc']);
}

/**
 * The bench's validator process (tools/bench/validate-child.ts): built and started like the workers, so
 * that the bench times the code `goblin run` runs.
 */
export async function benchValidateBundle(): Promise<WorkerLaunch> {
  return toolBundle('tools/bench/validate-child.ts', 'bench-validate.mjs');
}

async function toolBundle(entry: string, name: string, v8Flags: string[] = []): Promise<WorkerLaunch> {
  const bundle: BundleResult =
    process.env.GOBLIN_WORKER_TSX === '1'
      ? { file: null, built: false, reason: 'GOBLIN_WORKER_TSX=1' }
      : await bundleModule({ entry, outFile: join(ROOT, 'tools', '.bundle', name), checkMetaDepth: true });
  const flags = [...WORKER_V8_FLAGS, ...v8Flags, ...profileFlags()];
  return bundle.file
    ? { ...bundle, script: bundle.file, execArgv: flags }
    : { ...bundle, script: join(ROOT, entry), execArgv: [...flags, '--import', tsxLoader()] };
}

/**
 * GOBLIN_WORKER_CPU_PROF=<dir> writes a V8 CPU profile of every worker and learning process into <dir>
 * (Node refuses `--cpu-prof` in NODE_OPTIONS, so a profile of a worker needs its own switch).
 */
function profileFlags(): string[] {
  const dir = process.env.GOBLIN_WORKER_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/**
 * V8 hands a function to its optimising compiler once it has run a budget of bytecode (the "interrupt
 * budget"), and compiles it again after each deoptimisation. A worker lives for a few hundred captures
 * and meets new object shapes all along, so at the default budget much of its CPU went to compiling code
 * that had not earned it: with 16× the budget, a process doing one worker's share of the dense bench
 * (480 captures, validation and learn rows) used 10–18 % less CPU, and one doing 2,000 captures no more
 * than before (docs/measured.md, "Worker compile time").
 */
const WORKER_V8_FLAGS = ['--interrupt-budget=1081344'];

// createRequire (not import.meta.resolve) so this also works under vitest's module runner.
const tsxLoader = () => pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
