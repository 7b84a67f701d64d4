import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { processFile } from '../ingest/process-file.js';
import { fileContext, validateFiles } from './files.js';
import { buildPack, decide, loadRulePack } from './pack.js';
import { validateCapture } from './validate.js';
import { UNCHECKED_REASON } from '../session/build.js';
import {
  aaMediaStart,
  entry,
  harDoc,
  hb,
  hbStart,
  mc,
  MC_SID,
  MC_START_PARAMS,
  pageView,
  type RawEntry,
} from './testing/index.js';

const root = resolve(import.meta.dirname, '../..');
const pack = loadRulePack(join(root, 'specs'), root);
const cfg = GoblinConfig.parse({});
const dir = mkdtempSync(join(tmpdir(), 'goblin-val-'));
let n = 0;

function validate(entries: RawEntry[], problems: string[] = []) {
  const f = join(dir, `c${n++}.har`);
  writeFileSync(f, harDoc(entries));
  const r = validateFiles([f], pack, cfg, root);
  expect(r.problems.map((p) => p.replace(/^c\d+\.har: /, ''))).toEqual(problems);
  return { ...r, codes: [...new Set(r.findings.map((x) => x.code))].sort() };
}

const pings = (
  from: number,
  to: number,
  step: number,
  ph0: number,
  type = 'play',
  asset: 'main' | 'ad' = 'main',
) => {
  const out: RawEntry[] = [];
  for (let t = from, ph = ph0; t <= to; t += step, ph += type === 'play' ? step / 1000 : 0)
    out.push(hb(t, type, Math.floor(ph), { asset }));
  return out;
};
const close = (at: number, ph: number) => [hb(at, 'complete', ph), hb(at + 100, 'end', ph)];

