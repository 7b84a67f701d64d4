/**
 * Browser side. A Web SDK (alloy)-shaped emitter written from the public Edge Network and Media Edge API
 * references (https://developer.adobe.com/data-collection-apis/docs/endpoints/interact/ and
 * https://developer.adobe.com/data-collection-apis/docs/endpoints/media/): page views and
 * `media.sessionStart` through `POST /ee/v1/interact?configId=…` (`text/plain` JSON, credentials), the
 * session id from the `media-analytics:new-session` handle, every later media event through
 * `POST /ee/{locationHint}/va/v1/{event}` with `xdm.mediaCollection.sessionID`; integer playheads; pings
 * every 10 s (main and ads, the Web SDK defaults). A player may also call the Media Edge API itself: then
 * the start is `POST /ee/va/v1/sessionStart`, answered with the same handle.
 * Goblin's own summary of this format: docs/reference/wire-formats.md §5.
 */
import type { AdInfo, FaultTag, MediaInfo, PodInfo } from '../scenario.js';
import { uuid, type MediaTracker, type PageContext } from './context.js';
import { every, send, type SendMeta } from './ledger.js';

const PING_MS = 10_000;

interface Handle {
  type?: string;
  payload?: Record<string, unknown>[];
  eventIndex?: number;
}

/** Edge state the Web SDK keeps between calls: the location hint and the identity cookie. */
export class EdgeClient {
  private hint: string | null = null;
  private identity: string | null = null;

  constructor(private readonly ctx: PageContext) {}

  implementationDetails() {
    return {
      name: 'https://ns.adobe.com/experience/alloy',
      version: this.ctx.site.versions.alloy,
      environment: 'browser',
    };
  }

  private base(): string {
    return `${location.protocol}//${this.ctx.site.edgeHost}/ee${this.hint ? `/${this.hint}` : ''}`;
  }

  private meta(): Record<string, unknown> {
    const entries = this.identity
      ? [{ key: `kndctr_${this.ctx.site.orgId.replace('@', '_')}_identity`, value: this.identity }]
      : [];
    return { state: { domain: 'acme-stream.com', cookiesEnabled: true, entries } };
  }

  /** `/ee[/{hint}]/v1/interact`: returns the handles. */
  async interact(xdm: Record<string, unknown>, meta: SendMeta, withIdentity = false): Promise<Handle[]> {
    const body: Record<string, unknown> = { events: [{ xdm }] };
    if (withIdentity) body.query = { identity: { fetch: ['ECID'] } };
    body.meta = this.meta();
    const url = `${this.base()}/v1/interact?configId=${this.ctx.site.datastream}&requestId=${uuid()}`;
    const res = await send(this.ctx.ledger, 'POST', url, JSON.stringify(body), meta, {
      credentials: 'include',
      headers: { 'Content-Type': 'text/plain; charset=UTF-8' },
    });
    if (!res || !res.ok) return [];
    const j = (await res.json()) as { handle?: Handle[] };
    const handles = Array.isArray(j.handle) ? j.handle : [];
    for (const h of handles) {
      const p = h.payload?.[0];
      if (h.type === 'locationHint:result' && typeof p?.hint === 'string' && p.scope === 'EdgeNetwork')
        this.hint = p.hint;
      if (h.type === 'state:store')
        for (const s of h.payload ?? [])
          if (typeof s.key === 'string' && s.key.endsWith('_identity') && typeof s.value === 'string')
            this.identity = s.value;
      if (h.type === 'identity:result')
        for (const id of h.payload ?? []) {
          const ns = id.namespace as { code?: string } | undefined;
          if (ns?.code === 'ECID' && typeof id.id === 'string' && !this.ctx.visitor.ecid) {
            this.ctx.visitor.ecid = id.id;
            this.ctx.ledger.data.ecids.push(id.id);
          }
        }
    }
    return handles;
  }

  /** `/ee[/{hint}]/va/v1/{action}`: Media Edge events other than the start. */
  async media(
    action: string,
    xdm: Record<string, unknown>,
    meta: SendMeta,
    datastream: string,
  ): Promise<void> {
    const url = `${this.base()}/va/v1/${action}?configId=${datastream}&requestId=${uuid()}`;
    // Media events do not wait for the previous answer (204).
    void send(this.ctx.ledger, 'POST', url, JSON.stringify({ events: [{ xdm }] }), meta, {
      credentials: 'include',
      headers: { 'Content-Type': 'text/plain; charset=UTF-8' },
    });
  }
  /**
   * `POST /ee/va/v1/sessionStart` of the Media Edge API, called by the player itself: `application/json`,
   * answered `200` with the `media-analytics:new-session` handle. Returns the handles.
   */
  async mediaEdgeStart(xdm: Record<string, unknown>, meta: SendMeta): Promise<Handle[]> {
    const url = `${this.base()}/va/v1/sessionStart?configId=${this.ctx.site.datastream}&requestId=${uuid()}`;
    const res = await send(this.ctx.ledger, 'POST', url, JSON.stringify({ events: [{ xdm }] }), meta, {
      headers: { 'Content-Type': 'application/json' },
    });
    if (!res || !res.ok) return [];
    const j = (await res.json()) as { handle?: Handle[] };
    return Array.isArray(j.handle) ? j.handle : [];
  }

