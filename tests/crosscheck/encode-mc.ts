// Media Collection API events → `POST /api/v1/sessions` (answered `201` + `Location`) and
// `POST /api/v1/sessions/{sid}/events` (answered `204`). Body: `eventType`, `playerTime {playhead, ts}`,
// `params` on the events that have them, `qoeData`, `customMetadata`.
// Sources: https://developer.adobe.com/analytics-collection-apis/methods/media-collection/events,
// https://github.com/adobe/aepsdk-media-android (MediaCollectionHitGenerator), Media JS 3.x in
// https://github.com/Adobe-Marketing-Cloud/media-sdks.

import { mediaAaRequest } from './media-aa.js';
import type { Ev, Req, Resp } from './model.js';
import { wirePlayhead, type SessionCtx } from './session-ctx.js';

type Json = Record<string, unknown>;

function mcHeaders(ctx: SessionCtx): [string, string][] {
  const h: [string, string][] = [
    ['Content-Type', 'application/json'],
    ['User-Agent', ctx.ua],
  ];
  if (ctx.web) h.push(['Accept', '*/*'], ['Origin', ctx.web.origin], ['Referer', ctx.web.pageUrl]);
  else h.push(['Accept-Language', 'en-US'], ['Accept-Encoding', 'gzip']);
  return h;
}

function sessionStartParams(ctx: SessionCtx, ev: Ev): Json {
  const { content, brand, lib } = ctx;
  const aep = ctx.platform !== 'web' && ctx.platform !== 'chromecast';
  const params: Json = {
    'media.id': content.id,
    'media.name': content.name,
    'media.length': content.length,
    'media.contentType': content.contentType,
    'media.streamType': content.streamType,
    'media.playerName': ctx.playerName,
    'media.channel': ctx.channel,
  };
  if (aep) params['media.downloaded'] = Boolean(ev.info?.downloaded);
  if (ctx.appVersion !== null) params['media.sdkVersion'] = ctx.appVersion;
  params['media.libraryVersion'] = lib.raw;
  if (ev.info?.resume) params['media.resume'] = true;
  params['analytics.trackingServer'] = ctx.hosts.aaTracking;
  params['analytics.reportSuite'] = ctx.rsid;
  params['analytics.enableSSL'] = true;
  params['visitor.marketingCloudOrgId'] = brand.orgId;
  params['visitor.marketingCloudUserId'] = ctx.ecid;
  if (aep) params['visitor.aamLocationHint'] = 9;
  params['media.show'] = content.show;
  params['media.season'] = content.season;
  params['media.episode'] = content.episode;
  params['media.genre'] = content.genre;
  for (const [k, v] of Object.entries(lib.startParams)) params[k] = v;
  return params;
}

function eventParams(ctx: SessionCtx, ev: Ev): Json | undefined {
  switch (ev.type) {
    case 'sessionStart':
      return sessionStartParams(ctx, ev);
    case 'adBreakStart':
      return ev.pod
        ? {
            'media.ad.podFriendlyName': ev.pod.name,
            'media.ad.podIndex': ev.pod.index,
            'media.ad.podSecond': ev.pod.offset,
          }
        : undefined;
    case 'adStart':
      return ev.ad
        ? {
            'media.ad.id': ev.ad.id,
            'media.ad.name': ev.ad.name,
            'media.ad.length': ev.ad.length,
            'media.ad.podPosition': ev.ad.position,
            'media.ad.playerName': ctx.playerName,
            'media.ad.advertiser': ev.ad.name.split(' ').slice(0, -2).join(' '),
          }
        : undefined;
    case 'chapterStart':
      return ev.chapter
        ? {
            'media.chapter.friendlyName': ev.chapter.name,
            'media.chapter.index': ev.chapter.index,
            'media.chapter.offset': ev.chapter.offset,
            'media.chapter.length': ev.chapter.length,
          }
        : undefined;
    default:
      return undefined;
  }
}

function eventQoe(ev: Ev): Json | undefined {
  if (ev.type === 'bitrateChange') {
    return {
      'media.qoe.bitrate': Number(ev.info?.bitrate ?? 2_500_000),
      'media.qoe.framesPerSecond': 29.97,
      'media.qoe.droppedFrames': 0,
      'media.qoe.timeToStart': 410,
    };
  }
  if (ev.type === 'error')
    return { 'media.qoe.errorID': String(ev.info?.errorId ?? 'unknown'), 'media.qoe.errorSource': 'player' };
  return undefined;
}

