import type { FailCode } from '../codes/catalog.js';
import type { LibraryInfo } from './libraries.js';
import type { Rng } from './rng.js';
import type { MEvent, MediaTimeline } from './timeline.js';
import type { Platform, SimRequest } from './types.js';
import { contextData, enc, iso, query, aaWebTime, aaZeroTime, GIF_1x1 } from './wire.js';

export interface Customer {
  key: string; // acme
  site: string; // www.acme.com
  brand: string; // Acme
}

/** Everything a capture shares across its requests. */
export interface CaptureCtx {
  rng: Rng;
  lib: LibraryInfo;
  platform: Platform;
  cust: Customer;
  ecid: string;
  altEcid: string;
  orgId: string;
  rsid: string;
  aaHost: string;
  aaToken: string;
  hbHost: string;
  mcHost: string;
  edgeHost: string;
  edgeHint: string;
  configId: string;
  ua: string;
  appName: string;
  appVersion: string;
  tzOffsetMin: number;
  fault?: FailCode;
  out: SimRequest[];
  seq: number;
  /** Page-level AA overrides (faults). */
  aaRsidOverride?: string;
  aaNoMid?: boolean;
  /** Web Edge: identity established (cookie state) after the first interact. */
  edgeIdentityKnown: boolean;
  aaid: string;
  fid: string;
  notes: string[];
}

export interface MediaAsset {
  id: string;
  name: string;
  show: string;
  season: string;
  episode: string;
  genre: string;
  channel: string;
  network: string;
  rating: string;
}

export function push(ctx: CaptureCtx, r: Omit<SimRequest, 'seq'>): SimRequest {
  const req = { ...r, seq: ctx.seq++ } as SimRequest;
  ctx.out.push(req);
  return req;
}

export function baseHeaders(ctx: CaptureCtx, extra: [string, string][] = []): [string, string][] {
  const h: [string, string][] = [['User-Agent', ctx.ua]];
  if (ctx.platform === 'web') {
    h.push(
      ['Accept', '*/*'],
      ['Accept-Language', 'en-US,en;q=0.9'],
      ['Accept-Encoding', 'gzip, deflate, br'],
    );
    h.push(['Origin', `https://${ctx.cust.site}`], ['Referer', `https://${ctx.cust.site}/watch`]);
  } else if (ctx.platform === 'roku') {
    h.push(['Accept', '*/*']);
  } else {
    h.push(['Accept-Language', 'en-US'], ['Accept-Encoding', 'gzip']);
  }
  return [...h, ...extra];
}

const noBodyRes = (ctx: CaptureCtx): [string, string][] => [
  ['Date', ''],
  ['Content-Length', '0'],
  ...(ctx.platform === 'web'
    ? ([
        ['Access-Control-Allow-Origin', `https://${ctx.cust.site}`],
        ['Access-Control-Allow-Credentials', 'true'],
      ] as [string, string][])
    : []),
];

// ---------------------------------------------------------------------------------------------
// Adobe Analytics hit (page/app hits and heartbeat-era ms_s / msa_s)

export interface AaHit {
  sendAt: number;
  pageName?: string;
  vars?: [string, string][];
  ctxData?: Record<string, string>;
  pe?: string;
  pev1?: string;
  pev2?: string;
  pev3?: string;
  mid?: string | null;
  /** web: force XHR POST (long hit) / sendBeacon. */
  transport?: 'get' | 'post' | 'beacon';
  extraTail?: [string, string][];
  status?: number;
}

