import { z } from 'zod';
import { AssetType, EventType, Family, Platform, Sdk } from './vocabulary.js';

/** A scalar parameter value as decoded from the wire (query strings give strings, JSON gives typed values). */
export const ParamValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type ParamValue = z.infer<typeof ParamValue>;

export const Network = z.object({
  host: z.string(),
  path: z.string(),
  method: z.string(),
  status: z.number().int(),
  protocol: z.enum(['https', 'http']),
  http_version: z.string().nullable(),
  /** Selected request headers (lower-cased names): user-agent, content-type, referer, origin… */
  req_headers: z.record(z.string(), z.string()),
  /** Selected response headers: location, content-type, date. */
  res_headers: z.record(z.string(), z.string()),
  /** Errors the collection server reported (Edge `errors[]` types, MC 4xx bodies, EXEG codes). */
  errors: z.array(z.string()),
});

export const Actor = z.object({
  /** Experience Cloud ID (hashed when PII hashing is on). */
  ecid: z.string().nullable(),
  rsid: z.string().nullable(),
  org_id: z.string().nullable(),
  ip_hash: z.string().nullable(),
  ua_hash: z.string().nullable(),
  /** User agent truncated after platform detection (full when PII is off). */
  ua: z.string().nullable(),
});

export const Asset = z.object({
  type: z.string().nullable(), // vod | live | linear | … (content type)
  id: z.string().nullable(),
  name: z.string().nullable(),
  length_s: z.number().nullable(),
});

export const Sequence = z.object({
  event_type: EventType,
  /** The name on the wire (`s:event:type`, `eventType`, `xdm.eventType`, `pe`). */
  raw_event_type: z.string().nullable(),
  asset_type: AssetType.nullable(),
  playhead_s: z.number().nullable(),
  /** Heartbeat `l:event:duration` in seconds where present. */
  delta_s: z.number().nullable(),
  /** Filled by the session stage: seconds since the previous ping of the same session. */
  cadence_s: z.number().nullable(),
});

export const Provenance = z.object({
  har_path: z.string(),
  har_hash: z.string(),
  entry_index: z.number().int(),
  /** Index inside a batched request (Edge `events[]`, downloaded arrays). */
  sub_index: z.number().int(),
});

export const Envelope = z.object({
  event_id: z.string(),
  /** Capture time of the request (HAR `startedDateTime`), ISO-8601. */
  ts: z.string(),
  ts_ms: z.number(),
  /** The beacon's own timestamp (`l:event:ts`, `playerTime.ts`, `xdm.timestamp`) in epoch ms, if any. */
  beacon_ts_ms: z.number().nullable(),
  network: Network,
  family: Family,
  platform: Platform,
  sdk: Sdk,
  /** Adobe library version (hb_version, libraryVersion, implementationDetails.version, AA token). */
  sdk_version: z.string().nullable(),
  /** Customer app/player version (`s:sp:sdk`, `media.sdkVersion`, `sessionDetails.appVersion`). */
  app_version: z.string().nullable(),
  actor: Actor,
  asset: Asset,
  sequence: Sequence,
  /** Native media session id (hb sid, MC session id, Edge sessionID), null for page/app hits. */
  session_id: z.string().nullable(),
  /** All decoded parameters, flat, with dotted keys (context data rebuilt, XDM flattened). */
  params: z.record(z.string(), ParamValue),
  /** Analytics dimensions: eVars, props, hierarchy, list vars, events, pageName. */
  dims: z.record(z.string(), z.string()),
  raw: z.object({ query: z.string().nullable(), body: z.string().nullable() }),
  provenance: Provenance,
});
export type Envelope = z.infer<typeof Envelope>;
