import type { Rng } from '../util/rng.js';
import type { MediaProtocol } from './types.js';

/** Protocol-neutral media events (Media Collection names); renderers map them to each wire format. */
export type MKind =
  | 'sessionStart'
  | 'play'
  | 'ping'
  | 'pauseStart'
  | 'bufferStart'
  | 'adBreakStart'
  | 'adStart'
  | 'adComplete'
  | 'adSkip'
  | 'adBreakComplete'
  | 'chapterStart'
  | 'chapterComplete'
  | 'bitrateChange'
  | 'error'
  | 'sessionComplete'
  | 'sessionEnd';

export type PlayerState = 'idle' | 'playing' | 'paused' | 'buffering';

export interface AdInfo {
  id: string;
  name: string;
  lengthS: number;
  podPosition: number;
  advertiser: string;
  campaign: string;
  creative: string;
  /** Heartbeat ad-instance id. */
  sid: string;
}
export interface PodInfo {
  index: number;
  name: 'preroll' | 'midroll' | 'postroll';
  offset: number;
}
export interface ChapterInfo {
  index: number;
  offset: number;
  lengthS: number;
  name: string;
  sid: string;
}

export interface MEvent {
  kind: MKind;
  /** Client send time (ms): capture order. */
  sendAt: number;
  /** Beacon timestamp (ms): may differ from sendAt only through TIMESTAMP faults. */
  ts: number;
  /** Main-content playhead (s). Frozen during ad breaks and pauses. */
  ph: number;
  /** Seconds into the current ad (heartbeat ad heartbeats). */
  adPh: number;
  /** Player state after the event. */
  state: PlayerState;
  ad: AdInfo | null;
  pod: PodInfo | null;
  chapter: ChapterInfo | null;
  bitrate: number;
  errorId?: string;
  /** The event sits inside an ad break (between adBreakStart and adBreakComplete). */
  inBreak: boolean;
  /** Duplicate main start (SESSION_START_DUPLICATE) — heartbeat renders no aa_start for it. */
  duplicate?: boolean;
  /** The code whose violation shows on this event (set by the fault; renderers copy it to the request). */
  mark?: string;
  /** Legacy heartbeat: the mark goes on the flush this state change sends first, not on its own call. */
  markFlush?: boolean;
}

export interface Needs {
  longStretch?: boolean;
  pause?: 'long' | 'any';
  preroll?: 'require' | 'forbid' | 'short';
  midroll?: boolean;
  postroll?: boolean;
  longAd?: boolean;
  chapterBoundary?: boolean;
  noChapters?: boolean;
  noSeek?: boolean;
  completes?: boolean;
  closes?: boolean;
  noComplete?: boolean;
  vod?: boolean;
}

export interface TimelineOptions {
  protocol: MediaProtocol;
  roku: boolean;
  content: 'vod' | 'live';
  startMs: number;
  withAds: boolean;
  withChapters: boolean;
  close: 'complete' | 'end' | 'cutoff' | 'idle-end';
  needs?: Needs;
  compact?: boolean;
  /** Resumed session: starts at this playhead, no preroll, no chapters. */
  resumeFromPh?: number;
  /** Ad-ping interval (ms) when the library's differs from its protocol's (Chromecast 3.x: 1 s). */
  adIntervalMs?: number;
}

export interface MediaTimeline {
  events: MEvent[];
  content: 'vod' | 'live';
  lengthS: number;
  resumed: boolean;
  /** Main ad-ping interval the scenario uses (s). */
  adIntervalS: number;
  close: TimelineOptions['close'];
}

const ADVERTISERS = ['Acme Motors', 'Globex Foods', 'Initech Bank', 'Umbrella Pharma', 'Hooli Phones'];

export function secondsOfDay(ms: number): number {
  return (((ms / 1000) % 86400) + 86400) % 86400;
}

type Incident =
  | { at: number; kind: 'pause'; durS: number }
  | { at: number; kind: 'buffer'; durS: number }
  | { at: number; kind: 'seek'; delta: number; durS: number }
  | { at: number; kind: 'bitrate' }
  | { at: number; kind: 'error' }
  | { at: number; kind: 'midroll' }
  | { at: number; kind: 'idle' };