export function aaHit(ctx: CaptureCtx, hit: AaHit): SimRequest {
  const rng = ctx.rng;
  const rsid = ctx.aaRsidOverride ?? ctx.rsid;
  const mobile = ctx.lib.pageStyle !== 'appmeasurement';
  const mid = hit.mid === undefined ? (ctx.aaNoMid ? null : ctx.ecid) : hit.mid;
  const token = ctx.aaToken;
  const cd = hit.ctxData && Object.keys(hit.ctxData).length ? contextData(hit.ctxData) : null;
  if (!mobile) {
    const p: [string, string][] = [
      ['AQB', '1'],
      ['ndh', '1'],
      ['pf', '1'],
      ['t', aaWebTime(hit.sendAt, ctx.tzOffsetMin)],
      ['fid', ctx.fid],
    ];
    if (mid) p.push(['mid', mid], ['aamlh', '9']);
    p.push(['ce', 'UTF-8'], ['ns', ctx.cust.key]);
    if (hit.pageName) p.push(['pageName', hit.pageName]);
    p.push(['g', `https://${ctx.cust.site}/watch`], ['cc', 'USD']);
    if (hit.pe) p.push(['pe', hit.pe]);
    if (hit.pev1) p.push(['pev1', hit.pev1]);
    if (hit.pev2) p.push(['pev2', hit.pev2]);
    if (hit.pev3) p.push(['pev3', hit.pev3]);
    for (const v of hit.vars ?? []) p.push(v);
    const head = query(p);
    const tail: [string, string][] = [
      ['s', '1920x1080'],
      ['c', '24'],
      ['j', '1.6'],
      ['v', 'N'],
      ['k', 'Y'],
      ['bw', '1440'],
      ['bh', '789'],
      ['mcorgid', ctx.orgId],
      ...(hit.extraTail ?? []),
      ['AQE', '1'],
    ];
    const qs = `${head}${cd ? `&${cd}` : ''}&${query(tail)}`;
    const path = `/b/ss/${enc(rsid)}/1/${token}/s${rng.int(1, 9)}${rng.digits(13)}`;
    const url = `https://${ctx.aaHost}${path}`;
    const transport = hit.transport ?? (qs.length > 2047 ? 'post' : 'get');
    if (transport === 'post') {
      return push(ctx, {
        sendAt: hit.sendAt,
        method: 'POST',
        url,
        headers: baseHeaders(ctx, [['Content-Type', 'application/x-www-form-urlencoded']]),
        body: { mime: 'application/x-www-form-urlencoded', text: qs, form: true },
        status: hit.status ?? 200,
        resHeaders: [
          ['Content-Type', 'application/json'],
          ['Access-Control-Allow-Origin', `https://${ctx.cust.site}`],
          ['Access-Control-Allow-Credentials', 'true'],
        ],
        resBody: { mime: 'application/json', text: '{}', size: 2 },
        resMime: 'application/json',
        type: 'xhr',
        initiator: 'script',
      });
    }
    if (transport === 'beacon') {
      return push(ctx, {
        sendAt: hit.sendAt,
        method: 'POST',
        url: `${url}?${qs}`,
        headers: baseHeaders(ctx, [['Content-Type', 'text/plain;charset=UTF-8']]),
        body: { mime: 'text/plain;charset=UTF-8', text: '' },
        status: hit.status ?? 200,
        resHeaders: [['Content-Type', 'image/gif']],
        resMime: 'image/gif',
        type: 'ping',
        initiator: 'script',
      });
    }
    return push(ctx, {
      sendAt: hit.sendAt,
      method: 'GET',
      url: `${url}?${qs}`,
      headers: baseHeaders(ctx),
      status: hit.status ?? 200,
      resHeaders: [
        ['Content-Type', 'image/gif'],
        ['Cache-Control', 'no-cache, no-store, max-age=0, no-transform, private'],
        ['Content-Length', '43'],
      ],
      resBody: { mime: 'image/gif', text: GIF_1x1, encoding: 'base64', size: 43 },
      resMime: 'image/gif',
      type: 'image',
      initiator: 'script',
    });
  }
  // mobile / OTT POST form body
  const zero = aaZeroTime(ctx.tzOffsetMin);
  const p: [string, string][] = [];
  const style = ctx.lib.pageStyle;
  if (style === 'roku-legacy') {
    if (mid) p.push(['mid', mid]);
    p.push(['aid', ctx.aaid], ['t', zero]);
  }
  const head = query([['ndh', '1']]);
  const rest: [string, string][] = [];
  if (style !== 'roku-legacy') {
    rest.push(['t', zero]);
    if (mid) rest.push(['mid', mid], ['aamlh', '6']);
  }
  rest.push(['ce', 'UTF-8']);
  if (style === 'aep-analytics' || style === 'chromecast') rest.push(['cp', 'foreground']);
  if (hit.pageName) rest.push(['pageName', hit.pageName]);
  if (hit.pe) rest.push(['pe', hit.pe]);
  if (hit.pev1) rest.push(['pev1', hit.pev1]);
  if (hit.pev2 !== undefined) rest.push(['pev2', hit.pev2]);
  if (hit.pev3) rest.push(['pev3', hit.pev3]);
  for (const v of hit.vars ?? []) rest.push(v);
  for (const v of hit.extraTail ?? []) rest.push(v);
  const body = [head, ...(p.length ? [query(p)] : []), ...(cd ? [cd] : []), query(rest)].join('&');
  const hitSource = '0';
  return push(ctx, {
    sendAt: hit.sendAt,
    method: 'POST',
    url: `https://${ctx.aaHost}/b/ss/${enc(rsid)}/${hitSource}/${token}/s${style === 'roku-legacy' ? rng.int(1, 999999) : rng.int(1, 99999999)}`,
    headers: baseHeaders(ctx, [['Content-Type', 'application/x-www-form-urlencoded']]),
    body: { mime: 'application/x-www-form-urlencoded', text: body, form: true },
    status: hit.status ?? 200,
    resHeaders:
      style === 'aep-analytics'
        ? [['Content-Type', 'application/json;charset=utf-8']]
        : [['Content-Type', 'image/gif']],
    resBody:
      style === 'aep-analytics'
        ? { mime: 'application/json', text: '{}', size: 2 }
        : { mime: 'image/gif', text: GIF_1x1, encoding: 'base64', size: 43 },
    resMime: style === 'aep-analytics' ? 'application/json' : 'image/gif',
    type: 'xhr',
    initiator: 'other',
  });
}

