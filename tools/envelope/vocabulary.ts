import { z } from 'zod';

/**
 * One normalized event vocabulary for the three media protocols (legacy heartbeat, Media Collection,
 * Media Edge) plus page/app hits, so that rules are written once where the semantics are the same
 * (docs/reference/wire-formats.md §8).
 */
export const EVENT_TYPES = [
  // media session bookends
  'sessionStart',
  'sessionComplete',
  'sessionEnd',
  'resume',
  // playback states (heartbeat pings carry the state they repeat)
  'play',
  'ping',
  'pause',
  'buffer',
  'stall',
  // ads and chapters
  'adBreakStart',
  'adBreakComplete',
  'adStart',
  'adComplete',
  'adSkip',
  'chapterStart',
  'chapterComplete',
  'chapterSkip',
  // other media
  'bitrateChange',
  'error',
  'stateStart',
  'stateEnd',
  'statesUpdate',
  'downloaded',
  // heartbeat orchestration markers
  'aaStart',
  'aaAdStart',
  'settings',
  // Analytics hits
  'aaMediaStart', // pe=ms_s
  'aaAdStartHit', // pe=msa_s
  'aaMediaMilestone', // pe=m_s / m_i
  'pageView',
  'linkClick',
  'lifecycle',
  'appAction',
  // Edge non-media
  'edgeEvent',
  // ECID / AAM / Target / tags
  'identity',
  'other',
] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

/** Events that are periodic pings for cadence purposes, per protocol. */
export const HEARTBEAT_PING_TYPES: ReadonlySet<string> = new Set(['play', 'pause', 'buffer', 'stall']);

export const Platform = z.enum(['web', 'ios', 'android', 'tvos', 'roku', 'chromecast', 'unknown']);
export type Platform = z.infer<typeof Platform>;

/** The SDK family a beacon belongs to, as the design names them. `other` = other Adobe traffic. */
export const Sdk = z.enum(['aa', 'heartbeat', 'hb-api', 'edge', 'other']);
export type Sdk = z.infer<typeof Sdk>;

/** Finer wire family, used by the classifier and transport checks. */
export const Family = z.enum([
  'aa',
  'heartbeat',
  'heartbeat-settings',
  'media-collection',
  'edge',
  'media-edge',
  'ecid',
  'aam',
  'target',
  'tags',
]);
export type Family = z.infer<typeof Family>;

export const AssetType = z.enum(['main', 'ad']);