describe('legacy heartbeat sessions', () => {
  it('a realistic clean session passes: ad break at 1 s, pause pings, a seek, a flush before pause', () => {
    const e: RawEntry[] = [
      pageView(-2000),
      ...hbStart(0),
      // preroll: ad start (AA msa_s + HB start ad + aa_ad_start), ad heartbeats every second, ad complete
      aaMediaStart(600, { pe: 'msa_s' }),
      hb(700, 'start', 0, { asset: 'ad', extra: '&s:asset:ad_id=9378&l:asset:ad_length=5' }),
      hb(800, 'aa_ad_start', 0, { asset: 'ad' }),
      ...[1, 2, 3, 4, 5].map((i) => hb(800 + i * 1000, 'play', i, { asset: 'ad' })),
      hb(5900, 'complete', 5, { asset: 'ad' }),
      // main content: play every 10 s
      ...pings(6000, 36000, 10000, 0),
      // flush of play 3 s into the quantum, then pause; pause heartbeats keep the playhead
      hb(39000, 'play', 33),
      hb(39200, 'pause', 33),
      hb(49200, 'pause', 33),
      // seek backwards while paused, then play resumes from the new playhead
      hb(52000, 'play', 10),
      ...pings(62000, 92000, 10000, 20),
      ...close(95000, 50),
      entry(140000, 'GET', 'https://cdn.acme.com/app.js', { status: 200 }),
    ];
    const r = validate(e);
    expect(r.findings.map((f) => `${f.code}: ${f.message}`)).toEqual([]);
    const s = r.sessions.find((x) => x.session === '1527464150037459529420')!;
    expect(s).toMatchObject({
      kind: 'media',
      protocol: 'heartbeat',
      platform: 'web',
      sdk_version: '2.2.2.230',
      sdk_version_raw: 'js-2.2.2.230-96e624',
      verdict: 'PASS',
    });
    expect(s.rules.CADENCE_AD_PING_GAP_HB).toBe('PASS');
    expect(s.conformance).toBe(1);
  });

  it('flags a 35 s content ping gap and nothing else', () => {
    const r = validate([
      ...hbStart(0),
      ...pings(10400, 40400, 10000, 10),
      ...pings(75400, 95400, 10000, 75),
      ...close(96000, 96),
    ]);
    expect(r.codes).toEqual(['CADENCE_CONTENT_PING_GAP']);
    expect(r.findings[0]).toMatchObject({
      spec: 'CADENCE_CONTENT_PING_GAP',
      observed: '35.0 s',
      expected: '≤ 15.0 s',
      har: expect.stringMatching(/\.har$/),
    });
  });

  it('uses beacon timestamps, not capture times, when a proxy delivers late in bursts', () => {
    // Beacons sent every 10 s but captured in two bursts 1 ms apart.
    const e = [...hbStart(0)];
    for (let i = 1; i <= 6; i++)
      e.push(hb(i <= 3 ? 31000 + i : 61000 + i, 'play', i * 10, { beaconAt: 400 + i * 10000 }));
    e.push(...close(70000, 60));
    expect(validate(e).codes).toEqual([]);
  });

  it('reports a backwards playhead without a seek, but not a seek or a midnight wrap of a live stream', () => {
    expect(
      validate([...hbStart(0), ...pings(10400, 30400, 10000, 10), hb(40400, 'play', 5), ...close(41000, 6)])
        .codes,
    ).toEqual(['PLAYHEAD_DECREASING']);
    const live = [
      aaMediaStart(0),
      hb(100, 'start', 86380),
      hb(200, 'aa_start', 86380),
      hb(400, 'play', 86380),
      hb(10400, 'play', 86390),
      hb(20400, 'play', 0),
      hb(30400, 'play', 10),
      ...close(31000, 11),
    ].map((x) => {
      x.request.url = x.request.url
        .replace('s:stream:type=vod', 's:stream:type=live')
        .replace('l:asset:length=1200', 'l:asset:length=86400');
      return x;
    });
    expect(validate(live).codes).toEqual([]);
  });

  it('abstains on "not closed" when the capture is cut off, and fires when the capture goes on', () => {
    const open = [...hbStart(0), ...pings(10400, 40400, 10000, 10)];
    const cut = validate([...open, entry(50000, 'GET', 'https://cdn.acme.com/x.js', { status: 200 })]);
    expect(cut.codes).toEqual([]);
    expect(cut.sessions.find((s) => s.kind === 'media')!.rules.SESSION_NOT_CLOSED).toBe('ABSTAIN');
    expect(
      validate([...open, entry(90000, 'GET', 'https://cdn.acme.com/x.js', { status: 200 })]).codes,
    ).toEqual(['SESSION_NOT_CLOSED']);
  });

  it('requires the AA media-start hit and aa_start around the main start', () => {
    const r = validate([
      pageView(-3000),
      hb(100, 'start', 0),
      hb(200, 'aa_start', 0),
      hb(400, 'play', 0),
      ...pings(10400, 20400, 10000, 10),
      ...close(21000, 21),
    ]);
    expect(r.codes).toEqual(['ORCH_MISSING_AA_START']);
    expect(r.findings[0].message).toContain('pe=ms_s');
  });

  it('abstains on orchestration when the capture holds no Analytics traffic at all (a heartbeat-only excerpt)', () => {
    const r = validate([
      hb(100, 'start', 0),
      hb(200, 'aa_start', 0),
      hb(400, 'play', 0),
      ...pings(10400, 20400, 10000, 10),
      ...close(21000, 21),
    ]);
    expect(r.codes).toEqual([]);
    const s = r.sessions.find((x) => x.kind === 'media')!;
    expect(s.rules.ORCH_MISSING_AA_START).toBe('ABSTAIN');
    expect(s.abstained?.ORCH_MISSING_AA_START).toMatch(/capture holds no Analytics/);
  });

  it('withholds a content-gap finding across a quarantined entry, and keeps one elsewhere in the session', () => {
    const broken = { ...hb(30400, 'play', 30), request: { method: 'GET' } } as unknown as RawEntry;
    const quarantined = ['malformed-entry request has no url'];
    const across = validate(
      [
        ...hbStart(0),
        ...pings(10400, 20400, 10000, 10),
        broken,
        ...pings(45400, 55400, 10000, 45),
        ...close(56000, 56),
      ],
      quarantined,
    );
    expect(across.codes).toEqual([]);
    const s = across.sessions.find((x) => x.kind === 'media')!;
    expect(s.rules.CADENCE_CONTENT_PING_GAP).toBe('ABSTAIN');
    expect(s.abstained?.CADENCE_CONTENT_PING_GAP).toMatch(/entry 6 .*quarantined inside the window/);
    // A second gap away from the hole is still a finding: only the window across the hole is withheld.
    const both = validate(
      [
        ...hbStart(0),
        ...pings(10400, 20400, 10000, 10),
        broken,
        ...pings(45400, 55400, 10000, 45),
        ...pings(90400, 100400, 10000, 90),
        ...close(101000, 101),
      ],
      quarantined,
    );
    expect(both.findings.filter((f) => f.code === 'CADENCE_CONTENT_PING_GAP').map((f) => f.observed)).toEqual(
      ['35.0 s'],
    );
  });

  it('does not count the pccr=true retry as a duplicate, but flags an identical re-send', () => {
    const retry = validate([pageView(0), pageView(300, '&pccr=true')]);
    expect(retry.codes).toEqual([]);
    const dup = pageView(0);
    const again = JSON.parse(JSON.stringify(dup)) as RawEntry;
    again.startedDateTime = new Date(Date.parse(dup.startedDateTime) + 400).toISOString();
    again.request.url = again.request.url.replace('/s64512980?', '/s99999?');
    expect(validate([dup, again]).codes).toEqual(['EVENT_DUPLICATE']);
  });

  it('flags a truncated GET, a wrong-case parameter and a bad report suite on page hits', () => {
    const t = pageView(0);
    t.request.url = t.request.url.replace('&AQE=1', '');
    expect(validate([t]).codes).toEqual(['BEACON_TRUNCATED']);
    expect(validate([pageView(0, '&pagename=Home')]).codes).toEqual(['PARAM_NAME_INVALID']);
    const bad = pageView(0);
    bad.request.url = bad.request.url.replace('/b/ss/acmeprod/', '/b/ss/Acme%20Prod!/');
    expect(validate([bad]).codes).toEqual(['RSID_INVALID']);
  });
});

