/**
 * Browser side. The page's own record of what it sent: every beacon in send order with the fault tags
 * the scenario attached. The recorder matches these to HAR entries by method + URL + body, so the truth
 * file comes from what the page did, never from Goblin's decoders.
 */
import type { FaultTag, Ledger, LedgerBeacon } from '../scenario.js';

/** Which beacon an armed tag lands on. */
export type TagTarget = 'primary' | 'main' | 'ecid' | 'media-edge';

export interface SendMeta {
  kind: LedgerBeacon['kind'];
  /** The beacon that stands for the current player action (HB `start`, `sessionStart`, `adStart`…). */
  primary?: boolean;
  /** A main-content media beacon (not ad time). */
  main?: boolean;
  /** Carries the visitor ECID. */
  ecid?: boolean;
}

export class BeaconLedger {
  readonly data: Ledger;
  private armed: { tag: FaultTag; target: TagTarget }[] = [];

  constructor(scenario: string, versions: Ledger['versions']) {
    this.data = { scenario, beacons: [], mediaSession: null, ecids: [], versions, maxLateMs: 0, errors: [] };
  }

  arm(tag: FaultTag, target: TagTarget): void {
    this.armed.push({ tag, target });
  }

  /** Record a beacon the page is about to send; armed tags whose target matches land on it. */
  record(method: string, url: string, body: string | null, meta: SendMeta): void {
    const tags: FaultTag[] = [];
    this.armed = this.armed.filter((a) => {
      const hit =
        (a.target === 'primary' && meta.primary) ||
        (a.target === 'main' && meta.main) ||
        (a.target === 'ecid' && meta.ecid && meta.kind !== 'aa') ||
        (a.target === 'media-edge' && meta.kind === 'media-edge');
      if (hit) tags.push(a.tag);
      return !hit;
    });
    this.data.beacons.push({ method, url, body, kind: meta.kind, tags });
  }

  error(message: string): void {
    this.data.errors.push(message);
  }

  late(ms: number): void {
    if (ms > this.data.maxLateMs) this.data.maxLateMs = Math.round(ms);
  }
}

/**
 * A ping timer that keeps to its schedule: each tick is planned from the previous planned time (not from
 * when the last one ran), so one late tick does not shift every later ping; lateness goes to the ledger.
 */
export function every(ledger: BeaconLedger, ms: number, fn: () => void): { stop(): void } {
  let next = performance.now() + ms;
  let stopped = false;
  let handle: ReturnType<typeof setTimeout>;
  const tick = () => {
    if (stopped) return;
    ledger.late(performance.now() - next);
    fn();
    next += ms;
    handle = setTimeout(tick, Math.max(0, next - performance.now()));
  };
  handle = setTimeout(tick, ms);
  return {
    stop() {
      stopped = true;
      clearTimeout(handle);
    },
  };
}

/** Beacon timestamps strictly ascending and ≥ 1 ms apart, as the Media Collection ordering rules ask. */
export class BeaconClock {
  private last = 0;
  now(): number {
    const t = Math.max(Date.now(), this.last + 1);
    this.last = t;
    return t;
  }
}

/** `fetch` that never throws into the player: a refused or failed beacon is the server's answer to record. */
export async function send(
  ledger: BeaconLedger,
  method: string,
  url: string,
  body: string | null,
  meta: SendMeta,
  init: RequestInit = {},
): Promise<Response | null> {
  ledger.record(method, url, body, meta);
  try {
    return await fetch(url, { method, body, keepalive: false, ...init });
  } catch (e) {
    ledger.error(`${method} ${url.slice(0, 120)}: ${(e as Error).message}`);
    return null;
  }
}

/** An image beacon (`new Image().src`), the way AppMeasurement sends ordinary hits. */
export function sendImage(ledger: BeaconLedger, url: string, meta: SendMeta, onLoad?: () => void): void {
  ledger.record('GET', url, null, meta);
  const img = new Image();
  if (onLoad) img.onload = onLoad;
  img.src = url;
}
