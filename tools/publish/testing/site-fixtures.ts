/**
 * A small, realistic repository + validation run for the site's tests and benchmark: specs, dictionary
 * entries, an evidence pack, a constitution and a run directory whose rows follow the zod contracts of
 * tools/validate/outputs.ts (a heartbeat session with 10 s pings, an ad break and a pause; a Roku Media
 * Collection session with a CADENCE_CONTENT_PING_GAP finding; an ABSTAIN-only session; …).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import type {
  Finding,
  QuarantineRecord,
  SessionRow,
  SpecTestReport,
  Summary,
  Timeline,
} from '../../validate/outputs.js';

type TEvent = Timeline['events'][number];

const ROKU_URL =
  'https://experienceleague.adobe.com/en/docs/media-analytics/using/implementation/implementation-edge/media-edge-sdk-roku';
/** A citation of the spec repository's own reference (a path, not a web page). */
export const REPO_DOC_URL = 'docs/reference/wire-formats.md#55-media-over-edge';
const HB_URL =
  'https://experienceleague.adobe.com/en/docs/media-analytics/using/legacy-implementations/heartbeat-params';
export const ROKU_QUOTE = 'On Roku the first content ping may be sent less than 2 seconds after play starts.';
export const LONG_PARAM =
  'xdm.mediaCollection.sessionDetails.someExtremelyLongCustomMetadataParameterNameThatMustWrap';

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export function fixtureSpecs(): Record<string, unknown>[] {
  return [
    {
      id: 'CADENCE_CONTENT_PING_GAP_DEFAULT',
      title: 'Main-content pings every 10 s',
      status: 'active',
      version: '1.1.0',
      family: 'cadence',
      scope: { protocol: ['heartbeat', 'media-collection', 'media-edge'] },
      assert: [{ check: 'cadence.content_ping_gap', params: { content_interval_s: 10, gap_factor: 1.5 } }],
      fail_codes: ['CADENCE_CONTENT_PING_GAP'],
      severity: 'error',
      tests: {
        pass: ['tests/CADENCE_CONTENT_PING_GAP_DEFAULT/pass/steady.har'],
        fail: ['tests/CADENCE_CONTENT_PING_GAP_DEFAULT/fail/gap-25s.har'],
      },
      citations: [
        { url: HB_URL, quote: 'Heartbeat pings are sent every 10 seconds during main content playback.' },
      ],
      rationale: 'A gap longer than 1.5 intervals loses time-spent minutes in reporting.',
    },
    {
      id: 'CADENCE_EARLY_FIRST_PING_ROKU',
      title: 'Roku: first content ping may come within 1 s of play',
      status: 'active',
      version: '1.0.0',
      family: 'cadence',
      scope: { platform: ['roku'], protocol: ['media-collection', 'media-edge'], version: '>=2.0.0' },
      assert: [{ check: 'cadence.early_first_ping', params: { first_ping_min_s: 1 } }],
      fail_codes: ['CADENCE_EARLY_FIRST_PING'],
      severity: 'warning',
      overrides: ['CADENCE_EARLY_FIRST_PING_DEFAULT'],
      tests: {
        pass: ['tests/CADENCE_EARLY_FIRST_PING_ROKU/pass/fast-first.har'],
        fail: ['tests/CADENCE_EARLY_FIRST_PING_ROKU/fail/instant.har'],
      },
      citations: [
        { url: ROKU_URL, quote: ROKU_QUOTE, cached_ref: 'evidence/cache/roku-media.html' },
        { url: REPO_DOC_URL, quote: 'SDK throttles pings to the configured interval' },
      ],
      rationale: 'The Roku SDK starts its ping timer at play, so the first ping is early by design.',
      since: '2026-10-01',
    },
    {
      id: 'CADENCE_EARLY_FIRST_PING_DEFAULT',
      title: 'First content ping not before 5 s',
      status: 'shadow',
      version: '1.0.0',
      family: 'cadence',
      scope: { platform: ['web', 'ios', 'android'] },
      assert: [{ check: 'cadence.early_first_ping', params: { first_ping_min_s: 5 } }],
      fail_codes: ['CADENCE_EARLY_FIRST_PING'],
      severity: 'warning',
      rationale: 'Pings earlier than 5 s after play are flushes or SDK bugs.',
    },
    {
      id: 'PLAYHEAD_DECREASING_MAIN',
      title: 'Main playhead never goes backwards without a seek',
      status: 'active',
      version: '2.0.0',
      family: 'playhead',
      assert: [{ check: 'playhead.decreasing', params: { tolerance_s: 0.5 } }],
      fail_codes: ['PLAYHEAD_DECREASING'],
      severity: 'error',
      requires: { keys: ['l:event:playhead'], dict: [] },
      citations: [{ url: HB_URL, quote: 'l:event:playhead is the current playhead position in seconds.' }],
    },
    {
      id: 'PARAMS_REQUIRED_MC_SESSIONSTART',
      title: 'Media Collection sessionStart carries the required media fields',
      status: 'active',
      version: '1.0.0',
      family: 'params',
      scope: { sdk: ['hb-api'], protocol: ['media-collection'] },
      assert: [
        {
          check: 'params.required',
          params: { events: { sessionStart: ['media.id', 'media.length', LONG_PARAM] } },
        },
      ],
      fail_codes: ['PARAM_MISSING_REQUIRED'],
      severity: 'error',
      requires: { keys: [], dict: ['media.id'] },
    },
    {
      id: 'ORCH_AA_START_HEARTBEAT',
      title: 'Legacy heartbeat start pairs with an Analytics media start',
      status: 'active',
      version: '1.0.0',
      family: 'orchestration',
      scope: { protocol: ['heartbeat'] },
      assert: [{ check: 'orchestration.aa_start', params: { window_s: 5 } }],
      fail_codes: ['ORCH_MISSING_AA_START'],
      severity: 'error',
    },
  ];
}

