import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCorpus } from '../simulate/index.js';

const BIN = join(resolve(import.meta.dirname, '../..'), 'bin', 'goblin.js');
// What the learning layer writes from the rows alone (learn-summary.json carries timings).
const LEARNT = ['inbox.jsonl', 'labels.jsonl', 'anomalies.jsonl', 'lf-stats.jsonl'];

/**
 * `goblin run`'s two memory bounds on the learning step (tools/detect/learn-bounds.ts), end to end
 * through the CLI: each run in a workspace of its own (the store would skip a drop it already holds),
 * the same drop in each, the bound set by goblin.config.yaml as a user would.
 */
describe('goblin run: the learning step past its memory bounds', () => {
  const root = mkdtempSync(join(tmpdir(), 'goblin-learn-bounds-'));
  const drop = join(root, 'drop');
  const run = (name: string, config: string | null) => {
    const cwd = join(root, name);
    cpSync(drop, join(cwd, 'drop'), { recursive: true, preserveTimestamps: true });
    if (config !== null) writeFileSync(join(cwd, 'goblin.config.yaml'), config);
    // The simulator adds its three deliberately broken files: on 14 captures, under the default 95 % parse rate.
    const r = spawnSync(process.execPath, [BIN, 'run', 'drop', '--out', 'out', '--min-parse-rate', '0.5'], {
      cwd,
      encoding: 'utf8',
      timeout: 110_000,
    });
    const learnt = Object.fromEntries(LEARNT.map((f) => [f, readFileSync(join(cwd, 'out', f), 'utf8')]));
    const summary = JSON.parse(readFileSync(join(cwd, 'out', 'learn-summary.json'), 'utf8')) as {
      sessions: number;
      sample: { sessions_staged: number; max_sessions: number } | null;
    };
    const findings = readFileSync(join(cwd, 'out', 'violations.jsonl'), 'utf8');
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, learnt, summary, findings };
  };
  let plain: ReturnType<typeof run>;

  beforeAll(() => {
    simulateCorpus({ outDir: drop, seed: 31, sessions: 14, faultRate: 0.4 });
    plain = run('plain', null);
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a small run learns while the store loads, and says nothing about it', () => {
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^learning layer: \d+ sessions labelled/m);
    expect(plain.stdout).not.toMatch(/after the store closed|sample/);
    expect(plain.summary.sample).toBeNull();
  });

  it('past learn.alongside_store_max_bytes it learns once the store is closed: the same outputs, and it says why', () => {
    const late = run('late', 'learn:\n  alongside_store_max_bytes: 0\n');
    expect(late.code).toBe(0);
    expect(late.stderr).toMatch(
      /learning layer: learning now that the store is closed \(\d+ MB of learn rows/,
    );
    expect(late.stdout).toMatch(
      /^learning layer: \d+ sessions labelled .*; learnt after the store closed: \d+ MB of learn rows > learn\.alongside_store_max_bytes \(0 MB\)$/m,
    );
    expect(late.learnt).toEqual(plain.learnt);
    expect(late.findings).toBe(plain.findings);
  }, 120_000);

  it('past learn.max_sessions it learns from a sample, says so, and the findings still cover every session', () => {
    const staged = plain.summary.sessions;
    const max = Math.floor(staged / 2);
    const sampled = run('sampled', `learn:\n  max_sessions: ${max}\n`);
    expect(sampled.code).toBe(0);
    expect(sampled.stdout).toMatch(
      new RegExp(
        `^learning layer: \\d+ sessions of a sample of ${staged} \\(learn\\.max_sessions ${max}: findings and the report cover them all\\)`,
        'm',
      ),
    );
    expect(sampled.summary.sample).toEqual({ sessions_staged: staged, max_sessions: max });
    expect(sampled.summary.sessions).toBeGreaterThan(0);
    expect(sampled.summary.sessions).toBeLessThan(staged);
    // every session learnt is one the full run learnt, and the inbox holds exactly those
    const inbox = (t: string) =>
      t
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { har: string; session: string });
    const all = new Set(inbox(plain.learnt['inbox.jsonl']).map((r) => `${r.har} ${r.session}`));
    const some = inbox(sampled.learnt['inbox.jsonl']);
    expect(some).toHaveLength(sampled.summary.sessions);
    for (const r of some) expect(all.has(`${r.har} ${r.session}`)).toBe(true);
    expect(sampled.findings).toBe(plain.findings);
  }, 120_000);
});
