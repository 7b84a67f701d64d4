// Media Edge events → Edge Network requests. Web SDK opens the session through `/ee[/{hint}]/v1/interact`
// and sends the rest to `/ee[/{hint}]/va/v1/{event}`; the mobile and Roku SDKs send every event, the start
// included, to `/va/v1/{event}` with `implementationDetails` and `identityMap` in a top-level `xdm`.
// The start is answered with a `media-analytics:new-session` handle that carries the session id.
// Sources: https://developer.adobe.com/data-collection-apis/docs/endpoints/media/,
// https://github.com/adobe/alloy (StreamingMedia), https://github.com/adobe/aepsdk-edgemedia-android,
// https://github.com/adobe/aepsdk-roku.

import { mediaAaRequest } from './media-aa.js';
import type { Ev, Req, Resp } from './model.js';
import { wirePlayhead, type SessionCtx } from './session-ctx.js';

type Json = Record<string, unknown>;

function setPath(obj: Json, path: string, value: unknown) {
  const parts = path.split('.');
  let node = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
    node = node[p] as Json;
  }
  const leaf = parts[parts.length - 1];
  if (value === null) delete node[leaf];
  else node[leaf] = value;
}

function edgePlayhead(ctx: SessionCtx, ev: Ev): number {
  const ph = wirePlayhead(ctx, ev.ph);
  // The Media Edge schema types the playhead as an integer; alloy and the mobile SDKs truncate.
  return ev.info?.floatPlayhead ? Math.round(ph * 1000) / 1000 : Math.floor(ph);
}

export function edgeMediaCollection(ctx: SessionCtx, ev: Ev, withSession = true): Json {
  const { content } = ctx;
  const mc: Json = {};
  if (ev.type !== 'sessionStart' && withSession) mc.sessionID = ctx.sid;
  mc.playhead = edgePlayhead(ctx, ev);
  switch (ev.type) {
    case 'sessionStart': {
      const details: Json = {
        name: content.id,
        friendlyName: content.name,
        length: Math.floor(content.length),
        contentType: content.contentType,
        streamType: content.streamType,
        playerName: ctx.playerName,
        channel: ctx.channel,
      };
      if (ctx.appVersion !== null) details.appVersion = ctx.appVersion;
      if (ctx.platform !== 'web') details.hasResume = Boolean(ev.info?.resume);
      else if (ev.info?.resume) details.hasResume = true;
      if (ev.info?.downloaded) details.isDownloaded = true;
      details.show = content.show;
      details.season = content.season;
      details.episode = content.episode;
      details.genre = content.genre;
      mc.sessionDetails = details;
      for (const [k, v] of Object.entries(ctx.lib.startParams)) {
        setPath(mc, k.includes('.') ? k : `sessionDetails.${k}`, v);
      }
      const meta = Object.entries(ctx.customMetadata);
      if (meta.length > 0) mc.customMetadata = meta.map(([name, value]) => ({ name, value }));
      break;
    }
    case 'adBreakStart':
      if (ev.pod)
        mc.advertisingPodDetails = {
          friendlyName: ev.pod.name,
          index: ev.pod.index + 1,
          offset: ev.pod.offset,
        };
      break;
    case 'adStart':
      if (ev.ad) {
        mc.advertisingDetails = {
          name: ev.ad.id,
          friendlyName: ev.ad.name,
          length: ev.ad.length,
          podPosition: ev.ad.position,
          playerName: ctx.playerName,
          advertiser: ev.ad.name.split(' ').slice(0, -2).join(' '),
        };
      }
      break;
    case 'chapterStart':
      if (ev.chapter) {
        mc.chapterDetails = {
          friendlyName: ev.chapter.name,
          index: ev.chapter.index,
          offset: ev.chapter.offset,
          length: ev.chapter.length,
        };
      }
      break;
    case 'bitrateChange':
      mc.qoeDataDetails = {
        bitrate: Math.round(Number(ev.info?.bitrate ?? 2_500_000) / 1000),
        framesPerSecond: 30,
        droppedFrames: 0,
        timeToStart: 410,
      };
      break;
    case 'error':
      mc.errorDetails = { name: String(ev.info?.errorId ?? 'unknown'), source: 'player' };
      break;
  }
  for (const [k, v] of Object.entries(ev.set ?? {})) setPath(mc, k, v);
  return mc;
}

function identityMap(ctx: SessionCtx, ev: Ev): Json | undefined {
  const ecid = ev.mid === undefined ? ctx.ecid : ev.mid;
  if (!ecid) return undefined;
  return { ECID: [{ id: ecid, authenticatedState: 'ambiguous', primary: false }] };
}

function orgKey(ctx: SessionCtx): string {
  return ctx.brand.orgId.replace('@', '_');
}

function startHandle(ctx: SessionCtx, requestId: string): string {
  const handle: Json[] = [
    { payload: [{ sessionId: ctx.sid }], type: 'media-analytics:new-session', eventIndex: 0 },
    {
      payload: [{ scope: 'EdgeNetwork', hint: ctx.edgeHint ?? 'or2', ttlSeconds: 1800 }],
      type: 'locationHint:result',
    },
    {
      payload: [{ key: `kndctr_${orgKey(ctx)}_cluster`, value: ctx.edgeHint ?? 'or2', maxAge: 1800 }],
      type: 'state:store',
    },
  ];
  return JSON.stringify({ requestId, handle });
}