export function fixtureDictionary(): Record<string, unknown>[] {
  return [
    {
      param: 'l:event:playhead',
      sdk: 'heartbeat',
      aliases: ['playhead', 'a.media.playhead'],
      concept: 'playhead',
      type: 'float',
      unit: 's',
      stats: {
        count: 1240,
        min: 0,
        max: 3590.5,
        mean: 812.2,
        stdev: 640.1,
        null_rate: 0.01,
        distinct: 1100,
        top_values: [{ value: '0', count: 40 }],
      },
      stability: 0.97,
      sessions: 42,
      presence: {
        play: { '>=1.0.0': 'required' },
        start: { '>=1.0.0 <2.0.0': 'optional', '>=2.0.0': 'required' },
      },
      first_seen: '2026-09-01T10:00:00Z',
      last_seen: '2026-11-20T18:00:00Z',
      evidence: { examples: ['hb.har#12'] },
    },
    {
      param: 'media.id',
      sdk: 'hb-api',
      aliases: ['params.media.id'],
      concept: 'content_id',
      type: 'string',
      unit: null,
      stats: { count: 30, min: null, max: null, mean: null, stdev: null, null_rate: 0, distinct: 12 },
      stability: 1,
      sessions: 30,
      presence: { sessionStart: { '*': 'required' } },
    },
    {
      param: 'media.length',
      sdk: 'hb-api',
      type: 'float',
      unit: 's',
      stats: { count: 30, min: 30, max: 7200, mean: 1800, stdev: 900, null_rate: 0, distinct: 14 },
      stability: 0.9,
      sessions: 30,
    },
    {
      param: LONG_PARAM,
      sdk: 'edge',
      type: 'string',
      stats: { count: 3, min: null, max: null, mean: null, stdev: null, null_rate: 0.5, distinct: 2 },
      stability: 0.4,
      sessions: 3,
    },
  ];
}

function ev(
  i: number,
  t: number,
  type: string,
  playhead: number | null,
  extra: Partial<TEvent> = {},
  params: TEvent['params'] = {},
): TEvent {
  const ts = new Date(Date.UTC(2026, 10, 20, 12, 0, 0) + t * 1000).toISOString();
  return {
    event_id: `e${i}`,
    t_s: t,
    ts,
    type,
    raw_type: extra.raw_type ?? type,
    asset_type: extra.asset_type ?? 'main',
    playhead_s: playhead,
    entry_index: i,
    params: {
      's:event:type': type,
      ...(playhead !== null ? { 'l:event:playhead': playhead } : {}),
      ...params,
    },
    codes: extra.codes ?? [],
  };
}

