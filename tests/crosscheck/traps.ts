// Clean situations that must not raise a finding. Sessions are labelled with every trap they contain;
// the explicit ones below are placed on purpose, the rest (heartbeat flush pings, 10 s ad pings, preroll
// first pings, proxy delays, …) are detected on the generated events and labelled too.

import type { Platform, Protocol } from './model.js';
import type { Needs } from './plan.js';

export interface TrapDef {
  name: string;
  protocols: readonly Protocol[];
  platforms?: readonly Platform[];
  needs: Needs;
}

const ALL: readonly Protocol[] = ['heartbeat', 'media-collection', 'media-edge'];
const API: readonly Protocol[] = ['media-collection', 'media-edge'];

export const EXPLICIT_TRAPS: TrapDef[] = [
  { name: 'seek_backward', protocols: ALL, needs: { seek: 'backward', vod: true } },
  { name: 'seek_forward', protocols: ALL, needs: { seek: 'forward', vod: true } },
  { name: 'live_second_of_day', protocols: ALL, needs: { live: true } },
  {
    name: 'live_midnight_wrap',
    protocols: ALL,
    needs: { liveMidnight: true, longPlayS: 150, noBreaks: true },
  },
  { name: 'capture_cut_off', protocols: ALL, needs: { close: 'none' } },
  { name: 'no_analytics_in_capture', protocols: ['heartbeat'], needs: {} },
  {
    name: 'downloaded_content',
    protocols: API,
    platforms: ['android', 'ios'],
    needs: {
      downloaded: true,
      vod: true,
      noBreaks: true,
      watchToEnd: true,
      close: 'complete',
      noChapters: true,
    },
  },
  { name: 'resume_session', protocols: ['heartbeat'], needs: { resume: true, vod: true } },
  { name: 'hb_start_without_mid', protocols: ['heartbeat'], needs: {} },
  {
    name: 'ping_after_session_complete',
    protocols: API,
    needs: { watchToEnd: true, close: 'complete', vod: true },
  },
  { name: 'long_pause', protocols: ALL, needs: { pauseS: 35 } },
  { name: 'ad_skip', protocols: API, needs: { preroll: true, minAds: 2 } },
  { name: 'equal_capture_timestamps', protocols: ALL, needs: { preroll: true } },
];

export function trapApplies(t: TrapDef, protocol: Protocol, platform: Platform): boolean {
  return t.protocols.includes(protocol) && (!t.platforms || t.platforms.includes(platform));
}

/** Merge preconditions; `undefined` when they contradict each other. */
export function mergeNeeds(a: Needs, b: Needs): Needs | undefined {
  const m: Needs = { ...a };
  for (const [k, v] of Object.entries(b) as [keyof Needs, Needs[keyof Needs]][]) {
    const cur = m[k];
    if (cur === undefined) (m as Record<string, unknown>)[k] = v;
    else if (typeof cur === 'number' && typeof v === 'number')
      (m as Record<string, unknown>)[k] = Math.max(cur, v);
    else if (cur !== v) return undefined;
  }
  const clash = (x: keyof Needs, y: keyof Needs) => Boolean(m[x]) && Boolean(m[y]);
  if (clash('preroll', 'noPreroll') || clash('preroll', 'noBreaks') || clash('midroll', 'noBreaks'))
    return undefined;
  if (clash('vod', 'live') || clash('vod', 'liveMidnight') || clash('watchToEnd', 'live')) return undefined;
  if (clash('chapters', 'noChapters') || clash('seek', 'noSeek') || clash('adStall', 'noBreaks'))
    return undefined;
  if (clash('watchToEnd', 'longPlayS') && (m.longPlayS ?? 0) > 300) return undefined;
  if (m.close === 'none' && (m.watchToEnd || m.idle)) return undefined;
  if (m.downloaded && (m.preroll || m.midroll || m.live || m.resume || m.close === 'none')) return undefined;
  if (m.resume && (m.live || m.downloaded)) return undefined;
  if (m.live && (m.midroll || m.seek || m.chapters)) return undefined;
  if (m.startupBufferS !== undefined && m.preroll) return undefined;
  return m;
}