/** What a session will contain, decided before it is played out. */
interface TimelinePlan {
  opts: TimelineOptions;
  needs: Needs;
  hb: boolean;
  compact: boolean;
  live: boolean;
  resumed: boolean;
  completes: boolean;
  close: TimelineOptions['close'];
  lengthS: number;
  watchS: number;
  adIntervalMs: number;
  mainIntervalMs: number;
  chapterList: ChapterInfo[];
  wantPreroll: boolean;
  wantPostroll: boolean;
  incidents: Incident[];
}

/** Generates one clean media session. */
export function generateTimeline(opts: TimelineOptions, rng: Rng): MediaTimeline {
  const plan = planTimeline(opts, rng);
  const play = new TimelinePlayer(plan, rng);
  play.run();
  return {
    events: play.events,
    content: plan.live ? 'live' : 'vod',
    lengthS: plan.lengthS,
    resumed: plan.resumed,
    adIntervalS: plan.adIntervalMs / 1000,
    close: plan.close,
  };
}

/** Length, watch time, chapters, which ad breaks, and the incidents (pauses, seeks…) of one session. */
function planTimeline(opts: TimelineOptions, rng: Rng): TimelinePlan {
  const needs = opts.needs ?? {};
  const hb = opts.protocol === 'heartbeat';
  const compact = Boolean(opts.compact);
  const live = opts.content === 'live' && !needs.vod;
  const resumed = opts.resumeFromPh !== undefined;
  const completes =
    !live && !needs.noComplete && (opts.close === 'complete' || Boolean(needs.completes)) && !resumed;
  const close = completes ? 'complete' : opts.close === 'complete' ? 'end' : opts.close;
  let lengthS = live
    ? 86400
    : completes
      ? rng.int(compact ? 60 : 90, compact ? 100 : 300)
      : rng.int(600, 2700);
  // A long stretch on content played to its end needs content that long (else the playhead overruns it).
  if (needs.longStretch && completes) lengthS = Math.max(lengthS, 110);
  let watchS = completes ? lengthS : rng.int(compact ? 30 : 50, compact ? 70 : 260);
  if (needs.longStretch) watchS = Math.max(watchS, 110);
  if (needs.pause === 'long') watchS = Math.max(watchS, 60);
  const ads =
    opts.withAds ||
    Boolean(needs.midroll || needs.postroll || needs.longAd || (needs.preroll && needs.preroll !== 'forbid'));
  const chapters = opts.withChapters && !live && !needs.noChapters && !resumed;
  const chapterList: ChapterInfo[] = [];
  if (chapters) {
    const chLen = completes
      ? Math.ceil(lengthS / rng.int(2, 3))
      : needs.chapterBoundary
        ? rng.int(25, Math.max(26, Math.floor(watchS / 2)))
        : rng.int(40, 150);
    for (let off = 0, i = 1; off < lengthS; off += chLen, i++) {
      chapterList.push({
        index: i,
        offset: off,
        lengthS: Math.min(chLen, lengthS - off),
        name: `Act ${i}`,
        sid: rng.digits(19),
      });
    }
  }
  const wantPreroll =
    !resumed &&
    needs.preroll !== 'forbid' &&
    (needs.preroll === 'require' || needs.preroll === 'short' || (ads && rng.chance(0.6)));
  const wantMidroll = ads && !resumed && (needs.midroll || rng.chance(0.45)) && watchS >= 40;
  const wantPostroll = completes && (needs.postroll || (ads && rng.chance(0.2)));
  const plan: TimelinePlan = {
    opts,
    needs,
    hb,
    compact,
    live,
    resumed,
    completes,
    close,
    lengthS,
    watchS,
    adIntervalMs: opts.adIntervalMs ?? (hb ? 1000 : 10000),
    mainIntervalMs: 10000,
    chapterList,
    wantPreroll,
    wantPostroll,
    incidents: [],
  };
  planIncidents(plan, rng, wantMidroll);
  return plan;
}

