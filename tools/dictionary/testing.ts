/**
 * Test helpers: realistic HAR captures (heartbeat + AA media hits, Media Collection) in the wire formats
 * of docs/reference/wire-formats.md §2–§4, written to disk and ingested into a real DuckDB store through the ingest pipeline.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoblinConfig } from '../config/index.js';
import { expandInputs } from '../har/index.js';
import { storeAndExport } from '../ingest/run.js';
import { IngestSink } from '../ingest/sink.js';
import { NdjsonWriter } from '../ingest/staging.js';
import { openStore, type Store } from '../store/index.js';

export interface HarReq {
  t: number;
  method?: 'GET' | 'POST';
  url: string;
  body?: string;
  status?: number;
  resHeaders?: Record<string, string>;
  ua: string;
}

export const UAS = {
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  android: 'Mozilla/5.0 (Linux; U; Android 14; en-US; Pixel 7 Build/UQ1A.240205.004)',
  ios: 'Mozilla/5.0 (iPhone; CPU OS 17_2 like Mac OS X; en-US)',
};

export function harJson(reqs: HarReq[]): string {
  const entries = reqs.map((r) => ({
    startedDateTime: new Date(r.t).toISOString(),
    time: 40,
    request: {
      method: r.method ?? (r.body ? 'POST' : 'GET'),
      url: r.url,
      httpVersion: 'h2',
      headers: [
        { name: 'user-agent', value: r.ua },
        ...(r.body ? [{ name: 'content-type', value: 'application/json' }] : []),
      ],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: r.body ? r.body.length : 0,
      ...(r.body ? { postData: { mimeType: 'application/json', text: r.body } } : {}),
    },
    response: {
      status: r.status ?? 204,
      statusText: '',
      httpVersion: 'h2',
      headers: Object.entries(r.resHeaders ?? {}).map(([name, value]) => ({ name, value })),
      cookies: [],
      content: { size: 0, mimeType: 'text/plain' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { send: 1, wait: 38, receive: 1 },
    serverIPAddress: '192.0.2.10',
  }));
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, entries } });
}

const enc = encodeURIComponent;
const q = (pairs: [string, string | number][]) => pairs.map(([k, v]) => `${k}=${enc(String(v))}`).join('&');

/** A legacy heartbeat build: its version string and the extra keys it sends on every call. */
export interface HbBuild {
  version: string | null;
  apiLevel: number;
  /** Build-specific keys on every heartbeat call. */
  extra: [string, string | number][];
}

export const HB_OLD: HbBuild = { version: 'js-2.0.2.94-ab1234', apiLevel: 3, extra: [] };
export const HB_NEW: HbBuild = {
  version: 'js-2.2.2.230-96e624',
  apiLevel: 4,
  extra: [
    ['s:sp:ovp', 'none'],
    ['s:aam:blob', 'RKhpRz8krg2tLO6pguXWp5'],
    ['l:aam:loc_hint', 9],
    ['l:stream:startup_time', 0],
    ['l:stream:fps', 0],
    ['l:stream:dropped_frames', 0],
  ],
};

export interface HbSession {
  sid: string;
  videoId: string;
  name: string;
  length: number;
  build: HbBuild;
  pings: number;
  ad?: boolean;
  /** Also send the AA media-start hit (ms_s) with the same content id / session id. */
  aa?: boolean;
  channel?: string;
  t0: number;
}