/** Heartbeat session: start, 10 s play pings, an ad break at 30–45 s (1 s ad pings), a pause 80–95 s. */
export function heartbeatTimeline(): Timeline {
  const events: TEvent[] = [];
  let i = 0;
  events.push(ev(i++, 0, 'sessionStart', 0, {}, { 's:asset:name': 'Big Buck Bunny' }));
  events.push(ev(i++, 0.4, 'aaStart', null, { asset_type: null }));
  for (let t = 10; t <= 30; t += 10) events.push(ev(i++, t, 'play', t - 0.5));
  events.push(ev(i++, 30.5, 'adBreakStart', 29.5, {}, { 's:asset:pod_name': 'preroll-1' }));
  events.push(ev(i++, 31, 'adStart', 0, { asset_type: 'ad' }, { 's:asset:ad_id': 'ad-42' }));
  for (let t = 32; t <= 44; t += 4) events.push(ev(i++, t, 'play', t - 31, { asset_type: 'ad' }));
  events.push(ev(i++, 45, 'adComplete', 14, { asset_type: 'ad' }));
  events.push(ev(i++, 45.2, 'adBreakComplete', 29.5));
  for (let t = 50; t <= 80; t += 10) events.push(ev(i++, t, 'play', 29.5 + (t - 45.2)));
  for (let t = 81; t <= 91; t += 10) events.push(ev(i++, t, 'pause', 64.3));
  for (let t = 95; t <= 125; t += 10) events.push(ev(i++, t, 'play', 64.3 + (t - 95)));
  events.push(ev(i++, 126, 'sessionComplete', 95.3));
  return {
    har: 'web/hb-bunny.har',
    session: 'hb-sess-1',
    protocol: 'heartbeat',
    platform: 'web',
    sdk_version: '2.2.1',
    events,
  };
}

/** Roku Media Collection session with a 25 s gap between main pings (CADENCE_CONTENT_PING_GAP at 60 s). */
export function mcTimeline(): Timeline {
  const events: TEvent[] = [];
  let i = 0;
  const p = (t: number, type: string, ph: number | null, extra: Partial<TEvent> = {}) =>
    events.push(
      ev(i++, t, type, ph, extra, { eventType: type, ...(ph !== null ? { 'playerTime.playhead': ph } : {}) }),
    );
  p(0, 'sessionStart', 0);
  p(0.5, 'play', 0);
  p(1.2, 'ping', 0.7);
  for (let t = 10; t <= 30; t += 10) p(t, 'ping', t - 0.5);
  p(35, 'pause', 34.5, { raw_type: 'pauseStart' });
  p(40, 'play', 34.5);
  p(50, 'ping', 44.5);
  p(75, 'ping', 69.5, { codes: ['CADENCE_CONTENT_PING_GAP'] });
  p(85, 'ping', 79.5);
  p(90, 'sessionEnd', 84.5);
  // MC params live in the params map; make the start carry the media fields
  events[0].params = {
    ...events[0].params,
    'media.id': 'vod-123',
    'media.length': 1800,
    'media.channel': 'roku-channel',
  };
  return {
    har: 'roku/mc-roku.har',
    session: 'mc-sess-2',
    protocol: 'media-collection',
    platform: 'roku',
    sdk_version: '2.0.1',
    events,
  };
}

/** iOS heartbeat session whose playhead jumps back at 40 s. */
export function iosTimeline(): Timeline {
  const events: TEvent[] = [];
  let i = 0;
  events.push(ev(i++, 0, 'sessionStart', 0));
  for (let t = 10; t <= 30; t += 10) events.push(ev(i++, t, 'play', t));
  events.push(ev(i++, 40, 'play', 12, { codes: ['PLAYHEAD_DECREASING'] }));
  events.push(ev(i++, 50, 'play', 22));
  return {
    har: 'ios/hb-ios.har',
    session: 'hb-sess-4',
    protocol: 'heartbeat',
    platform: 'ios',
    sdk_version: '2.3.0',
    events,
  };
}

const pass = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, 'PASS' as const]));