function appContext(ctx: CaptureCtx): Record<string, string> {
  const d: Record<string, string> = {};
  if (ctx.platform === 'web') return d;
  d['a.AppID'] =
    `${ctx.appName} ${ctx.appVersion}${ctx.platform === 'roku' ? '' : ` (${ctx.appVersion.replace(/\./g, '')}0)`}`;
  if (ctx.platform === 'roku') {
    d['a.DeviceName'] = '3930X';
    d['a.OSVersion'] = 'Roku 12.5.0-4178';
    d['a.Resolution'] = '1280x720';
  } else if (ctx.platform === 'android') {
    d['a.DeviceName'] = 'Pixel 7';
    d['a.OSVersion'] = 'Android 14';
    d['a.Resolution'] = '1080x2400';
    d['a.RunMode'] = 'Application';
  } else if (ctx.platform === 'ios' || ctx.platform === 'tvos') {
    d['a.DeviceName'] = ctx.platform === 'ios' ? 'iPhone15,2' : 'AppleTV14,1';
    d['a.OSVersion'] = ctx.platform === 'ios' ? 'iOS 17.2' : 'tvOS 17.2';
    d['a.Resolution'] = ctx.platform === 'ios' ? '1179x2556' : '1920x1080';
    d['a.RunMode'] = 'Application';
  }
  return d;
}

/** AA media-start (`ms_s`) or ad-start (`msa_s`) hit of the heartbeat era (or a stray one for ORCH faults). */
export function aaMediaStart(
  ctx: CaptureCtx,
  sendAt: number,
  asset: MediaAsset,
  opts: { sid: string | null; lengthS: number; contentType: string; ad?: MEvent; mid?: string },
): SimRequest {
  const d: Record<string, string> = {
    'a.contentType': opts.contentType,
    'a.media.name': asset.id,
    'a.media.friendlyName': asset.name,
    'a.media.length': String(Math.floor(opts.lengthS)),
    'a.media.playerName': ctx.lib.playerName,
    'a.media.channel': asset.channel,
    'a.media.show': asset.show,
    'a.media.season': asset.season,
    'a.media.episode': asset.episode,
    'a.media.genre': asset.genre,
    'a.media.network': asset.network,
  };
  if (opts.sid) d['a.media.vsid'] = opts.sid;
  const e = opts.ad;
  if (e?.ad && e.pod) {
    d['a.media.ad.name'] = e.ad.id;
    d['a.media.ad.friendlyName'] = e.ad.name;
    d['a.media.ad.podFriendlyName'] = e.pod.name;
    d['a.media.ad.length'] = String(e.ad.lengthS);
    d['a.media.ad.playerName'] = ctx.lib.playerName;
    d['a.media.ad.pod'] = `${podHash(asset.id)}_${e.pod.index + 1}`;
    d['a.media.ad.podPosition'] = String(e.ad.podPosition);
    d['a.media.ad.podSecond'] = String(e.pod.offset);
    d['a.media.ad.view'] = 'true';
    d['a.media.ad.advertiser'] = e.ad.advertiser;
  } else {
    d['a.media.view'] = 'true';
  }
  if (ctx.platform === 'roku') {
    d['a.action'] = '';
    Object.assign(d, { 'a.DeviceName': '3930X', 'a.OSVersion': 'Roku 12.5.0-4178' });
  }
  Object.assign(d, ctx.platform === 'roku' ? {} : appContext(ctx));
  return aaHit(ctx, {
    sendAt,
    pageName:
      ctx.platform === 'web'
        ? undefined
        : ctx.platform === 'roku'
          ? `${ctx.appName}/${ctx.appVersion}`
          : `${ctx.appName} ${ctx.appVersion}`,
    pe: e ? 'msa_s' : 'ms_s',
    pev2: ctx.platform === 'roku' ? 'AMACTION:' : undefined,
    pev3: e ? 'videoAd' : 'video',
    ctxData: d,
    mid: opts.mid,
  });
}

/** Stable per-asset MD5-looking hash (pod / chapter ids). */
export function podHash(id: string): string {
  let h1 = 0x811c9dc5;
  let out = '';
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < id.length; i++) {
      h1 ^= id.charCodeAt(i) + round;
      h1 = Math.imul(h1, 16777619) >>> 0;
    }
    out += h1.toString(16).padStart(8, '0');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Legacy heartbeat

export interface SessionRender {
  sid: string;
  asset: MediaAsset;
  tl: MediaTimeline;
  /** Session-level fault to render (null for clean sessions). */
  fault: FailCode | null;
  resume?: boolean;
  notes: string[];
}