describe('Media Collection sessions', () => {
  const clean = (): RawEntry[] => [
    mc(0, 'sessionStart', 0, MC_START_PARAMS),
    mc(100, 'adBreakStart', 0, { 'media.ad.podIndex': 0, 'media.ad.podSecond': 0 }),
    mc(200, 'adStart', 0, {
      'media.ad.id': 'ad-1',
      'media.ad.length': 15,
      'media.ad.podPosition': 1,
      'media.ad.playerName': 'HTML5',
    }),
    mc(300, 'play', 0),
    mc(10300, 'ping', 0),
    mc(15200, 'adComplete', 0),
    mc(15300, 'adBreakComplete', 0),
    mc(15400, 'play', 0),
    mc(25400, 'ping', 10),
    mc(35400, 'ping', 20),
    mc(36000, 'pauseStart', 20.6),
    mc(46000, 'ping', 20.6),
    mc(50000, 'play', 20.6),
    mc(60000, 'ping', 30.6),
    mc(61000, 'sessionComplete', 31.6),
    mc(61001, 'sessionEnd', 31.6),
  ];

  it('a clean session with a preroll, pause pings and bookends passes', () => {
    const r = validate(clean());
    expect(r.findings.map((f) => `${f.code}: ${f.message}`)).toEqual([]);
    expect(r.sessions[0]).toMatchObject({
      session: MC_SID,
      protocol: 'media-collection',
      sdk: 'hb-api',
      verdict: 'PASS',
    });
  });

  it('an ad outside a break yields AD_OUTSIDE_BREAK only', () => {
    const e = clean().filter((x) => !/adBreak/.test(x.request.postData!.text));
    expect(validate(e).codes).toEqual(['AD_OUTSIDE_BREAK']);
  });

  it('types, rejections and hosts', () => {
    const typed = clean();
    typed[0] = mc(0, 'sessionStart', 0, { ...MC_START_PARAMS, 'media.length': '1330' });
    expect(validate(typed).codes).toEqual(['PARAM_TYPE_MISMATCH']);
    const rejected = clean();
    rejected[9] = mc(35400, 'ping', 20, undefined, { status: 404 });
    expect(validate(rejected).codes).toEqual(['BEACON_REJECTED']);
    const host = clean().map(
      (x) => ((x.request.url = x.request.url.replace('hb-api.omtrdc.net', 'hb.omtrdc.net')), x),
    );
    expect(validate(host).codes).toEqual(['HOST_UNEXPECTED']);
  });

  it('client-side AA media starts during an MC session are flagged', () => {
    expect(validate([aaMediaStart(50, { vsid: '' }), ...clean()]).codes).toEqual([
      'ORCH_UNEXPECTED_CLIENT_AA_MEDIA',
    ]);
  });
});

