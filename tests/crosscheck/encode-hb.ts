// Legacy Video Heartbeat events → `GET https://{ns}.hb.omtrdc.net/?s:…&l:…` requests.
// Parameter grammar `{type}:{realm}:{name}`, realms in SDK order (sc, user, aam, cuser, sp, event, asset,
// stream, meta); `l:` values are floored integers. Sources: the legacy validation pages of
// https://github.com/AdobeDocs/media-analytics.en (help/legacy/validation) and
// https://github.com/Adobe-Marketing-Cloud/media-sdks (MediaSDK.min.js, adbmobile.brs).

import { mediaAaRequest } from './media-aa.js';
import type { Ev, Req, Resp } from './model.js';
import { wirePlayhead, type SessionCtx } from './session-ctx.js';

const enc = (v: string) => encodeURIComponent(v);

function hbResponse(ctx: SessionCtx, t: number, ev: Ev): Resp {
  const status = ev.resp?.status ?? 204;
  const headers: [string, string][] = [
    ['Date', new Date(t).toUTCString()],
    ['Content-Length', String(ev.resp?.body?.length ?? 0)],
    ['Connection', 'keep-alive'],
  ];
  if (ctx.web)
    headers.push(
      ['Access-Control-Allow-Origin', ctx.web.origin],
      ['Access-Control-Allow-Credentials', 'true'],
    );
  return {
    status,
    statusText: ev.resp?.statusText ?? 'No Content',
    headers,
    mime: ev.resp?.mime ?? '',
    text: ev.resp?.body ?? '',
    size: ev.resp?.body?.length ?? 0,
  };
}

function hbHeaders(ctx: SessionCtx): [string, string][] {
  if (ctx.platform === 'web' && ctx.web) {
    return [
      ['User-Agent', ctx.ua],
      ['Accept', '*/*'],
      ['Origin', ctx.web.origin],
      ['Referer', ctx.web.pageUrl],
    ];
  }
  if (ctx.platform === 'android') {
    return [
      ['User-Agent', ctx.ua],
      ['Accept-Encoding', 'gzip'],
      ['Connection', 'Keep-Alive'],
    ];
  }
  return [
    ['User-Agent', ctx.ua],
    ['Accept', '*/*'],
  ];
}

const floor = (n: number) => String(Math.floor(n));

