import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingsCsv } from './csv.js';
import { search } from './search.js';
import { buildSummary } from '../validate/report.js';
import { tallySessions } from '../validate/session-tally.js';
import {
  assembleSiteData,
  capturePath,
  computeInbox,
  computeMatrix,
  reproduceCommand,
  siteSearchIndex,
  writeSiteData,
} from './site-data.js';
import {
  fixtureFindings,
  fixtureSessions,
  fixtureSummary,
  heartbeatTimeline,
  LONG_PARAM,
  mcTimeline,
  ROKU_QUOTE,
  writeFixtureRepo,
} from './testing/site-fixtures.js';
import { SiteData, type SiteTimeline } from './site-schema.js';
import { timelineGeometry } from './timeline.js';

let dir: string;
let data: SiteData;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'goblin-site-data-'));
  const { root, runDir } = writeFixtureRepo(dir, { git: true });
  data = assembleSiteData({ root, runDir, now: new Date('2026-11-24T12:00:00Z') });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = (id: string) => data.specs.find((s) => s.id === id)!;

describe('assembleSiteData', () => {
  it('produces a document that validates against the SiteData schema', () => {
    expect(SiteData.safeParse(data).success).toBe(true);
    expect(data.problems).toEqual([]);
    expect(data.run).toMatchObject({ dir: 'out/run', found: true, has_prev: true, inbox_source: 'computed' });
    expect(data.repo.branch).toBe('main');
    expect(data.repo.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('renders every spec with scope, fixtures and their last results, citations tied to evidence, clauses and params', () => {
    expect(data.specs.map((s) => s.id)).toEqual([
      'CADENCE_CONTENT_PING_GAP_DEFAULT',
      'CADENCE_EARLY_FIRST_PING_DEFAULT',
      'CADENCE_EARLY_FIRST_PING_ROKU',
      'ORCH_AA_START_HEARTBEAT',
      'PARAMS_REQUIRED_MC_SESSIONSTART',
      'PLAYHEAD_DECREASING_MAIN',
    ]);
    const roku = spec('CADENCE_EARLY_FIRST_PING_ROKU');
    expect(roku.scope).toEqual({
      platform: ['roku'],
      protocol: ['media-collection', 'media-edge'],
      version: '>=2.0.0',
    });
    expect(roku.version).toBe('1.0.1');
    expect(roku.fixtures).toEqual([
      {
        file: 'tests/CADENCE_EARLY_FIRST_PING_ROKU/pass/fast-first.har',
        expect: 'pass',
        ok: true,
        codes: [],
      },
      { file: 'tests/CADENCE_EARLY_FIRST_PING_ROKU/fail/instant.har', expect: 'fail', ok: false, codes: [] },
    ]);
    expect(roku.citations[0].quote).toBe(ROKU_QUOTE);
    expect(roku.citations[0].evidence).toEqual([{ pack: 'roku-cadence', passage: 0 }]);
    expect(roku.clauses).toEqual(['C1', 'C4']);
    expect(spec('PLAYHEAD_DECREASING_MAIN').clauses).toEqual(['C2', 'C4']);
    expect(spec('ORCH_AA_START_HEARTBEAT').clauses).toEqual(['C4']); // '*' = every check
    expect(data.constitution.find((c) => c.id === 'C3')!.specs).toEqual([]);
    // fixtures with no spec-test result are "not run"
    expect(spec('CADENCE_EARLY_FIRST_PING_DEFAULT').fixtures).toEqual([]);
    // params named by requires / assertion params link to dictionary entries of the spec's SDK
    expect(spec('PARAMS_REQUIRED_MC_SESSIONSTART').params).toEqual([
      `edge--${LONG_PARAM}`, // only the edge dictionary has it: falls back to other SDKs
      'hb-api--media.id',
      'hb-api--media.length',
    ]);
    expect(spec('PLAYHEAD_DECREASING_MAIN').params).toEqual(['heartbeat--l-event-playhead']);
    // run statistics
    expect(spec('CADENCE_CONTENT_PING_GAP_DEFAULT').hits).toBe(1);
    expect(spec('CADENCE_CONTENT_PING_GAP_DEFAULT').verdicts).toEqual({ PASS: 2, VIOLATION: 1, ABSTAIN: 1 });
  });

  it("reads each spec's git history with one git log, newest first", () => {
    const h = spec('CADENCE_EARLY_FIRST_PING_ROKU').history;
    expect(h.map((x) => x.subject)).toEqual([
      'Roku first ping: confirm on Roku OS 12',
      'Add the seed rule pack',
    ]);
    expect(h[0].author).toBe('Spec Author');
    expect(spec('PLAYHEAD_DECREASING_MAIN').history).toHaveLength(1);
  });

  it('builds dictionary pages with slugs safe for URLs and the specs that use each parameter', () => {
    const ph = data.dictionary.find((d) => d.param === 'l:event:playhead')!;
    expect(ph.slug).toBe('heartbeat--l-event-playhead');
    expect(ph.aliases).toEqual(['playhead', 'a.media.playhead']);
    expect(ph.used_by).toEqual(['PLAYHEAD_DECREASING_MAIN']);
    expect(ph.presence.start['>=2.0.0']).toBe('required');
    const long = data.dictionary.find((d) => d.param === LONG_PARAM)!;
    expect(long.slug).toBe(`edge--${LONG_PARAM}`);
    expect(long.used_by).toEqual(['PARAMS_REQUIRED_MC_SESSIONSTART']);
    // a name present in the spec's own SDK does not link other SDKs' entries
    expect(data.dictionary.find((d) => d.param === 'media.id')!.used_by).toEqual([
      'PARAMS_REQUIRED_MC_SESSIONSTART',
    ]);
  });

  it('lists every catalogue code with its emitting specs and recent findings', () => {
    expect(data.codes).toHaveLength(30);
    const gap = data.codes.find((c) => c.code === 'CADENCE_CONTENT_PING_GAP')!;
    expect(gap.specs).toEqual(['CADENCE_CONTENT_PING_GAP_DEFAULT']);
    expect(gap.count).toBe(1);
    expect(data.findings[gap.examples[0]].session).toBe('mc-sess-2');
    const early = data.codes.find((c) => c.code === 'CADENCE_EARLY_FIRST_PING')!;
    expect(early.specs).toEqual(['CADENCE_EARLY_FIRST_PING_DEFAULT', 'CADENCE_EARLY_FIRST_PING_ROKU']);
    expect(early.count).toBe(0);
  });

  it('computes the platform × version matrix and what changed since the previous run', () => {
    expect(data.matrix.families).toEqual(['cadence', 'playhead', 'orchestration']);
    const ios = data.matrix.rows.find((r) => r.platform === 'ios')!;
    expect(ios).toEqual({
      platform: 'ios',
      sdk: 'heartbeat',
      version: '2.3.0',
      sessions: 1,
      findings: 2,
      by_family: { playhead: 1, orchestration: 1 },
    });
    expect(data.summary!.coverage).toBeCloseTo(0.8);
    expect(data.changes!.coverage).toEqual({ before: 0.75, after: 0.8 });
    expect(data.changes!.new_versions).toEqual(['roku|hb-api|2.0.1']);
    expect(data.changes!.codes).toEqual([
      { code: 'CADENCE_CONTENT_PING_GAP', before: 0, after: 1 },
      { code: 'PLAYHEAD_DECREASING', before: 2, after: 1 },
    ]);
  });

  it('ranks the inbox by uncertainty, impact and novelty with a reproduce command', () => {
    expect(data.inbox.map((x) => x.session)).toEqual(['hb-sess-4', 'mc-sess-2', 'edge-sess-3']);
    const abstain = data.inbox.find((x) => x.session === 'edge-sess-3')!;
    expect(abstain.uncertainty).toBeGreaterThan(0.8);
    expect(abstain.reasons).toContain('2 of 2 rules abstained');
    const roku = data.inbox.find((x) => x.session === 'mc-sess-2')!;
    expect(roku.reasons).toContain('new version roku|hb-api|2.0.1 (not in the previous run)');
    expect(roku.command).toBe(
      `npx goblin run examples/hars/roku/mc-roku.har --out out/repro && grep -F '"session":"mc-sess-2"' out/repro/sessions.jsonl out/repro/violations.jsonl`,
    );
    // the clean PASS session is not in the inbox
    expect(data.inbox.some((x) => x.session === 'hb-sess-1')).toBe(false);
  });

  it('orders sessions by interest and embeds timelines only for the most interesting ones', () => {
    expect(data.sessions[0].session).toBe('hb-sess-4');
    expect(data.timelines.map((t) => t.session)).toEqual(['hb-sess-4', 'mc-sess-2', 'hb-sess-1']);
    const capped = assembleSiteData({ root: dir, runDir: join(dir, 'out/run'), timelineCap: 1, git: false });
    expect(capped.timelines.map((t) => t.session)).toEqual(['hb-sess-4']);
    expect(capped.sessions.filter((s) => s.has_timeline)).toHaveLength(1);
    expect(capped.limits).toMatchObject({ timelines: 1, timelines_total: 3, sessions_total: 5 });
    expect(capped.specs[0].history).toEqual([]);
  });

  it('prefers the triage stage inbox.jsonl when the run has one', () => {
    const run = join(dir, 'out/run');
    writeFileSync(
      join(run, 'inbox.jsonl'),
      [
        {
          har: 'web/hb-bunny.har',
          session: 'hb-sess-1',
          score: 0.2,
          uncertainty: 0.1,
          impact: 0,
          novelty: 0.5,
          reasons: ['first heartbeat 2.2.1'],
        },
        {
          har: 'android/edge-app.har',
          session: 'edge-sess-3',
          score: 0.9,
          uncertainty: 1,
          impact: 0,
          novelty: 1,
          reasons: ['all rules abstained'],
        },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    try {
      const d = assembleSiteData({ root: dir, runDir: run, git: false });
      expect(d.run.inbox_source).toBe('triage');
      expect(d.inbox.map((x) => [x.session, x.score])).toEqual([
        ['edge-sess-3', 0.9],
        ['hb-sess-1', 0.2],
      ]);
      expect(d.sessions[0].session).toBe('edge-sess-3');
    } finally {
      rmSync(join(run, 'inbox.jsonl'));
    }
  });

  it('reports bad run lines as problems instead of failing, and builds without any run', () => {
    const run = join(dir, 'out/run');
    appendFileSync(join(run, 'violations.jsonl'), '{"har": 1}\nnot json\n');
    const d = assembleSiteData({ root: dir, runDir: run, git: false });
    expect(d.findings).toHaveLength(3);
    expect(d.problems.map((p) => p.path)).toEqual([
      'out/run/violations.jsonl:4',
      'out/run/violations.jsonl:5',
    ]);
    const empty = assembleSiteData({ root: dir, runDir: join(dir, 'nowhere'), git: false });
    expect(empty.run.found).toBe(false);
    expect(empty.summary).toBeNull();
    expect(empty.specs).toHaveLength(6);
    expect(empty.inbox).toEqual([]);
    const bare = mkdtempSync(join(tmpdir(), 'goblin-site-bare-'));
    try {
      const nothing = assembleSiteData({ root: bare, runDir: 'out/run' });
      expect(nothing.specs).toEqual([]);
      expect(nothing.evidence).toEqual([]);
      expect(nothing.constitution).toEqual([]);
      expect(nothing.repo.commit).toBeNull();
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('writes site-data.json and a search index next to it', () => {
    const out = join(dir, 'gen');
    const paths = writeSiteData(data, out);
    expect(paths.data.endsWith('site-data.json')).toBe(true);
    expect(paths.index.endsWith('search-index.json')).toBe(true);
  });
});

describe('search index', () => {
  it('"roku cadence first ping" finds the Roku first-ping spec first and the Roku evidence snippet', () => {
    const index = siteSearchIndex(data);
    const hits = search(index, 'roku cadence first ping');
    expect(hits[0].url).toBe('/specs/CADENCE_EARLY_FIRST_PING_ROKU/');
    const ev = hits.findIndex((h) => h.kind === 'evidence' && h.snippet === ROKU_QUOTE);
    expect(ev).toBeGreaterThan(0);
    expect(ev).toBeLessThan(5);
  });

  it('matches dictionary parameters by alias and prefixes while typing', () => {
    const index = siteSearchIndex(data);
    expect(search(index, 'a.media.playhead')[0].url).toBe('/dictionary/heartbeat--l-event-playhead/');
    expect(search(index, 'PLAYHEAD_DECREAS')[0].title).toMatch(/PLAYHEAD_DECREASING/);
    expect(search(index, 'the of')).toEqual([]);
  });
});

describe('timeline geometry', () => {
  const asSite = (t: ReturnType<typeof heartbeatTimeline>): SiteTimeline => ({
    ...t,
    slug: 'x',
    truncated: false,
  });

  it('draws the heartbeat session: 10 s pings as ticks, the ad break and the pause as bands', () => {
    const g = timelineGeometry(asSite(heartbeatTimeline()));
    expect(g.bands.map((b) => [b.kind, b.t0, b.t1])).toEqual([
      ['ad', 30.5, 45.2],
      ['pause', 81, 95],
    ]);
    const t = heartbeatTimeline();
    const pings = t.events.filter((e) => ['play', 'pause'].includes(e.type));
    expect(g.counts.pings).toBe(pings.length);
    expect(g.ticks.filter((k) => k.ad)).toHaveLength(4);
    expect(g.violations).toEqual([]);
    expect(g.line.split(' ').length).toBe(
      t.events.filter((e) => e.asset_type !== 'ad' && e.playhead_s !== null).length,
    );
  });

  it('marks the MC cadence violation and counts only `ping` events as pings', () => {
    const g = timelineGeometry(asSite(mcTimeline()));
    expect(g.violations.map((v) => v.codes)).toEqual([['CADENCE_CONTENT_PING_GAP']]);
    expect(g.counts.pings).toBe(7);
    expect(g.bands.map((b) => [b.kind, b.t0, b.t1])).toEqual([['pause', 35, 40]]);
    expect(
      g.points.every((p) => p.x >= g.plot.x0 && p.x <= g.plot.x1 && p.y >= g.plot.y0 && p.y <= g.plot.y1),
    ).toBe(true);
  });
});

describe('computeInbox and CSV', () => {
  const reproduce = (har: string, session: string) => reproduceCommand(`examples/hars/${har}`, session);
  it('scores nothing when every session passed everything on known versions', () => {
    const clean = fixtureSessions().filter((s) => s.verdict === 'PASS');
    const prev = fixtureSummary([], clean);
    expect(computeInbox(clean, [], prev, reproduce)).toEqual([]);
    // without a previous run, a version seen in a single session is mildly novel
    const first = computeInbox(clean, [], null, reproduce);
    expect(first.map((x) => [x.session, x.novelty, x.reasons])).toEqual([
      ['hb-sess-1', 0.3, ['only session of web|heartbeat|2.2.1 in this run']],
      ['page:web:1', 0.3, ['only session of web|aa|2.26.0 in this run']],
    ]);
  });

  it('quotes CSV fields and defuses spreadsheet formulas', () => {
    const f = { ...fixtureFindings()[0], message: 'a "quoted", value', expected: '=1+1', session_slug: 'x' };
    const csv = findingsCsv([f]);
    const [header, row] = csv.trim().split('\r\n');
    expect(header.split(',')[1]).toBe('code');
    expect(row).toContain('"a ""quoted"", value"');
    expect(row).toContain(",'=1+1,");
  });
});

describe('quarantine, attribution and reproduce paths', () => {
  it('names every quarantined file and entry of the run, in path order', () => {
    expect(data.quarantine.total).toBe(2);
    expect(data.quarantine.by_reason).toEqual({ 'invalid-json': 1, 'undecodable-beacon': 1 });
    expect(data.quarantine.rows.map((q) => [q.path, q.entry_index, q.reason, q.detail])).toEqual([
      [
        'roku/mc-roku.har',
        17,
        'undecodable-beacon',
        'media-collection: Media Collection call without a JSON body',
      ],
      [
        'web/uploads/session-export-partial.har',
        null,
        'invalid-json',
        'Unterminated string in JSON at position 3000',
      ],
    ]);
  });

  it('counts a virtual-version session and its findings under the same vv-… version', () => {
    const [base] = fixtureSessions().filter((s) => s.session === 'mc-sess-2');
    const vv = {
      ...base,
      har: 'web/x.har',
      session: 'vv-sess',
      sdk_version: null,
      virtual_version: 'vv-d650e52395',
    };
    const f = {
      ...fixtureFindings().find((x) => x.session === 'mc-sess-2')!,
      har: 'web/x.har',
      session: 'vv-sess',
      sdk_version: null,
    };
    const m = computeMatrix([vv], [f], null);
    expect(m.rows).toEqual([
      {
        platform: vv.platform,
        sdk: vv.sdk,
        version: 'vv-d650e52395',
        sessions: 1,
        findings: 1,
        by_family: { cadence: 1 },
      },
    ]);
    const summary = buildSummary('x', fixtureSummary([], []).parse, [f], tallySessions([vv]), 1, null);
    expect(Object.keys(summary.by_platform_version)).toEqual([`${vv.platform}|${vv.sdk}|vv-d650e52395`]);
  });

  it('maps a capture back to the path goblin run reads: single files, zip members, several folders', () => {
    const roots = [
      { arg: 'drops/a', kind: 'dir' as const, path: 'drops/a', rel: null },
      { arg: 'drops/b', kind: 'dir' as const, path: 'drops/b', rel: null },
      { arg: 'x/one.har', kind: 'file' as const, path: 'x/one.har', rel: 'one.har' },
      { arg: 'y/bundle.zip', kind: 'file' as const, path: 'y/bundle.zip', rel: 'bundle.zip' },
    ];
    expect(capturePath(roots, null, 'one.har')).toBe('x/one.har');
    expect(capturePath(roots, null, 'bundle.zip!/cap-1.har')).toBe('y/bundle.zip!/cap-1.har');
    expect(capturePath(roots, null, 'web/c.har', (p) => p === 'drops/b/web/c.har')).toBe('drops/b/web/c.har');
    expect(capturePath(roots, null, 'web/c.har')).toBe('drops/a/web/c.har');
    // runs written before summary.inputs existed: one argument
    expect(capturePath(undefined, 'examples/hars/roku/mc-roku.har', 'mc-roku.har')).toBe(
      'examples/hars/roku/mc-roku.har',
    );
    expect(capturePath(undefined, 'examples/hars', 'bundles/b.zip!/c.har')).toBe(
      'examples/hars/bundles/b.zip!/c.har',
    );
  });
});
