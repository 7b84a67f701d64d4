import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { lintSpecs } from './lint.js';
import { runSpecTests } from './test-runner.js';

const root = resolve(import.meta.dirname, '../..');
const config = GoblinConfig.parse({});

/** A throwaway copy of the rules repo (specs, fixtures, constitution, schemas, evidence cache). */
function copyRepo(parts = ['specs', 'tests', 'schemas', 'evidence', 'constitution.yaml']): string {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-spec-'));
  for (const p of parts) cpSync(join(root, p), join(dir, p), { recursive: true });
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
    // Every fixture carries its own expectation: fail fixtures mark the entry that must fire.
    for (const spec of report.specs)
      for (const f of spec.fixtures.filter((x) => x.expect === 'fail'))
        expect(readFileSync(join(root, f.file), 'utf8'), f.file).toMatch(/"comment":"ruleid: [A-Z_]+ — /);
  });

  it('checks the annotated entry, not "at least one finding": a fixture marking the wrong entry fails', async () => {
    const dir = copyRepo();
    const f = join(dir, 'tests/PLAYHEAD_DECREASING/fail/playhead_decreasing.har');
    const lines = readFileSync(f, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"comment":"ruleid: PLAYHEAD_DECREASING'));
    // Move the annotation to the entry before: the spec still fires, but not where the fixture says.
    const note = /,"comment":"ruleid:[^"]*"/.exec(lines[i])![0];
    lines[i] = lines[i].replace(note, '');
    lines[i - 1] = lines[i - 1].replace(/}(,?)$/, `${note}}$1`);
    writeFileSync(f, lines.join('\n'));
    const { report, lines: out } = await runSpecTests({ root: dir, config, verifyCitations: false });
    const row = report.specs.find((s) => s.id === 'PLAYHEAD_DECREASING')!;
    expect(row.ok).toBe(false);
    expect(out.join('\n')).toMatch(
      new RegExp(
        `expected PLAYHEAD_DECREASING at entry ${i - 2} .* the spec fired PLAYHEAD_DECREASING at entry ${i - 1}`,
      ),
    );
  });

  it('rejects a pass fixture the spec abstains on: a capture without ads proves nothing about ads', async () => {
    const dir = copyRepo();
    // AD_NOT_CLOSED's pass fixture replaced by a capture without any ad: no finding, but nothing judged.
    cpSync(
      join(dir, 'tests/PLAYHEAD_DECREASING/pass/clean.har'),
      join(dir, 'tests/AD_NOT_CLOSED/pass/clean.har'),
    );
    const { report } = await runSpecTests({ root: dir, config, verifyCitations: false });
    const row = report.specs.find((s) => s.id === 'AD_NOT_CLOSED')!;
    expect(row.fixtures.find((x) => x.expect === 'pass')).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/judged no session \(ABSTAIN: no ads\)/)],
    });
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
      join(dir, 'specs/playhead/PLAYHEAD_DECREASING_WEB.yaml'),
      [
        'id: PLAYHEAD_DECREASING_WEB',
        'title: Our player jumps around',
        'status: experimental',
        'version: 0.1.0',
        'family: playhead',
        'scope:',
        '  platform: [web]',
        'assert:',
        '  - check: playhead.decreasing',
        '    enabled: false',
        '  - check: orchestration.missing_aa_start',
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
    const mine = r.issues.filter((i) => i.path.endsWith('PLAYHEAD_DECREASING_WEB.yaml'));
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
      join(dir, 'specs/orchestration/ORCH_MISSING_AA_START_ROKU.yaml'),
      'id: ORCH_MISSING_AA_START_ROKU\ntitle: t\nstatus: shadow\nversion: 1.0.0\nsince: 2026-12-01\nfamily: orchestration\nscope: {platform: [roku], protocol: [heartbeat]}\nassert:\n  - check: orchestration.missing_aa_start\n    params: {window_s: 8}\n  - check: playhead.decreasing\n    params: {tolerance_s: 3}\nfail_codes: [ORCH_MISSING_AA_START, PLAYHEAD_DECREASING]\nseverity: error\ncitations:\n  - url: docs/reference/wire-formats.md#35-heartbeat--analytics-orchestration\n    quote: Goblin accepts either order and asks for all three within a short window\n',
    );
    const rules = lintSpecs({
      specsDir: 'specs',
      constitution: 'constitution.yaml',
      root: dir,
      requireFixtures: false,
    })
      .issues.filter((i) => i.path.endsWith('ORCH_MISSING_AA_START_ROKU.yaml'))
      .map((i) => i.rule);
    expect(rules).toEqual(['constitution:NON_DECREASING_PLAYHEAD']);
  });
});

