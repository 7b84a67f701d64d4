/**
 * Browser side. A Media Collection API client (the shape Media JS 3.x sends) written from the public API
 * reference (https://experienceleague.adobe.com/en/docs/media-analytics/using/implementation/media-collection-api/mc-api-overview):
 * `POST /api/v1/sessions` with `sessionStart` → `201` + `Location: /api/v1/sessions/{sid}`; every later
 * event `POST /api/v1/sessions/{sid}/events` (`204`); events wait in a queue until the session id is
 * known; `ping` every 10 s for main content and ads; `playerTime.ts` strictly ascending.
 * Goblin's own summary of this format: docs/reference/wire-formats.md §4.
 */
import type { AdInfo, FaultTag, MediaInfo, PodInfo } from '../scenario.js';
import type { MediaTracker, PageContext } from './context.js';
import { every, send } from './ledger.js';

const PING_MS = 10_000;

interface McEvent {
  eventType: string;
  playerTime: { playhead: number; ts: number };
  params?: Record<string, string | number | boolean>;
  customMetadata?: Record<string, string>;
}

export class MediaCollectionTracker implements MediaTracker {
  private sid: string | null = null;
  private queue: { ev: McEvent; primary: boolean; main: boolean }[] = [];
  private pinger: { stop(): void } | null = null;
  private skipPings = 0;
  private gapTag: FaultTag | undefined;
  private media: MediaInfo | null = null;

  constructor(private readonly ctx: PageContext) {}

  private event(eventType: string, params?: McEvent['params']): McEvent {
    const { player, clock } = this.ctx;
    // The main-content playhead, frozen during ads (ad time is not content time).
    const playhead = Math.round(player.contentPlayhead() * 1000) / 1000;
    const ev: McEvent = { eventType, playerTime: { playhead, ts: clock.now() } };
    if (params) ev.params = params;
    return ev;
  }

  private async post(ev: McEvent, primary: boolean, main: boolean): Promise<void> {
    if (this.sid === null) {
      this.queue.push({ ev, primary, main });
      return;
    }
    const url = `${location.protocol}//${this.ctx.site.mcHost}/api/v1/sessions/${this.sid}/events`;
    // Events are not held back by the previous answer (204), only by the session id.
    void send(
      this.ctx.ledger,
      'POST',
      url,
      JSON.stringify(ev),
      { kind: 'media-collection', primary, main },
      { headers: { 'Content-Type': 'application/json' } },
    );
  }

  async sessionStart(media: MediaInfo): Promise<void> {
    this.media = media;
    const { site, visitor, omitParams } = this.ctx;
    const all: Record<string, string | number | boolean> = {
      'media.id': media.id,
      'media.name': media.name,
      'media.length': media.length,
      'media.contentType': media.contentType,
      'media.streamType': 'video',
      'media.playerName': media.playerName,
      'media.channel': media.channel,
      'media.sdkVersion': media.appVersion,
      'media.libraryVersion': site.versions.mediaJs,
      'analytics.trackingServer': site.aaHost,
      'analytics.reportSuite': site.rsid,
      'analytics.enableSSL': location.protocol === 'https:',
      'visitor.marketingCloudOrgId': site.orgId,
    };
    if (visitor.ecid) all['visitor.marketingCloudUserId'] = visitor.ecid;
    const params = Object.fromEntries(Object.entries(all).filter(([k]) => !omitParams.has(k)));
    const ev = this.event('sessionStart', params);
    ev.customMetadata = { tier: 'premium' };
    const res = await send(
      this.ctx.ledger,
      'POST',
      `${location.protocol}//${site.mcHost}/api/v1/sessions`,
      JSON.stringify(ev),
      { kind: 'media-collection', primary: true, main: true, ecid: true },
      { headers: { 'Content-Type': 'application/json' } },
    );
    // JS 3.x reads the id from path segment 4 of the Location header (exposed by CORS).
    const sessionUrl = res?.headers.get('Location') ?? '';
    this.sid = sessionUrl.split('/')[4] || null;
    this.ctx.ledger.data.mediaSession = this.sid;
    if (!this.sid) this.ctx.ledger.error('sessionStart gave no Location');
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) await this.post(q.ev, q.primary, q.main);
    this.pinger = every(this.ctx.ledger, PING_MS, () => void this.ping());
  }

  private async ping(): Promise<void> {
    const inAd = this.ctx.player.inAd();
    if (!inAd && this.skipPings > 0) {
      this.skipPings--;
      return;
    }
    if (!inAd && this.gapTag) {
      this.ctx.ledger.arm(this.gapTag, 'main');
      this.gapTag = undefined;
    }
    await this.post(this.event('ping'), false, !inAd);
  }

  async adBreakStart(pod: PodInfo): Promise<void> {
    await this.post(
      this.event('adBreakStart', {
        'media.ad.podFriendlyName': pod.name,
        'media.ad.podIndex': pod.index,
        'media.ad.podSecond': pod.offset,
      }),
      true,
      false,
    );
  }

  async adStart(ad: AdInfo): Promise<void> {
    await this.post(
      this.event('adStart', {
        'media.ad.id': ad.id,
        'media.ad.name': ad.name,
        'media.ad.length': ad.length,
        'media.ad.podPosition': ad.position,
        'media.ad.playerName': this.media?.playerName ?? 'unknown',
      }),
      true,
      false,
    );
  }

  async adComplete(): Promise<void> {
    await this.post(this.event('adComplete'), true, false);
  }

  async adBreakComplete(): Promise<void> {
    await this.post(this.event('adBreakComplete'), true, false);
  }

  async play(): Promise<void> {
    await this.post(this.event('play'), true, true);
  }

  async pause(): Promise<void> {
    await this.post(this.event('pauseStart'), true, true);
  }

  async complete(): Promise<void> {
    await this.post(this.event('sessionComplete'), true, true);
  }

  async end(): Promise<void> {
    this.pinger?.stop();
    await this.post(this.event('sessionEnd'), true, true);
  }

  dropPings(count: number, tag?: FaultTag): void {
    this.skipPings += count;
    this.gapTag = tag;
  }
}