export function renderHeartbeat(ctx: CaptureCtx, s: SessionRender): void {
  const rng = ctx.rng;
  const { tl, asset, sid } = s;
  const fault = s.fault;
  const declaredLength =
    fault === 'PLAYHEAD_OUT_OF_RANGE' && tl.content === 'vod' ? Math.round(tl.lengthS / 60) : tl.lengthS;
  const scheme = fault === 'HOST_UNEXPECTED' ? 'http' : 'https';
  const roku = ctx.platform === 'roku';
  const omitMidOnStart = ctx.platform === 'web' && rng.chance(0.2);
  const lastTsByType = new Map<string, number>();
  const lastStateTs = new Map<string, number>();
  let lastTs = -Infinity;
  let hbState: 'none' | 'play' | 'pause' | 'buffer' = 'none';
  let prevEvent: MEvent | null = null;
  const phOut = (ph: number) =>
    fault === 'PLAYHEAD_OUT_OF_RANGE' && tl.content === 'live' ? Math.floor(ph + 1.7e9) : Math.floor(ph);

  const hb = (
    type: string,
    e: MEvent,
    ts: number,
    opts: { asset: 'main' | 'ad'; ph?: number; periodic?: boolean; meta?: boolean; startMid?: boolean },
  ) => {
    const p: [string, string | number][] = [
      ['s:sc:rsid', ctx.rsid],
      ['s:sc:tracking_server', ctx.aaHost],
      ['h:sc:ssl', 1],
    ];
    if (roku) p.push(['s:user:aid', ctx.aaid]);
    if (!(type === 'start' && opts.asset === 'main' && omitMidOnStart)) p.push(['s:user:mid', ctx.ecid]);
    if (ctx.platform === 'web')
      p.push(['s:aam:blob', 'RKhpRz8krg2tLO6pguXWp5olkAcUniQYPHaMWWgdJ3xzPWQmdj0y'], ['l:aam:loc_hint', 9]);
    if (roku) p.push(['s:cuser:userId.id', `u-${asset.id.length * 731}`]);
    p.push(
      ['s:sp:ovp', roku ? 'roku' : 'none'],
      ['s:sp:sdk', ctx.appVersion],
      ['s:sp:channel', asset.channel],
      ['s:sp:player_name', ctx.lib.playerName],
      ['s:sp:hb_version', ctx.lib.mediaVersion as string],
      ['l:sp:hb_api_lvl', 4],
    );
    const stateKey = `${type}|${opts.asset}`;
    const prevSame = lastStateTs.get(stateKey);
    const duration = opts.periodic && prevSame !== undefined ? ts - prevSame : 0;
    if (opts.periodic) lastStateTs.set(stateKey, ts);
    const prevTs = lastTsByType.get(type) ?? -1;
    lastTsByType.set(type, ts);
    const ph = opts.ph ?? (opts.asset === 'ad' ? Math.floor(e.adPh) : phOut(e.ph));
    p.push(
      ['s:event:sid', sid],
      ['s:event:type', type],
      ['l:event:duration', duration > 600000 ? 0 : duration],
      ['l:event:playhead', opts.asset === 'ad' ? Math.floor(e.adPh) : ph],
      ['l:event:ts', ts],
      ['l:event:prev_ts', prevTs],
    );
    if (type === 'error')
      p.push(['s:event:source', 'player'], ['s:event:id', e.errorId ?? 'MEDIA_ERR_DECODE']);
    p.push(
      ['s:asset:type', opts.asset],
      ['s:asset:name', asset.name],
      ['s:asset:video_id', asset.id],
      ['s:asset:publisher', ctx.orgId],
      ['l:asset:length', declaredLength],
    );
    if (opts.asset === 'ad' && e.ad && e.pod) {
      p.push(
        ['s:asset:ad_id', e.ad.id],
        ['s:asset:ad_name', e.ad.name],
        ['l:asset:ad_length', e.ad.lengthS],
        ['s:asset:ad_sid', e.ad.sid],
        ['s:asset:pod_id', `${podHash(asset.id)}_${e.pod.index + 1}`],
        ['s:asset:pod_name', e.pod.name],
        ['l:asset:pod_offset', e.pod.offset],
        ['s:asset:pod_position', e.ad.podPosition],
        ['s:asset:resolver', ctx.lib.playerName],
      );
    }
    p.push(
      ['s:stream:type', tl.content],
      ['l:stream:bitrate', e.bitrate],
      ['l:stream:fps', 0],
      ['l:stream:dropped_frames', 0],
      ['l:stream:startup_time', type === 'start' ? 0 : rng.int(300, 900)],
    );
    if (e.chapter && (type.startsWith('chapter_') || opts.asset === 'main')) {
      p.push(
        ['s:stream:chapter_sid', e.chapter.sid],
        ['s:stream:chapter_id', `${podHash(asset.id)}_${e.chapter.index}`],
        ['s:stream:chapter_name', e.chapter.name],
        ['l:stream:chapter_pos', e.chapter.index],
        ['l:stream:chapter_offset', e.chapter.offset],
        ['l:stream:chapter_length', e.chapter.lengthS],
      );
    }
    if (opts.meta) {
      if (opts.asset === 'ad' && e.ad) {
        p.push(
          ['s:meta:a.media.ad.advertiser', e.ad.advertiser],
          ['s:meta:a.media.ad.campaign', e.ad.campaign],
          ['s:meta:a.media.ad.creative', e.ad.creative],
        );
      } else {
        p.push(
          ['s:meta:a.media.show', asset.show],
          ['s:meta:a.media.season', asset.season],
          ['s:meta:a.media.episode', asset.episode],
          ['s:meta:a.media.genre', asset.genre],
          ['s:meta:a.media.network', asset.network],
          ['s:meta:a.media.rating', asset.rating],
        );
      }
    }
    if (ts <= lastTs && fault !== 'TIMESTAMP_NOT_ASCENDING')
      throw new Error(`heartbeat ts not ascending (${type})`);
    lastTs = Math.max(lastTs, ts);
    push(ctx, {
      sendAt: ts + (e.sendAt - e.ts),
      method: 'GET',
      url: `${scheme}://${ctx.hbHost}/?${p.map(([k, v]) => `${k}=${enc(v)}`).join('&')}`,
      headers: baseHeaders(ctx),
      status: 204,
      resHeaders: noBodyRes(ctx),
      resMime: 'text/plain',
      type: ctx.platform === 'web' ? 'xhr' : 'other',
      initiator: 'script',
      mediaSession: sid,
    });
  };

  const flushGap = (e: MEvent) =>
    Math.max(1, Math.min(rng.int(20, 250), Math.floor((e.ts - (prevEvent?.ts ?? e.ts - 500)) / 2)));
  const evs = tl.events;
  for (let i = 0; i < evs.length; i++) {
    const e = evs[i];
    const next = evs[i + 1];
    switch (e.kind) {
      case 'sessionStart': {
        const aaMid = fault === 'IDENTITY_MISMATCH' ? ctx.altEcid : ctx.ecid;
        const wantAa = fault !== 'ORCH_MISSING_AA_START' && !e.duplicate;
        if (wantAa && !roku)
          aaMediaStart(ctx, e.sendAt - rng.int(8, 40), asset, {
            sid,
            lengthS: declaredLength,
            contentType: tl.content,
            mid: aaMid,
          });
        hb('start', e, e.ts, { asset: 'main', meta: true });
        if (!e.duplicate) {
          const room = next ? next.ts - e.ts : 300;
          const d = Math.max(2, Math.min(rng.int(20, 150), Math.floor(room / 3)));
          if (wantAa && roku)
            aaMediaStart(ctx, e.sendAt + Math.floor(d / 2), asset, {
              sid,
              lengthS: declaredLength,
              contentType: tl.content,
              mid: aaMid,
            });
          hb('aa_start', e, e.ts + d, { asset: 'main' });
        }
        hbState = 'none';
        break;
      }
      case 'play': {
        if (e.ad) break; // preroll playback start: ad heartbeats follow
        if (hbState === 'pause' || hbState === 'buffer') {
          const g = flushGap(e);
          hb(hbState, prevEvent ?? e, e.ts - g, {
            asset: 'main',
            periodic: true,
            ph: phOut((prevEvent ?? e).ph),
          });
          hb('play', e, e.ts, { asset: 'main', periodic: false });
          lastStateTs.set('play|main', e.ts);
        }
        hbState = 'play';
        break;
      }
      case 'ping': {
        if (e.inBreak && !e.ad) break;
        const type = e.state === 'paused' ? 'pause' : e.state === 'buffering' ? 'buffer' : 'play';
        hb(type, e, e.ts, { asset: e.ad ? 'ad' : 'main', periodic: true });
        break;
      }
      case 'pauseStart':
      case 'bufferStart': {
        const type = e.kind === 'pauseStart' ? 'pause' : 'buffer';
        if (hbState === 'play' || hbState === 'pause' || hbState === 'buffer') {
          const g = flushGap(e);
          hb(hbState, e, e.ts - g, {
            asset: 'main',
            periodic: true,
            ph: phOut(hbState === 'play' ? e.ph : (prevEvent ?? e).ph),
          });
        }
        hb(type, e, e.ts, { asset: 'main', periodic: false });
        lastStateTs.set(`${type}|main`, e.ts);
        hbState = type;
        break;
      }
      case 'adBreakStart':
        if (hbState === 'play' && e.pod?.name !== 'preroll')
          hb('play', e, e.ts, { asset: 'main', periodic: true });
        hbState = 'none';
        break;
      case 'adStart': {
        const aaMid = fault === 'IDENTITY_MISMATCH' ? ctx.altEcid : ctx.ecid;
        if (!roku)
          aaMediaStart(ctx, e.sendAt - rng.int(3, 10), asset, {
            sid,
            lengthS: declaredLength,
            contentType: tl.content,
            ad: e,
            mid: aaMid,
          });
        hb('start', e, e.ts, { asset: 'ad', meta: true });
        const room = next ? next.ts - e.ts : 300;
        const d = Math.max(1, Math.min(rng.int(10, 60), Math.floor(room / 3)));
        if (roku)
          aaMediaStart(ctx, e.sendAt + Math.max(1, Math.floor(d / 2)), asset, {
            sid,
            lengthS: declaredLength,
            contentType: tl.content,
            ad: e,
            mid: aaMid,
          });
        hb('aa_ad_start', e, e.ts + d, { asset: 'ad' });
        lastStateTs.set('play|ad', e.ts);
        break;
      }
      case 'adComplete':
      case 'adSkip':
        hb('complete', e, e.ts, { asset: 'ad' });
        lastStateTs.delete('play|ad');
        break;
      case 'adBreakComplete':
        break;
      case 'chapterStart':
        hb('chapter_start', e, e.ts, { asset: 'main' });
        break;
      case 'chapterComplete':
        hb('chapter_complete', e, e.ts, { asset: 'main' });
        break;
      case 'bitrateChange':
        hb('bitrate_change', e, e.ts, { asset: 'main' });
        break;
      case 'error':
        hb('error', e, e.ts, { asset: 'main' });
        break;
      case 'sessionComplete':
        hb('complete', e, e.ts, { asset: 'main' });
        break;
      case 'sessionEnd':
        hb('end', e, e.ts, { asset: 'main' });
        break;
    }
    prevEvent = e;
  }
}