export function encodeHeartbeat(ctx: SessionCtx, evs: Ev[]): Req[] {
  const reqs: Req[] = [];
  const prevTs = new Map<string, number>();
  let bitrate = 0;
  const { content, brand } = ctx;
  for (const ev of evs) {
    const sendT = ev.sendT ?? ev.t;
    if (ev.type === 'aa:ms_s' || ev.type === 'aa:msa_s') {
      reqs.push(...mediaAaRequest(ctx, ev, sendT));
      continue;
    }
    if (ev.info?.resendOfPrevious) {
      // The very same beacon again: byte-identical URL, only the send time differs.
      const prev = reqs[reqs.length - 1];
      reqs.push({
        ...prev,
        t: sendT,
        capT: sendT,
        headers: [...prev.headers],
        marks: ev.marks,
        resp: hbResponse(ctx, sendT, ev),
      });
      continue;
    }
    const scheme = ev.scheme ?? 'https';
    const host = ev.host ?? ctx.hosts.hb;
    if (ev.type === 'hb:settings') {
      const publisher = brand.publisher.replace(/[^a-zA-Z0-9]/g, '-').toLowerCase();
      const body = `<?xml version="1.0" encoding="utf-8"?><settings><trackingInterval>${ctx.lib.contentIntervalS}</trackingInterval><setupCheckInterval>${ctx.platform === 'roku' ? 180 : 600}</setupCheckInterval><trackExternalErrors>1</trackExternalErrors></settings>`;
      reqs.push({
        t: sendT,
        capT: sendT,
        owner: ctx.sid,
        method: 'GET',
        url: `${scheme}://${host}/settings/${publisher}.xml?r=${ev.t}`,
        headers: hbHeaders(ctx),
        resp: {
          status: 200,
          statusText: 'OK',
          headers: [
            ['Date', new Date(sendT).toUTCString()],
            ['Content-Type', 'text/xml'],
            ['Content-Length', String(body.length)],
          ],
          mime: 'text/xml',
          text: body,
          size: body.length,
        },
        initiator: ctx.web ? 'xhr' : 'other',
        marks: ev.marks,
        sameCaptureAsPrev: ev.sameCaptureAsPrev,
      });
      continue;
    }
    if (ev.type === 'bitrate_change' && typeof ev.info?.bitrate === 'number') bitrate = ev.info.bitrate;
    else if (ev.type === 'play' && bitrate === 0 && ev.asset === 'main') bitrate = 4_500_000;

    const p: [string, string][] = [];
    p.push(['s:sc:rsid', ctx.rsid], ['s:sc:tracking_server', ctx.hosts.aaTracking], ['h:sc:ssl', '1']);
    const mid = ev.mid === undefined ? ctx.ecid : ev.mid;
    if (ctx.platform === 'roku')
      p.push(['s:user:aid', `${brand.orgId.slice(0, 16)}-${brand.orgId.slice(8, 24)}`]);
    if (mid) p.push(['s:user:mid', mid]);
    if (ctx.platform === 'web') p.push(['s:aam:blob', 'RKhpRz8krg2tLO6pguXWp5'], ['l:aam:loc_hint', '9']);
    if (ctx.platform === 'roku') p.push(['s:cuser:userId.id', `u-${ctx.sid.slice(-4)}`]);
    p.push(['s:sp:ovp', ctx.platform === 'roku' ? 'roku' : 'none']);
    if (ctx.appVersion !== null) p.push(['s:sp:sdk', ctx.appVersion]);
    p.push(
      ['s:sp:channel', ctx.channel],
      ['s:sp:player_name', ctx.playerName],
      ['s:sp:hb_version', ctx.lib.raw],
      ['l:sp:hb_api_lvl', '4'],
    );
    const ph = ev.asset === 'main' ? wirePlayhead(ctx, ev.ph) : ev.ph;
    p.push(
      ['s:event:sid', ctx.sid],
      ['s:event:type', ev.type],
      ['l:event:duration', floor(ev.durationMs ?? 0)],
      ['l:event:playhead', floor(ph)],
      ['l:event:ts', String(ev.t)],
      ['l:event:prev_ts', String(prevTs.get(ev.type) ?? -1)],
    );
    prevTs.set(ev.type, ev.t);
    if (ev.type === 'error') {
      p.push(['s:event:source', 'player'], ['s:event:id', String(ev.info?.errorId ?? 'unknown')]);
    }
    p.push(
      ['s:asset:type', ev.asset],
      ['s:asset:name', content.name],
      ['s:asset:video_id', content.id],
      ['s:asset:publisher', brand.orgId],
      ['l:asset:length', floor(content.length)],
    );
    if (ev.asset === 'ad' && ev.ad && ev.pod) {
      p.push(
        ['s:asset:ad_id', ev.ad.id],
        ['s:asset:ad_name', ev.ad.name],
        ['l:asset:ad_length', floor(ev.ad.length)],
        ['s:asset:ad_sid', ev.ad.sid],
        ['s:asset:pod_id', `${ev.pod.idHash}_${ev.pod.index + 1}`],
        ['s:asset:pod_name', ev.pod.name],
        ['l:asset:pod_offset', floor(ev.pod.offset)],
        ['s:asset:pod_position', String(ev.ad.position)],
        ['s:asset:resolver', ctx.playerName],
      );
    }
    p.push(
      ['s:stream:type', content.contentType],
      ['l:stream:bitrate', String(bitrate)],
      ['l:stream:fps', ev.asset === 'main' && bitrate > 0 ? '30' : '0'],
      ['l:stream:dropped_frames', '0'],
      ['l:stream:startup_time', ev.type === 'start' ? '0' : String(ev.asset === 'main' ? 640 : 0)],
    );
    if (ev.chapter && ev.asset === 'main') {
      p.push(
        ['s:stream:chapter_sid', ev.chapter.sid],
        ['s:stream:chapter_id', `${content.idHash}_${ev.chapter.index}`],
        ['s:stream:chapter_name', ev.chapter.name],
        ['l:stream:chapter_pos', String(ev.chapter.index)],
        ['l:stream:chapter_offset', floor(ev.chapter.offset)],
        ['l:stream:chapter_length', floor(ev.chapter.length)],
      );
    }
    if (ev.type === 'start' && ev.asset === 'main') {
      p.push(
        ['s:meta:a.media.show', content.show],
        ['s:meta:a.media.season', content.season],
        ['s:meta:a.media.episode', content.episode],
        ['s:meta:a.media.genre', content.genre],
      );
      for (const [k, v] of Object.entries(ctx.customMetadata)) p.push([`s:meta:${k}`, v]);
      for (const [k, v] of Object.entries(ctx.lib.startParams)) {
        p.push([k.includes(':') ? k : `s:meta:${k}`, v]);
      }
    }
    if (ev.type === 'start' && ev.asset === 'ad' && ev.ad) {
      p.push(['s:meta:a.media.ad.advertiser', ev.ad.name.split(' ').slice(0, -2).join(' ')]);
    }
    for (const [k, v] of Object.entries(ev.set ?? {})) {
      const i = p.findIndex(([name]) => name === k);
      if (v === null) {
        if (i >= 0) p.splice(i, 1);
      } else if (i >= 0) p[i] = [k, String(v)];
      else p.push([k, String(v)]);
    }
    const query = p.map(([k, v]) => `${k}=${enc(v)}`).join('&');
    reqs.push({
      t: sendT,
      capT: sendT,
      owner: ctx.sid,
      method: 'GET',
      url: `${scheme}://${host}/?${query}`,
      headers: hbHeaders(ctx),
      resp: hbResponse(ctx, sendT, ev),
      initiator: ctx.web ? 'xhr' : 'other',
      marks: ev.marks,
      sameCaptureAsPrev: ev.sameCaptureAsPrev,
    });
  }
  return reqs;
}
