import { every, send } from './ledger.js';
const PING_MS = 10_000;
export class MediaCollectionTracker {
    ctx;
    sid = null;
    queue = [];
    pinger = null;
    skipPings = 0;
    gapTag;
    media = null;
    constructor(ctx) {
        this.ctx = ctx;
    }
    event(eventType, params) {
        const { player, clock } = this.ctx;
        const playhead = Math.round(player.contentPlayhead() * 1000) / 1000;
        const ev = { eventType, playerTime: { playhead, ts: clock.now() } };
        if (params)
            ev.params = params;
        return ev;
    }
    async post(ev, primary, main) {
        if (this.sid === null) {
            this.queue.push({ ev, primary, main });
            return;
        }
        const url = `${location.protocol}//${this.ctx.site.mcHost}/api/v1/sessions/${this.sid}/events`;
        void send(this.ctx.ledger, 'POST', url, JSON.stringify(ev), { kind: 'media-collection', primary, main }, { headers: { 'Content-Type': 'application/json' } });
    }
    async sessionStart(media) {
        this.media = media;
        const { site, visitor, omitParams } = this.ctx;
        const all = {
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
        if (visitor.ecid)
            all['visitor.marketingCloudUserId'] = visitor.ecid;
        const params = Object.fromEntries(Object.entries(all).filter(([k]) => !omitParams.has(k)));
        const ev = this.event('sessionStart', params);
        ev.customMetadata = { tier: 'premium' };
        const res = await send(this.ctx.ledger, 'POST', `${location.protocol}//${site.mcHost}/api/v1/sessions`, JSON.stringify(ev), { kind: 'media-collection', primary: true, main: true, ecid: true }, { headers: { 'Content-Type': 'application/json' } });
        const sessionUrl = res?.headers.get('Location') ?? '';
        this.sid = sessionUrl.split('/')[4] || null;
        this.ctx.ledger.data.mediaSession = this.sid;
        if (!this.sid)
            this.ctx.ledger.error('sessionStart gave no Location');
        const queued = this.queue;
        this.queue = [];
        for (const q of queued)
            await this.post(q.ev, q.primary, q.main);
        this.pinger = every(this.ctx.ledger, PING_MS, () => void this.ping());
    }
    async ping() {
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
    async adBreakStart(pod) {
        await this.post(this.event('adBreakStart', {
            'media.ad.podFriendlyName': pod.name,
            'media.ad.podIndex': pod.index,
            'media.ad.podSecond': pod.offset,
        }), true, false);
    }
    async adStart(ad) {
        await this.post(this.event('adStart', {
            'media.ad.id': ad.id,
            'media.ad.name': ad.name,
            'media.ad.length': ad.length,
            'media.ad.podPosition': ad.position,
            'media.ad.playerName': this.media?.playerName ?? 'unknown',
        }), true, false);
    }
    async adComplete() {
        await this.post(this.event('adComplete'), true, false);
    }
    async adBreakComplete() {
        await this.post(this.event('adBreakComplete'), true, false);
    }
    async play() {
        await this.post(this.event('play'), true, true);
    }
    async pause() {
        await this.post(this.event('pauseStart'), true, true);
    }
    async complete() {
        await this.post(this.event('sessionComplete'), true, true);
    }
    async end() {
        this.pinger?.stop();
        await this.post(this.event('sessionEnd'), true, true);
    }
    dropPings(count, tag) {
        this.skipPings += count;
        this.gapTag = tag;
    }
}