/** One event body; `set` keys name params, `qoe:` / `meta:` prefixes reach qoeData / customMetadata. */
export function mcBody(ctx: SessionCtx, ev: Ev): Json {
  const playhead = Math.round(wirePlayhead(ctx, ev.ph) * 1000) / 1000;
  const body: Json = { eventType: ev.type, playerTime: { playhead, ts: ev.t } };
  let params = eventParams(ctx, ev);
  let qoe = eventQoe(ev);
  let meta: Record<string, string> | undefined =
    ev.type === 'sessionStart' && Object.keys(ctx.customMetadata).length > 0
      ? { ...ctx.customMetadata }
      : undefined;
  for (const [key, v] of Object.entries(ev.set ?? {})) {
    if (key === '@playhead') {
      (body.playerTime as Json).playhead = v;
      continue;
    }
    if (key.startsWith('qoe:')) {
      qoe = { ...(qoe ?? {}) };
      if (v === null) delete qoe[key.slice(4)];
      else qoe[key.slice(4)] = v;
      continue;
    }
    if (key.startsWith('meta:')) {
      meta = { ...(meta ?? {}) };
      if (v === null) delete meta[key.slice(5)];
      else meta[key.slice(5)] = String(v);
      continue;
    }
    params = { ...(params ?? {}) };
    if (v === null) delete params[key];
    else params[key] = v;
  }
  if (params) body.params = params;
  if (qoe) body.qoeData = qoe;
  if (meta) body.customMetadata = meta;
  return body;
}

function mcResponse(
  t: number,
  status: number,
  statusText: string,
  extra: [string, string][],
  body = '',
): Resp {
  return {
    status,
    statusText,
    headers: [['Date', new Date(t).toUTCString()], ['Content-Length', String(body.length)], ...extra],
    mime: body ? 'application/json' : '',
    text: body,
    size: body.length,
  };
}

export function encodeMediaCollection(ctx: SessionCtx, evs: Ev[], downloaded: boolean): Req[] {
  const reqs: Req[] = [];
  const cors: [string, string][] = ctx.web
    ? [
        ['Access-Control-Allow-Origin', ctx.web.origin],
        ['Access-Control-Expose-Headers', 'Location'],
      ]
    : [];
  if (downloaded) {
    // AEP Media posts the whole offline session as one JSON array to the sessions endpoint.
    const last = evs[evs.length - 1];
    const sendT = Number(last.sendT ?? last.t);
    reqs.push({
      t: sendT,
      capT: sendT,
      owner: ctx.sid,
      method: 'POST',
      url: `https://${ctx.hosts.mc}/api/v1/sessions`,
      headers: mcHeaders(ctx),
      body: { mime: 'application/json', text: JSON.stringify(evs.map((e) => mcBody(ctx, e))) },
      resp: mcResponse(sendT, 201, 'Created', [['Location', `/api/v1/sessions/${ctx.sid}`], ...cors]),
      initiator: 'other',
      marks: evs.flatMap((e) => e.marks),
    });
    return reqs;
  }
  for (const ev of evs) {
    const sendT = ev.sendT ?? ev.t;
    if (ev.type === 'aa:ms_s' || ev.type === 'aa:msa_s') {
      reqs.push(...mediaAaRequest(ctx, ev, sendT));
      continue;
    }
    const scheme = ev.scheme ?? 'https';
    const host = ev.host ?? ctx.hosts.mc;
    const isStart = ev.type === 'sessionStart' && !ev.mcPath;
    const path = ev.mcPath ?? (isStart ? '/api/v1/sessions' : `/api/v1/sessions/${ctx.sid}/events`);
    let resp: Resp;
    if (ev.resp) {
      const body = ev.resp.body ?? '';
      resp = mcResponse(sendT, ev.resp.status, ev.resp.statusText, cors, body);
      if (body) resp.mime = ev.resp.mime ?? 'application/json';
    } else if (isStart) {
      resp = mcResponse(sendT, 201, 'Created', [['Location', `/api/v1/sessions/${ctx.sid}`], ...cors]);
    } else resp = mcResponse(sendT, 204, 'No Content', cors);
    reqs.push({
      t: sendT,
      capT: sendT,
      owner: ctx.sid,
      method: 'POST',
      url: `${scheme}://${host}${path}`,
      headers: mcHeaders(ctx),
      body: { mime: 'application/json', text: JSON.stringify(mcBody(ctx, ev)) },
      resp,
      initiator: ctx.web ? 'xhr' : 'other',
      marks: ev.marks,
      sameCaptureAsPrev: ev.sameCaptureAsPrev,
    });
  }
  return reqs;
}