/** Pauses, buffering, seeks, bitrate changes, errors, a midroll and an idle end, at free slots. */
function planIncidents(plan: TimelinePlan, rng: Rng, wantMidroll: boolean): void {
  const { opts, needs, compact, live, completes } = plan;
  const chapters = plan.chapterList.length > 0;
  const incidents = plan.incidents;
  const quietFrom = needs.longStretch ? 15 : Infinity;
  const quietTo = needs.longStretch ? 95 : -Infinity;
  const slots: number[] = [];
  for (let at = rng.int(8, 20); at < plan.watchS - 8; at += rng.int(14, 45)) {
    if (at >= quietFrom && at <= quietTo) continue;
    slots.push(at);
  }
  const takeSlot = (): number | null =>
    slots.length ? slots.splice(rng.int(0, slots.length - 1), 1)[0] : null;
  if (opts.close === 'idle-end') {
    const at = Math.max(10, Math.min(plan.watchS - 5, rng.int(20, 60)));
    incidents.push({ at, kind: 'idle' });
    plan.watchS = at;
    slots.length = 0;
  }
  if (wantMidroll) {
    const s = takeSlot();
    if (s !== null) incidents.push({ at: s, kind: 'midroll' });
  }
  if (needs.pause || rng.chance(compact ? 0.25 : 0.4)) {
    let s = takeSlot();
    if (s === null && needs.pause) s = Math.max(10, Math.floor(plan.watchS / 3));
    if (s !== null)
      incidents.push({
        at: s,
        kind: 'pause',
        durS: needs.pause === 'long' ? rng.int(25, 48) : rng.int(3, 40),
      });
  }
  if (rng.chance(compact ? 0.15 : 0.3)) {
    const s = takeSlot();
    if (s !== null) incidents.push({ at: s, kind: 'buffer', durS: rng.float(0.8, 6) });
  }
  if (!live && !completes && !chapters && !needs.noSeek && rng.chance(0.2)) {
    const s = takeSlot();
    if (s !== null)
      incidents.push({
        at: s,
        kind: 'seek',
        delta: rng.chance(0.6) ? rng.int(30, 120) : -rng.int(15, 25),
        durS: rng.float(0.5, 2),
      });
  }
  if (rng.chance(0.4)) {
    const s = takeSlot();
    if (s !== null) incidents.push({ at: s, kind: 'bitrate' });
  }
  if (rng.chance(0.08)) {
    const s = takeSlot();
    if (s !== null) incidents.push({ at: s, kind: 'error' });
  }
  incidents.sort((a, b) => a.at - b.at);
}

const STATE_CHANGES = new Set<MKind>([
  'play',
  'pauseStart',
  'bufferStart',
  'adStart',
  'adComplete',
  'adSkip',
]);

/**
 * Plays a plan out in time: the player state, the main and ad playheads, and the SDK's ping timer
 * (main 10 s, ad 1 s legacy / 10 s elsewhere; the first main ping 10 s after play, 1.5 s on Roku).
 */
class TimelinePlayer {
  readonly events: MEvent[] = [];
  private t: number;
  private ph: number;
  private adPh = 0;
  private state: PlayerState = 'idle';
  private ad: AdInfo | null = null;
  private pod: PodInfo | null = null;
  private chapter: ChapterInfo | null = null;
  private bitrate: number;
  private nextPing = Infinity;
  private firstMainPlayDone = false;
  private longAdPending: boolean;

  constructor(
    private readonly plan: TimelinePlan,
    private readonly rng: Rng,
  ) {
    const { opts, resumed, live } = plan;
    this.t = opts.startMs;
    this.ph = resumed
      ? (opts.resumeFromPh as number)
      : live
        ? Math.floor(secondsOfDay(opts.startMs)) - rng.int(8, 30)
        : 0;
    if (this.ph < 0) this.ph += 86400;
    this.bitrate = rng.pick([1_800_000, 2_500_000, 4_500_000]);
    this.longAdPending = Boolean(plan.needs.longAd);
  }

  private interval(): number {
    return (this.ad ? this.plan.adIntervalMs : this.plan.mainIntervalMs) + this.rng.int(-40, 60);
  }

