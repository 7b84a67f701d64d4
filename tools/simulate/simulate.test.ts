import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FAIL_CODES } from '../codes/catalog.js';
import {
  BASE_EPOCH_MS,
  EXPORTERS,
  Rng,
  TruthRecord,
  buildCapture,
  decodeHarBytes,
  serializeHar,
  simulateCorpus,
  randomScenario,
  type HarObject,
  type Scenario,
} from './index.js';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const base = (over: Partial<Scenario>): Scenario => ({
  platform: 'web',
  protocol: 'heartbeat',
  library: 'web-vhl-js-2',
  content: 'vod',
  withAds: false,
  withChapters: false,
  exporter: 'chrome',
  startMs: BASE_EPOCH_MS,
  ...over,
});
const q = (url: string) => new URLSearchParams(url.slice(url.indexOf('?') + 1));

describe('simulateCorpus', () => {
  const dirA = mkdtempSync(join(tmpdir(), 'sim-a-'));
  const dirB = mkdtempSync(join(tmpdir(), 'sim-b-'));
  const ra = simulateCorpus({ outDir: dirA, seed: 11, sessions: 90, faultRate: 0.5 });
  simulateCorpus({ outDir: dirB, seed: 11, sessions: 90, faultRate: 0.5 });
  const truth = readFileSync(join(dirA, 'truth.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => TruthRecord.parse(JSON.parse(l)));

  it('is byte-identical for the same seed', () => {
    const fa = walk(dirA)
      .map((p) => relative(dirA, p))
      .sort();
    const fb = walk(dirB)
      .map((p) => relative(dirB, p))
      .sort();
    expect(fa).toEqual(fb);
    for (const f of fa) expect(readFileSync(join(dirA, f)).equals(readFileSync(join(dirB, f))), f).toBe(true);
  });

  it('writes nested .har, .har.gz, .zip and broken files, all listed in truth', () => {
    const files = walk(dirA).map((p) => relative(dirA, p));
    expect(files.some((f) => f.endsWith('.har.gz'))).toBe(true);
    expect(files.some((f) => f.endsWith('.zip'))).toBe(true);
    expect(
      files.every((f) => f === 'truth.jsonl' || f.startsWith('bundles/') || f.split('/').length >= 3),
    ).toBe(true);
    const broken = truth.filter((t) => t.type === 'broken');
    expect(broken.map((b) => b.type === 'broken' && b.reason).sort()).toEqual([
      'empty',
      'lfs-pointer',
      'not-a-har',
      'truncated-json',
    ]);
    const lfs = broken.find((b) => b.type === 'broken' && b.reason === 'lfs-pointer')!;
    expect(readFileSync(join(dirA, lfs.har), 'utf8')).toMatch(
      /^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:[0-9a-f]{64}\nsize \d+\n$/,
    );
    const hars = new Set(truth.filter((t) => t.type === 'session').map((t) => t.har));
    expect(hars.size).toBe(ra.hars);
    for (const h of hars) {
      const onDisk = h.includes('.zip!/') ? h.split('!/')[0] : h;
      expect(files, h).toContain(onDisk);
    }
  });

  it('injects every fault code, at most one per HAR, always on a HAR with sessions', () => {
    const faults = truth.filter((t) => t.type === 'fault');
    const codes = new Set(faults.map((f) => f.type === 'fault' && f.code));
    expect([...codes].sort()).toEqual(FAIL_CODES.map((c) => c.code).sort());
    const per = new Map<string, number>();
    for (const f of faults) per.set(f.har, (per.get(f.har) ?? 0) + 1);
    expect(Math.max(...per.values())).toBe(1);
    const mediaIds = new Set(
      truth
        .filter((t) => t.type === 'session' && t.kind === 'media')
        .map((t) => t.type === 'session' && t.session),
    );
    for (const f of faults)
      if (f.type === 'fault' && f.session !== null) expect(mediaIds.has(f.session), f.code).toBe(true);
  });

  it('writes every HAR as valid HAR 1.2 after BOM/UTF-16 decoding (all exporter styles)', () => {
    const seen = new Set<string>();
    const encodings = new Set<string>();
    const readHar = (buf: Buffer) => {
      encodings.add(buf[0] === 0xff ? 'utf16' : buf[0] === 0xef ? 'bom' : 'utf8');
      return JSON.parse(decodeHarBytes(buf)) as HarObject;
    };
    const hars: HarObject[] = [];
    for (const p of walk(dirA)) {
      if (p.endsWith('.har.gz')) hars.push(readHar(gunzipSync(readFileSync(p))));
      else if (p.endsWith('.zip'))
        for (const v of Object.values(unzipSync(readFileSync(p)))) hars.push(readHar(Buffer.from(v)));
      else if (p.endsWith('.har') && !p.includes('/uploads/')) hars.push(readHar(readFileSync(p)));
    }
    expect(hars.length).toBe(ra.hars);
    for (const h of hars) {
      expect(h.log.version).toBe('1.2');
      expect(typeof h.log.creator.name).toBe('string');
      expect(h.log.entries.length).toBeGreaterThan(5);
      for (const e of h.log.entries) {
        expect(Number.isNaN(Date.parse(e.startedDateTime))).toBe(false);
        expect(e.request.url).toMatch(/^https?:\/\//);
        expect(Array.isArray(e.request.headers)).toBe(true);
        expect(typeof e.response.status).toBe('number');
      }
      seen.add(h.log.creator.name);
    }
    expect(encodings.has('bom')).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(6);
  });
});

describe('buildCapture', () => {
  it('every exporter style serializes to a HAR 1.2 with its own shape', () => {
    for (const exporter of EXPORTERS) {
      for (const encoding of ['utf8', 'utf8-bom', 'utf16le-bom'] as const) {
        const { har } = buildCapture(
          base({ exporter, protocol: 'media-collection', library: 'web-media-js-3' }),
          new Rng(5),
        );
        const back = JSON.parse(decodeHarBytes(serializeHar(har, { exporter, encoding }))) as HarObject;
        expect(back.log.version).toBe('1.2');
        expect(back.log.entries.length).toBe(har.log.entries.length);
      }
      const { har } = buildCapture(base({ exporter }), new Rng(5));
      const e0 = har.log.entries[0];
      if (exporter === 'chrome') {
        expect(e0._resourceType).toBeDefined();
        expect(e0._initiator).toBeDefined();
        expect(e0.request.headers.some((h) => h.name === ':authority')).toBe(true);
      }
      if (exporter === 'firefox') expect(e0._securityState).toBe('secure');
      if (exporter === 'charles') expect(e0.pageref).toBeUndefined();
    }
  });

  it('Charles form POSTs use postData.params', () => {
    const { har } = buildCapture(
      base({
        platform: 'android',
        protocol: 'media-collection',
        library: 'android-aep-media-3',
        exporter: 'charles',
      }),
      new Rng(2),
    );
    const aa = har.log.entries.filter((e) => e.request.url.includes('/b/ss/') && e.request.method === 'POST');
    expect(aa.length).toBeGreaterThan(0);
    for (const e of aa) {
      expect(e.request.postData?.text).toBeUndefined();
      expect(e.request.postData?.params?.find((p) => p.name === 'ndh')?.value).toBe('1');
    }
  });

  it('Media Collection ids come from the Location header and appear in later event paths', () => {
    const { har, truth } = buildCapture(
      base({
        platform: 'ios',
        protocol: 'media-collection',
        library: 'ios-aep-media-5',
        exporter: 'charles',
        withAds: true,
      }),
      new Rng(3),
    );
    const start = har.log.entries.find((e) => e.request.url.endsWith('/api/v1/sessions'))!;
    expect(start.response.status).toBe(201);
    const loc = start.response.headers.find((h) => h.name.toLowerCase() === 'location')!.value;
    const sid = /^\/api\/v1\/sessions\/([0-9a-f]{64})$/.exec(loc)![1];
    expect(truth.find((t) => t.type === 'session' && t.kind === 'media')).toMatchObject({
      session: sid,
      sdk: 'hb-api',
      sdk_version: 'ios-media-5.0.1',
    });
    const events = har.log.entries.filter((e) => e.request.url.includes(`/api/v1/sessions/${sid}/events`));
    expect(events.length).toBeGreaterThan(3);
    expect(JSON.parse(start.request.postData!.text!).params['media.libraryVersion']).toBe('ios-media-5.0.1');
  });

  it('Edge sessionStart answers with a media-analytics:new-session handle used as sessionID', () => {
    for (const library of ['web-alloy-2', 'roku-aep-1'] as const) {
      const platform = library === 'web-alloy-2' ? 'web' : 'roku';
      const { har, truth } = buildCapture(base({ platform, protocol: 'media-edge', library }), new Rng(4));
      const start = har.log.entries.find((e) =>
        (e.request.postData?.text ?? '').includes('"media.sessionStart"'),
      )!;
      expect(start.request.url).toMatch(
        library === 'web-alloy-2'
          ? /\/ee\/[a-z0-9]+\/v1\/interact\?configId=/
          : /\/ee(\/[a-z0-9]+)?\/va\/v1\/sessionStart\?configId=/,
      );
      const handle = JSON.parse(start.response.content.text!).handle.find(
        (h: { type: string }) => h.type === 'media-analytics:new-session',
      );
      const sid = handle.payload[0].sessionId;
      expect(truth.find((t) => t.type === 'session' && t.kind === 'media')).toMatchObject({
        session: sid,
        sdk: 'edge',
      });
      const later = har.log.entries.filter(
        (e) => e.request.url.includes('/va/v1/') && !e.request.url.includes('sessionStart'),
      );
      expect(later.length).toBeGreaterThan(2);
      for (const e of later)
        expect(JSON.parse(e.request.postData!.text!).events[0].xdm.mediaCollection.sessionID).toBe(sid);
    }
  });

  it('clean heartbeat sessions ping every 10 s in content and every 1 s in ads, with AA ms_s orchestration', () => {
    for (const [platform, library] of [
      ['web', 'web-vhl-js-2'],
      ['android', 'android-media-sdk-2'],
      ['roku', 'roku-adbmobile-2'],
    ] as const) {
      const { har, truth } = buildCapture(
        base({ platform, library, withAds: true, exporter: platform === 'web' ? 'chrome' : 'charles' }),
        new Rng(21),
      );
      const hb = har.log.entries
        .filter((e) => e.request.url.includes('.hb.omtrdc.net/?'))
        .map((e) => q(e.request.url));
      const sid = hb[0].get('s:event:sid')!;
      expect(truth.some((t) => t.type === 'session' && t.session === sid && t.protocol === 'heartbeat')).toBe(
        true,
      );
      // periodic cadence: consecutive heartbeats of the same type and asset, the later one not a flush
      const ts = (p: URLSearchParams) => Number(p.get('l:event:ts'));
      const periodic = (asset: string) => {
        const out: number[] = [];
        for (let i = 0; i + 1 < hb.length; i++) {
          const [a, b, c] = [hb[i], hb[i + 1], hb[i + 2]];
          if (a.get('s:event:type') !== 'play' || b.get('s:event:type') !== 'play') continue;
          if (a.get('s:asset:type') !== asset || b.get('s:asset:type') !== asset) continue;
          const flush = c && c.get('s:event:type') !== 'play' && ts(c) - ts(b) < 1000;
          if (!flush) out.push(ts(b) - ts(a));
        }
        return out;
      };
      const main = periodic('main');
      expect(main.length).toBeGreaterThan(2);
      expect(main.every((d) => d >= 9900 && d <= 10100)).toBe(true);
      const ad = periodic('ad');
      expect(ad.length).toBeGreaterThan(5);
      expect(ad.every((d) => d >= 900 && d <= 1100)).toBe(true);
      const aa = har.log.entries.filter((e) => e.request.url.includes('/b/ss/'));
      const flat = (e: (typeof aa)[number]) =>
        e.request.url +
        (e.request.postData?.text ?? '') +
        (e.request.postData?.params ?? []).map((p) => `&${p.name}=${p.value}`).join('');
      const msS = aa.filter((e) => flat(e).includes('pe=ms_s'));
      expect(msS.length).toBe(1);
      expect(flat(msS[0])).toContain(`vsid=${sid}`);
      expect(hb.some((p) => p.get('s:event:type') === 'aa_start')).toBe(true);
      expect(hb[0].get('s:sp:hb_version')).toMatch(/^(js|android|roku)-2\.2\.\d+\.\d+-[0-9a-f]{6}$/);
    }
  });

  it('Roku first content ping comes ~1.5 s after start; elsewhere ~10 s', () => {
    const first = (platform: 'roku' | 'web', library: 'roku-adbmobile-2' | 'web-vhl-js-2') => {
      const { har } = buildCapture(base({ platform, library, exporter: 'charles' }), new Rng(8));
      const hb = har.log.entries
        .map((e) => e.request.url)
        .filter((u) => u.includes('.hb.omtrdc.net/?'))
        .map(q);
      const start = Number(hb.find((p) => p.get('s:event:type') === 'start')!.get('l:event:ts'));
      const play = Number(hb.find((p) => p.get('s:event:type') === 'play')!.get('l:event:ts'));
      return play - start;
    };
    expect(first('roku', 'roku-adbmobile-2')).toBeGreaterThan(1300);
    expect(first('roku', 'roku-adbmobile-2')).toBeLessThan(1800);
    expect(first('web', 'web-vhl-js-2')).toBeGreaterThan(9800);
  });

  it('a cut-off capture ends < 30 s after the last media event, without a close', () => {
    const { har, truth, requests } = buildCapture(
      base({
        platform: 'android',
        protocol: 'media-collection',
        library: 'android-aep-media-3',
        cutOff: true,
        exporter: 'charles',
      }),
      new Rng(9),
    );
    expect(truth.find((t) => t.type === 'session' && t.kind === 'media')).toMatchObject({ cut_off: true });
    const media = requests.filter((r) => r.mediaSession);
    const lastMedia = media[media.length - 1];
    expect(lastMedia.body!.text).not.toMatch(/sessionEnd|sessionComplete/);
    const lastCapture = Math.max(...har.log.entries.map((e) => Date.parse(e.startedDateTime)));
    expect(lastCapture - lastMedia.capturedAt!).toBeLessThan(30000);
  });

  it('SESSION_NOT_CLOSED leaves ≥ 30 s of capture after the last media event', () => {
    const { har, truth, requests } = buildCapture(
      base({ fault: 'SESSION_NOT_CLOSED', exporter: 'chrome' }),
      new Rng(10),
    );
    expect(truth.filter((t) => t.type === 'fault')).toHaveLength(1);
    const media = requests.filter((r) => r.mediaSession);
    const last = media[media.length - 1];
    expect(q(last.url).get('s:event:type')).not.toMatch(/^(end|complete)$/);
    const lastCapture = Math.max(...har.log.entries.map((e) => Date.parse(e.startedDateTime)));
    expect(lastCapture - last.capturedAt!).toBeGreaterThanOrEqual(30000);
  });

  it('EVENT_DUPLICATE re-sends an identical AA hit within 1 s (cache-buster aside), without pccr', () => {
    const { requests } = buildCapture(
      base({ protocol: 'none', library: 'web-appmeasurement-2', fault: 'EVENT_DUPLICATE' }),
      new Rng(12),
    );
    const aa = requests.filter((r) => r.url.includes('/b/ss/'));
    const norm = (u: string) => u.replace(/\/s\d+\?/, '/s?');
    const dup = aa.find((a, i) =>
      aa.some((b, j) => j > i && norm(a.url) === norm(b.url) && b.sendAt - a.sendAt < 1000),
    );
    expect(dup).toBeDefined();
    expect(dup!.url).not.toContain('pccr');
  });

  it('BEACON_TRUNCATED cuts an AQB GET before AQE', () => {
    const { requests } = buildCapture(
      base({ protocol: 'none', library: 'web-appmeasurement-2', fault: 'BEACON_TRUNCATED' }),
      new Rng(13),
    );
    const cut = requests.filter(
      (r) => r.url.includes('/b/ss/') && r.method === 'GET' && !r.url.includes('AQE=1'),
    );
    expect(cut).toHaveLength(1);
    expect(cut[0].url.length).toBeLessThanOrEqual(2047);
    expect(q(cut[0].url).get('AQB')).toBe('1');
  });

  it('rejects faults that do not apply to the protocol', () => {
    expect(() => buildCapture(base({ fault: 'AD_OUTSIDE_BREAK' }), new Rng(1))).toThrow(/does not apply/);
  });

  it('bench profile captures are large (base64 bodies) and quick to build', () => {
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { har } = buildCapture(
        base({
          protocol: 'media-collection',
          library: 'web-media-js-3',
          bodies: 'bench',
          bodyBytes: 450_000,
        }),
        new Rng(100 + i),
      );
      sizes.push(serializeHar(har, { exporter: 'chrome', encoding: 'utf8' }).length);
    }
    const avg = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(avg).toBeGreaterThan(300_000);
    expect(avg).toBeLessThan(1_500_000);
  });
});

/**
 * Capture `i` of a dense bench corpus as `simulateCorpus` draws it, in its order: fault or not (checked
 * against `fault`), the scenario, the start, gzip. `spacingMs`: the corpus's spacing of captures (the
 * dense profile's floor, 6,900,000 ms, from ~13,700 captures up). Returns the scenario and the generator
 * as `buildCapture` then gets them.
 */
function denseCapture(
  seed: number,
  i: number,
  fault: Parameters<typeof randomScenario>[1],
  spacingMs = 6_900_000,
) {
  const rng = new Rng(((seed * 2654435761) ^ (i * 40503 + 1)) >>> 0);
  expect(rng.chance(0.35)).toBe(fault !== null);
  const scenario = randomScenario(rng, fault, { bench: true });
  scenario.bodyBytes = 60_000;
  scenario.startMs = BASE_EPOCH_MS + i * spacingMs + rng.int(0, 3_000_000);
  rng.chance(0.04);
  return { scenario, rng };
}

describe('legacy heartbeat: two timeline events 1 ms apart', () => {
  it('renders the capture that stopped a 12,000-capture dense corpus (seed 99, capture 11239) with ascending ts', () => {
    const { scenario, rng } = denseCapture(99, 11239, null, Math.floor((3 * 365 * 86_400_000) / 12000));
    expect(scenario).toMatchObject({
      library: 'android-media-sdk-2',
      protocol: 'heartbeat',
      startMs: 1799016827773,
    });
    // before: "heartbeat ts not ascending (play)" — a pause 1 ms before a play left no time for the flush
    const { requests } = buildCapture(scenario, rng);
    const ts = requests
      .filter((r) => r.url.includes('hb.omtrdc.net'))
      .map((r) => Number(q(r.url).get('l:event:ts')));
    expect(ts.length).toBeGreaterThan(20);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1]);
  });
});

