import type { Rng } from '../util/rng.js';
import type { MEvent } from './timeline.js';
import { baseHeaders, push, type CaptureCtx, type SessionRender } from './sim-context.js';

/** Media Collection API (`/api/v1/sessions`) calls from the protocol-neutral timeline. */

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Integer-ms beacon timestamps as SDKs send them: strictly ascending, ≥ 1 ms apart (events scheduled
 * within a millisecond would otherwise collapse when rounded) — unless the injected fault is exactly that.
 */
export function beaconTimes(events: { ts: number }[], fault: string | null | undefined): number[] {
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
  let rangeMarked = false;
  // Where a check must fire: the marked event, the start for start-parameter faults, the rejected call,
  // the first playhead past the declared range.
  const markOf = (e: MEvent, i: number, ph: number): string | undefined => {
    if (e.mark) return e.mark;
    if (s.markStart && e.kind === 'sessionStart') return fault!;
    if (i === rejectIdx) return fault!;
    const out = tl.content === 'live' ? ph > 86_400 : ph > declaredLength + 2;
    if (fault === 'PLAYHEAD_OUT_OF_RANGE' && !rangeMarked && out) {
      rangeMarked = true;
      return fault;
    }
    return undefined;
  };
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
      mark: markOf(e, i, phOut(e.ph)),
    });
  });
  if (rejectIdx >= 0) s.notes.push('one ping answered 503 Service Unavailable');
}

function pickIndex<T>(rng: Rng, arr: T[], pred: (x: T) => boolean): number {
  const idx = arr.map((x, i) => (pred(x) ? i : -1)).filter((i) => i >= 0);
  return idx.length ? idx[rng.int(0, idx.length - 1)] : -1;
}