  async pageView(name: string): Promise<void> {
    const xdm = {
      eventType: 'web.webpagedetails.pageViews',
      _id: uuid(),
      timestamp: new Date(this.ctx.clock.now()).toISOString(),
      web: {
        webPageDetails: { URL: location.href, name, pageViews: { value: 1 } },
        webReferrer: { URL: document.referrer },
      },
      device: { screenHeight: screen.height, screenWidth: screen.width, screenOrientation: 'landscape' },
      environment: {
        type: 'browser',
        browserDetails: { viewportWidth: innerWidth, viewportHeight: innerHeight },
      },
      implementationDetails: this.implementationDetails(),
    };
    await this.interact(xdm, { kind: 'edge', primary: true }, true);
  }
}

export class MediaEdgeTracker implements MediaTracker {
  private sid: string | null = null;
  private pinger: { stop(): void } | null = null;
  private skipPings = 0;
  private gapTag: FaultTag | undefined;
  private nextDatastream: string | null = null;

  constructor(
    private readonly ctx: PageContext,
    private readonly edge: EdgeClient,
    /** The player calls the Media Edge API itself instead of going through the Web SDK. */
    private readonly direct = false,
  ) {}

  private xdm(eventType: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    // alloy truncates the playhead to an integer (the Media Edge schema types it as integer).
    const playhead = Math.floor(this.ctx.player.contentPlayhead());
    const mediaCollection: Record<string, unknown> = { playhead, ...extra };
    if (this.sid) mediaCollection.sessionID = this.sid;
    return {
      eventType: `media.${eventType}`,
      timestamp: new Date(this.ctx.clock.now()).toISOString(),
      mediaCollection,
    };
  }

  private async event(action: string, extra: Record<string, unknown>, primary: boolean, main: boolean) {
    const datastream = this.nextDatastream ?? this.ctx.site.datastream;
    this.nextDatastream = null;
    await this.edge.media(action, this.xdm(action, extra), { kind: 'media-edge', primary, main }, datastream);
  }

  async sessionStart(media: MediaInfo): Promise<void> {
    const sessionDetails: Record<string, unknown> = {
      name: media.id,
      friendlyName: media.name,
      length: media.length,
      contentType: media.contentType,
      streamType: 'video',
      playerName: media.playerName,
      channel: media.channel,
      appVersion: media.appVersion,
    };
    for (const k of this.ctx.omitParams)
      delete sessionDetails[k.replace(/^mediaCollection\.sessionDetails\./, '')];
    const meta = { kind: 'media-edge', primary: true, main: true } as const;
    const handles = this.direct
      ? await this.edge.mediaEdgeStart(this.xdm('sessionStart', { sessionDetails }), meta)
      : await this.edge.interact(
          {
            ...this.xdm('sessionStart', { sessionDetails }),
            implementationDetails: this.edge.implementationDetails(),
          },
          meta,
        );
    for (const h of handles)
      if (h.type === 'media-analytics:new-session' && typeof h.payload?.[0]?.sessionId === 'string')
        this.sid = h.payload[0].sessionId as string;
    this.ctx.ledger.data.mediaSession = this.sid;
    if (!this.sid) this.ctx.ledger.error('media.sessionStart gave no media-analytics:new-session handle');
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
    await this.event('ping', {}, false, !inAd);
  }

  async adBreakStart(pod: PodInfo): Promise<void> {
    await this.event(
      'adBreakStart',
      { advertisingPodDetails: { friendlyName: pod.name, index: pod.index, offset: pod.offset } },
      true,
      false,
    );
  }

  async adStart(ad: AdInfo): Promise<void> {
    await this.event(
      'adStart',
      {
        advertisingDetails: {
          name: ad.id,
          friendlyName: ad.name,
          length: ad.length,
          podPosition: ad.position,
          playerName: 'acme-html5',
        },
      },
      true,
      false,
    );
  }

  async adComplete(): Promise<void> {
    await this.event('adComplete', {}, true, false);
  }

  async adBreakComplete(): Promise<void> {
    await this.event('adBreakComplete', {}, true, false);
  }

  async play(): Promise<void> {
    await this.event('play', {}, true, true);
  }

  async pause(): Promise<void> {
    await this.event('pauseStart', {}, true, true);
  }

  async complete(): Promise<void> {
    await this.event('sessionComplete', {}, true, true);
  }

  async end(): Promise<void> {
    this.pinger?.stop();
    await this.event('sessionEnd', {}, true, true);
  }

  dropPings(count: number, tag?: FaultTag): void {
    this.skipPings += count;
    this.gapTag = tag;
  }

  useBadDatastream(): void {
    this.nextDatastream = this.ctx.site.badDatastream;
  }
}