/** Heartbeat settings / check-status call. */
export function heartbeatSettings(ctx: CaptureCtx, sendAt: number): void {
  const pub = ctx.cust.key + '-tv';
  push(ctx, {
    sendAt,
    method: 'GET',
    url: `https://${ctx.hbHost}/settings/${pub}.xml?r=${sendAt}`,
    headers: baseHeaders(ctx),
    status: 200,
    resHeaders: [['Content-Type', 'text/xml']],
    resBody: {
      mime: 'text/xml',
      text: '<settings><trackingInterval>10</trackingInterval><setupCheckInterval>600</setupCheckInterval><trackExternalErrors>1</trackExternalErrors></settings>',
      size: 139,
    },
    resMime: 'text/xml',
    type: 'xhr',
    initiator: 'script',
  });
}

// ---------------------------------------------------------------------------------------------
// Media Collection API

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Integer-ms beacon timestamps as SDKs send them: strictly ascending, ≥ 1 ms apart (events scheduled
 * within a millisecond would otherwise collapse when rounded) — unless the injected fault is exactly that.
 */
function beaconTimes(events: { ts: number }[], fault: string | null | undefined): number[] {
  const out: number[] = [];
  for (const e of events) {
    let v = Math.round(e.ts);
    if (fault !== 'TIMESTAMP_NOT_ASCENDING' && out.length && v <= out[out.length - 1])
      v = out[out.length - 1] + 1;
    out.push(v);
  }
  return out;
}

