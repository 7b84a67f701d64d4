import { describe, expect, it } from 'vitest';
import type { Finding, SessionRow } from '../validate/outputs.js';
import { parseTruth, scoreCorpus } from './score.js';

const HB = '8209806605475417569305';
const MC = 'a3f0c2d4e5b6978812345678901234567890abcdef0123456789abcdef012345';

const truth = parseTruth(
  [
    { type: 'capture', har: 'web/a.har', exporter: 'chrome' },
    {
      type: 'session',
      har: 'web/a.har',
      session: HB,
      kind: 'media',
      protocol: 'heartbeat',
      platform: 'web',
      sdk: 'heartbeat',
      sdk_version_raw: 'js-2.2.2.230-96e624',
      sdk_version: '2.2.2.230',
      traps: [],
    },
    {
      type: 'session',
      har: 'web/a.har',
      session: '30250035503789876473484580554595324209',
      kind: 'page',
      protocol: 'aa',
      platform: 'web',
      sdk: 'aa',
      sdk_version_raw: 'JS-2.23.0-LDQM',
      sdk_version: '2.23.0',
      traps: [],
    },
    {
      type: 'session',
      har: 'ios/b.har.gz',
      session: MC,
      kind: 'media',
      protocol: 'media-collection',
      platform: 'ios',
      sdk: 'hb-api',
      sdk_version_raw: 'ios-media-5.0.1',
      sdk_version: '5.0.1',
      traps: ['seek-as-pauseStart'],
    },
    {
      type: 'fault',
      har: 'web/a.har',
      session: HB,
      code: 'PLAYHEAD_STALLED',
      entry_index: 17,
      note: 'freeze mid-run',
    },
    {
      type: 'fault',
      har: 'web/a.har',
      session: '30250035503789876473484580554595324209',
      code: 'BEACON_TRUNCATED',
      entry_index: 3,
      note: 'cut at 2047',
    },
    {
      type: 'fault',
      har: 'web/a.har',
      session: HB,
      code: 'CADENCE_CONTENT_PING_GAP',
      entry_index: 30,
      note: 'gap',
    },
  ]
    .map((l) => JSON.stringify(l))
    .join('\n'),
);

function finding(f: Partial<Finding> & Pick<Finding, 'har' | 'session' | 'code'>): Finding {
  return {
    family: 'x',
    severity: 'error',
    spec: 'S',
    spec_version: '1.0.0',
    spec_status: 'active',
    event_id: null,
    entry_index: null,
    ts: null,
    message: 'm',
    expected: null,
    observed: null,
    platform: 'web',
    sdk: 'heartbeat',
    sdk_version: null,
    ...f,
  };
}

function row(r: Partial<SessionRow> & Pick<SessionRow, 'har' | 'session' | 'kind' | 'protocol'>): SessionRow {
  return {
    platform: 'web',
    sdk: 'aa',
    sdk_version: null,
    app_version: null,
    confidence: 1,
    virtual_version: null,
    events: 1,
    first_ts: null,
    last_ts: null,
    verdict: 'PASS',
    conformance: 1,
    rules: {},
    codes: [],
    ...r,
  };
}

const sessions: SessionRow[] = [
  row({
    har: 'web/a.har',
    session: HB,
    kind: 'media',
    protocol: 'heartbeat',
    sdk: 'heartbeat',
    sdk_version: '2.2.2.230',
  }),
  row({ har: 'web/a.har', session: 'page:acmeprod', kind: 'page', protocol: 'aa', sdk_version: '2.23.0' }),
  row({
    har: 'ios/b.har.gz',
    session: MC,
    kind: 'media',
    protocol: 'media-collection',
    platform: 'ios',
    sdk: 'hb-api',
    sdk_version: 'ios-media-5.0.1',
  }),
];

describe('scoreCorpus (independent corpora, unit = HAR × session × code)', () => {
  const findings = [
    finding({ har: 'web/a.har', session: HB, code: 'PLAYHEAD_STALLED', entry_index: 17 }),
    // A page-session fault is found in Goblin's page:<suite> session of the same HAR and protocol.
    finding({ har: 'web/a.har', session: 'page:acmeprod', code: 'BEACON_TRUNCATED', entry_index: 4 }),
    // The clean MC session raised a seek as a decrease three times: one false positive, two cascades.
    finding({ har: 'ios/b.har.gz', session: MC, code: 'PLAYHEAD_DECREASING', entry_index: 9 }),
    finding({ har: 'ios/b.har.gz', session: MC, code: 'PLAYHEAD_DECREASING', entry_index: 12 }),
    finding({ har: 'ios/b.har.gz', session: MC, code: 'PLAYHEAD_DECREASING', entry_index: 15 }),
  ];
  const s = scoreCorpus('crosscheck', truth, findings, sessions);
  const code = (c: string) => s.codes.find((x) => x.code === c)!;

  it('counts a found fault once and checks the entry it points at', () => {
    expect(code('PLAYHEAD_STALLED')).toMatchObject({ support: 1, tp: 1, fn: 0, fp: 0, pointed: 1 });
    // Found in the right session, but at entry 4 where the truth says 3.
    expect(code('BEACON_TRUNCATED')).toMatchObject({ tp: 1, pointed: 0 });
  });

  it('a missed fault is a miss with its note', () => {
    expect(code('CADENCE_CONTENT_PING_GAP')).toMatchObject({ support: 1, tp: 0, fn: 1, recall: 0 });
    expect(s.misses).toEqual([
      { har: 'web/a.har', session: HB, code: 'CADENCE_CONTENT_PING_GAP', entry_index: 30, note: 'gap' },
    ]);
  });

  it('false alarms on a clean session count once per code, the rest as cascades, and by trap', () => {
    expect(code('PLAYHEAD_DECREASING')).toMatchObject({ fp: 1, precision: 0 });
    expect(s.findings).toEqual({ total: 5, beyond_first: 2 });
    expect(s.clean).toEqual({
      sessions: 1,
      with_false_alarm: 1,
      rate: 1,
      by_trap: { 'seek-as-pauseStart': { sessions: 1, with_false_alarm: 1 } },
    });
    expect(s.micro).toMatchObject({ tp: 2, fp: 1, fn: 1 });
  });

  it('a finding in a session the truth does not know is a false positive, not a match', () => {
    const other = scoreCorpus(
      'crosscheck',
      truth,
      [finding({ har: 'web/a.har', session: '999', code: 'PLAYHEAD_STALLED' })],
      sessions,
    );
    expect(other.codes.find((c) => c.code === 'PLAYHEAD_STALLED')).toMatchObject({ tp: 0, fn: 1, fp: 1 });
  });

  it('fingerprints compare the comparable library version, not the raw wire string', () => {
    expect(s.fingerprint).toMatchObject({ sessions: 3, found: 3, platform: 1, sdk: 1 });
    expect(s.fingerprint.version).toBeCloseTo(2 / 3);
    expect(s.fingerprint_errors).toEqual([
      {
        har: 'ios/b.har.gz',
        session: MC,
        field: 'sdk_version',
        expected: '5.0.1',
        observed: 'ios-media-5.0.1',
      },
    ]);
  });

  it('rejects a truth file it cannot read, naming the line', () => {
    expect(() => parseTruth('{"type":"fault","har":"a"}\n')).toThrow(/line 1/);
  });
});