describe('naming and lifecycle', () => {
  it('says which name a spec must have: its code (and scope qualifiers), in its family folder', () => {
    const dir = copyRepo();
    const src = readFileSync(join(dir, 'specs/cadence/CADENCE_AD_PING_GAP_HB.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'specs/cadence/HB_AD_PINGS.yaml'),
      src.replace('id: CADENCE_AD_PING_GAP_HB', 'id: HB_AD_PINGS'),
    );
    writeFileSync(
      join(dir, 'specs/cadence/CADENCE_AD_PING_GAP_ROKU.yaml'),
      src.replace('id: CADENCE_AD_PING_GAP_HB', 'id: CADENCE_AD_PING_GAP_ROKU'),
    );
    const r = lintSpecs({
      specsDir: 'specs',
      constitution: 'constitution.yaml',
      root: dir,
      requireFixtures: false,
    });
    const naming = r.issues
      .filter((i) => i.rule === 'naming')
      .map((i) => `${i.path.split('/').pop()}: ${i.message}`);
    expect(naming).toContainEqual(
      expect.stringMatching(
        /^HB_AD_PINGS\.yaml: spec id HB_AD_PINGS must be one of its codes \(CADENCE_AD_PING_GAP\)/,
      ),
    );
    expect(naming).toContainEqual('CADENCE_AD_PING_GAP_ROKU.yaml: spec id says ROKU but the scope does not');
    expect(naming).toContainEqual(
      expect.stringMatching(
        /HB_AD_PINGS\.yaml: pass fixture tests\/CADENCE_AD_PING_GAP_HB\/pass\/clean\.har belongs under tests\/HB_AD_PINGS\/pass\//,
      ),
    );
  });

  it('asks for the new id when a spec still names a renamed check (and still runs it)', () => {
    const dir = copyRepo();
    const p = join(dir, 'specs/transport/HOST_UNEXPECTED.yaml');
    writeFileSync(
      p,
      readFileSync(p, 'utf8').replace('check: transport.host_unexpected', 'check: transport.host'),
    );
    const r = lintSpecs({ specsDir: 'specs', constitution: 'constitution.yaml', root: dir });
    expect(r.issues.filter((i) => i.path.endsWith('HOST_UNEXPECTED.yaml'))).toEqual([
      expect.objectContaining({
        level: 'warning',
        rule: 'naming',
        message: 'check transport.host is now transport.host_unexpected',
      }),
    ]);
  });

  it('new or changed specs start experimental or shadow against the base ref; a rename is not a change', () => {
    const dir = copyRepo(['specs', 'constitution.yaml']);
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '-A');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'base');
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    // renamed, same rule: fine
    const gap = read('specs/cadence/CADENCE_CONTENT_PING_GAP.yaml');
    writeFileSync(
      join(dir, 'specs/cadence/CADENCE_CONTENT_PING_GAP_ALL.yaml'),
      gap.replace('id: CADENCE_CONTENT_PING_GAP', 'id: CADENCE_CONTENT_PING_GAP_ALL'),
    );
    execFileSync('rm', [join(dir, 'specs/cadence/CADENCE_CONTENT_PING_GAP.yaml')]);
    // changed rule, still active: lifecycle error
    const p = join(dir, 'specs/playhead/PLAYHEAD_STALLED.yaml');
    writeFileSync(
      p,
      read('specs/playhead/PLAYHEAD_STALLED.yaml').replace('min_span_s: 20', 'min_span_s: 15'),
    );
    // new spec, active: lifecycle error; the same as shadow: fine
    const hb = read('specs/cadence/CADENCE_AD_PING_GAP_HB.yaml')
      .replace('id: CADENCE_AD_PING_GAP_HB', 'id: CADENCE_AD_PING_GAP_HB_ROKU')
      .replace('  protocol:\n    - heartbeat', '  protocol:\n    - heartbeat\n  platform:\n    - roku');
    writeFileSync(join(dir, 'specs/cadence/CADENCE_AD_PING_GAP_HB_ROKU.yaml'), hb);
    const lifecycle = () =>
      lintSpecs({
        specsDir: 'specs',
        constitution: 'constitution.yaml',
        root: dir,
        requireFixtures: false,
        base: 'main',
      })
        .issues.filter((i) => i.rule === 'lifecycle' && i.level === 'error')
        .map((i) => i.message);
    expect(lifecycle()).toEqual([
      'CADENCE_AD_PING_GAP_HB_ROKU is new relative to main: new specs start experimental or shadow, not active',
      'PLAYHEAD_STALLED changes its rule relative to main: a changed spec goes back to shadow (or experimental) before it is active again',
    ]);
    writeFileSync(
      join(dir, 'specs/cadence/CADENCE_AD_PING_GAP_HB_ROKU.yaml'),
      hb.replace('status: active', 'status: shadow'),
    );
    writeFileSync(
      p,
      read('specs/playhead/PLAYHEAD_STALLED.yaml').replace('status: active', 'status: shadow'),
    );
    expect(lifecycle()).toEqual([]);
  });

  it('feeds known-fps.csv from the known-good replay (--record-fps), and the recorded rows then allow them', async () => {
    const dir = copyRepo();
    const p = join(dir, 'specs/cadence/CADENCE_CONTENT_PING_GAP.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('content_interval_s: 10', 'content_interval_s: 5'));
    const first = await runSpecTests({ root: dir, config, verifyCitations: false, recordFps: true });
    expect(first.report.corpus!.new_false_positives).toBeGreaterThan(0);
    const csv = readFileSync(join(dir, 'tests/known-fps.csv'), 'utf8');
    expect(csv).toMatch(
      /^tests\/[A-Z_]+\/pass\/clean\.har,[^,]+,CADENCE_CONTENT_PING_GAP,recorded \d{4}-\d\d-\d\d by the known-good replay \(CADENCE_CONTENT_PING_GAP, active\): main-content pings/m,
    );
    const second = await runSpecTests({ root: dir, config, verifyCitations: false });
    expect(second.report.corpus!.new_false_positives).toBe(0);
  });
});
