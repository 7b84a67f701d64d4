/**
 * What one recorded capture plays: a page (Analytics or Web SDK page view), one media session driven by a
 * timeline of player actions, and the defect injected into it. Shared by the Node recorder and the page
 * (which imports the types only), so it holds plain JSON data and no code.
 */

export type MediaProtocol = 'heartbeat' | 'media-collection' | 'media-edge';

/** The finding a defect must produce: a code of the shared catalog and the beacon it must point at. */
export interface FaultTag {
  code: string;
  family: string;
  note: string;
}

export interface MediaInfo {
  id: string;
  name: string;
  /** Seconds. */
  length: number;
  contentType: 'vod' | 'live';
  playerName: string;
  channel: string;
  appVersion: string;
}

export interface AdInfo {
  id: string;
  name: string;
  /** Seconds. */
  length: number;
  position: number;
}

export interface PodInfo {
  name: string;
  index: number;
  /** Content second the break interrupts. */
  offset: number;
}

/** One player action at `at` ms after the page started the scenario; `tag` marks the beacon it causes. */
export type Step = { at: number; tag?: FaultTag } & (
  | { do: 'pageView'; name: string; long?: boolean; truncate?: boolean }
  | { do: 'sessionStart' }
  | { do: 'adBreakStart'; pod: PodInfo }
  | { do: 'adStart'; ad: AdInfo }
  | { do: 'adComplete' }
  | { do: 'adBreakComplete' }
  | { do: 'play' }
  | { do: 'pause' }
  | { do: 'complete' }
  | { do: 'end' }
  /** The next `count` main-content pings are not sent (an SDK timer that stopped firing). */
  | { do: 'dropPings'; count: number }
  /** The player reports a playhead `by` seconds earlier without any seek (a player bug). */
  | { do: 'jumpBack'; by: number }
  /** The visitor id is fetched again and comes back different (cookie reset mid-session). */
  | { do: 'changeEcid' }
  /** The next Media Edge call goes out with a mistyped datastream id (the server refuses it). */
  | { do: 'badDatastream' }
);

export interface Scenario {
  /** Path of the capture under tests/browser/ without `.har`, e.g. `clean/heartbeat`. */
  id: string;
  title: string;
  protocol: MediaProtocol;
  /** Page-level library: AppMeasurement (`/b/ss/`) or the Web SDK (`/ee/v1/interact`). */
  page: 'appmeasurement' | 'web-sdk';
  media: MediaInfo;
  /**
   * Tracker configuration: defects (parameters never set, calls never made) and, for Media Edge, whether
   * the player calls the Media Edge API itself (`/ee/va/v1/sessionStart`, no library) instead of the
   * Web SDK (`media.sessionStart` through `/ee/v1/interact`).
   */
  config?: { omitParams?: string[]; skipAaMediaStart?: boolean; mediaEdgeApi?: boolean };
  steps: Step[];
}

/** What the page reports back: every beacon it sent, in send order, with the ids it learned. */
export interface LedgerBeacon {
  method: string;
  url: string;
  body: string | null;
  kind: 'aa' | 'heartbeat' | 'media-collection' | 'edge' | 'media-edge' | 'other';
  tags: FaultTag[];
}

export interface Ledger {
  scenario: string;
  beacons: LedgerBeacon[];
  /** Native media session id as the page learned it (hb sid it made, MC Location, Edge handle). */
  mediaSession: string | null;
  /** ECIDs in the order the page received them (a second one only with `changeEcid`). */
  ecids: string[];
  /** Library versions exactly as the page's emitters send them (null: the calls name no library). */
  versions: { page: string; media: string | null };
  /**
   * Worst lateness (ms) of a timeline step or a ping timer behind its schedule. A busy machine delays
   * page timers; the recorder re-records a capture whose timing drifted more than it tolerates.
   */
  maxLateMs: number;
  errors: string[];
}