function headersFor(ctx: SessionCtx): [string, string][] {
  if (ctx.web) {
    return [
      ['Content-Type', 'text/plain; charset=UTF-8'],
      ['Accept', '*/*'],
      ['Origin', ctx.web.origin],
      ['Referer', ctx.web.pageUrl],
      ['User-Agent', ctx.ua],
    ];
  }
  return [
    ['Content-Type', 'application/json'],
    ['accept', 'application/json'],
    ['Accept-Language', 'en-US'],
    ['User-Agent', ctx.ua],
  ];
}

function edgeResp(
  ctx: SessionCtx,
  t: number,
  status: number,
  statusText: string,
  body?: string,
  mime?: string,
): Resp {
  const headers: [string, string][] = [['Date', new Date(t).toUTCString()]];
  if (body) headers.push(['Content-Type', mime ?? 'application/json;charset=utf-8']);
  headers.push(['Content-Length', String(body?.length ?? 0)], ['x-request-id', ctx.rng.uuid()]);
  if (ctx.web)
    headers.push(
      ['Access-Control-Allow-Origin', ctx.web.origin],
      ['Access-Control-Allow-Credentials', 'true'],
    );
  return {
    status,
    statusText,
    headers,
    mime: body ? (mime ?? 'application/json') : '',
    text: body ?? '',
    size: body?.length ?? 0,
  };
}

export function encodeEdge(ctx: SessionCtx, evs: Ev[], downloaded: boolean): Req[] {
  const reqs: Req[] = [];
  const hintPath = ctx.edgeHint ? `/${ctx.edgeHint}` : '';
  const query = (requestId: string) => `configId=${ctx.configId}&requestId=${requestId}`;
  const topXdm = (ev: Ev): Json => {
    const xdm: Json = {
      implementationDetails: { name: ctx.lib.implName, version: ctx.lib.raw, environment: 'app' },
    };
    const ids = identityMap(ctx, ev);
    if (ids) xdm.identityMap = ids;
    return xdm;
  };
  const meta = (): Json =>
    ctx.platform === 'roku'
      ? {
          state: {
            entries: [{ key: `kndctr_${orgKey(ctx)}_cluster`, value: ctx.edgeHint ?? 'or2', maxAge: 1800 }],
          },
        }
      : { konductorConfig: { streaming: { enabled: true, recordSeparator: '\u0000', lineFeed: '\n' } } };

  if (downloaded) {
    const first = evs[0];
    const last = evs[evs.length - 1];
    const sendT = Number(last.sendT ?? last.t);
    const requestId = ctx.rng.uuid();
    const body = {
      xdm: topXdm(first),
      events: [
        {
          xdm: {
            eventType: 'media.downloaded',
            _id: ctx.rng.uuid(),
            timestamp: new Date(sendT).toISOString(),
            mediaDownloadedEvents: evs.map((e) => ({
              mediaEventTimestamp: new Date(e.t).toISOString(),
              mediaEventType: `media.${e.type}`,
              mediaCollection: edgeMediaCollection(ctx, e, false),
            })),
          },
        },
      ],
      meta: meta(),
    };
    reqs.push({
      t: sendT,
      capT: sendT,
      owner: ctx.sid,
      method: 'POST',
      url: `https://${ctx.hosts.edge}/ee${hintPath}/va/v1/downloaded?${query(requestId)}`,
      headers: headersFor(ctx),
      body: { mime: 'application/json', text: JSON.stringify(body) },
      resp: edgeResp(ctx, sendT, 200, 'OK', startHandle(ctx, requestId)),
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
    const requestId = ctx.rng.uuid();
    const host = ev.host ?? ctx.hosts.edge;
    const isStart = ev.type === 'sessionStart';
    const eventXdm: Json = { eventType: `media.${ev.type}` };
    if (!ctx.web) eventXdm._id = ctx.rng.uuid();
    eventXdm.timestamp = new Date(ev.t).toISOString();
    eventXdm.mediaCollection = edgeMediaCollection(ctx, ev);
    let url: string;
    let body: Json;
    if (ctx.web) {
      if (isStart) {
        eventXdm.implementationDetails = {
          name: ctx.lib.implName,
          version: ctx.lib.raw,
          environment: 'browser',
        };
        eventXdm.web = { webPageDetails: { URL: ctx.web.pageUrl } };
      }
      const path = isStart ? `/ee${hintPath}/v1/interact` : `/ee${hintPath}/va/v1/${ev.type}`;
      url = `https://${host}${path}?${query(requestId)}`;
      body = { events: [{ xdm: eventXdm }] };
      if (isStart) body.meta = { state: { domain: ctx.brand.domain, cookiesEnabled: true } };
    } else {
      url = `https://${host}/ee${hintPath}/va/v1/${ev.type}?${query(requestId)}`;
      body = { xdm: topXdm(ev), events: [{ xdm: eventXdm }], meta: meta() };
    }
    let resp: Resp;
    if (ev.resp) resp = edgeResp(ctx, sendT, ev.resp.status, ev.resp.statusText, ev.resp.body, ev.resp.mime);
    else if (isStart) resp = edgeResp(ctx, sendT, 200, 'OK', startHandle(ctx, requestId));
    else resp = edgeResp(ctx, sendT, 204, 'No Content');
    reqs.push({
      t: sendT,
      capT: sendT,
      owner: ctx.sid,
      method: 'POST',
      url,
      headers: headersFor(ctx),
      body: { mime: ctx.web ? 'text/plain;charset=UTF-8' : 'application/json', text: JSON.stringify(body) },
      resp,
      initiator: ctx.web ? 'fetch' : 'other',
      marks: ev.marks,
      sameCaptureAsPrev: ev.sameCaptureAsPrev,
    });
  }
  return reqs;
}
