import { z } from 'zod';
import { FailCode } from '../codes/catalog.js';
import type { Needs } from './timeline.js';

export type Platform = 'web' | 'android' | 'ios' | 'tvos' | 'roku' | 'chromecast';
export const PLATFORMS: readonly Platform[] = ['web', 'android', 'ios', 'tvos', 'roku', 'chromecast'];
export type MediaProtocol = 'heartbeat' | 'media-collection' | 'media-edge';
export type Protocol = MediaProtocol | 'none';

export const EXPORTERS = [
  'chrome',
  'firefox',
  'safari',
  'charles',
  'browsermob',
  'fiddler',
  'chrome-har-capturer',
  'firebug',
] as const;
export type Exporter = (typeof EXPORTERS)[number];

/** Which SDK build produces the media beacons (or, for protocol 'none', the page/app hits). */
export const LIBRARIES = [
  // legacy heartbeat + AA orchestration
  'web-vhl-js-2',
  'android-media-sdk-2',
  'roku-adbmobile-2',
  // Media Collection API
  'web-media-js-3',
  'android-aep-media-3',
  'ios-aep-media-5',
  'tvos-aep-media-5',
  'chromecast-adbmobile-3',
  // Media Edge
  'web-alloy-2',
  'android-aep-edge-media-3',
  'ios-aep-edge-media-5',
  'roku-aep-1',
  // page/app only
  'web-appmeasurement-2',
  'android-aep-analytics-3',
  'ios-aep-analytics-5',
  'tvos-aep-analytics-5',
  'android-adbmobile-4',
] as const;
export type Library = (typeof LIBRARIES)[number];

export interface Scenario {
  platform: Platform;
  protocol: Protocol;
  library: Library;
  content: 'vod' | 'live';
  withAds: boolean;
  withChapters: boolean;
  fault?: FailCode;
  exporter: Exporter;
  /** Number of media sessions (0–2); protocol 'none' forces 0. Default 1. */
  mediaSessions?: number;
  /** The capture ends < 30 s after the last media event without a close (truth cut_off: true). */
  cutOff?: boolean;
  /** Live stream that crosses midnight (UTC second-of-day playhead wraps). */
  crossMidnight?: boolean;
  /** MC/Edge: the first session idles ≥ 30 min in pause, ends, and a resumed session follows. */
  resumeAfterIdle?: boolean;
  /** Proxy delivers beacons late and in bursts (capture times lag and bunch). */
  proxyBursts?: boolean;
  /** Capture start (epoch ms). Default: fixed base epoch. */
  startMs?: number;
  /** Body sizes: 'small' (default corpus), 'none', 'bench' (large base64 media/images). */
  bodies?: 'small' | 'none' | 'bench';
  /** Target average response-body bytes per capture in bench mode. */
  bodyBytes?: number;
  /** Serialization quirks (defaults chosen per exporter when absent). */
  encoding?: 'utf8' | 'utf8-bom' | 'utf16le-bom';
  shuffleEntries?: boolean;
  /** Drop optional HAR fields (timings, cookies, postData.mimeType, content.text). */
  sparse?: boolean;
  /** Keep the capture short (examples). */
  compact?: boolean;
  /**
   * Without a fault: the shape a fault would need of the last media session (a preroll, a long stretch of
   * pings…), so a spec fixture's clean twin has what its check judges.
   */
  shape?: Needs;
  /** File name stem (used in page titles only). */
  name?: string;
}

export const TruthSession = z.object({
  type: z.literal('session'),
  har: z.string(),
  session: z.string(),
  kind: z.enum(['media', 'page', 'app']),
  protocol: z.enum(['heartbeat', 'media-collection', 'media-edge', 'aa', 'edge']),
  platform: z.enum(['web', 'android', 'ios', 'tvos', 'roku', 'chromecast']),
  sdk: z.enum(['aa', 'heartbeat', 'hb-api', 'edge']),
  sdk_version: z.string(),
  app_version: z.string().nullable(),
  cut_off: z.boolean(),
});
export const TruthFault = z.object({
  type: z.literal('fault'),
  har: z.string(),
  session: z.string().nullable(),
  code: FailCode,
  note: z.string(),
});
export const TruthBroken = z.object({
  type: z.literal('broken'),
  har: z.string(),
  reason: z.enum(['truncated-json', 'not-a-har', 'lfs-pointer', 'empty']),
});
export const TruthRecord = z.discriminatedUnion('type', [TruthSession, TruthFault, TruthBroken]);
export type TruthSession = z.infer<typeof TruthSession>;
export type TruthFault = z.infer<typeof TruthFault>;
export type TruthBroken = z.infer<typeof TruthBroken>;
export type TruthRecord = z.infer<typeof TruthRecord>;

// ---- HAR 1.2 (what the simulator writes; exporter-specific extras are `_`-prefixed) ----
export interface HarNameValue {
  name: string;
  value: string;
  [k: string]: unknown;
}
export interface HarPostData {
  mimeType?: string;
  text?: string;
  params?: HarNameValue[];
  [k: string]: unknown;
}
export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  compression?: number;
  [k: string]: unknown;
}
export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  headers: HarNameValue[];
  queryString: HarNameValue[];
  cookies?: HarNameValue[];
  headersSize: number;
  bodySize: number;
  postData?: HarPostData;
  [k: string]: unknown;
}
export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: HarNameValue[];
  cookies?: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  [k: string]: unknown;
}
export interface HarEntryOut {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings?: Record<string, number>;
  serverIPAddress?: string;
  connection?: string;
  [k: string]: unknown;
}
export interface HarObject {
  log: {
    version: string;
    creator: { name: string; version: string; [k: string]: unknown };
    browser?: { name: string; version: string; [k: string]: unknown };
    pages?: Record<string, unknown>[];
    entries: HarEntryOut[];
    [k: string]: unknown;
  };
}

/** One simulated HTTP exchange before an exporter formats it. */
export interface SimRequest {
  /** When the client sent it (epoch ms); drives the capture order. */
  sendAt: number;
  method: 'GET' | 'POST' | 'OPTIONS';
  url: string;
  headers: [string, string][];
  body?: { mime: string | null; text: string; form?: boolean };
  status: number;
  resHeaders: [string, string][];
  resBody?: { mime: string; text: string; encoding?: 'base64'; size: number };
  resMime: string;
  /** Chrome `_resourceType`. */
  type:
    'document' | 'script' | 'stylesheet' | 'image' | 'media' | 'xhr' | 'fetch' | 'ping' | 'font' | 'other';
  initiator: 'parser' | 'script' | 'other';
  /** Tie-breaker keeping generation order for equal sendAt. */
  seq: number;
  /** Set by the capture: capture time (epoch ms). */
  capturedAt?: number;
  /** Set for media beacons: the session key (for tests / sanity checks). */
  mediaSession?: string;
  /** The code whose violation this request carries (where a check must fire); spec fixtures annotate it. */
  mark?: string;
}
