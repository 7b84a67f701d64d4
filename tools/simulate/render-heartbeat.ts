import type { MEvent } from './timeline.js';
import type { SimRequest } from './types.js';
import { aaMediaStart, podHash } from './render-aa.js';
import {
  baseHeaders,
  noBodyRes,
  push,
  type CaptureCtx,
  type MediaAsset,
  type SessionRender,
} from './sim-context.js';
import { enc } from './wire.js';

/** Legacy heartbeat (VHL 1.x/2.x) calls from the protocol-neutral timeline. */

/** How one heartbeat call is written. */
interface HbOptions {
  asset: 'main' | 'ad';
  ph?: number;
  periodic?: boolean;
  meta?: boolean;
  startMid?: boolean;
  /** The flush of the state in force before a change: left out when no millisecond is left for it. */
  flush?: boolean;
}

/** The heartbeat writer of one session: its call builder and the state the event loop carries. */
interface HbWriter {
  ctx: CaptureCtx;
  s: SessionRender;
  roku: boolean;
  declaredLength: number;
  lastStateTs: Map<string, number>;
  /** The heartbeat state (play / pause / buffer) of main content, for the flush before a change. */
  hbState: 'none' | 'play' | 'pause' | 'buffer';
  prevEvent: MEvent | null;
  /** The event being rendered: its mark goes on its own call only. */
  current: MEvent | null;
  hb(type: string, e: MEvent, ts: number, opts: HbOptions): void;
  phOut(ph: number): number;
  markMismatch(r: SimRequest): void;
}

export function renderHeartbeat(ctx: CaptureCtx, s: SessionRender): void {
  const w = heartbeatWriter(ctx, s);
  const evs = s.tl.events;
  for (let i = 0; i < evs.length; i++) {
    w.current = evs[i];
    renderHeartbeatEvent(w, evs[i], evs[i + 1]);
    w.prevEvent = evs[i];
  }
}

function heartbeatWriter(ctx: CaptureCtx, s: SessionRender): HbWriter {
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
  const phOut = (ph: number) =>
    fault === 'PLAYHEAD_OUT_OF_RANGE' && tl.content === 'live' ? Math.floor(ph + 1.7e9) : Math.floor(ph);

  // Marks (where a check must fire) go on the request of the marked event itself, not on flushes or the
  // aa_start that follow it; render faults mark the start, or the first playhead past the declared range.
  let rangeMarked = false;
  const markOf = (
    type: string,
    e: MEvent,
    ts: number,
    asset: 'main' | 'ad',
    ph: number,
  ): string | undefined => {
    if (e === w.current && e.mark && (e.markFlush ? ts < e.ts : ts === e.ts)) return e.mark;
    if (type === 'start' && asset === 'main' && s.markStart && !e.duplicate && e === w.current) return fault!;
    const outOfRange = tl.content === 'live' ? ph > 86_400 : ph > declaredLength + 2;
    if (fault === 'PLAYHEAD_OUT_OF_RANGE' && asset === 'main' && !rangeMarked && outOfRange) {
      rangeMarked = true;
      return fault;
    }
    return undefined;
  };

  const hb = (type: string, e: MEvent, at: number, opts: HbOptions) => {
    // Two timeline events 1 ms apart leave no time between them for the flush (flushGap is at least
    // 1 ms): it would repeat the previous call's timestamp, and generating one corpus in a few thousand
    // captures failed on it. Only that case changes: every corpus that generated before is byte-identical.
    if (opts.flush && at <= lastTs && fault !== 'TIMESTAMP_NOT_ASCENDING') return;
    // Two timeline events in one millisecond (a chapter's end and a bitrate change: seed 97's
    // 48,000-capture dense corpus, capture 19051) are sent one after the other, as the SDK's one thread
    // sends them: the second call 1 ms later. Its mark still follows the event's own time (`at`). The
    // same holds here: only calls that used to stop the corpus move.
    const ts = at <= lastTs && fault !== 'TIMESTAMP_NOT_ASCENDING' ? lastTs + 1 : at;
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
      ...assetPart(ctx, asset, e, opts.asset, declaredLength),
      ...streamPart(ctx, tl.content, asset, e, type, opts.asset),
    );
    if (opts.meta) p.push(...metaPart(asset, e, opts.asset));
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
      mark: markOf(type, e, at, opts.asset, opts.asset === 'ad' ? Math.floor(e.adPh) : ph),
    });
  };

  // IDENTITY_MISMATCH shows on the session's Analytics media start (its mid is the other ECID).
  let mismatchMarked = false;
  const markMismatch = (r: SimRequest) => {
    if (fault === 'IDENTITY_MISMATCH' && !mismatchMarked) {
      r.mark = fault;
      mismatchMarked = true;
    }
  };
  const w: HbWriter = {
    ctx,
    s,
    roku,
    declaredLength,
    lastStateTs,
    hbState: 'none',
    prevEvent: null,
    current: null,
    hb,
    phOut,
    markMismatch,
  };
  return w;
}

