/**
 * The bad-input suite: real `goblin` processes on the inputs users actually hand it — empty, truncated,
 * mislabelled, pointer-only, beacon-free captures, missing paths — each with its exit code and the
 * named reason (the last line, quarantine.csv, the console). Nothing may pass silently.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';
import { cliBundle } from './bundle.js';
import { entry, harDoc, hb, hbStart, mc, MC_START_PARAMS, pageView } from '../validate/testing/index.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin', 'goblin.js');

/** A scratch working directory: no goblin.config.yaml, so the repository's rule pack is used. */
function workspace(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-bad-input-'));
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return dir;
}

function goblin(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 110_000 });
  const errLines = r.stderr.trim().split('\n');
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, last: errLines.at(-1) ?? '' };
}

const csvRows = (path: string) => readFileSync(path, 'utf8').trim().split('\r\n');

/** A clean heartbeat session with page traffic: what a healthy capture looks like. */
const healthy = (i = 0) =>
  harDoc([
    pageView(-1000, `&v1=${i}`),
    ...hbStart(0),
    hb(10_400, 'play', 10),
    hb(20_400, 'play', 20),
    hb(21_000, 'complete', 20),
    hb(21_100, 'end', 20),
  ]);

describe('bad input: exit codes and named reasons', () => {
  it('an empty file is not a passing run: exit 3, the file named with empty-file', () => {
    const dir = workspace({ 'empty.har': '' });
    const r = goblin(dir, 'run', 'empty.har', '--out', 'out', '--quiet');
    expect(r.code).toBe(3);
    expect(r.last).toBe(
      'goblin run: exit 3 — input not checked: parse success 0.0% < --min-parse-rate 95.0% (1 of 1 files quarantined: empty-file 1)',
    );
    expect(csvRows(join(dir, 'out', 'quarantine.csv'))).toEqual([
      'scope,path,entry_index,reason,detail,url',
      'file,empty.har,,empty-file,file is empty,',
    ]);
  });

  it('a truncated HAR (an export cut off mid-string): exit 3, and the parser position is named', () => {
    const full = healthy();
    const dir = workspace({ 'truncated.har': full.slice(0, full.indexOf('hb_version') + 4) });
    const r = goblin(dir, 'run', 'truncated.har', '--out', 'out');
    expect(r.code).toBe(3);
    expect(r.last).toContain('invalid-json 1');
    expect(r.stdout).toMatch(/truncated\.har: invalid-json — Unterminated string in JSON at position \d+/);
    const q = JSON.parse(readFileSync(join(dir, 'out', 'quarantine.jsonl'), 'utf8'));
    expect(q).toMatchObject({ scope: 'file', path: 'truncated.har', reason: 'invalid-json' });
    expect(readFileSync(join(dir, 'out', 'report.md'), 'utf8')).toMatch(
      /\| `truncated\.har` \| — \| invalid-json \| Unterminated string in JSON at position \d+ \|/,
    );
  });

  it('a capture link whose target is gone counts as a file not read: exit 3, named with read-error', () => {
    const dir = workspace({ 'drop/ok.har': healthy(1) });
    symlinkSync(join(dir, 'moved-away.har'), join(dir, 'drop', 'gone.har'));
    const r = goblin(dir, 'run', 'drop', '--out', 'out', '--quiet');
    expect(r.code).toBe(3);
    expect(r.last).toContain('(1 of 2 files quarantined: read-error 1)');
    expect(csvRows(join(dir, 'out', 'quarantine.csv'))[1]).toMatch(
      /^file,gone\.har,,read-error,"ENOENT: no such file/,
    );
  });

  it('media sessions no rule could check (request bodies left out by the exporter) are not a pass: exit 3', () => {
    const mcSession = harDoc([
      mc(0, 'sessionStart', 0, MC_START_PARAMS),
      mc(300, 'play', 0),
      mc(10_300, 'ping', 10),
      mc(11_000, 'sessionEnd', 10),
    ]);
    const doc = JSON.parse(mcSession);
    for (const e of doc.log.entries)
      if (e.request.postData) {
        e.request.bodySize = e.request.postData.text.length;
        delete e.request.postData.text;
      }
    const dir = workspace({ 'drop/no-bodies.har': JSON.stringify(doc) });
    const r = goblin(dir, 'run', 'drop', '--out', 'out', '--quiet');
    expect(r.code).toBe(3);
    expect(r.last).toBe(
      'goblin run: exit 3 — input not checked: none of the 1 media session(s) could be checked (request bodies omitted by the exporter)',
    );
    expect(JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')).gate.code).toBe(3);
    // beside one media session that was checked, the run is checked (the other stays ABSTAIN in the report)
    writeFileSync(join(dir, 'drop', 'whole.har'), mcSession);
    expect(goblin(dir, 'run', 'drop', '--out', 'out', '--quiet').code).toBe(0);
  });

  it('a pack of shadow specs (a rollout) leaves every verdict ABSTAIN, and that is still a checked run: exit 0', () => {
    const dir = workspace({ 'drop/a.har': healthy(1) });
    cpSync(join(REPO, 'specs'), join(dir, 'specs'), { recursive: true });
    for (const f of readdirSync(join(dir, 'specs'), { recursive: true, encoding: 'utf8' }))
      if (f.endsWith('.yaml')) {
        const p = join(dir, 'specs', f);
        writeFileSync(p, readFileSync(p, 'utf8').replace(/^status: active$/m, 'status: shadow'));
      }
    const r = goblin(dir, 'run', 'drop', '--fail-on', 'error', '--quiet');
    expect(r.code).toBe(0);
    expect(r.last).toMatch(/^goblin run: exit 0 — ran; inputs read/);
  });

  it('plain JSON named .har.gz: exit 3 with gzip-error, not parse success 0% and exit 0', () => {
    const dir = workspace({ 'notgzip.har.gz': healthy() });
    const r = goblin(dir, 'run', 'notgzip.har.gz', '--out', 'out', '--quiet');
    expect(r.code).toBe(3);
    expect(r.last).toContain('gzip-error 1');
    expect(csvRows(join(dir, 'out', 'quarantine.csv'))[1]).toBe(
      'file,notgzip.har.gz,,gzip-error,incorrect header check,',
    );
  });

  it('only Git LFS pointers: exit 3 saying so', () => {
    const dir = workspace({
      'large.har':
        'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 1234\n',
    });
    const r = goblin(dir, 'run', 'large.har', '--out', 'out', '--quiet');
    expect(r.code).toBe(3);
    expect(r.last).toBe(
      'goblin run: exit 3 — input not checked: 0 Adobe beacons in 1 HAR file(s): every file is a Git LFS pointer (run git lfs pull)',
    );
  });

  it('a valid capture with no Adobe traffic: exit 3, nothing was checked', () => {
    const doc = harDoc([entry(0, 'GET', 'https://cdn.example.com/app.js', { status: 200 })]);
    const dir = workspace({ 'site.har': doc });
    const r = goblin(dir, 'run', 'site.har', '--out', 'out', '--quiet');
    expect(r.code).toBe(3);
    expect(r.last).toMatch(/0 Adobe beacons in 1 HAR file\(s\): the captures hold no Adobe traffic$/);
  });

  it('missing paths, empty folders and empty globs are "input not found" (exit 2)', () => {
    const dir = workspace({ 'drop/readme.txt': 'no captures here' });
    mkdirSync(join(dir, 'empty'));
    expect(goblin(dir, 'run', 'nope.har', '--quiet').last).toBe(
      'goblin run: exit 2 — input not found: nope.har',
    );
    const empty = goblin(dir, 'run', 'drop', '--quiet');
    expect(empty.code).toBe(2);
    expect(empty.last).toBe(
      'goblin run: exit 2 — input not found: no capture file (.har, .har.gz, .harz, .zip) under drop',
    );
    expect(goblin(dir, 'ingest', 'drop/**/*.har', '--quiet').last).toBe(
      'goblin ingest: exit 2 — input not found: no file matches drop/**/*.har',
    );
  });

  it('a store configured where no folder can be made fails at once with the reason (it spun forever at 100 % CPU)', () => {
    // /proc refuses new folders with ENOENT; Node 20's recursive mkdir retried that forever.
    const dir = workspace({
      'a.har': healthy(),
      'bad.yaml': 'storage:\n  db_file: /proc/goblin-nope/g.duckdb\n',
    });
    const run = (...args: string[]) => {
      const r = spawnSync(process.execPath, [BIN, ...args, '--config', 'bad.yaml', '--quiet'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 30_000,
      });
      return { code: r.status, last: r.stderr.trim().split('\n').at(-1) ?? '' };
    };
    // The input is checked first: a missing one is still a usage error.
    expect(run('ingest', 'nope.har')).toEqual({
      code: 2,
      last: 'goblin ingest: exit 2 — input not found: nope.har',
    });
    const stored = run('ingest', 'a.har');
    expect(stored.code).toBe(3);
    expect(stored.last).toMatch(/^goblin ingest: exit 3 — .*ENOENT.*\/proc\/goblin-nope/);
    // The same for the staging folder and a run's --out.
    writeFileSync(
      join(dir, 'bad.yaml'),
      'storage:\n  base_dir: /proc/goblin-nope\n  db_file: store/g.duckdb\n',
    );
    expect(run('ingest', 'a.har')).toMatchObject({
      code: 3,
      last: expect.stringMatching(/ENOENT.*\/proc\/goblin-nope/),
    });
    writeFileSync(join(dir, 'bad.yaml'), 'storage:\n  db_file: store/g.duckdb\n');
    expect(run('run', 'a.har', '--out', '/proc/goblin-nope/out')).toMatchObject({
      code: 3,
      last: expect.stringMatching(/ENOENT.*\/proc\/goblin-nope/),
    });
  });

  it('a git that cannot be started leaves the spec commit unknown, not the run failed (it exited 1, "findings")', async () => {
    // The precompiled CLI, up to date: building it (esbuild, tsx) spawns processes too.
    await cliBundle();
    const dir = workspace({ 'a.har': healthy() });
    // One environment string over Linux's 128 KiB, set inside the goblin process: Node refuses every spawn
    // it makes with E2BIG, at once (the test could not start such a process itself).
    const driver = [
      `process.env.GOBLIN_TEST_HUGE = 'x'.repeat(200_000);`,
      `process.argv = [process.execPath, ${JSON.stringify(BIN)}, 'validate', 'a.har', '--out', 'out', '--workers', '1', '--quiet'];`,
      `await import(${JSON.stringify(pathToFileURL(BIN).href)});`,
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', driver], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^goblin validate: exit 0 — ran/);
    expect(r.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as {
      spec_pack: { commit: string | null };
    };
    expect(summary.spec_pack.commit).toBeNull();
  });

  it('--workers abc or 1.5 exits 2 with the reason (it exited 13 with no message)', () => {
    const dir = workspace({ 'a.har': healthy() });
    for (const v of ['abc', '1.5']) {
      const r = goblin(dir, 'run', 'a.har', '--workers', v);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        `Run 'goblin run --help' for the options.\ngoblin run: exit 2 — usage error: --workers must be an integer in 0…256 (got '${v}')`,
      );
    }
  });

  it('names every quarantined entry with its position: the first 20 on the console, all in quarantine.csv', () => {
    // One capture whose Media Collection events lost their JSON bodies (25 of them), beside good files.
    const broken = harDoc([
      mc(0, 'sessionStart', 0, MC_START_PARAMS),
      mc(300, 'play', 0),
      ...Array.from({ length: 25 }, (_, i) =>
        entry(10_000 * (i + 1), 'POST', `https://acme.hb-api.omtrdc.net/api/v1/sessions/abc/events`),
      ),
    ]);
    const files: Record<string, string> = { 'drop/mc-bodies-lost.har': broken };
    for (let i = 0; i < 4; i++) files[`drop/ok-${i}.har`] = healthy(i);
    const dir = workspace(files);
    const r = goblin(dir, 'run', 'drop', '--out', 'out', '--quiet');
    expect(r.code).toBe(0); // every file parsed: the entries are named, the run is checked
    const listed = r.stdout.split('\n').filter((l) => l.includes('mc-bodies-lost.har entry'));
    expect(listed).toHaveLength(20);
    expect(listed[0]).toBe(
      '  mc-bodies-lost.har entry 2: undecodable-beacon — media-collection: Media Collection call without a JSON body (https://acme.hb-api.omtrdc.net/api/v1/sessions/abc/events)',
    );
    expect(r.stdout).toContain('  … and 5 more in quarantine.csv');
    const rows = csvRows(join(dir, 'out', 'quarantine.csv'));
    expect(rows).toHaveLength(26);
    expect(rows.at(-1)).toBe(
      'entry,mc-bodies-lost.har,26,undecodable-beacon,media-collection: Media Collection call without a JSON body,https://acme.hb-api.omtrdc.net/api/v1/sessions/abc/events',
    );
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(summary.parse.quarantined_total).toBe(25);
    expect(summary.parse.quarantined[0]).toMatchObject({ path: 'mc-bodies-lost.har', entry_index: 2 });
    // The store keeps them, named from the repository root: `goblin stats --quarantine` names every one.
    const stats = goblin(dir, 'stats', '--quarantine');
    expect(stats.code).toBe(0);
    const lines = stats.stdout.trim().split('\n');
    expect(lines[0]).toBe('25 quarantined file(s) and entries');
    expect(lines).toHaveLength(26);
    expect(lines[25]).toMatch(/^ {2}drop\/mc-bodies-lost\.har entry 26: undecodable-beacon — /);
  });

  it('findings exit 0 unless --fail-on reaches them; then exit 1 with the codes', () => {
    // A heartbeat session whose playhead stays at 0 through 40 s of play pings: PLAYHEAD_STALLED (active).
    const dir = workspace({
      'drop/stall.har': harDoc([
        pageView(-1000),
        ...hbStart(0),
        hb(10_400, 'play', 0),
        hb(20_400, 'play', 0),
        hb(30_400, 'play', 0),
        hb(40_400, 'play', 0),
        hb(41_000, 'complete', 0),
        hb(41_100, 'end', 0),
      ]),
    });
    const plain = goblin(dir, 'run', 'drop', '--out', 'out', '--quiet');
    expect(plain.code).toBe(0);
    const findings = readFileSync(join(dir, 'out', 'violations.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(findings.length).toBeGreaterThan(0);
    expect(plain.last).toMatch(
      /^goblin run: exit 0 — ran; inputs read .*; \d+ finding\(s\); no gate \(--fail-on none\)$/,
    );
    const gated = goblin(dir, 'run', 'drop', '--out', 'out', '--quiet', '--fail-on', 'warning');
    expect(gated.code).toBe(1);
    expect(gated.last).toMatch(
      /^goblin run: exit 1 — \d+ finding\(s\) at or above --fail-on warning from active specs \(PLAYHEAD_STALLED×\d+/,
    );
    expect(readFileSync(join(dir, 'out', 'report.md'), 'utf8')).toMatch(
      // The comparable version core (the wire's js-2.2.2.230-96e624 stays as sdk_version_raw), and the stall
      // reported once, at the ping that completes the first 3-ping window over 20 s.
      /### `stall\.har` session `1527464150037459529420`\n\nweb heartbeat 2\.2\.2\.230 · 1 finding\(s\)\n[\s\S]*\| PLAYHEAD_STALLED \| error \| entry 6 · event [0-9a-f]{16} · 2024-03-14T09:05:50\.400Z \| 3 play pings over 20\.0 s moved the playhead only 0\.0 s \(expected ≥ 2\.0 s of playhead, observed 0\.0 s\) \|/,
    );
  });
});

describe('a report that cannot be written', () => {
  it('fails the run, after the store and the Parquet lake have the captures (nothing owed a repair)', () => {
    const dir = workspace({
      'drop/a.har': healthy(1),
      'drop/b.har': healthy(2),
      out: 'a file, not a folder',
    });
    const r = goblin(dir, 'run', 'drop', '--out', 'out', '--quiet');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/ENOTDIR|not a directory/);
    // the captures were stored and exported all the same: a second run has nothing to repair or store
    const again = goblin(dir, 'ingest', 'drop');
    expect(again.code).toBe(0);
    expect(again.stdout + again.stderr).not.toMatch(/repaired the Parquet export/);
    expect(existsSync(join(dir, 'storage', 'parquet', '_manifest.jsonl'))).toBe(true);
    const manifest = readFileSync(join(dir, 'storage', 'parquet', '_manifest.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(manifest).toHaveLength(1);
  });
});

describe('a store that fails', () => {
  it("leaves no report saying the run passed, and the previous run's outputs as they were", async () => {
    const dir = workspace({ 'drop/a.har': healthy(1), 'drop/b.har': healthy(2) });
    expect(goblin(dir, 'run', 'drop', '--out', 'out', '--quiet').code).toBe(0);
    const first = readFileSync(join(dir, 'out', 'summary.json'), 'utf8');
    // a run that succeeds moves its report into place, the summary before it kept as summary.prev.json
    expect(goblin(dir, 'run', 'drop', '--out', 'out', '--quiet').code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'summary.prev.json'), 'utf8')).toBe(first);
    const before = readFileSync(join(dir, 'out', 'summary.json'), 'utf8');
    // A store whose load cannot finish: lake_run wants a column the load does not fill.
    writeFileSync(join(dir, 'drop', 'c.har'), healthy(3));
    const store = await openStore(join(dir, 'storage', 'goblin.duckdb'));
    await store.con.run(
      'DROP TABLE lake_run; CREATE TABLE lake_run (run_id VARCHAR, har_hash VARCHAR, x VARCHAR NOT NULL)',
    );
    store.close();
    const r = goblin(dir, 'run', 'drop', '--out', 'out', '--quiet');
    expect(r.code).toBe(3);
    expect(r.last).toMatch(/lake_run/);
    expect(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')).toBe(before);
    expect(readdirSync(join(dir, 'out')).filter((n) => n.startsWith('.pending'))).toEqual([]);
  });
});

describe('a rule pack that checks nothing', () => {
  it("a specs/ folder with no spec (a project's own tests, an empty submodule) is a usage error, not a pass", () => {
    const dir = workspace({ 'drop/a.har': healthy(1), 'specs/login.spec.ts': 'test("x", () => {});\n' });
    const r = goblin(dir, 'run', 'drop', '--fail-on', 'error', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no spec in specs \(validate\.specs_dir\)/);
    expect(existsSync(join(dir, 'out', 'run', 'summary.json'))).toBe(false);
  });

  it('a spec that does not load fails run, validate and validate --store with its file and line', () => {
    const dir = workspace({ 'drop/a.har': healthy(1) });
    cpSync(join(REPO, 'specs'), join(dir, 'specs'), { recursive: true });
    // ingest while the pack is whole, then break one parameter: the check would silently drop out
    expect(goblin(dir, 'ingest', 'drop', '--quiet').code).toBe(0);
    const stalled = join(dir, 'specs', 'playhead', 'PLAYHEAD_STALLED.yaml');
    writeFileSync(stalled, readFileSync(stalled, 'utf8').replace('min_pings: 3', 'min_pings: three'));
    for (const args of [
      ['run', 'drop', '--fail-on', 'error'],
      ['validate', 'drop'],
      ['validate', '--store'],
    ]) {
      const r = goblin(dir, ...args, '--quiet');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/PLAYHEAD_STALLED\.yaml: .*min_pings/);
      expect(r.last, args.join(' ')).toMatch(
        /exit 2 — 1 spec error\(s\) in specs: .*no capture was validated/,
      );
    }
  });
});

describe('the user-facing paths', () => {
  it("the README's Quick start succeeds as written: goblin run examples/hars exits 0", () => {
    const dir = workspace();
    symlinkSync(join(REPO, 'examples'), join(dir, 'examples'));
    const r = goblin(dir, 'run', 'examples/hars', '--quiet');
    expect(r.code).toBe(0);
    // The deliberately broken examples are named, and do not push parse success under 95 %.
    expect(r.stdout).toMatch(/web\/uploads\/session-export-partial\.har: invalid-json — /);
    expect(r.stdout).toMatch(/ios\/uploads\/empty\.har: empty-file — file is empty/);
    expect(r.last).toMatch(
      /^goblin run: exit 0 — ran; inputs read \(parse success 95\.7% ≥ 95\.0%, \d+ beacons\)/,
    );
    expect(existsSync(join(dir, 'out', 'run', 'inbox.jsonl'))).toBe(true);
  });

  it('`goblin run … | head` ends quietly and still writes every output, learning included', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3; i++) files[`drop/ok-${i}.har`] = healthy(i);
    const dir = workspace(files);
    const child = spawn(process.execPath, [BIN, 'run', 'drop', '--out', 'out', '--quiet'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    // Read the first chunk, then go away like `head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).not.toMatch(/EPIPE|Error:|at .*\.ts:\d+/);
    expect(code).toBe(0);
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^goblin run: exit 0 — ran;/);
    for (const f of ['summary.json', 'report.md', 'quarantine.csv', 'inbox.jsonl', 'labels.jsonl'])
      expect(existsSync(join(dir, 'out', f)), f).toBe(true);
  });

  it('runs one member of a zip: archive.zip!/member.har', async () => {
    const { zipSync } = await import('fflate');
    const zip = zipSync({
      'cap-1.har': new TextEncoder().encode(healthy(1)),
      'cap-2.har': new TextEncoder().encode(healthy(2)),
    });
    const dir = workspace({ 'bundles/bundle-03.zip': Buffer.from(zip) });
    const r = goblin(dir, 'run', 'bundles/bundle-03.zip!/cap-2.har', '--out', 'out', '--quiet', '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.parse.files_seen).toBe(1);
    expect(summary.inputs).toEqual([
      {
        arg: 'bundles/bundle-03.zip!/cap-2.har',
        kind: 'file',
        path: 'bundles/bundle-03.zip!/cap-2.har',
        rel: 'bundle-03.zip!/cap-2.har',
      },
    ]);
    const sessions = readFileSync(join(dir, 'out', 'sessions.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(sessions.map((l) => JSON.parse(l).har)).toContain('bundle-03.zip!/cap-2.har');
  });

  it('the learning layer reads the zip member too (it stat-ed the `zip!/member` path and skipped)', async () => {
    const { zipSync } = await import('fflate');
    const zip = zipSync({ 'cap-1.har': new TextEncoder().encode(healthy(1)) });
    const dir = workspace({ 'bundle.zip': Buffer.from(zip) });
    const r = goblin(dir, 'run', 'bundle.zip!/cap-1.har', '--out', 'out');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/learning layer: \d+ sessions labelled/);
    expect(readFileSync(join(dir, 'out', 'inbox.jsonl'), 'utf8')).toContain('bundle.zip!/cap-1.har');
  });
});