export function renderMediaCollection(ctx: CaptureCtx, s: SessionRender): void {
  const rng = ctx.rng;
  const { tl, asset, sid } = s;
  const fault = s.fault;
  const host = fault === 'HOST_UNEXPECTED' ? ctx.hbHost : ctx.mcHost;
  const base = `https://${host}/api/v1/sessions`;
  const declaredLength =
    fault === 'PLAYHEAD_OUT_OF_RANGE' && tl.content === 'vod' ? Math.round(tl.lengthS / 60) : tl.lengthS;
  const phOut = (ph: number) =>
    fault === 'PLAYHEAD_OUT_OF_RANGE' && tl.content === 'live' ? Math.floor(ph + 1.7e9) : round3(ph);
  const rejectIdx =
    fault === 'BEACON_REJECTED' ? pickIndex(rng, tl.events, (e) => e.kind === 'ping' && !e.ad) : -1;
  const web = ctx.platform === 'web' || ctx.platform === 'chromecast';
  const times = beaconTimes(tl.events, fault);
  tl.events.forEach((e, i) => {
    const body: Record<string, unknown> = {
      playerTime: { playhead: phOut(e.ph), ts: times[i] },
      eventType: e.kind,
    };
    if (e.kind === 'sessionStart') {
      const params: Record<string, unknown> = {
        'analytics.trackingServer': ctx.aaHost,
        'analytics.reportSuite': ctx.rsid,
        'analytics.enableSSL': true,
        'visitor.marketingCloudOrgId': ctx.orgId,
        'visitor.marketingCloudUserId': ctx.ecid,
        'visitor.aamLocationHint': 9,
        'media.id': asset.id,
        'media.name': asset.name,
        'media.length': fault === 'PARAM_TYPE_MISMATCH' ? `${declaredLength}.0` : declaredLength,
        'media.contentType': tl.content,
        'media.streamType': 'video',
        'media.playerName': ctx.lib.playerName,
        'media.channel': asset.channel,
        'media.sdkVersion': ctx.appVersion,
        'media.libraryVersion': ctx.lib.mediaVersion,
        'media.show': asset.show,
        'media.season': asset.season,
        'media.episode': asset.episode,
        'media.genre': asset.genre,
        'media.network': asset.network,
        'media.rating': asset.rating,
      };
      if (ctx.platform !== 'web') params['media.downloaded'] = false;
      if (s.resume) params['media.resume'] = true;
      if (fault === 'PARAM_MISSING_REQUIRED') delete params['media.id'];
      if (fault === 'IDENTITY_MISSING_ECID') delete params['visitor.marketingCloudUserId'];
      body.params = params;
      body.customMetadata =
        fault === 'PARAM_NAME_INVALID'
          ? { tier: 'premium', 'content-rating': asset.rating }
          : { tier: 'premium', 'cms.source': 'vod-catalog' };
    } else if (e.kind === 'adBreakStart' && e.pod) {
      body.params = {
        'media.ad.podFriendlyName': e.pod.name,
        'media.ad.podIndex': e.pod.index,
        'media.ad.podSecond': e.pod.offset,
      };
    } else if (e.kind === 'adStart' && e.ad) {
      body.params = {
        'media.ad.id': e.ad.id,
        'media.ad.name': e.ad.name,
        'media.ad.length': e.ad.lengthS,
        'media.ad.podPosition': e.ad.podPosition,
        'media.ad.playerName': ctx.lib.playerName,
        'media.ad.advertiser': e.ad.advertiser,
        'media.ad.campaignId': e.ad.campaign,
        'media.ad.creativeId': e.ad.creative,
      };
      body.customMetadata = { affiliate: 'network-sales' };
    } else if (e.kind === 'chapterStart' && e.chapter) {
      body.params = {
        'media.chapter.friendlyName': e.chapter.name,
        'media.chapter.index': e.chapter.index,
        'media.chapter.offset': e.chapter.offset,
        'media.chapter.length': e.chapter.lengthS,
      };
    } else if (e.kind === 'bitrateChange') {
      body.qoeData = {
        'media.qoe.bitrate': e.bitrate,
        'media.qoe.framesPerSecond': 29.97,
        'media.qoe.droppedFrames': 0,
        'media.qoe.timeToStart': 410,
      };
    } else if (e.kind === 'error') {
      body.qoeData = {
        'media.qoe.errorID': e.errorId ?? 'MEDIA_ERR_DECODE',
        'media.qoe.errorSource': 'player',
      };
    }
    const start = e.kind === 'sessionStart';
    const reject = i === rejectIdx;
    const resHeaders: [string, string][] = start
      ? [
          ['Location', `/api/v1/sessions/${sid}`],
          ['Content-Length', '0'],
          ...(web
            ? ([
                ['Access-Control-Expose-Headers', 'Location'],
                ['Access-Control-Allow-Origin', `https://${ctx.cust.site}`],
              ] as [string, string][])
            : []),
        ]
      : reject
        ? [
            ['Content-Type', 'text/html'],
            ['Retry-After', '5'],
          ]
        : [['Content-Length', '0']];
    push(ctx, {
      sendAt: e.sendAt,
      method: 'POST',
      url: start ? base : `${base}/${sid}/events`,
      headers: baseHeaders(ctx, [['Content-Type', 'application/json']]),
      body: { mime: 'application/json', text: JSON.stringify(body) },
      status: start ? 201 : reject ? 503 : 204,
      resHeaders,
      resBody: reject
        ? { mime: 'text/html', text: '<html><body><h1>503 Service Unavailable</h1></body></html>', size: 58 }
        : undefined,
      resMime: reject ? 'text/html' : 'text/plain',
      type: 'xhr',
      initiator: 'script',
      mediaSession: sid,
    });
  });
  if (rejectIdx >= 0) s.notes.push('one ping answered 503 Service Unavailable');
}

