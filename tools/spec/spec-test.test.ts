import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { lintSpecs } from './lint.js';
import { runSpecTests } from './test-runner.js';

const root = resolve(import.meta.dirname, '../..');
const config = GoblinConfig.parse({});

/** A throwaway copy of the rules repo (specs, fixtures, constitution, schemas, evidence cache). */
function copyRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-spec-'));
  for (const p of ['specs', 'tests', 'schemas', 'evidence', 'constitution.yaml'])
    cpSync(join(root, p), join(dir, p), { recursive: true });
  return dir;
}

describe('spec:test', () => {
  it('passes on the shipped pack: every fixture behaves, no new false positive, citations verbatim', async () => {
    const { report, lines } = await runSpecTests({ root, config });
    expect(report.specs.length).toBeGreaterThanOrEqual(42);
    expect(report.specs.filter((s) => !s.ok).map((s) => s.id)).toEqual([]);
    expect(report.corpus).toMatchObject({ new_false_positives: 0 });
    expect(report.ok).toBe(true);
    expect(lines.some((l) => /^CADENCE_CONTENT_PING_GAP\s+ok\s+1\/1\s+1\/1\s+ok$/.test(l))).toBe(true);
  });

  it('fails when a spec regresses (a widened interval no longer catches its fail fixture)', async () => {
    const dir = copyRepo();
    const p = join(dir, 'specs/cadence/CADENCE_CONTENT_PING_GAP.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('content_interval_s: 10', 'content_interval_s: 100'));
    const { report, lines } = await runSpecTests({ root: dir, config, verifyCitations: false });
    expect(report.ok).toBe(false);
    const row = report.specs.find((s) => s.id === 'CADENCE_CONTENT_PING_GAP')!;
    expect(row.fixtures.find((f) => f.expect === 'fail')).toMatchObject({ ok: false });
    // the widening is also an uncited relaxation of a default
    expect(lines.join('\n')).toMatch(
      /constitution:RELAXATION_NEEDS_CITATION.*content_interval_s 100 is looser than the default 10/,
    );
  });

  it('fails on a new false positive over the known-good corpus unless it is allow-listed', async () => {
    const dir = copyRepo();
    const p = join(dir, 'specs/cadence/CADENCE_CONTENT_PING_GAP.yaml');
    // A 5 s content interval flags every legitimate 10 s ping gap of the known-good sessions.
    writeFileSync(p, readFileSync(p, 'utf8').replace('content_interval_s: 10', 'content_interval_s: 5'));
    const first = await runSpecTests({ root: dir, config, verifyCitations: false });
    const fps = first.report.corpus!.new_false_positives;
    expect(fps).toBeGreaterThan(0);
    expect(first.report.ok).toBe(false);
    // Allow-list every reported false positive (Sigma-style): the corpus check no longer counts them.
    const rows = first.lines
      .filter((l) => l.startsWith('  new FP: '))
      .map((l) => l.slice('  new FP: '.length).split(' '))
      .map(([har, , code]) => `${har},*,${code},intentional in test`);
    writeFileSync(join(dir, 'tests/known-fps.csv'), ['har,session,code,reason', ...rows].join('\n') + '\n');
    const second = await runSpecTests({ root: dir, config, verifyCitations: false });
    expect(second.report.corpus!.allowlisted).toBeGreaterThan(0);
    expect(second.report.corpus!.new_false_positives).toBeLessThan(fps);
  });
});

describe('constitution', () => {
  it('rejects a spec that disables the non-decreasing playhead, naming the clause and the line', () => {
    const dir = copyRepo();
    writeFileSync(
      join(dir, 'specs/playhead/SEEKY_PLAYER.yaml'),
      [
        'id: SEEKY_PLAYER',
        'title: Our player jumps around',
        'status: experimental',
        'version: 0.1.0',
        'family: playhead',
        'scope:',
        '  platform: [web]',
        'assert:',
        '  - check: playhead.decreasing',
        '    enabled: false',
        '  - check: orchestration.aa_start',
        '    params:',
        '      window_s: 8',
        'fail_codes: [PLAYHEAD_DECREASING, ORCH_MISSING_AA_START]',
        'severity: error',
        'tests:',
        '  pass: []',
        '  fail: []',
        '',
      ].join('\n'),
    );
    const r = lintSpecs({ specsDir: 'specs', constitution: 'constitution.yaml', root: dir });
    const mine = r.issues.filter((i) => i.path.endsWith('SEEKY_PLAYER.yaml'));
    expect(mine).toContainEqual(
      expect.objectContaining({ rule: 'constitution:NON_DECREASING_PLAYHEAD', line: 10 }),
    );
    expect(mine).toContainEqual(
      expect.objectContaining({ rule: 'constitution:ORCHESTRATION_WINDOW_5S', line: 13 }),
    );
    expect(mine).toContainEqual(expect.objectContaining({ rule: 'constitution:RELAXATION_NEEDS_CITATION' }));
    expect(mine).toContainEqual(
      expect.objectContaining({ rule: 'fixtures', message: expect.stringMatching(/no pass fixture/) }),
    );
  });

  it('accepts the same orchestration widening with a citation, but never the playhead relaxation', () => {
    const dir = copyRepo();
    writeFileSync(
      join(dir, 'specs/orchestration/SLOW_AA.yaml'),
      'id: SLOW_AA\ntitle: t\nstatus: shadow\nversion: 1.0.0\nfamily: orchestration\nscope: {platform: [roku], protocol: [heartbeat]}\nassert:\n  - check: orchestration.aa_start\n    params: {window_s: 8}\n  - check: playhead.decreasing\n    params: {tolerance_s: 3}\nfail_codes: [ORCH_MISSING_AA_START, PLAYHEAD_DECREASING]\nseverity: error\ncitations:\n  - url: urn:goblin:reference:adobe-wire-formats.md\n    quote: Validators should accept either order but require all three within a short window.\n',
    );
    const rules = lintSpecs({
      specsDir: 'specs',
      constitution: 'constitution.yaml',
      root: dir,
      requireFixtures: false,
    })
      .issues.filter((i) => i.path.endsWith('SLOW_AA.yaml'))
      .map((i) => i.rule);
    expect(rules).toEqual(['constitution:NON_DECREASING_PLAYHEAD']);
  });
});
