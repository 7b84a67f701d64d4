import { beaconTimes } from './render-mc.js';
import type { MEvent } from './timeline.js';
import { baseHeaders, push, type CaptureCtx, type SessionRender } from './sim-context.js';
import { iso } from './wire.js';

/** Experience Edge media (`/ee/va/v1/*`, Web SDK `interact`) calls from the protocol-neutral timeline. */

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
  let rangeMarked = false;
  // Where a check must fire: the marked event, the start for start-parameter faults, the first call with
  // the other ECID, the first playhead past the declared range.
  const markOf = (e: MEvent, i: number, ph: number): string | undefined => {
    if (e.mark) return e.mark;
    if (s.markStart && e.kind === 'sessionStart') return fault!;
    if (fault === 'IDENTITY_MISMATCH' && i === switchAt) return fault;
    const out = tl.content === 'live' ? ph > 86_400 : ph > declaredLength + 2;
    if (fault === 'PLAYHEAD_OUT_OF_RANGE' && !rangeMarked && out) {
      rangeMarked = true;
      return fault;
    }
    return undefined;
  };
  tl.events.forEach((e, i) => {
    const mc = mediaCollection(ctx, s, e, phOut(e.ph), declaredLength);
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
        mark: markOf(e, i, mc.playhead as number),
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
        mark: markOf(e, i, mc.playhead as number),
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

/** The `xdm.mediaCollection` of one event: session details on the start, pod/ad/chapter/QoE details. */
function mediaCollection(
  ctx: CaptureCtx,
  s: SessionRender,
  e: MEvent,
  playhead: number,
  declaredLength: number,
): Record<string, unknown> {
  const { tl, asset, sid } = s;
  const fault = s.fault;
  const web = ctx.platform === 'web';
  const mc: Record<string, unknown> = {};
  if (e.kind !== 'sessionStart') mc.sessionID = sid;
  mc.playhead = playhead;
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
  return mc;
}
