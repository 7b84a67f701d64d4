/**
 * Browser side. What every emitter shares: the customer's settings, the ledger, the beacon clock, the
 * visitor id and a read-only view of the player.
 */
import type { AdInfo, FaultTag, MediaInfo, PodInfo } from '../scenario.js';
import type { Site } from '../site.js';
import { BeaconClock, type BeaconLedger, send } from './ledger.js';

export interface PlayerView {
  /** Main-content playhead in seconds (frozen during ads and pauses). */
  contentPlayhead(): number;
  /** Playhead inside the current ad in seconds. */
  adPlayhead(): number;
  inAd(): boolean;
  playing(): boolean;
}

export interface PageContext {
  site: Site;
  ledger: BeaconLedger;
  clock: BeaconClock;
  player: PlayerView;
  visitor: { ecid: string | null };
  /** Tracker configuration defects of the scenario. */
  omitParams: ReadonlySet<string>;
}

/** The calls a media integration makes on its SDK; each emitter turns them into its wire format. */
export interface MediaTracker {
  sessionStart(media: MediaInfo): Promise<void>;
  adBreakStart(pod: PodInfo): Promise<void>;
  adStart(ad: AdInfo): Promise<void>;
  adComplete(): Promise<void>;
  adBreakComplete(): Promise<void>;
  play(): Promise<void>;
  pause(): Promise<void>;
  complete(): Promise<void>;
  end(): Promise<void>;
  /** Skip the next `count` main-content pings; the first ping sent afterwards carries `tag`. */
  dropPings(count: number, tag?: FaultTag): void;
  /** The Media Edge emitter sends its next call with a mistyped datastream (others ignore it). */
  useBadDatastream?(): void;
}

export function newClock(): BeaconClock {
  return new BeaconClock();
}

/** ECID from the Experience Cloud ID service (VisitorAPI `/id` call, JSON form). */
export async function fetchEcid(ctx: PageContext): Promise<string | null> {
  const { site } = ctx;
  const url =
    `${location.protocol}//${site.visitorHost}/id?d_visid_ver=${site.versions.visitorApi}&d_fieldgroup=MC&d_rtbd=json&d_ver=2` +
    `&d_orgid=${encodeURIComponent(site.orgId)}&d_nsid=0&ts=${Date.now()}`;
  const res = await send(ctx.ledger, 'GET', url, null, { kind: 'other' }, { credentials: 'include' });
  if (!res || !res.ok) return null;
  const j = (await res.json()) as { d_mid?: unknown };
  const mid = typeof j.d_mid === 'string' ? j.d_mid : null;
  if (mid) {
    ctx.visitor.ecid = mid;
    ctx.ledger.data.ecids.push(mid);
  }
  return mid;
}

/** Random decimal digits (session ids, cache busters). */
export function digits(n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(Math.random() * 1e9).toString();
  return s.slice(0, n);
}

/** A v4-style UUID (Web SDK request ids and XDM `_id`). */
export function uuid(): string {
  return crypto.randomUUID();
}