describe('a fault the first twelve timelines left no room for', () => {
  it('places PLAYHEAD_DECREASING in the capture that stopped a 24,000-capture dense corpus (seed 98, capture 19479)', () => {
    const { scenario, rng } = denseCapture(98, 19479, 'PLAYHEAD_DECREASING');
    expect(scenario).toMatchObject({
      library: 'web-media-js-3',
      content: 'live',
      withAds: true,
      mediaSessions: 2,
      startMs: 1844812302190,
    });
    // before: "could not place PLAYHEAD_DECREASING in a web-media-js-3 session" (twelve timelines tried)
    const { truth } = buildCapture(scenario, rng);
    expect(truth.filter((t) => t.type === 'fault').map((t) => t.code)).toEqual(['PLAYHEAD_DECREASING']);
  });
});

describe('legacy heartbeat: two timeline events in one millisecond', () => {
  it('renders the capture that stopped a 48,000-capture dense corpus (seed 97, capture 19051): the second call 1 ms later, the fault still marked', () => {
    const { scenario, rng } = denseCapture(97, 19051, 'IDENTITY_MISMATCH');
    expect(scenario).toMatchObject({
      library: 'android-media-sdk-2',
      protocol: 'heartbeat',
      withChapters: true,
      startMs: 1841859378152,
    });
    // before: "heartbeat ts not ascending (bitrate_change)" — a chapter's end and a bitrate change at one ms
    const { requests, truth } = buildCapture(scenario, rng);
    const calls = requests
      .filter((r) => r.url.includes('hb.omtrdc.net'))
      .map((r) => ({ type: q(r.url).get('s:event:type'), ts: Number(q(r.url).get('l:event:ts')) }));
    for (let i = 1; i < calls.length; i++) expect(calls[i].ts).toBeGreaterThan(calls[i - 1].ts);
    const i = calls.findIndex((c) => c.type === 'bitrate_change');
    expect(calls[i - 1]).toEqual({ type: 'chapter_complete', ts: calls[i].ts - 1 });
    expect(truth.filter((t) => t.type === 'fault').map((t) => t.code)).toEqual(['IDENTITY_MISMATCH']);
    expect(requests.filter((r) => r.mark === 'IDENTITY_MISMATCH')).toHaveLength(1);
  });
});