export function fixtureSessions(): SessionRow[] {
  const base = { kind: 'media' as const, app_version: null, confidence: 0.95, virtual_version: null };
  return [
    {
      ...base,
      har: 'web/hb-bunny.har',
      session: 'hb-sess-1',
      protocol: 'heartbeat',
      platform: 'web',
      sdk: 'heartbeat',
      sdk_version: '2.2.1',
      events: heartbeatTimeline().events.length,
      first_ts: '2026-11-20T12:00:00.000Z',
      last_ts: '2026-11-20T12:02:06.000Z',
      verdict: 'PASS',
      conformance: 1,
      rules: pass([
        'CADENCE_CONTENT_PING_GAP_DEFAULT',
        'PLAYHEAD_DECREASING_MAIN',
        'ORCH_AA_START_HEARTBEAT',
      ]),
      codes: [],
    },
    {
      ...base,
      har: 'roku/mc-roku.har',
      session: 'mc-sess-2',
      protocol: 'media-collection',
      platform: 'roku',
      sdk: 'hb-api',
      sdk_version: '2.0.1',
      events: mcTimeline().events.length,
      first_ts: '2026-11-20T12:00:00.000Z',
      last_ts: '2026-11-20T12:01:30.000Z',
      verdict: 'VIOLATION',
      conformance: 0.75,
      rules: {
        CADENCE_CONTENT_PING_GAP_DEFAULT: 'VIOLATION',
        CADENCE_EARLY_FIRST_PING_ROKU: 'PASS',
        PLAYHEAD_DECREASING_MAIN: 'PASS',
        PARAMS_REQUIRED_MC_SESSIONSTART: 'PASS',
      },
      codes: ['CADENCE_CONTENT_PING_GAP'],
    },
    {
      ...base,
      har: 'android/edge-app.har',
      session: 'edge-sess-3',
      protocol: 'media-edge',
      platform: 'android',
      sdk: 'edge',
      sdk_version: '5.0.0',
      confidence: 0.55,
      events: 4,
      first_ts: '2026-11-20T13:00:00.000Z',
      last_ts: '2026-11-20T13:00:20.000Z',
      verdict: 'ABSTAIN',
      conformance: 0,
      rules: { CADENCE_CONTENT_PING_GAP_DEFAULT: 'ABSTAIN', PLAYHEAD_DECREASING_MAIN: 'ABSTAIN' },
      codes: [],
    },
    {
      ...base,
      har: 'ios/hb-ios.har',
      session: 'hb-sess-4',
      protocol: 'heartbeat',
      platform: 'ios',
      sdk: 'heartbeat',
      sdk_version: '2.3.0',
      events: iosTimeline().events.length,
      first_ts: '2026-11-20T14:00:00.000Z',
      last_ts: '2026-11-20T14:00:50.000Z',
      verdict: 'VIOLATION',
      conformance: 0.33,
      rules: {
        CADENCE_CONTENT_PING_GAP_DEFAULT: 'PASS',
        PLAYHEAD_DECREASING_MAIN: 'VIOLATION',
        ORCH_AA_START_HEARTBEAT: 'VIOLATION',
      },
      codes: ['ORCH_MISSING_AA_START', 'PLAYHEAD_DECREASING'],
    },
    {
      ...base,
      har: 'web/page.har',
      session: 'page:web:1',
      kind: 'page',
      protocol: 'aa',
      platform: 'web',
      sdk: 'aa',
      sdk_version: '2.26.0',
      events: 3,
      first_ts: '2026-11-20T15:00:00.000Z',
      last_ts: '2026-11-20T15:00:05.000Z',
      verdict: 'PASS',
      conformance: 1,
      rules: { PARAMS_RSID: 'PASS' },
      codes: [],
    },
  ];
}

/** A finding with the usual defaults (an error of an active spec, web heartbeat, no version). */
export function fixtureFinding(
  p: Partial<Finding> & Pick<Finding, 'har' | 'session' | 'code' | 'family' | 'spec'>,
): Finding {
  return {
    severity: 'error',
    spec_version: '1.0.0',
    spec_status: 'active',
    event_id: null,
    entry_index: null,
    ts: null,
    message: '',
    expected: null,
    observed: null,
    platform: 'web',
    sdk: 'heartbeat',
    sdk_version: null,
    ...p,
  };
}

