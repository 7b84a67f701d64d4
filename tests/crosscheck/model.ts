// Shared shapes of the cross-check generator: libraries, media events, HTTP requests and truth lines.

export const PROTOCOLS = ['heartbeat', 'media-collection', 'media-edge'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const PLATFORMS = ['web', 'ios', 'android', 'tvos', 'roku', 'chromecast'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const EXPORTERS = [
  'chrome',
  'edge',
  'firefox',
  'safari',
  'charles',
  'fiddler',
  'browsermob',
  'proxyman',
  'mitmproxy',
  'httptoolkit',
] as const;
export type Exporter = (typeof EXPORTERS)[number];

/** Exporters that sit between a device and the network: their clock is not the device's clock. */
export const PROXY_EXPORTERS: readonly Exporter[] = [
  'charles',
  'fiddler',
  'browsermob',
  'proxyman',
  'mitmproxy',
  'httptoolkit',
];

/** A media library as it shows on the wire, with the cadence its scope allows. */
export interface MediaLib {
  protocol: Protocol;
  platform: Platform;
  /** Library version exactly as sent (`s:sp:hb_version`, `media.libraryVersion`, `implementationDetails.version`). */
  raw: string;
  /** Edge `implementationDetails.name`; empty for the other protocols. */
  implName: string;
  contentIntervalS: number;
  adIntervalS: number;
  /** AEP Media / Media JS 3.x re-send `play` about 1 s after main content starts. */
  contentStartResend: boolean;
  /** Extra params an `--override start_param=` adds to the session start. */
  startParams: Record<string, string>;
  /** Set when an `--override` changed this library's behaviour (for the session's trap list). */
  overrideNotes: string[];
  /** Share of its protocol/platform's sessions, only for versions an override introduced. */
  share?: number;
}

export type PlayerState = 'init' | 'playing' | 'paused' | 'buffering';

export interface AdInfo {
  id: string;
  name: string;
  length: number;
  position: number;
  /** HB ad-instance id (`s:asset:ad_sid`). */
  sid: string;
}

export interface PodInfo {
  index: number;
  name: string;
  offset: number;
  /** MD5-looking hash of the content id, as legacy pod ids use. */
  idHash: string;
}

export interface ChapterInfo {
  index: number;
  name: string;
  offset: number;
  length: number;
  sid: string;
}

/**
 * One media event as the player/SDK emits it. `type` uses the protocol's own names (heartbeat
 * `s:event:type` values, or Media Collection `eventType` values that Media Edge prefixes with `media.`).
 * Requests that are not media beacons but belong to the session (the heartbeat settings call, the
 * Analytics `ms_s`/`msa_s` hits) are events too, with types `hb:settings`, `aa:ms_s`, `aa:msa_s`.
 */
export interface Ev {
  /** Timestamp the beacon carries (ms). */
  t: number;
  /** When the request really left the client, if not `t` (a stepped-back clock, a late retry). */
  sendT?: number;
  type: string;
  asset: 'main' | 'ad';
  /** Heartbeat: playhead of the active asset; Media Collection / Edge: main-content playhead. */
  ph: number;
  state: PlayerState;
  /** A periodic ping (heartbeat timer tick, or MC/Edge `ping`). */
  tick?: boolean;
  /** Heartbeat only: the current state flushed because the state changes. */
  flush?: boolean;
  /** Heartbeat `l:event:duration`. */
  durationMs?: number;
  ad?: AdInfo;
  pod?: PodInfo;
  chapter?: ChapterInfo;
  /** Parameter overrides in the protocol's own naming; `null` deletes the parameter. */
  set?: Record<string, string | number | boolean | null>;
  /** ECID the event carries (heartbeat `s:user:mid`, Edge `identityMap`, AA `mid`); `null` = none. */
  mid?: string | null;
  /** Fault codes whose finding points at this event. */
  marks: string[];
  /** Response override (status, body) for this event's request. */
  resp?: { status: number; statusText: string; body?: string; mime?: string };
  /** Transport overrides. */
  scheme?: 'http' | 'https';
  host?: string;
  /** MC: post this event to a different path (e.g. a start re-sent to the events endpoint). */
  mcPath?: string;
  /** Sent twice: the copy follows after this many ms. */
  resendAfterMs?: number;
  /** Capture the request at the same instant as the previous request of the session. */
  sameCaptureAsPrev?: boolean;
  /** Free-form details for the encoders (e.g. QoE values, error ids). */
  info?: Record<string, unknown>;
}

export interface Resp {
  status: number;
  statusText: string;
  headers: [string, string][];
  mime: string;
  text?: string;
  /** Body is binary; exporters that keep it write base64. */
  binary?: boolean;
  size: number;
}

export type Initiator = 'xhr' | 'fetch' | 'image' | 'beacon' | 'script' | 'document' | 'media' | 'other';

/** One HTTP exchange before an exporter turns it into a HAR entry. */
export interface Req {
  /** Client send time (ms, client clock). */
  t: number;
  /** Capture time (ms), set when the capture is assembled. */
  capT: number;
  owner: string;
  method: 'GET' | 'POST';
  url: string;
  /** Request headers as the client sent them (no HTTP/2 pseudo-headers). */
  headers: [string, string][];
  body?: { mime: string; text: string };
  resp: Resp;
  initiator: Initiator;
  marks: string[];
  sameCaptureAsPrev?: boolean;
}

export interface TruthCapture {
  type: 'capture';
  har: string;
  exporter: Exporter;
  notes: string;
}

export interface TruthSession {
  type: 'session';
  har: string;
  session: string;
  kind: 'media' | 'page';
  protocol: Protocol | 'aa' | 'edge';
  platform: Platform;
  sdk: 'heartbeat' | 'hb-api' | 'edge' | 'aa';
  sdk_version_raw: string;
  sdk_version: string;
  app_version: string | null;
  traps: string[];
}

export interface TruthFault {
  type: 'fault';
  har: string;
  session: string;
  code: string;
  family: string;
  entry_index: number;
  note: string;
}

export type TruthLine = TruthCapture | TruthSession | TruthFault;
