import type { MEvent } from './timeline.js';
import type { SimRequest } from './types.js';
import { baseHeaders, push, type CaptureCtx, type MediaAsset } from './sim-context.js';
import { contextData, enc, query, aaWebTime, aaZeroTime, GIF_1x1 } from './wire.js';

/** Adobe Analytics hits: page/app hits and the heartbeat-era media starts (`ms_s` / `msa_s`). */

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
  const req = renderAaHit(ctx, hit);
  // Context-wide page faults show first on the capture's first Analytics hit without its ECID / suite.
  const code =
    ctx.aaRsidOverride !== undefined
      ? 'RSID_INVALID'
      : ctx.aaNoMid && hit.mid === undefined
        ? 'IDENTITY_MISSING_ECID'
        : null;
  if (code && !ctx.out.some((r) => r.mark === code)) req.mark = code;
  return req;
}

function renderAaHit(ctx: CaptureCtx, hit: AaHit): SimRequest {
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