export function fixtureFindings(): Finding[] {
  return [
    fixtureFinding({
      har: 'roku/mc-roku.har',
      session: 'mc-sess-2',
      code: 'CADENCE_CONTENT_PING_GAP',
      family: 'cadence',
      spec: 'CADENCE_CONTENT_PING_GAP_DEFAULT',
      spec_version: '1.1.0',
      event_id: 'e9',
      entry_index: 9,
      ts: '2026-11-20T12:01:15.000Z',
      message: 'main-content pings 25.0 s apart (limit 15.0 s)',
      expected: '≤ 15 s',
      observed: '25 s',
      platform: 'roku',
      sdk: 'hb-api',
      sdk_version: '2.0.1',
    }),
    fixtureFinding({
      har: 'ios/hb-ios.har',
      session: 'hb-sess-4',
      code: 'PLAYHEAD_DECREASING',
      family: 'playhead',
      spec: 'PLAYHEAD_DECREASING_MAIN',
      spec_version: '2.0.0',
      event_id: 'e4',
      entry_index: 4,
      ts: '2026-11-20T14:00:40.000Z',
      message: 'playhead went from 30 to 12 without a seek',
      expected: '≥ 29.5',
      observed: '12',
      platform: 'ios',
      sdk_version: '2.3.0',
    }),
    fixtureFinding({
      har: 'ios/hb-ios.har',
      session: 'hb-sess-4',
      code: 'ORCH_MISSING_AA_START',
      family: 'orchestration',
      spec: 'ORCH_AA_START_HEARTBEAT',
      event_id: 'e0',
      entry_index: 0,
      ts: '2026-11-20T14:00:00.000Z',
      message: 'main start without an Analytics pe=ms_s hit within ±5 s',
      platform: 'ios',
      sdk_version: '2.3.0',
    }),
  ];
}

export function fixtureSummary(findings: Finding[], sessions: SessionRow[]): Summary {
  const count = (xs: string[]) =>
    xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
  const byPv: Summary['by_platform_version'] = {};
  for (const s of sessions) byPv[`${s.platform}|${s.sdk}|${s.sdk_version ?? 'unknown'}`] ??= {};
  for (const f of findings) {
    const k = `${f.platform}|${f.sdk}|${f.sdk_version ?? 'unknown'}`;
    byPv[k] ??= {};
    byPv[k][f.code] = (byPv[k][f.code] ?? 0) + 1;
  }
  const verdicts = count(sessions.map((s) => s.verdict));
  const ruleHits = count(findings.map((f) => f.spec));
  return {
    generated_at: '2026-11-24T10:00:00.000Z',
    input: 'examples/hars',
    spec_pack: { specs: fixtureSpecs().length, commit: null },
    parse: {
      files_seen: 6,
      files_parsed: 5,
      files_quarantined: 1,
      quarantine_by_reason: { 'invalid-json': 1, 'undecodable-beacon': 1 },
      entries: 420,
      beacons: 96,
      beacons_by_family: { heartbeat: 40, 'media-collection': 14, aa: 30, edge: 12 },
      parse_success_rate: 5 / 6,
    },
    sessions: {
      total: sessions.length,
      pass: verdicts.PASS ?? 0,
      violation: verdicts.VIOLATION ?? 0,
      abstain: verdicts.ABSTAIN ?? 0,
    },
    coverage: ((verdicts.PASS ?? 0) + (verdicts.VIOLATION ?? 0)) / sessions.length,
    findings: findings.length,
    by_code: count(findings.map((f) => f.code)),
    by_family: count(findings.map((f) => f.family)),
    by_platform_version: byPv,
    rule_hits: ruleHits,
    top_sessions: [
      { har: 'ios/hb-ios.har', session: 'hb-sess-4', findings: 2 },
      { har: 'roku/mc-roku.har', session: 'mc-sess-2', findings: 1 },
    ],
  };
}