  private emit(kind: MKind, extra: Partial<MEvent> = {}): MEvent {
    const { t } = this;
    const e: MEvent = {
      kind,
      sendAt: t,
      ts: t,
      ph: this.ph,
      adPh: this.adPh,
      state: this.state,
      ad: this.ad,
      pod: this.pod,
      chapter: this.chapter,
      bitrate: this.bitrate,
      inBreak: this.pod !== null,
      ...extra,
    };
    this.events.push(e);
    if (kind === 'ping') {
      this.nextPing = t + this.interval();
    } else if (kind === 'sessionComplete' || kind === 'sessionEnd') {
      this.nextPing = Infinity;
    } else if (kind === 'play' && !this.ad && !this.pod && !this.firstMainPlayDone) {
      this.firstMainPlayDone = true;
      // Heartbeat pings tick from `start` (≈ 300 ms earlier); MC/Edge from the play event.
      const first = this.plan.opts.roku ? 1500 : 10000;
      const prev = this.events[this.events.length - 2];
      this.nextPing =
        t + first - (this.plan.hb && prev?.kind === 'sessionStart' ? t - prev.ts : 0) + this.rng.int(-30, 60);
    } else if (this.state !== 'idle' && (!this.plan.hb || STATE_CHANGES.has(kind))) {
      this.nextPing = t + this.interval();
    }
    return e;
  }

  private tick(dt: number): void {
    this.t += dt;
    if (this.state === 'playing') {
      if (this.ad) this.adPh += dt / 1000;
      else if (!this.pod) {
        this.ph += dt / 1000;
        if (this.plan.live && this.ph >= 86400) this.ph -= 86400;
      }
    }
  }

