/**
 * Browser side. A legacy Video Heartbeat (VHL JS 2.x-shaped) emitter written from the public legacy
 * validation pages (https://github.com/AdobeDocs/media-analytics.en, `help/legacy/validation/`):
 * `GET https://{ns}.hb.omtrdc.net/?{s:|l:|h:}{realm}:{name}=…` answered 204, realms in the order
 * sc, user, aam, sp, event, asset, stream, meta; on start the AA media-start hit (`pe=ms_s`), then HB
 * `start`, then `aa_start`; main-content state heartbeats every 10 s, ad heartbeats every 1 s; a state
 * change sends the new state at once and restarts the 10 s quantum.
 * Goblin's own summary of this format: docs/reference/wire-formats.md §3.
 */
import type { AdInfo, FaultTag, MediaInfo, PodInfo } from '../scenario.js';
import type { AppMeasurement } from './appmeasurement.js';
import { digits, type MediaTracker, type PageContext } from './context.js';
import { every, send } from './ledger.js';

type HbEvent =
  | 'start'
  | 'aa_start'
  | 'aa_ad_start'
  | 'play'
  | 'pause'
  | 'complete'
  | 'end'
  | 'chapter_start'
  | 'chapter_complete';

const MAIN_INTERVAL_MS = 10_000;
const AD_INTERVAL_MS = 1_000;

export class HeartbeatTracker implements MediaTracker {
  private sid = '';
  private media: MediaInfo | null = null;
  private ad: AdInfo | null = null;
  private pod: PodInfo | null = null;
  private adSid = '';
  private state: 'play' | 'pause' = 'play';
  private prevTs = new Map<string, number>();
  private mainTimer: ReturnType<typeof setTimeout> | null = null;
  private mainDue = 0;
  private adTimer: { stop(): void } | null = null;
  private skipPings = 0;
  private gapTag: FaultTag | undefined;
  private closed = false;

  constructor(
    private readonly ctx: PageContext,
    private readonly aa: AppMeasurement,
    private readonly skipAaStart: boolean,
  ) {}

  /** One heartbeat call; `asset` ad while an ad is open. Empty and omitted values are left out. */
  private async call(type: HbEvent, asset: 'main' | 'ad', primary = false): Promise<void> {
    if (this.closed) return;
    const { site, visitor, player, omitParams } = this.ctx;
    const media = this.media!;
    // Strictly ascending, ≥ 1 ms apart: start and aa_start leave within the same millisecond otherwise.
    const now = this.ctx.clock.now();
    const key = `${asset}:${type}`;
    const prev = this.prevTs.get(key) ?? -1;
    this.prevTs.set(key, now);
    const periodic = type === 'play' || type === 'pause';
    const playhead = Math.floor(asset === 'ad' ? player.adPlayhead() : player.contentPlayhead());
    const p: [string, string | number][] = [
      ['s:sc:rsid', site.rsid],
      ['s:sc:tracking_server', site.aaHost],
      ['h:sc:ssl', location.protocol === 'https:' ? 1 : 0],
      ['s:user:mid', visitor.ecid ?? ''],
      ['l:aam:loc_hint', 7],
      ['s:sp:ovp', 'none'],
      ['s:sp:sdk', media.appVersion],
      ['s:sp:channel', media.channel],
      ['s:sp:player_name', media.playerName],
      ['s:sp:hb_version', site.versions.heartbeat],
      ['l:sp:hb_api_lvl', 4],
      ['s:event:sid', this.sid],
      ['s:event:type', type],
      ['l:event:duration', periodic && prev > 0 ? now - prev : 0],
      ['l:event:playhead', playhead],
      ['l:event:ts', now],
      ['l:event:prev_ts', prev],
      ['s:asset:type', asset],
      ['s:asset:name', media.name],
      ['s:asset:video_id', media.id],
      ['s:asset:publisher', site.orgId],
      ['l:asset:length', Math.floor(media.length)],
    ];
    if (asset === 'ad' && this.ad) {
      p.push(
        ['s:asset:ad_id', this.ad.id],
        ['s:asset:ad_name', this.ad.name],
        ['l:asset:ad_length', this.ad.length],
        ['s:asset:ad_sid', this.adSid],
        ['s:asset:pod_id', `${media.id}_${this.pod?.index ?? 1}`],
        ['s:asset:pod_name', this.pod?.name ?? ''],
        ['l:asset:pod_offset', this.pod?.offset ?? 0],
        ['s:asset:pod_position', this.ad.position],
        ['s:asset:resolver', media.playerName],
      );
    }
    p.push(['s:stream:type', media.contentType], ['l:stream:bitrate', 4_500_000], ['l:stream:fps', 30]);
    if (type === 'start' && asset === 'main') p.push(['s:meta:a.media.show', 'Acme Originals']);
    const query = p
      .filter(([k, v]) => v !== '' && !omitParams.has(k))
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join('&');
    const url = `${location.protocol}//${site.hbHost}/?${query}`;
    // VHL does not wait for heartbeat answers (204): fire and forget keeps the cadence on a busy machine.
    void send(
      this.ctx.ledger,
      'GET',
      url,
      null,
      { kind: 'heartbeat', primary, main: asset === 'main' && type !== 'aa_start', ecid: true },
      { credentials: 'include' },
    );
  }

