import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { checkValues, commandHelp, GLOBAL_OPTIONS, loadCommands, main } from './main.js';
import type { OptionDef } from './command.js';
import { RUN_OPTIONS } from './options.js';
import { countMedia, parseSuccessRate, runGate, type MediaCoverage, type ReadStats } from './gate.js';

/** Run the CLI in-process; stdout and stderr lines captured. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void out.push(String(l)));
  const error = vi.spyOn(console, 'error').mockImplementation((l: string) => void err.push(String(l)));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n'), last: err.at(-1) ?? '' };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('the command contract', () => {
  it('every option of every command says what it does, and every string option its default', async () => {
    const undescribed: string[] = [];
    for (const c of await loadCommands()) {
      for (const [name, o] of Object.entries<OptionDef>({ ...(c.options ?? {}), ...GLOBAL_OPTIONS })) {
        const where = `goblin ${c.name} --${name}`;
        if (!o.description?.trim() || o.description.includes('\n'))
          undescribed.push(`${where}: no one-line description`);
        if (o.type === 'string' && o.default === undefined && !o.required)
          undescribed.push(`${where}: no default (and not required)`);
      }
      if (!Object.keys(c.exits).length) undescribed.push(`goblin ${c.name}: no exit codes declared`);
      const help = commandHelp(c);
      for (const [name, o] of Object.entries(c.options ?? {})) {
        expect(help).toContain(`--${name}`);
        expect(help).toContain(o.description);
      }
      expect(help).toMatch(/Exit codes:\n {2}0 {2}/);
    }
    expect(undescribed).toEqual([]);
  });

  it('--help shows what an option does, its value type and default', async () => {
    const r = await cli('run', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /--workers N +worker processes \(0 = one per core\) · an integer in 0…256 · default/,
    );
    expect(r.out).toMatch(/--fail-on SEVERITY +exit 1 when an active spec finds something/);
    expect(r.out).toContain('3  input not checked');
  });

  it('rejects bad option values before running, with the option, the rule and the value (exit 2)', async () => {
    for (const [argv, msg] of [
      [['run', 'x.har', '--workers', 'abc'], "--workers must be an integer in 0…256 (got 'abc')"],
      [['run', 'x.har', '--workers', '1.5'], "--workers must be an integer in 0…256 (got '1.5')"],
      [
        ['run', 'x.har', '--fail-on', 'critical'],
        "--fail-on must be one of error, warning, none (got 'critical')",
      ],
      [['run', 'x.har', '--min-parse-rate', '95'], "--min-parse-rate must be a number in [0, 1] (got '95')"],
      [['run', 'x.har', '--shard', '4/4'], "--shard must be i/n with 0 ≤ i < n (e.g. 0/4) (got '4/4')"],
      [['simulate', '--out', '/tmp/x'], '--sessions is required'],
      [['promote', '--now', 'yesterday'], '--now must be an ISO date'],
      [['eval', '--sessions', '0'], "--sessions must be an integer ≥ 1 (got '0')"],
      [['research', 'crawl', '--render', 'sometimes'], '--render must be one of auto, never, always'],
    ] as const) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.last).toContain(`exit 2 — usage error: ${msg}`);
    }
  });

  it('converts checked values: numbers arrive as numbers, repeatable options as lists', () => {
    const v = checkValues(
      { ...RUN_OPTIONS, k: { type: 'string', multiple: true, description: 'x', default: 'none' } },
      { workers: '3', 'min-parse-rate': '0.5', k: ['a', 'b'] },
    );
    expect(v).toMatchObject({ workers: 3, 'min-parse-rate': 0.5, k: ['a', 'b'] });
    expect(() => checkValues(RUN_OPTIONS, { out: '' })).toThrow(UsageError);
  });

  it('ends every command with the exit code and the rule that set it', async () => {
    const r = await cli('run', 'no/such/folder');
    expect(r.code).toBe(2);
    expect(r.last).toBe('goblin run: exit 2 — input not found: no/such/folder');
    expect((await cli('frobnicate')).last).toBe(
      "goblin: exit 2 — unknown command 'frobnicate' (run 'goblin --help')",
    );
    expect((await cli('spec')).last).toMatch(
      /^goblin spec: exit 2 — name a subcommand \(spec explain, spec lint, /,
    );
    const unknown = await cli('fingerprint', 'eval', '--config', 'missing.yaml');
    expect(unknown.code).toBe(2);
    expect(unknown.last).toMatch(
      /^goblin fingerprint eval: exit 2 — config file not found: .*missing\.yaml$/,
    );
  });
});

describe('the run gate', () => {
  const read: ReadStats = {
    files_read: 40,
    files_parsed: 39,
    files_quarantined: 1,
    lfs_pointers: 0,
    beacons: 900,
    parse_success_rate: 39 / 40,
    quarantine_by_reason: { 'invalid-json': 1 },
  };
  const f = (severity: string, spec_status = 'active', code = 'PLAYHEAD_STALLED') => ({
    severity,
    spec_status,
    code,
  });

  it('exits 0 with findings when no --fail-on is given: findings are the report, not a broken run', () => {
    const s = runGate(read, [f('error'), f('error')], { failOn: 'none', minParseRate: 0.95 });
    expect(s.code).toBe(0);
    expect(s.reason).toBe(
      'ran; inputs read (parse success 97.5% ≥ 95.0%, 900 beacons); 2 finding(s); no gate (--fail-on none)',
    );
  });

  it('exits 1 only for active findings at or above --fail-on; shadow specs never fail a run', () => {
    expect(
      runGate(read, [f('warning'), f('error', 'shadow')], { failOn: 'error', minParseRate: 0.95 }).code,
    ).toBe(0);
    const s = runGate(read, [f('warning', 'active', 'CADENCE_PING_TOO_FREQUENT')], {
      failOn: 'warning',
      minParseRate: 0.95,
    });
    expect(s).toEqual({
      code: 1,
      reason: '1 finding(s) at or above --fail-on warning from active specs (CADENCE_PING_TOO_FREQUENT×1)',
    });
  });

  it('exits 3 when the input was not checked, before any finding counts', () => {
    const broken = { ...read, files_parsed: 30, files_quarantined: 10, parse_success_rate: 0.75 };
    expect(runGate(broken, [f('error')], { failOn: 'error', minParseRate: 0.95 })).toEqual({
      code: 3,
      reason:
        'input not checked: parse success 75.0% < --min-parse-rate 95.0% (10 of 40 files quarantined: invalid-json 1)',
    });
    const lfs = {
      ...read,
      files_read: 2,
      files_parsed: 0,
      files_quarantined: 0,
      lfs_pointers: 2,
      beacons: 0,
      parse_success_rate: 1,
    };
    expect(runGate(lfs, [], { failOn: 'none', minParseRate: 0.95 }).reason).toBe(
      'input not checked: 0 Adobe beacons in 2 HAR file(s): every file is a Git LFS pointer (run git lfs pull)',
    );
    // Git LFS pointers are captures not fetched: nine of them beside one good file is 10 %, not 100 %
    const pointers = {
      ...read,
      files_read: 10,
      files_parsed: 1,
      files_quarantined: 0,
      lfs_pointers: 9,
      quarantine_by_reason: {},
      parse_success_rate: parseSuccessRate(1, 0, 9),
    };
    expect(runGate(pointers, [], { failOn: 'none', minParseRate: 0.95 })).toEqual({
      code: 3,
      reason:
        'input not checked: parse success 10.0% < --min-parse-rate 95.0% (9 of 10 files not read: Git LFS pointer 9 (run git lfs pull))',
    });
    expect(parseSuccessRate(0, 0, 0)).toBe(1);
    expect(parseSuccessRate(90, 3, 1)).toBeCloseTo(90 / 94);
    // media sessions found, none could be checked: not checked; one checked: checked
    const media = (judged: number) => ({
      ...read,
      media: { sessions: 3, judged, example: 'request bodies omitted by the exporter' },
    });
    expect(runGate(media(0), [], { failOn: 'error', minParseRate: 0.95 })).toEqual({
      code: 3,
      reason:
        'input not checked: none of the 3 media session(s) could be checked (request bodies omitted by the exporter)',
    });
    expect(runGate(media(1), [], { failOn: 'error', minParseRate: 0.95 }).code).toBe(0);
    // ABSTAIN alone is not "unchecked": a pack of shadow specs leaves every verdict ABSTAIN
    const coverage: MediaCoverage = { sessions: 0, judged: 0, example: null };
    for (const s of [
      { kind: 'page', unchecked: 'x' },
      { kind: 'media', unchecked: 'bodies omitted' },
      { kind: 'media', unchecked: null },
      { kind: 'media' },
    ])
      countMedia(coverage, s);
    expect(coverage).toEqual({ sessions: 3, judged: 2, example: 'bodies omitted' });
    const noAdobe = { ...read, beacons: 0, quarantine_by_reason: {} };
    expect(runGate(noAdobe, [], { failOn: 'none', minParseRate: 0.95 }).reason).toMatch(
      /the captures hold no Adobe traffic$/,
    );
  });
});

describe('progress durations', () => {
  it('rounds once: 119.6 s is 2m00s, never 1m60s', () => {
    expect(formatDuration(119.6)).toBe('2m00s');
    expect(formatDuration(59.6)).toBe('1m00s');
    expect(formatDuration(59.4)).toBe('59s');
    expect(formatDuration(3599.7)).toBe('1h00m');
    expect(formatDuration(7530)).toBe('2h06m');
  });
});
