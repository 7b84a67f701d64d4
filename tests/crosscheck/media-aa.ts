// The heartbeat-era Analytics media calls: `pe=ms_s` (media start, `pev3=video`) and `pe=msa_s` (ad start,
// `pev3=videoAd`) with their `a.media.*` context data, as AppMeasurement's media module, ADBMobile and the
// legacy Roku SDK send them. `a.media.vsid` carries the heartbeat session id.

import { aaLocalTime, aaRequest, aaZeroTime, randomPart, type AaHit } from './analytics.js';
import type { Ev, Req } from './model.js';
import { wirePlayhead, type SessionCtx } from './session-ctx.js';

function mediaContext(ctx: SessionCtx, ev: Ev): [string, string][] {
  const { content } = ctx;
  const vsid = ctx.protocol === 'heartbeat' ? ctx.sid : undefined;
  if (ev.type === 'aa:ms_s') {
    const c: [string, string][] = [
      ['a.contentType', content.contentType],
      ['a.media.name', content.id],
      ['a.media.friendlyName', content.name],
      ['a.media.length', String(Math.floor(content.length))],
      ['a.media.playerName', ctx.playerName],
      ['a.media.channel', ctx.channel],
      ['a.media.view', 'true'],
    ];
    if (vsid) c.push(['a.media.vsid', vsid]);
    c.push(
      ['a.media.show', content.show],
      ['a.media.season', content.season],
      ['a.media.episode', content.episode],
    );
    if (ev.info?.resume) c.push(['a.media.resume', 'true']);
    c.push(['custom.genre', content.genre]);
    return c;
  }
  const ad = ev.ad;
  const pod = ev.pod;
  const c: [string, string][] = [
    ['a.contentType', content.contentType],
    ['a.media.name', content.id],
  ];
  if (vsid) c.push(['a.media.vsid', vsid]);
  if (ad && pod) {
    c.push(
      ['a.media.ad.name', ad.id],
      ['a.media.ad.friendlyName', ad.name],
      ['a.media.ad.podFriendlyName', pod.name],
      ['a.media.ad.length', String(ad.length)],
      ['a.media.ad.playerName', ctx.playerName],
      ['a.media.ad.pod', `${pod.idHash}_${pod.index + 1}`],
      ['a.media.ad.podPosition', String(ad.position)],
      ['a.media.ad.podSecond', `${wirePlayhead(ctx, pod.offset).toFixed(1)}`],
      ['a.media.ad.view', 'true'],
    );
  }
  return c;
}

export function mediaAaRequest(ctx: SessionCtx, ev: Ev, sendT: number): Req[] {
  const aa = ctx.aa;
  if (!aa) throw new Error(`${ctx.sid}: ${ev.type} without an Analytics client`);
  const mid = ev.mid === undefined ? ctx.ecid : ev.mid;
  const isStart = ev.type === 'aa:ms_s';
  const pev3 = isStart
    ? ctx.content.streamType === 'audio'
      ? 'audio'
      : 'video'
    : ctx.content.streamType === 'audio'
      ? 'audioAd'
      : 'videoAd';
  let context = mediaContext(ctx, ev);
  const params: [string, string][] = [];
  const after: [string, string][] = [];
  if (aa.style === 'web') {
    params.push(['t', aaLocalTime(sendT, aa.tzOffsetMin)]);
    if (mid) params.push(['mid', mid], ['aamlh', '9']);
    params.push(['ce', 'UTF-8'], ['ns', ctx.brand.ns], ['pageName', 'video:player']);
    if (aa.pageUrl) params.push(['g', aa.pageUrl]);
    params.push(['pe', isStart ? 'ms_s' : 'msa_s'], ['pev3', pev3]);
    if (pev3.startsWith('audio')) params.push(['ms_a', '1']);
    params.push(['mcorgid', ctx.brand.orgId]);
  } else if (aa.style === 'roku') {
    if (mid) params.push(['mid', mid]);
    params.push(
      ['pe', isStart ? 'ms_s' : 'msa_s'],
      ['pev2', 'AMACTION:'],
      ['pev3', pev3],
      ['pageName', `${ctx.brand.title}/${ctx.appVersion ?? '1.0.0'}`],
    );
    context = [['a.action', ''], ...context, ['a.DeviceName', '3930X'], ['a.OSVersion', 'Roku 12.5.0-4178']];
  } else {
    context = [...context];
    after.push(['t', aaZeroTime(aa.tzOffsetMin)]);
    if (mid) after.push(['mid', mid]);
    after.push(
      ['ce', 'UTF-8'],
      ['cp', 'foreground'],
      ['pageName', `${ctx.brand.title} ${ctx.appVersion ?? '1.0'}`],
      ['pe', isStart ? 'ms_s' : 'msa_s'],
      ['pev2', 'AMACTION:'],
      ['pev3', pev3],
    );
  }
  for (const [k, v] of Object.entries(ev.set ?? {})) {
    const list =
      k.startsWith('a.') || k.startsWith('custom.')
        ? context
        : aa.style === 'web' || aa.style === 'roku'
          ? params
          : after;
    const i = list.findIndex(([name]) => name === k);
    if (v === null) {
      if (i >= 0) list.splice(i, 1);
    } else if (i >= 0) list[i] = [k, String(v)];
    else list.push([k, String(v)]);
  }
  const hit: AaHit = { params, context, after };
  const first = aaRequest(aa, hit, sendT, randomPart(ctx.rng, aa.style, sendT), ctx.sid);
  first.marks = ev.resendAfterMs ? [] : ev.marks;
  first.sameCaptureAsPrev = ev.sameCaptureAsPrev;
  if (!ev.resendAfterMs) return [first];
  // A double-fired media call: same parameters, a new cache-buster.
  const again = aaRequest(aa, hit, sendT + ev.resendAfterMs, randomPart(ctx.rng, aa.style, sendT), ctx.sid);
  again.marks = ev.marks;
  return [first, again];
}