  /** The 10 s reporting quantum: restarted by every state change, it reports the current main state. */
  private restartQuantum(from = performance.now()): void {
    if (this.mainTimer) clearTimeout(this.mainTimer);
    this.mainDue = from + MAIN_INTERVAL_MS;
    this.mainTimer = setTimeout(() => void this.tick(), Math.max(0, this.mainDue - performance.now()));
  }

  private async tick(): Promise<void> {
    this.ctx.ledger.late(performance.now() - this.mainDue);
    this.restartQuantum(this.mainDue);
    if (this.ad || this.closed) return;
    if (this.skipPings > 0) {
      this.skipPings--;
      // The skipped quantum is not reported at all: the next heartbeat's prev_ts still points back.
      return;
    }
    if (this.gapTag) {
      this.ctx.ledger.arm(this.gapTag, 'main');
      this.gapTag = undefined;
    }
    await this.call(this.state, 'main');
  }

  async sessionStart(media: MediaInfo): Promise<void> {
    this.media = media;
    this.sid = `${Date.now()}${digits(9)}`;
    this.ctx.ledger.data.mediaSession = this.sid;
    // Check-status: the settings document for the publisher (cached by the SDK between polls).
    await send(
      this.ctx.ledger,
      'GET',
      `${location.protocol}//${this.ctx.site.hbHost}/settings/${this.ctx.site.hbPublisher}.xml?r=${Date.now()}`,
      null,
      { kind: 'other' },
    );
    if (!this.skipAaStart) await this.aa.mediaStart(this.sid, media);
    await this.call('start', 'main', true);
    await this.call('aa_start', 'main');
    this.restartQuantum();
  }

  async adBreakStart(pod: PodInfo): Promise<void> {
    // Legacy heartbeat has no break event: pod data rides on the ad calls.
    this.pod = pod;
  }

  async adStart(ad: AdInfo): Promise<void> {
    this.ad = ad;
    this.adSid = `${Date.now()}${digits(9)}`;
    await this.aa.mediaStart(this.sid, this.media!, ad, this.pod ?? undefined);
    await this.call('start', 'ad', true);
    await this.call('aa_ad_start', 'ad');
    this.adTimer = every(this.ctx.ledger, AD_INTERVAL_MS, () => void this.call('play', 'ad'));
  }

  async adComplete(): Promise<void> {
    this.adTimer?.stop();
    this.adTimer = null;
    await this.call('complete', 'ad', true);
    this.ad = null;
  }

  async adBreakComplete(): Promise<void> {
    this.adTimer?.stop();
    this.adTimer = null;
    this.ad = null;
    this.pod = null;
  }

  async play(): Promise<void> {
    this.state = 'play';
    await this.call('play', 'main', true);
    this.restartQuantum();
  }

  async pause(): Promise<void> {
    this.state = 'pause';
    await this.call('pause', 'main', true);
    this.restartQuantum();
  }

  async complete(): Promise<void> {
    if (this.mainTimer) clearTimeout(this.mainTimer);
    await this.call('complete', 'main', true);
  }

  async end(): Promise<void> {
    if (this.mainTimer) clearTimeout(this.mainTimer);
    this.adTimer?.stop();
    await this.call('end', 'main', true);
    this.closed = true;
  }

  dropPings(count: number, tag?: FaultTag): void {
    this.skipPings += count;
    this.gapTag = tag;
  }
}
