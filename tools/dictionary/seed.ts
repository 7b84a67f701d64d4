/**
 * Known cross-protocol mappings (docs/reference/wire-formats.md §8 "The same concept in every protocol", §6 version fields), as the keys appear
 * in `event.params` after decoding: AA context data under `c.`, heartbeat query keys, Media Collection
 * `params`/`playerTime` keys, XDM `mediaCollection.*` without the `xdm.` prefix. Induction confirms them by
 * value agreement and extends them with pairs the data shows.
 */
export type SeedSdk = 'aa' | 'heartbeat' | 'hb-api' | 'edge';

export const ALIAS_SEED: Record<string, Partial<Record<SeedSdk, string[]>>> = {
  playhead: {
    heartbeat: ['l:event:playhead'],
    'hb-api': ['playerTime.playhead'],
    edge: ['mediaCollection.playhead'],
  },
  event_type: { heartbeat: ['s:event:type'], 'hb-api': ['eventType'], edge: ['eventType'], aa: ['pe'] },
  event_ts: { heartbeat: ['l:event:ts'], 'hb-api': ['playerTime.ts'], edge: ['timestamp'] },
  content_id: {
    aa: ['c.a.media.name'],
    heartbeat: ['s:asset:video_id'],
    'hb-api': ['media.id'],
    edge: ['mediaCollection.sessionDetails.name'],
  },
  content_name: {
    aa: ['c.a.media.friendlyName'],
    heartbeat: ['s:asset:name'],
    'hb-api': ['media.name'],
    edge: ['mediaCollection.sessionDetails.friendlyName'],
  },
  content_length: {
    aa: ['c.a.media.length'],
    heartbeat: ['l:asset:length'],
    'hb-api': ['media.length'],
    edge: ['mediaCollection.sessionDetails.length'],
  },
  content_type: {
    aa: ['c.a.contentType'],
    heartbeat: ['s:stream:type'],
    'hb-api': ['media.contentType'],
    edge: ['mediaCollection.sessionDetails.contentType'],
  },
  stream_type: {
    aa: ['c.a.media.streamType'],
    heartbeat: ['s:meta:a.media.streamType'],
    'hb-api': ['media.streamType'],
    edge: ['mediaCollection.sessionDetails.streamType'],
  },
  player_name: {
    aa: ['c.a.media.playerName'],
    heartbeat: ['s:sp:player_name'],
    'hb-api': ['media.playerName'],
    edge: ['mediaCollection.sessionDetails.playerName'],
  },
  channel: {
    aa: ['c.a.media.channel'],
    heartbeat: ['s:sp:channel'],
    'hb-api': ['media.channel'],
    edge: ['mediaCollection.sessionDetails.channel'],
  },
  session_id: {
    aa: ['c.a.media.vsid'],
    heartbeat: ['s:event:sid'],
    edge: ['mediaCollection.sessionID'],
  },
  app_version: {
    aa: ['c.a.media.sdkVersion'],
    heartbeat: ['s:sp:sdk'],
    'hb-api': ['media.sdkVersion'],
    edge: ['mediaCollection.sessionDetails.appVersion'],
  },
  library_version: {
    aa: ['c.a.media.vhlVersion'],
    heartbeat: ['s:sp:hb_version'],
    'hb-api': ['media.libraryVersion'],
    edge: ['implementationDetails.version'],
  },
  resume: {
    aa: ['c.a.media.resume'],
    'hb-api': ['media.resume'],
    edge: ['mediaCollection.sessionDetails.hasResume'],
  },
  downloaded: {
    aa: ['c.a.media.downloaded'],
    heartbeat: ['s:meta:a.media.downloaded'],
    'hb-api': ['media.downloaded'],
    edge: ['mediaCollection.sessionDetails.isDownloaded'],
  },
  show: {
    aa: ['c.a.media.show'],
    heartbeat: ['s:meta:a.media.show'],
    'hb-api': ['media.show'],
    edge: ['mediaCollection.sessionDetails.show'],
  },
  season: {
    aa: ['c.a.media.season'],
    heartbeat: ['s:meta:a.media.season'],
    'hb-api': ['media.season'],
    edge: ['mediaCollection.sessionDetails.season'],
  },
  episode: {
    aa: ['c.a.media.episode'],
    heartbeat: ['s:meta:a.media.episode'],
    'hb-api': ['media.episode'],
    edge: ['mediaCollection.sessionDetails.episode'],
  },
  asset_id: {
    aa: ['c.a.media.asset'],
    heartbeat: ['s:meta:a.media.asset'],
    'hb-api': ['media.assetId'],
    edge: ['mediaCollection.sessionDetails.assetID'],
  },
  show_type: {
    aa: ['c.a.media.type'],
    heartbeat: ['s:meta:a.media.type'],
    'hb-api': ['media.showType'],
    edge: ['mediaCollection.sessionDetails.showType'],
  },
  stream_format: {
    aa: ['c.a.media.format'],
    heartbeat: ['s:meta:a.media.format'],
    'hb-api': ['media.streamFormat'],
    edge: ['mediaCollection.sessionDetails.streamFormat'],
  },
  ad_break_name: {
    aa: ['c.a.media.ad.podFriendlyName'],
    heartbeat: ['s:asset:pod_name'],
    'hb-api': ['media.ad.podFriendlyName'],
    edge: ['mediaCollection.advertisingPodDetails.friendlyName'],
  },
  ad_break_index: { 'hb-api': ['media.ad.podIndex'], edge: ['mediaCollection.advertisingPodDetails.index'] },
  ad_break_offset: {
    aa: ['c.a.media.ad.podSecond'],
    heartbeat: ['l:asset:pod_offset'],
    'hb-api': ['media.ad.podSecond'],
    edge: ['mediaCollection.advertisingPodDetails.offset'],
  },
  ad_id: {
    aa: ['c.a.media.ad.name'],
    heartbeat: ['s:asset:ad_id'],
    'hb-api': ['media.ad.id'],
    edge: ['mediaCollection.advertisingDetails.name'],
  },
  ad_name: {
    aa: ['c.a.media.ad.friendlyName'],
    heartbeat: ['s:asset:ad_name'],
    'hb-api': ['media.ad.name'],
    edge: ['mediaCollection.advertisingDetails.friendlyName'],
  },
  ad_length: {
    aa: ['c.a.media.ad.length'],
    heartbeat: ['l:asset:ad_length'],
    'hb-api': ['media.ad.length'],
    edge: ['mediaCollection.advertisingDetails.length'],
  },
  ad_position: {
    aa: ['c.a.media.ad.podPosition'],
    heartbeat: ['l:asset:pod_position'],
    'hb-api': ['media.ad.podPosition'],
    edge: ['mediaCollection.advertisingDetails.podPosition'],
  },
  chapter_name: {
    aa: ['c.a.media.chapter.friendlyName'],
    heartbeat: ['s:stream:chapter_name'],
    'hb-api': ['media.chapter.friendlyName'],
    edge: ['mediaCollection.chapterDetails.friendlyName'],
  },
  chapter_index: {
    aa: ['c.a.media.chapter.position'],
    heartbeat: ['l:stream:chapter_pos'],
    'hb-api': ['media.chapter.index'],
    edge: ['mediaCollection.chapterDetails.index'],
  },
  chapter_offset: {
    aa: ['c.a.media.chapter.offset'],
    heartbeat: ['l:stream:chapter_offset'],
    'hb-api': ['media.chapter.offset'],
    edge: ['mediaCollection.chapterDetails.offset'],
  },
  chapter_length: {
    aa: ['c.a.media.chapter.length'],
    heartbeat: ['l:stream:chapter_length'],
    'hb-api': ['media.chapter.length'],
    edge: ['mediaCollection.chapterDetails.length'],
  },
  bitrate: {
    heartbeat: ['l:stream:bitrate'],
    'hb-api': ['media.qoe.bitrate'],
    edge: ['mediaCollection.qoeDataDetails.bitrate'],
  },
  time_to_start: {
    aa: ['c.a.media.qoe.timeToStart'],
    heartbeat: ['l:stream:startup_time'],
    'hb-api': ['media.qoe.timeToStart'],
    edge: ['mediaCollection.qoeDataDetails.timeToStart'],
  },
  fps: {
    heartbeat: ['l:stream:fps'],
    'hb-api': ['media.qoe.framesPerSecond'],
    edge: ['mediaCollection.qoeDataDetails.framesPerSecond'],
  },
  dropped_frames: {
    aa: ['c.a.media.qoe.droppedFrameCount'],
    heartbeat: ['l:stream:dropped_frames'],
    'hb-api': ['media.qoe.droppedFrames'],
    edge: ['mediaCollection.qoeDataDetails.droppedFrames'],
  },
  visitor_id: {
    aa: ['mid'],
    heartbeat: ['s:user:mid'],
    'hb-api': ['visitor.marketingCloudUserId'],
    edge: ['identityMap.ECID.*.id'],
  },
  report_suite: { heartbeat: ['s:sc:rsid'], 'hb-api': ['analytics.reportSuite'] },
  tracking_server: { heartbeat: ['s:sc:tracking_server'], 'hb-api': ['analytics.trackingServer'] },
  ccpa_ssf: { aa: ['c.opt.dmp'], heartbeat: ['s:meta:cm.ssf'], 'hb-api': ['analytics.optOutServerSideForwarding'] },
  ccpa_oos: { aa: ['c.opt.oos'], heartbeat: ['s:meta:cm.oos'], 'hb-api': ['analytics.optOutShare'] },
};

/** (sdk, param) → concept, from the seed. */
export function seedIndex(): Map<string, string> {
  const m = new Map<string, string>();
  for (const [concept, bySdk] of Object.entries(ALIAS_SEED))
    for (const [sdk, names] of Object.entries(bySdk)) for (const n of names ?? []) m.set(`${sdk}\u0000${n}`, concept);
  return m;
}

/** Every seeded param name (any protocol). */
export function seedNames(): Set<string> {
  const s = new Set<string>();
  for (const bySdk of Object.values(ALIAS_SEED)) for (const names of Object.values(bySdk)) for (const n of names ?? []) s.add(n);
  return s;
}
