import type { Envelope } from '../envelope/index.js';

export type SessionProtocol = 'heartbeat' | 'media-collection' | 'media-edge' | 'aa' | 'edge';
export type SessionKind = 'media' | 'page' | 'app';

export interface Session {
  /** Native media session id, or `page:<suite>` / `app:<suite>` for Analytics/Edge hits of the capture. */
  key: string;
  har: string;
  kind: SessionKind;
  protocol: SessionProtocol;
  /** Events in send order. */
  events: Envelope[];
  platform: string;
  sdk: 'aa' | 'heartbeat' | 'hb-api' | 'edge';
  /** Comparable library version core (`2.2.2.230`, `3.1.0`, Edge `3.3.0+3.0.1`): scopes use it. */
  sdk_version: string | null;
  /** The library version as the wire spelled it (`js-2.2.2.230-96e624`), for the one click away. */
  sdk_version_raw: string | null;
  app_version: string | null;
  confidence: number;
  /** Signals that decided the fingerprint, strongest first (for `spec explain` and the site). */
  signals: string[];
  virtual_version: string | null;
  /**
   * Why the session's rules cannot be judged at all (every check ABSTAINs with this reason), e.g.
   * `request bodies omitted by the exporter`; null when the capture holds what the checks need.
   */
  unchecked: string | null;
}

/** One HAR: every decoded event (send order) and the sessions built from them. */
export interface Capture {
  har: string;
  harHash: string;
  events: Envelope[];
  sessions: Session[];
  /** Capture time span over ALL entries of the HAR (not only Adobe ones), epoch ms. */
  startMs: number | null;
  endMs: number | null;
  /**
   * Entries quarantined while reading the HAR (malformed, undecodable), bracketed in capture time: windows
   * continuous checks must not judge across (tools/validate/holes.ts).
   */
  holes?: { entry_index: number; from_ms: number | null; to_ms: number | null; reason: string }[];
}