describe('precedence', () => {
  it('the narrowest in-scope spec decides, and explains why', () => {
    const hbView = {
      platform: 'web',
      sdk: 'heartbeat' as const,
      protocol: 'heartbeat' as const,
      sdk_version: 'js-2.2.2.230-96e624',
      virtual_version: null,
    };
    const d = decide(pack, hbView).find((x) => x.checkId === 'cadence.ad_ping_gap')!;
    expect(d.winner!.spec.spec.id).toBe('CADENCE_AD_PING_GAP_HB');
    const roku = decide(pack, { ...hbView, platform: 'roku' }).find(
      (x) => x.checkId === 'cadence.early_first_ping',
    )!;
    expect(roku.winner!.spec.spec.id).toBe('CADENCE_EARLY_FIRST_PING_ROKU');
    expect(roku.reason).toMatch(
      /CADENCE_EARLY_FIRST_PING_ROKU .* is narrower than CADENCE_EARLY_FIRST_PING_HB/,
    );
    const mcView = {
      ...hbView,
      sdk: 'hb-api' as const,
      protocol: 'media-collection' as const,
      sdk_version: 'js-3.1.0',
    };
    expect(decide(pack, mcView).find((x) => x.checkId === 'cadence.ad_ping_gap')!.winner!.spec.spec.id).toBe(
      'CADENCE_AD_PING_GAP',
    );
  });
  it('sessions of one scope share a decision; another library version is decided afresh', () => {
    // AppMeasurement 1.x predates the ECID service: the web ECID spec is scoped to >= 2.0.0.
    const web = {
      platform: 'web',
      sdk: 'aa' as const,
      protocol: 'aa' as const,
      virtual_version: null,
    };
    const ecid = (v: string) =>
      decide(pack, { ...web, sdk_version: v }).find((x) => x.checkId === 'identity.missing_ecid')!;
    const modern = ecid('2.23.0');
    expect(modern.winner!.spec.spec.id).toBe('IDENTITY_MISSING_ECID_AA_WEB');
    expect(decide(pack, { ...web, sdk_version: '2.23.0' })).toBe(
      decide(pack, { ...web, sdk_version: '2.23.0' }),
    );
    const legacy = ecid('1.4.0');
    expect(legacy.winner).toBeNull();
    expect(legacy.candidates.find((c) => c.spec === 'IDENTITY_MISSING_ECID_AA_WEB')!.why).toMatch(/1\.4\.0/);
    expect(ecid('2.23.0')).toBe(modern);
  });
  it('a scope asked again after many others gets the same decisions; any one field changed, its own', () => {
    const view = {
      platform: 'android',
      sdk: 'edge' as const,
      protocol: 'media-edge' as const,
      sdk_version: '5.0.1',
      virtual_version: null,
    };
    const first = decide(pack, view);
    // more scopes in between than the few compared field by field: the keyed cache still answers
    for (let i = 0; i < 12; i++) decide(pack, { ...view, sdk_version: `5.0.${i + 2}` });
    expect(decide(pack, { ...view })).toBe(first);
    for (const change of [
      { platform: 'ios' },
      { sdk: 'aa' as const },
      { protocol: 'media-collection' as const },
      { sdk_version: '5.0.0' },
      { virtual_version: 'v1' },
    ])
      expect(decide(pack, { ...view, ...change })).not.toBe(first);
    expect(decide(pack, view)).toBe(first);
  });
});

describe('a pack with two specs of one id (reported by the loader, validated anyway)', () => {
  it('the spec deciding the id’s last check gives the rule its weight, whatever the other says', () => {
    // SESSION_START_MISSING decides bookends.session_start_missing, sorted before the cadence check
    const start = pack.specs.find((x) => x.spec.id === 'SESSION_START_MISSING')!;
    const twin = (severity: 'error' | 'warning') =>
      buildPack([
        ...pack.specs.filter((x) => x !== start),
        { ...start, spec: { ...start.spec, id: 'CADENCE_CONTENT_PING_GAP', severity } },
      ]);
    const f = join(dir, `c${n++}.har`);
    const gap = [...hbStart(0), ...pings(10400, 40400, 10000, 10), ...pings(75400, 95400, 10000, 75)];
    writeFileSync(f, harDoc([...gap, ...close(96000, 96)]));
    const row = (p: ReturnType<typeof buildPack>) =>
      validateFiles([f], p, cfg, root).sessions.find((x) => x.kind === 'media')!;
    const [asError, asWarning] = [row(twin('error')), row(twin('warning'))];
    expect(asError.rules.CADENCE_CONTENT_PING_GAP).toBe('VIOLATION');
    expect(asError.conformance).toBeLessThan(1);
    expect(asWarning.conformance).toBe(asError.conformance);
  });
});