/** The calls one timeline event becomes (a state change flushes the current state first). */
function renderHeartbeatEvent(w: HbWriter, e: MEvent, next: MEvent | undefined): void {
  const { ctx, s, roku, declaredLength, lastStateTs, hb, phOut, markMismatch } = w;
  const rng = ctx.rng;
  const { tl, asset, sid } = s;
  const fault = s.fault;
  const prevEvent = w.prevEvent;
  const flushGap = (e: MEvent) =>
    Math.max(1, Math.min(rng.int(20, 250), Math.floor((e.ts - (prevEvent?.ts ?? e.ts - 500)) / 2)));
  switch (e.kind) {
    case 'sessionStart': {
      const aaMid = fault === 'IDENTITY_MISMATCH' ? ctx.altEcid : ctx.ecid;
      const wantAa = fault !== 'ORCH_MISSING_AA_START' && !e.duplicate;
      if (wantAa && !roku)
        markMismatch(
          aaMediaStart(ctx, e.sendAt - rng.int(8, 40), asset, {
            sid,
            lengthS: declaredLength,
            contentType: tl.content,
            mid: aaMid,
          }),
        );
      hb('start', e, e.ts, { asset: 'main', meta: true });
      if (!e.duplicate) {
        const room = next ? next.ts - e.ts : 300;
        const d = Math.max(2, Math.min(rng.int(20, 150), Math.floor(room / 3)));
        if (wantAa && roku)
          markMismatch(
            aaMediaStart(ctx, e.sendAt + Math.floor(d / 2), asset, {
              sid,
              lengthS: declaredLength,
              contentType: tl.content,
              mid: aaMid,
            }),
          );
        hb('aa_start', e, e.ts + d, { asset: 'main' });
      }
      w.hbState = 'none';
      break;
    }
    case 'play': {
      if (e.ad) break; // preroll playback start: ad heartbeats follow
      if (w.hbState === 'pause' || w.hbState === 'buffer') {
        const g = flushGap(e);
        hb(w.hbState, prevEvent ?? e, e.ts - g, {
          asset: 'main',
          periodic: true,
          flush: true,
          ph: phOut((prevEvent ?? e).ph),
        });
        hb('play', e, e.ts, { asset: 'main', periodic: false });
        lastStateTs.set('play|main', e.ts);
      }
      w.hbState = 'play';
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
      if (w.hbState === 'play' || w.hbState === 'pause' || w.hbState === 'buffer') {
        const g = flushGap(e);
        hb(w.hbState, e, e.ts - g, {
          asset: 'main',
          periodic: true,
          flush: true,
          ph: phOut(w.hbState === 'play' ? e.ph : (prevEvent ?? e).ph),
        });
      }
      hb(type, e, e.ts, { asset: 'main', periodic: false });
      lastStateTs.set(`${type}|main`, e.ts);
      w.hbState = type;
      break;
    }
    case 'adBreakStart':
      if (w.hbState === 'play' && e.pod?.name !== 'preroll')
        hb('play', e, e.ts, { asset: 'main', periodic: true });
      w.hbState = 'none';
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

type Pair = [string, string | number];

/** The `s:asset:*` part of a heartbeat call; ad calls add the ad and its pod. */
function assetPart(
  ctx: CaptureCtx,
  asset: MediaAsset,
  e: MEvent,
  type: 'main' | 'ad',
  length: number,
): Pair[] {
  const p: Pair[] = [
    ['s:asset:type', type],
    ['s:asset:name', asset.name],
    ['s:asset:video_id', asset.id],
    ['s:asset:publisher', ctx.orgId],
    ['l:asset:length', length],
  ];
  if (type === 'ad' && e.ad && e.pod)
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
  return p;
}

/** The `s:stream:*` part: stream type, QoE, and the open chapter on main calls. */
function streamPart(
  ctx: CaptureCtx,
  content: string,
  asset: MediaAsset,
  e: MEvent,
  type: string,
  assetType: 'main' | 'ad',
): Pair[] {
  const p: Pair[] = [
    ['s:stream:type', content],
    ['l:stream:bitrate', e.bitrate],
    ['l:stream:fps', 0],
    ['l:stream:dropped_frames', 0],
    ['l:stream:startup_time', type === 'start' ? 0 : ctx.rng.int(300, 900)],
  ];
  if (e.chapter && (type.startsWith('chapter_') || assetType === 'main'))
    p.push(
      ['s:stream:chapter_sid', e.chapter.sid],
      ['s:stream:chapter_id', `${podHash(asset.id)}_${e.chapter.index}`],
      ['s:stream:chapter_name', e.chapter.name],
      ['l:stream:chapter_pos', e.chapter.index],
      ['l:stream:chapter_offset', e.chapter.offset],
      ['l:stream:chapter_length', e.chapter.lengthS],
    );
  return p;
}

/** Standard metadata (`s:meta:a.media.*`) on start calls. */
function metaPart(asset: MediaAsset, e: MEvent, type: 'main' | 'ad'): Pair[] {
  if (type === 'ad' && e.ad)
    return [
      ['s:meta:a.media.ad.advertiser', e.ad.advertiser],
      ['s:meta:a.media.ad.campaign', e.ad.campaign],
      ['s:meta:a.media.ad.creative', e.ad.creative],
    ];
  return [
    ['s:meta:a.media.show', asset.show],
    ['s:meta:a.media.season', asset.season],
    ['s:meta:a.media.episode', asset.episode],
    ['s:meta:a.media.genre', asset.genre],
    ['s:meta:a.media.network', asset.network],
    ['s:meta:a.media.rating', asset.rating],
  ];
}