/** What the fixture run could not read: a truncated export and one Media Collection call without a body. */
export function fixtureQuarantine(): QuarantineRecord[] {
  return [
    {
      scope: 'entry',
      path: 'roku/mc-roku.har',
      entry_index: 17,
      url: 'https://acme.hb-api.omtrdc.net/api/v1/sessions/139bd3c6/events',
      reason: 'undecodable-beacon',
      detail: 'media-collection: Media Collection call without a JSON body',
    },
    {
      scope: 'file',
      path: 'web/uploads/session-export-partial.har',
      entry_index: null,
      url: null,
      reason: 'invalid-json',
      detail: 'Unterminated string in JSON at position 3000',
    },
  ];
}

export interface FixtureOptions {
  /** Synthetic specs and dictionary entries on top of the realistic ones (benchmark). */
  extraSpecs?: number;
  extraDictionary?: number;
  /** Initialise a git repository and commit (two commits touch the Roku spec). */
  git?: boolean;
}

const PLATFORMS = ['web', 'ios', 'android', 'tvos', 'roku', 'chromecast'] as const;
const CHECKS = [
  ['cadence.content_ping_gap', 'CADENCE_CONTENT_PING_GAP', 'cadence'],
  ['playhead.stalled', 'PLAYHEAD_STALLED', 'playhead'],
  ['bookends.not_closed', 'SESSION_NOT_CLOSED', 'bookends'],
  ['params.required', 'PARAM_MISSING_REQUIRED', 'params'],
  ['identity.ecid_present', 'IDENTITY_MISSING_ECID', 'identity'],
] as const;