describe('sessions the capture cannot show', () => {
  /** A POST whose body the exporter dropped (`text: ""` although Content-Length says 75 bytes). */
  const omitted = (at: number, url: string, status = 204) => {
    const e = entry(at, 'POST', url, { status });
    e.request.headers.push({ name: 'Content-Length', value: '75' });
    e.request.postData = { mimeType: 'application/json', text: '' };
    return e;
  };

  it('every rule abstains with the capture’s reason, before any protocol reason', () => {
    // RSID_INVALID widened to every protocol: its check cannot judge Media Edge, yet a Media Edge session
    // whose bodies are gone abstains for the missing bodies first (as judgeSession orders its gates).
    const rsid = pack.specs.find((x) => x.spec.id === 'RSID_INVALID')!;
    const wide = buildPack([
      ...pack.specs.filter((x) => x !== rsid),
      { ...rsid, spec: { ...rsid.spec, scope: {} } },
    ]);
    const va = (a: string) => `https://edge.adobedc.net/ee/or2/va/v1/${a}?configId=ds`;
    const f = join(dir, `c${n++}.har`);
    writeFileSync(f, harDoc([omitted(0, va('play')), omitted(10_000, va('ping'))]));
    const st = statSync(f);
    const [p] = processFile({ abs: f, rel: 'u.har', size: st.size, mtimeMs: st.mtimeMs }, fileContext(cfg));
    const [row] = validateCapture(p.capture!, wide, { cnames: cfg.hosts.cname_allowlist }).sessions;
    expect(row).toMatchObject({
      protocol: 'media-edge',
      verdict: 'ABSTAIN',
      unchecked: UNCHECKED_REASON.omitted,
    });
    expect(row.rules.RSID_INVALID).toBe('ABSTAIN');
    expect(Object.keys(row.abstained!)).toEqual(Object.keys(row.rules));
    expect(new Set(Object.values(row.abstained!))).toEqual(new Set([UNCHECKED_REASON.omitted]));
  });
});

describe('timelines', () => {
  it('an event shows the codes found on it; the other events show none', () => {
    const f = join(dir, `c${n++}.har`);
    writeFileSync(
      f,
      harDoc([
        ...hbStart(0),
        ...pings(10400, 40400, 10000, 10),
        ...pings(75400, 95400, 10000, 75),
        ...close(96000, 96),
      ]),
    );
    const st = statSync(f);
    const [p] = processFile({ abs: f, rel: 't.har', size: st.size, mtimeMs: st.mtimeMs }, fileContext(cfg));
    const r = validateCapture(p.capture!, pack, { cnames: cfg.hosts.cname_allowlist });
    const media = r.timelines.find((t) => t.protocol === 'heartbeat')!;
    const marked = media.events.filter((e) => e.codes.length);
    expect(marked.map((e) => [e.event_id, e.codes])).toEqual(
      r.findings.filter((x) => x.session === media.session).map((x) => [x.event_id, [x.code]]),
    );
    expect(marked.length).toBe(1);
    expect(media.events.filter((e) => !e.codes.length).length).toBe(media.events.length - 1);
    // in the written JSON every other event says so with an empty list
    expect(JSON.stringify(media).split('"codes":[]').length - 1).toBe(media.events.length - 1);
  });

  it('show at most 24 params per event and cut long values; a small event keeps every param as is', () => {
    const long = 'x'.repeat(120);
    const many = Array.from({ length: 30 }, (_, i) => `&eVar${i + 1}=v${i}`).join('');
    const f = join(dir, `c${n++}.har`);
    writeFileSync(f, harDoc([pageView(0, `&c1=${long}`), pageView(500, many), pageView(900)]));
    const st = statSync(f);
    const [p] = processFile({ abs: f, rel: 't.har', size: st.size, mtimeMs: st.mtimeMs }, fileContext(cfg));
    const { timelines } = validateCapture(p.capture!, pack, { cnames: cfg.hosts.cname_allowlist });
    const shown = timelines.flatMap((t) => t.events.map((e) => e.params));
    const events = p.capture!.events;
    expect(shown).toHaveLength(3);
    // a value over 80 characters: 77 of them and an ellipsis; every key still shown
    expect(shown[0].c1).toBe(`${'x'.repeat(77)}…`);
    expect(Object.keys(shown[0])).toEqual(Object.keys(events[0].params));
    // 30 eVars on top of the hit's own params: the first 24 keys, in the event's order
    expect(Object.keys(events[1].params).length).toBeGreaterThan(30);
    expect(Object.keys(shown[1])).toEqual(Object.keys(events[1].params).slice(0, 24));
    // nothing to cut: the same keys and values
    expect(shown[2]).toEqual(events[2].params);
    expect(JSON.stringify(shown[2])).toBe(JSON.stringify(events[2].params));
  });
});
