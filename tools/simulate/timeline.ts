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

// ------------------------------------------------------------------------------------------------
// Timeline-level faults. Each returns a note, or null when the timeline offers no place for it.

const isMainPing = (e: MEvent | undefined) =>
  !!e && e.kind === 'ping' && !e.ad && !e.inBreak && e.state === 'playing';

function mainPingRuns(ev: MEvent[], minLen: number): number[] {
  const starts: number[] = [];
  for (let i = 0; i + minLen <= ev.length; i++) {
    let ok = true;
    for (let k = 0; k < minLen; k++) if (!isMainPing(ev[i + k])) ok = false;
    if (ok) starts.push(i);
  }
  return starts;
}

function shiftPh(e: MEvent, d: number, live: boolean) {
  e.ph = live ? (((e.ph + d) % 86400) + 86400) % 86400 : e.ph + d;
}

export function applyTimelineFault(
  tl: MediaTimeline,
  code: string,
  rng: Rng,
  ctx: { protocol: MediaProtocol; roku: boolean },
): string | null {
  const ev = tl.events;
  const live = tl.content === 'live';
  switch (code) {
    case 'CADENCE_CONTENT_PING_GAP': {
      for (const k of [3, 2, 1]) {
        const runs = mainPingRuns(ev, k + 2);
        if (!runs.length) continue;
        const k2 = rng.int(1, k);
        const i = rng.pick(runs);
        const gap = (ev[i + k2 + 1].ts - ev[i].ts) / 1000;
        ev.splice(i + 1, k2);
        return `dropped ${k2} consecutive main pings: ${gap.toFixed(1)} s without a content ping (app timer throttled in background)`;
      }
      return null;
    }
    case 'CADENCE_AD_PING_GAP': {
      if (ctx.protocol === 'heartbeat') {
        for (let i = 0; i < ev.length; i++) {
          if (ev[i].kind !== 'ping' || !ev[i].ad) continue;
          let j = i;
          while (j < ev.length && ev[j].kind === 'ping' && ev[j].ad === ev[i].ad) j++;
          if (j - i >= 7) {
            const drop = rng.int(2, 4);
            const at = i + 2;
            const gap = (ev[at + drop].ts - ev[at - 1].ts) / 1000;
            ev.splice(at, drop);
            return `dropped ${drop} ad heartbeats: ${gap.toFixed(1)} s between ad pings (1 s expected)`;
          }
          i = j;
        }
        return null;
      }
      for (let i = 0; i < ev.length; i++) {
        if (ev[i].kind !== 'adStart' || !ev[i].ad || ev[i].ad!.lengthS < 30) continue;
        const pings: number[] = [];
        for (let j = i + 1; j < ev.length && ev[j].ad === ev[i].ad; j++)
          if (ev[j].kind === 'ping') pings.push(j);
        if (pings.length >= 2) {
          const gap = (ev[pings[1]].ts - ev[pings[0] - 1].ts) / 1000;
          ev.splice(pings[0], 1);
          return `first ad ping of a 30 s ad missing: ${gap.toFixed(1)} s between ad events (10 s expected)`;
        }
      }
      return null;
    }
    case 'CADENCE_PING_TOO_FREQUENT': {
      const runs = mainPingRuns(ev, 2).filter((i) => ev[i + 1].ts - ev[i].ts > 9000);
      if (!runs.length) return null;
      const i = rng.pick(runs);
      const a = ev[i];
      const b = ev[i + 1];
      const extra: MEvent[] = [];
      for (let k = 1; k <= 4; k++) {
        const ts = a.ts + k * 2000 + rng.int(-60, 60);
        extra.push({ ...a, ts, sendAt: ts, ph: a.ph + (ts - a.ts) / 1000 });
      }
      ev.splice(i + 1, 0, ...extra);
      return `content pings every 2 s between ${new Date(a.ts).toISOString()} and ${new Date(b.ts).toISOString()} (custom ping timer)`;
    }
    case 'CADENCE_EARLY_FIRST_PING': {
      const p = ev.findIndex((e) => e.kind === 'play' && !e.ad && !e.inBreak);
      if (p < 0) return null;
      let q = p + 1;
      while (q < ev.length && ev[q].kind === 'chapterStart') q++;
      if (!isMainPing(ev[q])) return null;
      const play = ev[p];
      if (ctx.roku && ev[q].ts - play.ts < 5000) {
        const d = rng.int(200, 800);
        const e = ev[q];
        e.ts = e.sendAt = play.ts + d;
        e.ph = play.ph + d / 1000;
        return `first content ping ${d} ms after play (Roku allows ≥ 1 s)`;
      }
      const d = ctx.roku ? rng.int(200, 800) : rng.int(1000, 3000);
      const ts = play.ts + d;
      ev.splice(q, 0, { ...ev[q], ts, sendAt: ts, ph: play.ph + d / 1000 });
      return `first content ping ${(d / 1000).toFixed(2)} s after play (expected ~10 s)`;
    }
    case 'PLAYHEAD_DECREASING': {
      const cands: number[] = [];
      let pingCount = 0;
      for (let i = 1; i < ev.length; i++) {
        if (isMainPing(ev[i])) pingCount++;
        if (pingCount >= 2 && isMainPing(ev[i]) && isMainPing(ev[i - 1])) cands.push(i);
      }
      rng.shuffle(cands);
      for (const i of cands) {
        const minAfter = Math.min(...ev.slice(i).map((e) => e.ph));
        const drop = rng.int(5, 25);
        const d = ev[i].ph - ev[i - 1].ph + drop;
        if (!live && minAfter < d + 1) continue;
        if (live && ev.slice(i - 1).some((e) => e.ph > 86000 || e.ph < 400)) continue;
        for (let j = i; j < ev.length; j++) shiftPh(ev[j], -d, live);
        return `main playhead drops ${drop} s between two play pings with no pause/seek (player reports segment time)`;
      }
      return null;
    }
    case 'PLAYHEAD_STALLED': {
      // The video freezes right after a (re)start of playback while the SDK keeps reporting "playing":
      // 4 play pings (30 s) with a frozen playhead, then the player finally signals buffering and resumes.
      const cands: number[] = [];
      for (let j = 0; j + 4 < ev.length; j++) {
        const a = ev[j];
        if (a.kind === 'ping' || a.ad || a.inBreak || a.state !== 'playing') continue;
        if (
          [1, 2, 3, 4].every((k) => isMainPing(ev[j + k])) &&
          ev[j + 5] &&
          ev[j + 5].ts - ev[j + 4].ts > 4000
        )
          cands.push(j);
      }
      if (!cands.length) return null;
      const j = rng.pick(cands);
      const base = ev[j].ph;
      for (let k = 1; k <= 4; k++) ev[j + k].ph = base + 0.04 * k;
      const p4 = ev[j + 4];
      const frozen = p4.ph;
      const bts = p4.ts + rng.int(300, 800);
      const pts = bts + rng.int(1500, 3000);
      const buf: MEvent = { ...p4, kind: 'bufferStart', ts: bts, sendAt: bts, state: 'buffering' };
      const play: MEvent = { ...p4, kind: 'play', ts: pts, sendAt: pts, state: 'playing' };
      const next = ev[j + 5];
      const delta = frozen + (next.ts - pts) / 1000 - next.ph;
      for (let m = j + 5; m < ev.length; m++) shiftPh(ev[m], delta, live);
      ev.splice(j + 5, 0, buf, play);
      return `playhead frozen at ${base.toFixed(1)} s over 4 play pings (30 s) while the player reports playing, then buffering`;
    }
    case 'PLAYHEAD_ADVANCED_WHILE_PAUSED': {
      for (let p = 0; p < ev.length; p++) {
        if (ev[p].kind !== 'pauseStart' || ev[p].ad || ev[p].inBreak) continue;
        let r = p + 1;
        while (r < ev.length && ev[r].kind === 'ping') r++;
        if (r - p - 1 < 2 || ev[r]?.kind !== 'play') continue;
        const t0 = ev[p].ts;
        for (let j = p + 1; j < r; j++) ev[j].ph = ev[p].ph + (ev[j].ts - t0) / 1000;
        const adv = (ev[r].ts - t0) / 1000;
        for (let j = r; j < ev.length; j++) shiftPh(ev[j], adv, live);
        if (!live && ev.some((e) => e.ph > tl.lengthS)) return null;
        return `playhead keeps advancing during a ${adv.toFixed(0)} s pause (pause pings report currentTime of a muted preview)`;
      }
      return null;
    }
    case 'SESSION_START_MISSING': {
      for (let r = 1; r < ev.length; r++) {
        const e = ev[r];
        if (
          e.kind === 'play' &&
          ev[r - 1].kind !== 'adBreakComplete' &&
          !e.ad &&
          !e.inBreak &&
          !e.chapter &&
          r > 3
        ) {
          const prevPause = ev
            .slice(0, r)
            .reverse()
            .find((x) => x.kind !== 'ping');
          if (prevPause?.kind !== 'pauseStart' && prevPause?.kind !== 'bufferStart') continue;
          ev.splice(0, r);
          return 'capture began mid-session: the first event of the session is a play (resume), no sessionStart';
        }
      }
      return null;
    }
    case 'SESSION_START_DUPLICATE': {
      const s = ev[0];
      const next = ev[1];
      if (s?.kind !== 'sessionStart' || !next) return null;
      const ts = s.ts + Math.floor((next.ts - s.ts) * 0.7);
      ev.splice(1, 0, { ...s, ts, sendAt: ts, duplicate: true });
      return `main start sent twice ${ts - s.ts} ms apart with the same sid (player initialised the tracker twice)`;
    }
    case 'SESSION_NOT_CLOSED': {
      let n = 0;
      while (
        ev.length &&
        (ev[ev.length - 1].kind === 'sessionEnd' || ev[ev.length - 1].kind === 'sessionComplete')
      ) {
        ev.pop();
        n++;
      }
      return n ? 'no complete/end: the app tore the player down without ending the tracking session' : null;
    }
    case 'EVENT_AFTER_CLOSE': {
      const last = ev[ev.length - 1];
      if (last?.kind !== 'sessionEnd') return null;
      const ts = last.ts + rng.int(7000, 9800);
      ev.push({ ...last, kind: 'ping', ts, sendAt: ts, state: 'playing' });
      return 'a ping fires after sessionEnd (ping timer not cancelled)';
    }
    case 'AD_NOT_CLOSED': {
      const idx: number[] = [];
      for (let i = 0; i + 1 < ev.length; i++)
        if ((ev[i].kind === 'adComplete' || ev[i].kind === 'adSkip') && ev[i + 1].kind === 'adBreakComplete')
          idx.push(i);
      if (!idx.length) return null;
      const i = rng.pick(idx);
      const name = ev[i].ad?.id;
      ev.splice(i, 1);
      return `ad ${name} never completed before the break ended`;
    }
    case 'ADBREAK_NOT_CLOSED': {
      const i = ev.findIndex((e) => e.kind === 'adBreakComplete' && e.pod?.name === 'postroll');
      if (i < 0) return null;
      ev.splice(i, 1);
      return 'postroll adBreakComplete missing before sessionComplete';
    }
    case 'AD_OUTSIDE_BREAK': {
      const s = ev.findIndex((e) => e.kind === 'adBreakStart' && e.pod?.name === 'preroll');
      if (s < 0) return null;
      const c = ev.findIndex((e, i) => i > s && e.kind === 'adBreakComplete');
      if (c < 0) return null;
      ev.splice(c, 1);
      ev.splice(s, 1);
      for (const e of ev)
        if (e.pod?.name === 'preroll') {
          e.inBreak = false;
          e.pod = null;
        }
      return 'preroll adStart/adComplete sent without adBreakStart/adBreakComplete';
    }
    case 'CHAPTER_OVERLAP': {
      const idx: number[] = [];
      for (let i = 0; i + 1 < ev.length; i++) {
        if (ev[i].kind !== 'chapterComplete') continue;
        let j = i + 1;
        while (j < ev.length && ev[j].kind === 'ping') j++;
        if (ev[j]?.kind === 'chapterStart') idx.push(i);
      }
      if (!idx.length) return null;
      const i = rng.pick(idx);
      const ch = ev[i].chapter?.name;
      ev.splice(i, 1);
      return `chapter "${ch}" never completed before the next chapterStart`;
    }
    case 'ILLEGAL_TRANSITION': {
      const i = ev.findIndex((e) => e.kind === 'sessionComplete' || e.kind === 'sessionEnd');
      if (i < 1 || ev.some((e) => e.kind === 'chapterStart')) return null;
      const prev = ev[i - 1];
      const ts = ev[i].ts - Math.max(1, Math.min(40, Math.floor((ev[i].ts - prev.ts) / 2)));
      const fake: ChapterInfo = {
        index: 1,
        offset: 0,
        lengthS: tl.lengthS,
        name: 'Act 1',
        sid: rng.digits(19),
      };
      ev.splice(i, 0, { ...ev[i], kind: 'chapterComplete', ts, sendAt: ts, chapter: fake });
      return 'chapterComplete sent on close although no chapter was started';
    }
    case 'TIMESTAMP_NOT_ASCENDING': {
      for (let i = ev.length - 2; i >= 0; i--) {
        const a = ev[i];
        const b = ev[i + 1];
        if (
          b.ts - a.ts < 50 &&
          b.ts > a.ts &&
          ['sessionComplete', 'adComplete', 'chapterComplete'].includes(a.kind)
        ) {
          const ta = a.ts;
          a.ts = b.ts;
          b.ts = ta;
          return `beacon timestamps of ${a.kind}/${b.kind} swapped (queue flushed out of order)`;
        }
      }
      return null;
    }
  }
  return null;
}

export const TIMELINE_FAULTS = new Set([
  'CADENCE_CONTENT_PING_GAP',
  'CADENCE_AD_PING_GAP',
  'CADENCE_PING_TOO_FREQUENT',
  'CADENCE_EARLY_FIRST_PING',
  'PLAYHEAD_DECREASING',
  'PLAYHEAD_STALLED',
  'PLAYHEAD_ADVANCED_WHILE_PAUSED',
  'SESSION_START_MISSING',
  'SESSION_START_DUPLICATE',
  'SESSION_NOT_CLOSED',
  'EVENT_AFTER_CLOSE',
  'AD_NOT_CLOSED',
  'ADBREAK_NOT_CLOSED',
  'AD_OUTSIDE_BREAK',
  'CHAPTER_OVERLAP',
  'ILLEGAL_TRANSITION',
  'TIMESTAMP_NOT_ASCENDING',
]);
