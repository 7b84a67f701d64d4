import type { Rng } from './rng.js';
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

/** Generates one clean media session. */
export function generateTimeline(opts: TimelineOptions, rng: Rng): MediaTimeline {
  const needs = opts.needs ?? {};
  const hb = opts.protocol === 'heartbeat';
  const compact = Boolean(opts.compact);
  const live = opts.content === 'live' && !needs.vod;
  const resumed = opts.resumeFromPh !== undefined;
  const completes =
    !live && !needs.noComplete && (opts.close === 'complete' || Boolean(needs.completes)) && !resumed;
  const close = completes ? 'complete' : opts.close === 'complete' ? 'end' : opts.close;
  const lengthS = live
    ? 86400
    : completes
      ? rng.int(compact ? 60 : 90, compact ? 100 : 300)
      : rng.int(600, 2700);
  let watchS = completes ? lengthS : rng.int(compact ? 30 : 50, compact ? 70 : 260);
  if (needs.longStretch) watchS = Math.max(watchS, 110);
  if (needs.pause === 'long') watchS = Math.max(watchS, 60);
  const adIntervalMs = hb ? 1000 : 10000;
  const mainIntervalMs = 10000;
  const ads =
    opts.withAds ||
    Boolean(needs.midroll || needs.postroll || needs.longAd || (needs.preroll && needs.preroll !== 'forbid'));
  const chapters = opts.withChapters && !live && !needs.noChapters && !resumed;

  // ---- plan ----
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
  const makePod = (
    name: PodInfo['name'],
    index: number,
    offset: number,
    forceLong: boolean,
    short: boolean,
  ): AdInfo[] => {
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
    void name;
    void index;
    void offset;
    return out;
  };
  const wantPreroll =
    !resumed &&
    needs.preroll !== 'forbid' &&
    (needs.preroll === 'require' || needs.preroll === 'short' || (ads && rng.chance(0.6)));
  const wantMidroll = ads && !resumed && (needs.midroll || rng.chance(0.45)) && watchS >= 40;
  const wantPostroll = completes && (needs.postroll || (ads && rng.chance(0.2)));

  type Incident =
    | { at: number; kind: 'pause'; durS: number }
    | { at: number; kind: 'buffer'; durS: number }
    | { at: number; kind: 'seek'; delta: number; durS: number }
    | { at: number; kind: 'bitrate' }
    | { at: number; kind: 'error' }
    | { at: number; kind: 'midroll' }
    | { at: number; kind: 'idle' };
  const incidents: Incident[] = [];
  const quietFrom = needs.longStretch ? 15 : Infinity;
  const quietTo = needs.longStretch ? 95 : -Infinity;
  const slots: number[] = [];
  for (let at = rng.int(8, 20); at < watchS - 8; at += rng.int(14, 45)) {
    if (at >= quietFrom && at <= quietTo) continue;
    slots.push(at);
  }
  const takeSlot = (): number | null =>
    slots.length ? slots.splice(rng.int(0, slots.length - 1), 1)[0] : null;
  if (opts.close === 'idle-end') {
    const at = Math.max(10, Math.min(watchS - 5, rng.int(20, 60)));
    incidents.push({ at, kind: 'idle' });
    watchS = at;
    slots.length = 0;
  }
  if (wantMidroll) {
    const s = takeSlot();
    if (s !== null) incidents.push({ at: s, kind: 'midroll' });
  }
  if (needs.pause || rng.chance(compact ? 0.25 : 0.4)) {
    let s = takeSlot();
    if (s === null && needs.pause) s = Math.max(10, Math.floor(watchS / 3));
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

  // ---- simulate ----
  const events: MEvent[] = [];
  let t = opts.startMs;
  let ph = resumed
    ? (opts.resumeFromPh as number)
    : live
      ? Math.floor(secondsOfDay(opts.startMs)) - rng.int(8, 30)
      : 0;
  if (ph < 0) ph += 86400;
  let adPh = 0;
  let state: PlayerState = 'idle';
  let ad: AdInfo | null = null;
  let pod: PodInfo | null = null;
  let chapter: ChapterInfo | null = null;
  let bitrate = rng.pick([1_800_000, 2_500_000, 4_500_000]);
  let nextPing = Infinity;
  let firstMainPlayDone = false;
  let longAdPending = Boolean(needs.longAd);
  const interval = () => (ad ? adIntervalMs : mainIntervalMs) + rng.int(-40, 60);
  const STATE_CHANGES = new Set<MKind>([
    'play',
    'pauseStart',
    'bufferStart',
    'adStart',
    'adComplete',
    'adSkip',
  ]);

  const emit = (kind: MKind, extra: Partial<MEvent> = {}): MEvent => {
    const e: MEvent = {
      kind,
      sendAt: t,
      ts: t,
      ph,
      adPh,
      state,
      ad,
      pod,
      chapter,
      bitrate,
      inBreak: pod !== null,
      ...extra,
    };
    events.push(e);
    if (kind === 'ping') {
      nextPing = t + interval();
    } else if (kind === 'sessionComplete' || kind === 'sessionEnd') {
      nextPing = Infinity;
    } else if (kind === 'play' && !ad && !pod && !firstMainPlayDone) {
      firstMainPlayDone = true;
      // Heartbeat pings tick from `start` (≈ 300 ms earlier); MC/Edge from the play event.
      const first = opts.roku ? 1500 : 10000;
      const prev = events[events.length - 2];
      nextPing = t + first - (hb && prev?.kind === 'sessionStart' ? t - prev.ts : 0) + rng.int(-30, 60);
    } else if (state !== 'idle' && (!hb || STATE_CHANGES.has(kind))) {
      nextPing = t + interval();
    }
    return e;
  };
  const tick = (dt: number) => {
    t += dt;
    if (state === 'playing') {
      if (ad) adPh += dt / 1000;
      else if (!pod) {
        ph += dt / 1000;
        if (live && ph >= 86400) ph -= 86400;
      }
    }
  };
  const wait = (ms: number) => {
    const end = t + ms;
    for (;;) {
      const due = Math.max(nextPing, t + 5);
      if (due > end - 40) break;
      tick(due - t);
      emit('ping');
    }
    tick(end - t);
  };
  const step = (lo: number, hi: number) => tick(rng.int(lo, hi));

  const doBreak = (name: PodInfo['name'], index: number, first: boolean) => {
    const list = makePod(name, index, ph, longAdPending, name === 'preroll' && needs.preroll === 'short');
    longAdPending = false;
    pod = { index, name, offset: name === 'postroll' ? Math.floor(ph) : Math.floor(ph) };
    emit('adBreakStart');
    step(2, 6);
    for (const a of list) {
      ad = a;
      adPh = 0;
      emit('adStart');
      if (first) {
        step(20, 60);
        state = 'playing';
        emit('play');
      }
      first = false;
      const skip = !hb && a.lengthS >= 15 && rng.chance(0.08);
      wait((skip ? rng.int(5, a.lengthS - 3) : a.lengthS) * 1000);
      emit(skip ? 'adSkip' : 'adComplete');
      ad = null;
      step(1, 4);
    }
    emit('adBreakComplete');
    pod = null;
  };

  const playMain = (seconds: number) => {
    let remaining = seconds;
    while (remaining > 0.001) {
      let stepS = remaining;
      let boundary = Infinity;
      if (chapter) {
        boundary = chapter.offset + chapter.lengthS;
        if (boundary - ph < stepS) stepS = Math.max(0, boundary - ph);
      }
      wait(stepS * 1000);
      remaining -= stepS;
      if (chapter && ph >= boundary - 0.002) {
        emit('chapterComplete');
        const next = chapterList.find((c) => c.index === (chapter as ChapterInfo).index + 1);
        chapter = null;
        if (next && remaining > 1) {
          step(1, 4);
          chapter = next;
          emit('chapterStart');
        }
      }
    }
  };

  // sessionStart
  emit('sessionStart');
  let podIndex = 0;
  if (wantPreroll) {
    step(250, 320);
    doBreak('preroll', podIndex++, true);
    step(5, 40);
    state = 'playing';
    emit('play');
  } else {
    step(250, 400);
    state = 'playing';
    emit('play');
  }
  if (chapterList.length) {
    step(1, 4);
    chapter = chapterList[0];
    emit('chapterStart');
  }
  let watched = 0;
  for (const inc of incidents) {
    const d = inc.at - watched;
    if (d > 0) playMain(d);
    watched = inc.at;
    if (inc.kind === 'pause' || inc.kind === 'buffer') {
      state = inc.kind === 'pause' ? 'paused' : 'buffering';
      emit(inc.kind === 'pause' ? 'pauseStart' : 'bufferStart');
      wait(inc.durS * 1000);
      state = 'playing';
      emit('play');
    } else if (inc.kind === 'seek') {
      state = 'paused';
      emit('pauseStart');
      wait(rng.int(300, 900));
      if (rng.chance(0.6)) {
        state = 'buffering';
        emit('bufferStart');
        wait(inc.durS * 1000);
      }
      ph = Math.max(1, Math.min(lengthS - 30, ph + inc.delta));
      state = 'playing';
      emit('play');
    } else if (inc.kind === 'bitrate') {
      bitrate = rng.pick([1_200_000, 2_500_000, 3_200_000, 6_000_000].filter((b) => b !== bitrate));
      emit('bitrateChange');
    } else if (inc.kind === 'error') {
      emit('error', { errorId: rng.pick(['MEDIA_ERR_DECODE', 'MEDIA_ERR_NETWORK', 'ERR_DRM_LICENSE']) });
    } else if (inc.kind === 'midroll') {
      if (chapter && rng.chance(0.5)) {
        // breaks usually sit between chapters: close the current one first
        emit('chapterComplete');
        const next = chapterList.find((c) => c.index === (chapter as ChapterInfo).index + 1) ?? null;
        chapter = null;
        step(2, 6);
        doBreak('midroll', podIndex++, false);
        step(5, 40);
        emit('play');
        if (next) {
          step(1, 4);
          chapter = { ...next, offset: Math.floor(ph) };
          const idx = chapterList.indexOf(next);
          for (let i = idx; i < chapterList.length; i++) {
            const shift = Math.floor(ph) - next.offset;
            chapterList[i] = { ...chapterList[i], offset: chapterList[i].offset + shift };
          }
          chapter = chapterList[idx];
          emit('chapterStart');
        }
      } else {
        doBreak('midroll', podIndex++, false);
        step(5, 40);
        emit('play');
      }
    } else if (inc.kind === 'idle') {
      state = 'paused';
      emit('pauseStart');
      wait(30 * 60 * 1000 + rng.int(200, 900));
      emit('sessionEnd');
      state = 'idle';
    }
  }
  if (close !== 'idle-end') {
    if (completes) playMain(Math.max(0, lengthS - ph));
    else playMain(Math.max(0, watchS - watched));
    if (chapter && completes) {
      emit('chapterComplete');
      chapter = null;
    }
    if (close === 'complete') {
      if (wantPostroll) {
        step(20, 80);
        doBreak('postroll', podIndex++, false);
      }
      step(30, 300);
      emit('sessionComplete');
      step(1, 4);
      emit('sessionEnd');
    } else if (close === 'end') {
      step(200, 2500);
      emit('sessionEnd');
    }
  }
  return {
    events,
    content: live ? 'live' : 'vod',
    lengthS,
    resumed,
    adIntervalS: adIntervalMs / 1000,
    close,
  };
}