/** Heartbeat session (start, optional preroll ad, pings, complete) + the AA ms_s hit, as requests. */
export function heartbeatRequests(s: HbSession): HarReq[] {
  const out: HarReq[] = [];
  const ua = UAS.chrome;
  const common: [string, string | number][] = [
    ['s:sc:rsid', 'acmeprod'],
    ['s:sc:tracking_server', 'acme.sc.omtrdc.net'],
    ['h:sc:ssl', 1],
    ['s:user:mid', '30250035503789876473484580554595324209'],
    ['s:sp:sdk', 'acme-web-5.2.0'],
    ['s:sp:channel', s.channel ?? 'www.acme.com'],
    ['s:sp:player_name', 'HTML5'],
    ...(s.build.version ? ([['s:sp:hb_version', s.build.version]] as [string, string][]) : []),
    ['l:sp:hb_api_lvl', s.build.apiLevel],
    ['s:event:sid', s.sid],
    ...s.build.extra,
  ];
  let t = s.t0;
  let prev = -1;
  const hb = (type: string, playhead: number, asset: [string, string | number][], dur = 0) => {
    out.push({
      t,
      url:
        'https://acme.hb.omtrdc.net/?' +
        q([
          ...common,
          ['s:event:type', type],
          ['l:event:duration', dur],
          ['l:event:playhead', playhead],
          ['l:event:ts', t],
          ['l:event:prev_ts', prev],
          ...asset,
          ['s:stream:type', 'vod'],
          ['l:stream:bitrate', 0],
        ]),
      ua,
    });
    prev = t;
  };
  const main: [string, string | number][] = [
    ['s:asset:type', 'main'],
    ['s:asset:name', s.name],
    ['s:asset:video_id', s.videoId],
    ['s:asset:publisher', 'acme'],
    ['l:asset:length', s.length],
  ];
  hb('start', 0, [...main, ['s:meta:a.media.show', 'Show Title'], ['s:meta:genre', 'comedy']]);
  if (s.aa)
    out.push({
      t: t + 20,
      url:
        `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.17.0/s${String(t).slice(-11)}?AQB=1&ndh=1&pf=1` +
        `&mid=30250035503789876473484580554595324209&pe=ms_s&pev3=video&c.&a.&contentType=vod&media.&` +
        q([
          ['name', s.videoId],
          ['friendlyName', s.name],
          ['length', s.length],
          ['playerName', 'HTML5'],
          ['channel', s.channel ?? 'www.acme.com'],
          ['view', 'true'],
          ['vsid', s.sid],
        ]) +
        `&.media&.a&acme.&videoId=${enc(s.videoId)}&.acme&.c&AQE=1`,
      ua,
    });
  if (s.ad) {
    const ad: [string, string | number][] = [
      ['s:asset:type', 'ad'],
      ['s:asset:video_id', s.videoId],
      ['s:asset:ad_id', `ad-${s.sid.slice(-4)}`],
      ['s:asset:ad_name', 'Spring promo'],
      ['l:asset:ad_length', 15],
      ['s:asset:pod_id', `pod-${s.sid.slice(-4)}`],
      ['l:asset:pod_position', 1],
      ['l:asset:pod_offset', 0],
      ['s:asset:resolver', 'acme'],
    ];
    t += 100;
    hb('start', 0, ad);
    t += 15_000;
    hb('complete', 0, ad);
  }
  let ph = 0;
  for (let i = 0; i < s.pings; i++) {
    t += 10_000;
    ph += 10;
    hb('play', ph, main, 10_000);
  }
  t += 1000;
  hb('complete', ph, main, 1000);
  return out;
}

export interface McBuild {
  version: string | null;
  platform: 'android' | 'ios';
  extra: [string, string | number | boolean][];
}
export const MC_A: McBuild = { version: 'android-media-3.1.2', platform: 'android', extra: [] };
export const MC_B: McBuild = {
  version: 'android-media-3.2.0',
  platform: 'android',
  extra: [
    ['media.streamFormat', 'hls'],
    ['analytics.enableSSL', true],
    ['visitor.aamLocationHint', 6],
    ['media.downloaded', false],
  ],
};