  /** Let `ms` pass, pinging whenever the timer is due. */
  private wait(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = Math.max(this.nextPing, this.t + 5);
      if (due > end - 40) break;
      this.tick(due - this.t);
      this.emit('ping');
    }
    this.tick(end - this.t);
  }

  private step(lo: number, hi: number): void {
    this.tick(this.rng.int(lo, hi));
  }

  private makePod(forceLong: boolean, short: boolean): AdInfo[] {
    const { rng } = this;
    const compact = this.plan.compact;
    const n = short
      ? 1
      : compact
        ? 1
        : rng.weighted([
            [1, 4],
            [2, 3],
            [3, 2],
          ] as const);
    const out: AdInfo[] = [];
    for (let i = 0; i < n; i++) {
      const lengthS = short
        ? rng.int(6, 10)
        : forceLong && i === 0
          ? 30
          : compact
            ? rng.pick([10, 15])
            : rng.pick([15, 15, 20, 30]);
      out.push({
        id: `ad-${rng.int(1000, 9999)}`,
        name: `${rng.pick(ADVERTISERS)} ${rng.pick(['Spring', 'Launch', 'Brand', 'Promo'])} ${lengthS}s`,
        lengthS,
        podPosition: i + 1,
        advertiser: rng.pick(ADVERTISERS),
        campaign: `cmp-${rng.int(10, 99)}`,
        creative: `cr-${rng.int(100, 999)}`,
        sid: rng.digits(19),
      });
    }
    return out;
  }

  private doBreak(name: PodInfo['name'], index: number, first: boolean): void {
    const { rng } = this;
    const list = this.makePod(this.longAdPending, name === 'preroll' && this.plan.needs.preroll === 'short');
    this.longAdPending = false;
    this.pod = { index, name, offset: Math.floor(this.ph) };
    this.emit('adBreakStart');
    this.step(2, 6);
    for (const a of list) {
      this.ad = a;
      this.adPh = 0;
      this.emit('adStart');
      if (first) {
        this.step(20, 60);
        this.state = 'playing';
        this.emit('play');
      }
      first = false;
      const skip = !this.plan.hb && a.lengthS >= 15 && rng.chance(0.08);
      this.wait((skip ? rng.int(5, a.lengthS - 3) : a.lengthS) * 1000);
      this.emit(skip ? 'adSkip' : 'adComplete');
      this.ad = null;
      this.step(1, 4);
    }
    this.emit('adBreakComplete');
    this.pod = null;
  }

  /** Play main content for `seconds`, completing and starting chapters at their boundaries. */
  private playMain(seconds: number): void {
    const chapterList = this.plan.chapterList;
    let remaining = seconds;
    while (remaining > 0.001) {
      let stepS = remaining;
      let boundary = Infinity;
      if (this.chapter) {
        boundary = this.chapter.offset + this.chapter.lengthS;
        if (boundary - this.ph < stepS) stepS = Math.max(0, boundary - this.ph);
      }
      this.wait(stepS * 1000);
      remaining -= stepS;
      if (this.chapter && this.ph >= boundary - 0.002) {
        this.emit('chapterComplete');
        const next = chapterList.find((c) => c.index === (this.chapter as ChapterInfo).index + 1);
        this.chapter = null;
        if (next && remaining > 1) {
          this.step(1, 4);
          this.chapter = next;
          this.emit('chapterStart');
        }
      }
    }
  }

  private midroll(podIndex: number): void {
    const { rng } = this;
    const chapterList = this.plan.chapterList;
    if (this.chapter && rng.chance(0.5)) {
      // breaks usually sit between chapters: close the current one first
      this.emit('chapterComplete');
      const next = chapterList.find((c) => c.index === (this.chapter as ChapterInfo).index + 1) ?? null;
      this.chapter = null;
      this.step(2, 6);
      this.doBreak('midroll', podIndex, false);
      this.step(5, 40);
      this.emit('play');
      if (next) {
        this.step(1, 4);
        this.chapter = { ...next, offset: Math.floor(this.ph) };
        const idx = chapterList.indexOf(next);
        for (let i = idx; i < chapterList.length; i++) {
          const shift = Math.floor(this.ph) - next.offset;
          chapterList[i] = { ...chapterList[i], offset: chapterList[i].offset + shift };
        }
        this.chapter = chapterList[idx];
        this.emit('chapterStart');
      }
    } else {
      this.doBreak('midroll', podIndex, false);
      this.step(5, 40);
      this.emit('play');
    }
  }

  private incident(inc: Incident, podIndex: () => number): void {
    const { rng } = this;
    if (inc.kind === 'pause' || inc.kind === 'buffer') {
      this.state = inc.kind === 'pause' ? 'paused' : 'buffering';
      this.emit(inc.kind === 'pause' ? 'pauseStart' : 'bufferStart');
      this.wait(inc.durS * 1000);
      this.state = 'playing';
      this.emit('play');
    } else if (inc.kind === 'seek') {
      this.state = 'paused';
      this.emit('pauseStart');
      this.wait(rng.int(300, 900));
      if (rng.chance(0.6)) {
        this.state = 'buffering';
        this.emit('bufferStart');
        this.wait(inc.durS * 1000);
      }
      this.ph = Math.max(1, Math.min(this.plan.lengthS - 30, this.ph + inc.delta));
      this.state = 'playing';
      this.emit('play');
    } else if (inc.kind === 'bitrate') {
      this.bitrate = rng.pick([1_200_000, 2_500_000, 3_200_000, 6_000_000].filter((b) => b !== this.bitrate));
      this.emit('bitrateChange');
    } else if (inc.kind === 'error') {
      this.emit('error', { errorId: rng.pick(['MEDIA_ERR_DECODE', 'MEDIA_ERR_NETWORK', 'ERR_DRM_LICENSE']) });
    } else if (inc.kind === 'midroll') {
      this.midroll(podIndex());
    } else if (inc.kind === 'idle') {
      this.state = 'paused';
      this.emit('pauseStart');
      this.wait(30 * 60 * 1000 + rng.int(200, 900));
      this.emit('sessionEnd');
      this.state = 'idle';
    }
  }

  run(): void {
    const plan = this.plan;
    this.emit('sessionStart');
    let podIndex = 0;
    if (plan.wantPreroll) {
      this.step(250, 320);
      this.doBreak('preroll', podIndex++, true);
      this.step(5, 40);
      this.state = 'playing';
      this.emit('play');
    } else {
      this.step(250, 400);
      this.state = 'playing';
      this.emit('play');
    }
    if (plan.chapterList.length) {
      this.step(1, 4);
      this.chapter = plan.chapterList[0];
      this.emit('chapterStart');
    }
    let watched = 0;
    for (const inc of plan.incidents) {
      const d = inc.at - watched;
      if (d > 0) this.playMain(d);
      watched = inc.at;
      this.incident(inc, () => podIndex++);
    }
    if (plan.close === 'idle-end') return;
    if (plan.completes) this.playMain(Math.max(0, plan.lengthS - this.ph));
    else this.playMain(Math.max(0, plan.watchS - watched));
    if (this.chapter && plan.completes) {
      this.emit('chapterComplete');
      this.chapter = null;
    }
    if (plan.close === 'complete') {
      if (plan.wantPostroll) {
        this.step(20, 80);
        this.doBreak('postroll', podIndex++, false);
      }
      this.step(30, 300);
      this.emit('sessionComplete');
      this.step(1, 4);
      this.emit('sessionEnd');
    } else if (plan.close === 'end') {
      this.step(200, 2500);
      this.emit('sessionEnd');
    }
  }
}