function pickIndex<T>(rng: Rng, arr: T[], pred: (x: T) => boolean): number {
  const idx = arr.map((x, i) => (pred(x) ? i : -1)).filter((i) => i >= 0);
  return idx.length ? idx[rng.int(0, idx.length - 1)] : -1;
}

// ---------------------------------------------------------------------------------------------
// Media Edge

export function edgeImplementation(ctx: CaptureCtx) {
  return {
    name: ctx.lib.edgeName,
    version: ctx.lib.mediaVersion,
    environment: ctx.platform === 'web' ? 'browser' : 'app',
  };
}

export function renderMediaEdge(ctx: CaptureCtx, s: SessionRender): void {
  const rng = ctx.rng;
  const { tl, asset, sid } = s;
  const fault = s.fault;
  const web = ctx.platform === 'web';
  const declaredLength =
    fault === 'PLAYHEAD_OUT_OF_RANGE' && tl.content === 'vod' ? Math.round(tl.lengthS / 60) : tl.lengthS;
  const phOut = (ph: number): number => {
    if (fault === 'PLAYHEAD_OUT_OF_RANGE' && tl.content === 'live') return Math.floor(ph + 1.7e9);
    if (fault === 'PARAM_TYPE_MISMATCH')
      return Math.round(ph * 1000) / 1000 + (Number.isInteger(ph) ? 0.25 : 0);
    return Math.floor(ph);
  };
  const switchAt = fault === 'IDENTITY_MISMATCH' ? Math.floor(tl.events.length / 2) : Infinity;
  const edgeTimes = beaconTimes(tl.events, fault);
  tl.events.forEach((e, i) => {
    const mc: Record<string, unknown> = {};
    if (e.kind !== 'sessionStart') mc.sessionID = sid;
    mc.playhead = phOut(e.ph);
    if (e.kind === 'sessionStart') {
      const sd: Record<string, unknown> = {
        name: asset.id,
        friendlyName: asset.name,
        length: declaredLength,
        contentType: tl.content,
        streamType: 'video',
        playerName: ctx.lib.playerName,
        channel: asset.channel,
        appVersion: ctx.appVersion,
        show: asset.show,
        season: asset.season,
        episode: asset.episode,
        genre: asset.genre,
        network: asset.network,
        rating: asset.rating,
      };
      if (!web) sd.hasResume = Boolean(s.resume);
      else if (s.resume) sd.hasResume = true;
      if (fault === 'PARAM_MISSING_REQUIRED') delete sd.channel;
      mc.sessionDetails = sd;
      mc.customMetadata =
        fault === 'PARAM_NAME_INVALID'
          ? [
              { name: 'tier', value: 'premium' },
              { name: 'content rating', value: asset.rating },
            ]
          : [{ name: 'tier', value: 'premium' }];
    } else if (e.kind === 'adBreakStart' && e.pod) {
      mc.advertisingPodDetails = { friendlyName: e.pod.name, index: e.pod.index, offset: e.pod.offset };
    } else if (e.kind === 'adStart' && e.ad) {
      mc.advertisingDetails = {
        name: e.ad.id,
        friendlyName: e.ad.name,
        length: e.ad.lengthS,
        podPosition: e.ad.podPosition,
        playerName: ctx.lib.playerName,
        advertiser: e.ad.advertiser,
        campaignID: e.ad.campaign,
        creativeID: e.ad.creative,
      };
    } else if (e.kind === 'chapterStart' && e.chapter) {
      mc.chapterDetails = {
        index: e.chapter.index,
        offset: e.chapter.offset,
        length: e.chapter.lengthS,
        friendlyName: e.chapter.name,
      };
    } else if (e.kind === 'bitrateChange') {
      mc.qoeDataDetails = { bitrate: Math.round(e.bitrate / 1000), framesPerSecond: 30, droppedFrames: 0 };
    } else if (e.kind === 'error') {
      mc.errorDetails = { name: e.errorId ?? 'MEDIA_ERR_DECODE', source: 'player' };
    }
    const xdmEvent: Record<string, unknown> = { eventType: `media.${e.kind}` };
    if (!web || e.kind === 'sessionStart') xdmEvent._id = rng.uuid();
    xdmEvent.timestamp = iso(edgeTimes[i]);
    xdmEvent.mediaCollection = mc;
    const start = e.kind === 'sessionStart';
    let body: Record<string, unknown>;
    let url: string;
    const rid = rng.uuid();
    const cfg = `configId=${ctx.configId}&requestId=${rid}`;
    if (web) {
      if (start) {
        xdmEvent.implementationDetails = edgeImplementation(ctx);
        xdmEvent.web = { webPageDetails: { URL: `https://${ctx.cust.site}/watch/${asset.id}` } };
        body = {
          events: [{ xdm: xdmEvent }],
          meta: {
            state: {
              domain: ctx.cust.site.replace(/^www\./, ''),
              cookiesEnabled: true,
              entries: edgeStateEntries(ctx),
            },
          },
        };
        url = `https://${ctx.edgeHost}/ee/${ctx.edgeHint}/v1/interact?${cfg}`;
      } else {
        body = { events: [{ xdm: xdmEvent }] };
        url = `https://${ctx.edgeHost}/ee/${ctx.edgeHint}/va/v1/${e.kind}?${cfg}`;
      }
    } else {
      const ecid = i >= switchAt ? ctx.altEcid : ctx.ecid;
      const xdm: Record<string, unknown> = {};
      if (fault !== 'IDENTITY_MISSING_ECID')
        xdm.identityMap = { ECID: [{ id: ecid, authenticatedState: 'ambiguous', primary: false }] };
      xdm.implementationDetails = edgeImplementation(ctx);
      body = { xdm, events: [{ xdm: xdmEvent }] };
      if (ctx.platform !== 'roku')
        body.meta = {
          konductorConfig: { streaming: { enabled: true, recordSeparator: '\u0000', lineFeed: '\n' } },
        };
      const hint = i === 0 && rng.chance(0.5) ? '' : `/${ctx.edgeHint}`;
      url = `https://${ctx.edgeHost}/ee${hint}/va/v1/${e.kind}?${cfg}`;
    }
    const headers = baseHeaders(
      ctx,
      web
        ? [['Content-Type', 'text/plain; charset=UTF-8']]
        : [
            ['Content-Type', 'application/json'],
            ['accept', 'application/json'],
          ],
    );
    if (start) {
      const res = {
        requestId: rid,
        handle: [
          { payload: [{ sessionId: sid }], type: 'media-analytics:new-session', eventIndex: 0 },
          {
            payload: [{ scope: 'EdgeNetwork', hint: ctx.edgeHint, ttlSeconds: 1800 }],
            type: 'locationHint:result',
          },
          {
            payload: [
              { key: `kndctr_${ctx.orgId.replace('@', '_')}_cluster`, value: ctx.edgeHint, maxAge: 1800 },
            ],
            type: 'state:store',
          },
        ],
      };
      const text = JSON.stringify(res);
      push(ctx, {
        sendAt: e.sendAt,
        method: 'POST',
        url,
        headers,
        body: { mime: web ? 'text/plain; charset=UTF-8' : 'application/json', text: JSON.stringify(body) },
        status: 200,
        resHeaders: [
          ['Content-Type', 'application/json;charset=utf-8'],
          ['x-request-id', rid],
        ],
        resBody: { mime: 'application/json', text, size: text.length },
        resMime: 'application/json',
        type: web ? 'fetch' : 'xhr',
        initiator: 'script',
        mediaSession: sid,
      });
    } else {
      push(ctx, {
        sendAt: e.sendAt,
        method: 'POST',
        url,
        headers,
        body: { mime: web ? 'text/plain; charset=UTF-8' : 'application/json', text: JSON.stringify(body) },
        status: 204,
        resHeaders: [['x-request-id', rid]],
        resMime: 'text/plain',
        type: web ? 'fetch' : 'xhr',
        initiator: 'script',
        mediaSession: sid,
      });
    }
  });
  if (fault === 'IDENTITY_MISMATCH')
    s.notes.push(`identityMap.ECID changes from ${ctx.ecid} to ${ctx.altEcid} mid-session (resetIdentities)`);
}

export function edgeStateEntries(ctx: CaptureCtx) {
  return ctx.edgeIdentityKnown
    ? [
        {
          key: `kndctr_${ctx.orgId.replace('@', '_')}_identity`,
          value: 'CiYzMDI1MDAzNTUwMzc4OTg3NjQ3MzQ4NDU4MDU1NDU5NTMyNDIwOVIQCPbP',
        },
        { key: `kndctr_${ctx.orgId.replace('@', '_')}_cluster`, value: ctx.edgeHint },
      ]
    : [];
}