/** Write the fixture repository (specs/, dictionary/, evidence/, constitution.yaml, out/run) into `dir`. */
export function writeFixtureRepo(dir: string, opts: FixtureOptions = {}): { root: string; runDir: string } {
  const specs = fixtureSpecs();
  for (const s of specs) write(join(dir, 'specs', String(s.family), `${s.id}.yaml`), YAML.stringify(s));
  for (let i = 0; i < (opts.extraSpecs ?? 0); i++) {
    const [check, code, family] = CHECKS[i % CHECKS.length];
    const platform = PLATFORMS[i % PLATFORMS.length];
    const id = `SYN_${family.toUpperCase()}_${String(i).padStart(5, '0')}`;
    write(
      join(dir, 'specs', family, `${id}.yaml`),
      YAML.stringify({
        id,
        title: `Synthetic ${family} rule ${i} for ${platform}`,
        status: i % 7 === 0 ? 'shadow' : 'active',
        version: `1.${i % 10}.0`,
        family,
        scope: { platform: [platform], version: `>=${1 + (i % 4)}.0.0` },
        assert: [{ check, params: { n: i, field: `syn.param.${i % 500}` } }],
        fail_codes: [code],
        severity: 'error',
        citations: [
          { url: `https://example.invalid/doc/${i % 50}`, quote: `Synthetic quote ${i} about ${family}.` },
        ],
        rationale: `Generated rule number ${i} used to measure the site build.`,
      }),
    );
  }
  for (const d of fixtureDictionary())
    write(
      join(dir, 'dictionary', String(d.sdk), `${String(d.param).replace(/[:/]/g, '_')}.yaml`),
      YAML.stringify(d),
    );
  const sdks = ['aa', 'heartbeat', 'hb-api', 'edge'];
  for (let i = 0; i < (opts.extraDictionary ?? 0); i++) {
    const sdk = sdks[i % sdks.length];
    write(
      join(dir, 'dictionary', sdk, `syn.param.${i}.yaml`),
      YAML.stringify({
        param: `syn.param.${i}`,
        sdk,
        aliases: [`syn_alias_${i}`],
        type: i % 3 === 0 ? 'float' : 'string',
        unit: i % 3 === 0 ? 's' : null,
        stats: { count: i, min: 0, max: i, mean: i / 2, stdev: 1, null_rate: 0, distinct: i % 50 },
        stability: 0.5,
        sessions: i % 100,
        presence: { play: { '>=1.0.0': 'optional' } },
      }),
    );
  }
  // Three reviewed bot PRs (goblin feedback sync): edited, approved (style rules applied), rejected.
  const pref = (o: Record<string, unknown>) =>
    JSON.stringify({
      prompt_fingerprint: 'det:0',
      bundle_id: 'drift-roku',
      prompt: 'Write a Weird Goblin spec (YAML) for investigate bundle drift-roku.',
      reason: null,
      reason_code: null,
      diff: null,
      ...o,
    });
  write(
    join(dir, 'preferences', '2026-11.jsonl'),
    [
      pref({
        pr: 11,
        proposal_id: 'p-roku-11',
        spec_id: 'CADENCE_EARLY_FIRST_PING_ROKU',
        proposed: 'params:\n  gap_factor: 1.5\n',
        final: 'params:\n  gap_factor: 2\n',
        outcome: 'merged_edited',
        action: 'edit',
        diff: '--- a/specs/cadence/CADENCE_EARLY_FIRST_PING_ROKU.yaml\n+++ b/specs/cadence/CADENCE_EARLY_FIRST_PING_ROKU.yaml\n@@ -1,2 +1,2 @@\n params:\n-  gap_factor: 1.5\n+  gap_factor: 2\n',
        opened_at: '2026-11-02T09:00:00Z',
        closed_at: '2026-11-03T09:00:00Z',
      }),
      pref({
        pr: 12,
        proposal_id: 'p-roku-12',
        spec_id: 'CADENCE_EARLY_FIRST_PING_ROKU',
        proposed: 'params:\n  gap_factor: 2\n',
        final: 'params:\n  gap_factor: 2\n',
        outcome: 'merged',
        action: 'approve',
        opened_at: '2026-11-05T09:00:00Z',
        closed_at: '2026-11-06T09:00:00Z',
      }),
      pref({
        pr: 13,
        proposal_id: 'p-roku-13',
        spec_id: 'CADENCE_EARLY_FIRST_PING_ROKU',
        proposed: 'scope:\n  version: ">=1.0.0"\n',
        final: null,
        outcome: 'closed',
        action: 'reject',
        reason: 'Too broad: scope it to 1.4.',
        reason_code: 'wrong-scope',
        opened_at: '2026-11-07T09:00:00Z',
        closed_at: '2026-11-08T09:00:00Z',
      }),
    ].join('\n') + '\n',
  );
  write(
    join(dir, 'reports', 'proposals', 'p-roku-12', 'style.json'),
    JSON.stringify({
      applied: [
        {
          slot: 'field_value:params.gap_factor',
          description: 'params.gap_factor is set to 2',
          support: 1,
          counter: 0,
        },
      ],
      held: null,
      spec_id: 'CADENCE_EARLY_FIRST_PING_ROKU',
    }),
  );
  write(
    join(dir, 'evidence', 'packs', 'roku-cadence.json'),
    JSON.stringify(
      {
        id: 'roku-cadence',
        topic: 'Roku media ping cadence',
        created_at: '2026-11-01T09:00:00Z',
        kind: 'unknowns',
        queries: ['roku first ping cadence'],
        passages: [
          {
            url: ROKU_URL,
            title: 'Media Edge SDK for Roku',
            quote: ROKU_QUOTE,
            fetched_at: '2026-11-01T09:00:00Z',
            content_hash: 'sha256:1f2e',
            cached_ref: 'evidence/cache/roku-media.html',
            score: 0.91,
            heading: 'Ping interval',
            anchor_url: `${ROKU_URL}#ping-interval`,
          },
          {
            url: 'https://experienceleague.adobe.com/en/docs/media-analytics/using/implementation/streaming-media-apis/mc-api-overview',
            title: 'Media Collection API overview',
            quote:
              'Ping events should be sent every 10 seconds during content, and every 1 second during ads.',
            fetched_at: '2026-11-01T09:00:00Z',
            content_hash: 'sha256:9a9b',
            cached_ref: 'evidence/cache/mc-api.html',
            score: 0.7,
          },
        ],
      },
      null,
      2,
    ),
  );
  write(
    join(dir, 'constitution.yaml'),
    YAML.stringify({
      clauses: [
        {
          id: 'C1',
          text: 'Cadence rules follow the documented ping intervals of each SDK and cite them.',
          check: { checks: ['cadence.content_ping_gap', 'cadence.early_first_ping'] },
        },
        {
          id: 'C2',
          text: 'A playhead rule never fires across a seek.',
          check: { checks: ['playhead.decreasing'] },
        },
        {
          id: 'C3',
          text: 'Every spec has at least one passing and one failing fixture.',
          check: { kind: 'lint' },
        },
        {
          id: 'C4',
          text: 'Any relaxation of a default needs a citation.',
          check: { checks: ['*'], relaxation_needs_citation: true },
        },
      ],
    }),
  );

  const runDir = join(dir, 'out', 'run');
  const sessions = fixtureSessions();
  const findings = fixtureFindings();
  const summary = fixtureSummary(findings, sessions);
  const prevSessions = sessions.filter((s) => s.platform !== 'roku');
  const prevFindings = [
    ...findings.filter((f) => f.platform !== 'roku'),
    { ...findings[1], ts: '2026-11-19T14:00:40.000Z' },
  ];
  const prev = { ...fixtureSummary(prevFindings, prevSessions), generated_at: '2026-11-23T10:00:00.000Z' };
  prev.parse = { ...prev.parse, parse_success_rate: 0.75 };
  write(join(runDir, 'sessions.jsonl'), sessions.map((s) => JSON.stringify(s)).join('\n') + '\n');
  write(join(runDir, 'violations.jsonl'), findings.map((f) => JSON.stringify(f)).join('\n') + '\n');
  write(join(runDir, 'summary.json'), JSON.stringify(summary, null, 2));
  write(
    join(runDir, 'quarantine.jsonl'),
    fixtureQuarantine()
      .map((q) => JSON.stringify(q))
      .join('\n') + '\n',
  );
  write(join(runDir, 'summary.prev.json'), JSON.stringify(prev, null, 2));
  write(
    join(runDir, 'timelines.jsonl'),
    [heartbeatTimeline(), mcTimeline(), iosTimeline()].map((t) => JSON.stringify(t)).join('\n') + '\n',
  );
  const report: SpecTestReport = {
    generated_at: '2026-11-24T09:00:00.000Z',
    ok: false,
    specs: [
      {
        id: 'CADENCE_CONTENT_PING_GAP_DEFAULT',
        path: 'specs/cadence/CADENCE_CONTENT_PING_GAP_DEFAULT.yaml',
        lint: [],
        fixtures: [
          {
            file: 'tests/CADENCE_CONTENT_PING_GAP_DEFAULT/pass/steady.har',
            expect: 'pass',
            ok: true,
            codes: [],
          },
          {
            file: 'tests/CADENCE_CONTENT_PING_GAP_DEFAULT/fail/gap-25s.har',
            expect: 'fail',
            ok: true,
            codes: ['CADENCE_CONTENT_PING_GAP'],
          },
        ],
        ok: true,
      },
      {
        id: 'CADENCE_EARLY_FIRST_PING_ROKU',
        path: 'specs/cadence/CADENCE_EARLY_FIRST_PING_ROKU.yaml',
        lint: [],
        fixtures: [
          {
            file: 'tests/CADENCE_EARLY_FIRST_PING_ROKU/pass/fast-first.har',
            expect: 'pass',
            ok: true,
            codes: [],
          },
          {
            file: 'tests/CADENCE_EARLY_FIRST_PING_ROKU/fail/instant.har',
            expect: 'fail',
            ok: false,
            codes: [],
          },
        ],
        ok: false,
      },
    ],
    corpus: null,
  };
  write(join(runDir, 'spec-test.json'), JSON.stringify(report, null, 2));

  if (opts.git) {
    const g = (...args: string[]) =>
      execFileSync(
        'git',
        ['-C', dir, '-c', 'user.name=Spec Author', '-c', 'user.email=author@example.invalid', ...args],
        {
          stdio: 'ignore',
        },
      );
    g('init', '-q', '-b', 'main');
    g('add', 'specs', 'dictionary', 'evidence', 'constitution.yaml');
    g('commit', '-q', '--no-verify', '-m', 'Add the seed rule pack');
    const p = join(dir, 'specs', 'cadence', 'CADENCE_EARLY_FIRST_PING_ROKU.yaml');
    const roku = {
      ...specs[1],
      version: '1.0.1',
      rationale: `${String(specs[1].rationale)} Confirmed on Roku OS 12.`,
    };
    write(p, YAML.stringify(roku));
    g('add', 'specs');
    g('commit', '-q', '--no-verify', '-m', 'Roku first ping: confirm on Roku OS 12');
  }
  return { root: dir, runDir };
}