/** Media Collection API session: sessionStart (201 + Location), play, pings, sessionComplete. */
export function mcRequests(s: {
  sid: string;
  mediaId: string;
  name: string;
  length: number;
  build: McBuild;
  pings: number;
  t0: number;
}): HarReq[] {
  const ua = s.build.platform === 'ios' ? UAS.ios : UAS.android;
  const base = 'https://acme.hb-api.omtrdc.net/api/v1/sessions';
  const params: Record<string, unknown> = {
    'media.id': s.mediaId,
    'media.name': s.name,
    'media.length': s.length,
    'media.contentType': 'vod',
    'media.streamType': 'video',
    'media.channel': 'Acme TV',
    'media.playerName': 'ExoPlayer',
    'media.sdkVersion': '4.2.0',
    ...(s.build.version ? { 'media.libraryVersion': s.build.version } : {}),
    'analytics.trackingServer': 'acme.sc.omtrdc.net',
    'analytics.reportSuite': 'acmeprod',
    'visitor.marketingCloudOrgId': '1A2B3C4D5E6F7A8B9C0D1E2F@AdobeOrg',
    'visitor.marketingCloudUserId': '30250035503789876473484580554595324209',
    ...Object.fromEntries(s.build.extra),
  };
  const out: HarReq[] = [
    {
      t: s.t0,
      url: base,
      body: JSON.stringify({
        eventType: 'sessionStart',
        playerTime: { playhead: 0, ts: s.t0 },
        params,
        customMetadata: { tier: 'premium' },
      }),
      status: 201,
      resHeaders: { location: `/api/v1/sessions/${s.sid}` },
      ua,
    },
  ];
  let t = s.t0 + 200;
  const ev = (eventType: string, playhead: number) =>
    out.push({
      t,
      url: `${base}/${s.sid}/events`,
      body: JSON.stringify({ eventType, playerTime: { playhead, ts: t } }),
      ua,
    });
  ev('play', 0);
  let ph = 0;
  for (let i = 0; i < s.pings; i++) {
    t += 10_000;
    ph += 10;
    ev('ping', ph);
  }
  t += 500;
  ev('sessionComplete', ph);
  return out;
}

export function tmpDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `goblin-${prefix}-`));
}

/**
 * Write HARs into `<dir>/<sub>/` and ingest them into `<dir>/storage/goblin.duckdb` with the ingest sink and
 * staging loader (the same code the `ingest` command runs in-process; the worker pool is not loadable under
 * vitest because of `import.meta.resolve`).
 */
export async function ingestHars(
  dir: string,
  hars: Record<string, HarReq[]>,
  sub = 'hars',
  opts: { keepOpen?: Store } = {},
): Promise<{ store: Store; config: GoblinConfig }> {
  const harDir = join(dir, sub);
  mkdirSync(harDir, { recursive: true });
  for (const [name, reqs] of Object.entries(hars)) writeFileSync(join(harDir, name), harJson(reqs));
  const config = GoblinConfig.parse({
    storage: {
      base_dir: join(dir, 'storage'),
      db_file: join(dir, 'storage', 'goblin.duckdb'),
      parquet_dir: join(dir, 'storage', 'parquet'),
      quarantine_dir: join(dir, 'storage', 'quarantine'),
    },
  });
  const store =
    opts.keepOpen ?? (await openStore(config.storage.db_file, { lake: config.storage.parquet_dir }));
  await ingestInto(store, dir, [harDir]);
  return { store, config };
}

let runs = 0;

/** In-process ingest of inputs (files/folders) into an open store. */
export async function ingestInto(store: Store, root: string, inputs: string[]): Promise<void> {
  const staging = mkdtempSync(join(tmpdir(), 'goblin-staging-'));
  const sink = new IngestSink(staging, 'w0', {
    cnames: { aa: [], heartbeat: [], 'media-collection': [], edge: [] },
    pii: { hashIds: true, truncateUa: true, salt: 'test-salt', extraRegexes: [] },
    maxKeptBodyBytes: 65_536,
  }, null);
  const hf = new NdjsonWriter(join(staging, 'har_file-parent.ndjson'));
  for (const f of expandInputs(inputs, root))
    for (const r of sink.handle(f)) hf.write({ ...r.file, ingested_at: new Date(0).toISOString(), shard: null });
  await sink.close();
  hf.close();
  // The store's captures and, in its Parquet dataset, their events: what `goblin ingest` stores.
  await storeAndExport(store, staging, `test-${process.pid}-${++runs}`, { workers_s: 0, load_s: 0, parquet_s: 0 });
  rmSync(staging, { recursive: true, force: true });
}
