// Media-session faults: for each code, one or more realistic ways a player integration or SDK produces
// it. A variant states which protocols/platforms it applies to, what it needs from the session plan, and
// how it changes the rendered events; it marks the event its finding points at (the request that makes
// the rule fire, by this generator's reading — see README.md) and returns a note for the truth file.

import type { Brand } from './catalog.js';
import type { Code } from './codes.js';
import {
  cloneEv,
  findIndex,
  insertEvent,
  isAdTick,
  isMainPlayTick,
  isMediaEvent,
  lastMediaIndex,
  longestRun,
  mark,
  must,
  shiftFrom,
  tickRuns,
} from './evtools.js';
import type { Ev, MediaLib, Platform, Protocol } from './model.js';
import type { Content, Needs, Plan } from './plan.js';
import type { Rng } from './prng.js';

export interface FaultCtx {
  rng: Rng;
  protocol: Protocol;
  platform: Platform;
  lib: MediaLib;
  content: Content;
  plan: Plan;
  sid: string;
  ecid: string;
  otherEcid: string;
  otherSid: string;
  brand: Brand;
  rsid: string;
  contentMs: number;
  adMs: number;
  hbHost: string;
  /** The on-the-wire main playhead (heartbeat floors; live wraps at midnight). */
  wire: (ph: number) => number;
  /** Capture-level requests of a fault (the capture must go on after the session). */
  capture: { tail?: 'long' };
}

export type Zone = 'content' | 'ad' | 'playhead' | 'start' | 'close' | 'ads' | 'chapter' | 'stamp' | 'attr';

export interface MediaVariant {
  code: Code;
  id: string;
  protocols: readonly Protocol[];
  platforms?: readonly Platform[];
  /** Codes this variant produces on the same request as well (e.g. a 400 answer). */
  also?: readonly Code[];
  zone: Zone;
  /** A variant that removes or rewrites the session start never shares a session. */
  solo?: boolean;
  /** Events this variant removes, moves or marks by kind; two faults of one session touch different ones. */
  touches?: readonly string[];
  needs?: (lib: MediaLib) => Needs;
  plan?: (plan: Plan, c: FaultCtx) => void;
  apply: (evs: Ev[], c: FaultCtx) => string;
}

const ALL: readonly Protocol[] = ['heartbeat', 'media-collection', 'media-edge'];
const API: readonly Protocol[] = ['media-collection', 'media-edge'];
const HB: readonly Protocol[] = ['heartbeat'];
const MC: readonly Protocol[] = ['media-collection'];
const EDGE: readonly Protocol[] = ['media-edge'];

const isMainStart = (p: Protocol, ev: Ev) =>
  p === 'heartbeat' ? ev.type === 'start' && ev.asset === 'main' : ev.type === 'sessionStart';
const isAdStart = (p: Protocol, ev: Ev) =>
  p === 'heartbeat' ? ev.type === 'start' && ev.asset === 'ad' : ev.type === 'adStart';
const isAdComplete = (p: Protocol, ev: Ev) =>
  p === 'heartbeat' ? ev.type === 'complete' && ev.asset === 'ad' : ev.type === 'adComplete';
const chapterStartType = (p: Protocol) => (p === 'heartbeat' ? 'chapter_start' : 'chapterStart');
const chapterCompleteType = (p: Protocol) => (p === 'heartbeat' ? 'chapter_complete' : 'chapterComplete');
/** Heartbeat reports every event of the main asset with the main playhead; MC/Edge every event. */
const carriesMainPh = (p: Protocol, ev: Ev) => isMediaEvent(ev) && (p !== 'heartbeat' || ev.asset === 'main');

function mainRuns(evs: Ev[], c: FaultCtx, min: number): number[][] {
  const runs = tickRuns(evs, (e) => isMainPlayTick(c.protocol, e)).filter((r) => r.length >= min);
  if (runs.length === 0)
    throw new Error(`cross-check generator: ${c.sid} has no main play run of ${min} pings`);
  return runs;
}

function problemJson(type: string, status: number, title: string, detail: string, field?: string): string {
  const report: Record<string, unknown> = { requestId: 'c0ffee00-0000-4000-8000-000000000000' };
  if (field) report.details = [{ name: field, reason: 'Missing required field' }];
  return JSON.stringify({ type: `https://ns.adobe.com/aep/errors/${type}`, status, title, detail, report });
}

function startIndex(evs: Ev[], c: FaultCtx): number {
  return must(
    findIndex(evs, (e) => isMainStart(c.protocol, e)),
    `${c.sid}: no main start`,
  );
}

function firstBreak(
  evs: Ev[],
  c: FaultCtx,
): { firstAd: number; ads: number[]; completes: number[]; breakStart: number; breakEnd: number } {
  const firstAd = must(
    findIndex(evs, (e) => isAdStart(c.protocol, e)),
    `${c.sid}: no ad start`,
  );
  const podIndex = evs[firstAd].pod?.index;
  const inBreak = (e: Ev) => e.pod?.index === podIndex;
  const ads: number[] = [];
  const completes: number[] = [];
  evs.forEach((e, i) => {
    if (!inBreak(e)) return;
    if (isAdStart(c.protocol, e)) ads.push(i);
    if (isAdComplete(c.protocol, e) || e.type === 'adSkip') completes.push(i);
  });
  const breakStart = findIndex(evs, (e) => e.type === 'adBreakStart' && inBreak(e));
  const breakEnd = findIndex(evs, (e) => e.type === 'adBreakComplete' && inBreak(e));
  return { firstAd, ads, completes, breakStart, breakEnd };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Content that kept playing while reported paused got further: its declared length must still cover it. */
function fitLength(evs: Ev[], c: FaultCtx): void {
  if (c.content.live) return;
  const max = Math.max(...evs.filter((e) => carriesMainPh(c.protocol, e)).map((e) => e.ph));
  if (max > c.content.length - 5) c.content.length = Math.ceil(max) + 30;
}

export const MEDIA_VARIANTS: MediaVariant[] = [
  // ---------------------------------------------------------------- cadence
  {
    code: 'CADENCE_CONTENT_PING_GAP',
    id: 'pings-missing-in-long-play',
    protocols: ALL,
    zone: 'content',
    needs: (lib) => ({ longPlayS: lib.contentIntervalS * 9 }),
    apply(evs, c) {
      const run = longestRun(mainRuns(evs, c, 5));
      const k = run.length >= 10 && c.platform === 'web' && c.rng.chance(0.4) ? 5 : c.rng.int(1, 2);
      const from = c.rng.int(1, Math.max(1, run.length - k - 2));
      const after = run[from + k];
      const before = evs[run[from - 1]];
      const target = evs[after];
      const gap = target.t - before.t;
      for (const idx of run.slice(from, from + k).reverse()) evs.splice(idx, 1);
      if (c.protocol === 'heartbeat') target.durationMs = gap;
      mark(target, 'CADENCE_CONTENT_PING_GAP');
      return k === 5
        ? `background tab throttled the ping timer: ${s(gap)} between main pings in a long play run`
        : `${k} main ping(s) never sent in the middle of a long play run: ${s(gap)} gap`;
    },
  },
  {
    code: 'CADENCE_AD_PING_GAP',
    id: 'ad-pings-missing',
    protocols: ALL,
    zone: 'ad',
    needs: (lib) => ({ preroll: true, longAdS: lib.adIntervalS <= 1 ? 14 : lib.adIntervalS * 4 + 5 }),
    apply(evs, c) {
      const runs = tickRuns(
        evs,
        (e) => isAdTick(c.protocol, e),
        (a, b) => a.ad?.id === b.ad?.id,
      ).filter((r) => r.length >= 4);
      const run = must(longestRun(runs).length ? longestRun(runs) : undefined, `${c.sid}: no ad ping run`);
      const from = c.rng.int(1, run.length - 3);
      const target = evs[run[from + 2]];
      const gap = target.t - evs[run[from - 1]].t;
      evs.splice(run[from + 1], 1);
      evs.splice(run[from], 1);
      if (c.protocol === 'heartbeat') target.durationMs = gap;
      mark(target, 'CADENCE_AD_PING_GAP');
      return `two ad pings missing while the ad plays: ${s(gap)} between ad pings (interval ${s(c.adMs)})`;
    },
  },
  {
    code: 'CADENCE_PING_TOO_FREQUENT',
    id: 'second-ping-timer',
    protocols: ALL,
    zone: 'content',
    needs: () => ({ longPlayS: 80 }),
    apply(evs, c) {
      const run = longestRun(mainRuns(evs, c, 5));
      const p = c.rng.int(1, run.length - 3);
      const d = c.rng.int(1500, 3200);
      let first: Ev | undefined;
      for (const idx of [run[p + 1], run[p]]) {
        const base = evs[idx];
        const extra = cloneEv(base, {
          t: base.t + d,
          ph: base.ph + d / 1000,
          durationMs: d,
          sendT: undefined,
        });
        insertEvent(evs, extra);
        first = extra;
      }
      mark(must(first, 'extra ping'), 'CADENCE_PING_TOO_FREQUENT');
      return `a second ping timer (player re-initialised without clearing the first): pings ${s(d)} apart while playing`;
    },
  },
  {
    code: 'CADENCE_EARLY_FIRST_PING',
    id: 'ping-timer-started-at-session-start',
    protocols: API,
    platforms: ['web', 'android', 'ios', 'tvos', 'chromecast'],
    zone: 'content',
    needs: (lib) => ({ noPreroll: true, startupBufferS: lib.contentIntervalS - 1.9, longPlayS: 40 }),
    apply(evs, c) {
      const start = evs[startIndex(evs, c)];
      const play =
        evs[
          must(
            findIndex(evs, (e) => e.type === 'play' && e.asset === 'main'),
            'first play',
          )
        ];
      const t = start.t + c.contentMs + c.rng.int(3, 30);
      if (t <= play.t + 200 || t >= play.t + c.contentMs / 2)
        throw new Error(`${c.sid}: early ping window missed`);
      const ping: Ev = {
        t,
        type: 'ping',
        asset: 'main',
        ph: play.ph + (t - play.t) / 1000,
        state: 'playing',
        tick: true,
        marks: [],
        chapter: play.chapter,
      };
      insertEvent(evs, ping);
      mark(ping, 'CADENCE_EARLY_FIRST_PING');
      return `ping timer anchored on sessionStart, not on play: first main ping ${s(t - play.t)} after the first play`;
    },
  },
  // ---------------------------------------------------------------- playhead
  {
    code: 'PLAYHEAD_DECREASING',
    id: 'playhead-jumps-back-without-seek',
    touches: ['ph'],
    protocols: ALL,
    zone: 'playhead',
    needs: () => ({ vod: true, longPlayS: 80, noSeek: true }),
    apply(evs, c) {
      const run = longestRun(mainRuns(evs, c, 5));
      const candidates = run.slice(2, -1).filter((i) => evs[i].ph >= 35);
      const j = must(
        candidates.length ? c.rng.pick(candidates) : undefined,
        `${c.sid}: no ping far enough into the content`,
      );
      const d = c.rng.int(15, Math.min(60, Math.floor(evs[j].ph) - 5));
      for (let i = j; i < evs.length; i++) if (carriesMainPh(c.protocol, evs[i])) evs[i].ph -= d;
      mark(evs[j], 'PLAYHEAD_DECREASING');
      return `player reports a playhead ${d} s lower mid-play (stream position reset after a DRM renewal), no pause or buffering before it`;
    },
  },
  {
    code: 'PLAYHEAD_STALLED',
    id: 'frozen-playhead-mid-play',
    touches: ['ph'],
    protocols: ALL,
    zone: 'playhead',
    needs: () => ({ longPlayS: 115 }),
    plan(plan, c) {
      const phase = plan.phases.find((p) => p.k === 'play' && p.dur >= 110);
      if (!phase || phase.k !== 'play') throw new Error(`${c.sid}: no long play phase to freeze`);
      phase.freeze = { after: c.rng.float(25, 40), dur: c.rng.float(42, 58) };
    },
    apply(evs, c) {
      const media = evs.map((e, i) => ({ e, i })).filter(({ e }) => isMediaEvent(e));
      const isTick = (k: number) => k >= 0 && k < media.length && isMainPlayTick(c.protocol, media[k].e);
      // Timer jitter can leave three frozen pings a few ms short of 20 s; the frozen run is 40 s or more,
      // so the third frozen ping is nudged past 20 s to keep the finding unambiguous.
      for (let k = 2; k < media.length; k++) {
        if (![k - 2, k - 1, k].every(isTick)) continue;
        const [a, b, z] = [media[k - 2].e, media[k - 1].e, media[k].e];
        if (c.wire(a.ph) === c.wire(b.ph) && c.wire(b.ph) === c.wire(z.ph) && z.t - a.t < 20_000) {
          const next = media[k + 1]?.e;
          const t = a.t + 20_000 + c.rng.int(5, 25);
          if (!next || t < next.t - 1) z.t = t;
          break;
        }
      }
      // The finding: the first ping that ends a run of ≥ 3 consecutive main play pings spanning ≥ 20 s in
      // which the playhead advanced less than 10 % of the elapsed time.
      for (let k = 2; k < media.length; k++) {
        if (!isTick(k)) continue;
        let steady = true;
        for (let a = k - 1; a >= 0 && isTick(a) && isTick(a + 1); a--) {
          // A window in which the playhead goes back is a jump, not a stall.
          if (c.wire(media[a + 1].e.ph) < c.wire(media[a].e.ph)) steady = false;
          const span = media[k].e.t - media[a].e.t;
          const moved = c.wire(media[k].e.ph) - c.wire(media[a].e.ph);
          if (steady && k - a >= 2 && span >= 20_000 && moved < (0.1 * span) / 1000) {
            mark(media[k].e, 'PLAYHEAD_STALLED');
            return `playhead frozen for ${s(span)} across ${k - a + 1} play pings in the middle of a long healthy play stretch (player stuck but reporting playing)`;
          }
        }
      }
      throw new Error(`${c.sid}: freeze did not produce a stall`);
    },
  },
  {
    code: 'PLAYHEAD_ADVANCED_WHILE_PAUSED',
    id: 'playhead-moves-during-pause',
    touches: ['ph'],
    protocols: ALL,
    zone: 'playhead',
    needs: () => ({ pauseS: 32, noSeek: true }),
    apply(evs, c) {
      const hb = c.protocol === 'heartbeat';
      const first = must(
        findIndex(evs, (e) =>
          hb ? e.type === 'pause' && e.asset === 'main' : e.type === 'pauseStart' && !e.info?.seek,
        ),
        'pause',
      );
      const pausedAt = hb ? evs[first - 1].t : evs[first].t;
      const pausePh = evs[first].ph;
      // Where the playhead stood when the pause began, as the wire shows it: the heartbeat report just
      // before the first pause report, or the pauseStart itself.
      const ref = c.wire(hb ? evs[first - 1].ph : pausePh);
      let end = first + 1;
      while (
        end < evs.length &&
        (hb ? evs[end].type === 'pause' || !isMediaEvent(evs[end]) : evs[end].type !== 'play')
      )
        end++;
      const drift = ((hb ? evs[end - 1].t : evs[end].t) - pausedAt) / 1000;
      let target: Ev | undefined;
      for (let i = first; i < end; i++) {
        if (!carriesMainPh(c.protocol, evs[i])) continue;
        evs[i].ph = pausePh + (evs[i].t - pausedAt) / 1000;
        const report = hb ? evs[i].type === 'pause' : evs[i].type === 'ping';
        if (!target && report && Math.abs(c.wire(evs[i].ph) - ref) >= 2) target = evs[i];
      }
      for (let i = end; i < evs.length; i++) if (carriesMainPh(c.protocol, evs[i])) evs[i].ph += drift;
      fitLength(evs, c);
      mark(must(target, 'paused ping with a moved playhead'), 'PLAYHEAD_ADVANCED_WHILE_PAUSED');
      return `content keeps playing behind a pause overlay: playhead advances ${drift.toFixed(0)} s while the player reports paused`;
    },
  },
  {
    code: 'PLAYHEAD_ADVANCED_WHILE_PAUSED',
    id: 'ssai-stream-time-during-ads',
    touches: ['ph'],
    protocols: API,
    zone: 'playhead',
    needs: (lib) => ({ midroll: true, longAdS: lib.adIntervalS + 3, noChapters: true }),
    apply(evs, c) {
      const b = must(
        findIndex(evs, (e) => e.type === 'adBreakStart' && (e.pod?.index ?? 0) >= 1),
        'midroll',
      );
      const e = must(
        findIndex(evs, (x) => x.type === 'adBreakComplete', b),
        'midroll end',
      );
      const base = evs[b].ph;
      let target: Ev | undefined;
      for (let i = b + 1; i <= e; i++) {
        evs[i].ph = base + (evs[i].t - evs[b].t) / 1000;
        if (!target && c.wire(evs[i].ph) - c.wire(base) >= 2) target = evs[i];
      }
      const total = (evs[e].t - evs[b].t) / 1000;
      for (let i = e + 1; i < evs.length; i++) evs[i].ph += total;
      fitLength(evs, c);
      mark(must(target, 'ad event with moved main playhead'), 'PLAYHEAD_ADVANCED_WHILE_PAUSED');
      return `server-side ad insertion: the player reports stream time, so the main playhead runs on through the ad break`;
    },
  },
  {
    code: 'PLAYHEAD_OUT_OF_RANGE',
    id: 'declared-length-too-short',
    touches: ['ph'],
    protocols: ALL,
    zone: 'playhead',
    needs: () => ({ vod: true, watchToEnd: true, noSeek: true }),
    apply(evs, c) {
      const cut = c.rng.int(12, 40);
      c.content.length -= cut;
      const limit = c.content.length + 2;
      const i = must(
        findIndex(evs, (e) => carriesMainPh(c.protocol, e) && c.wire(e.ph) > limit),
        'playhead past length',
      );
      mark(evs[i], 'PLAYHEAD_OUT_OF_RANGE');
      return `CMS length ${c.content.length} s is ${cut} s shorter than the stream: playhead passes length + 2 s`;
    },
  },
  {
    code: 'PLAYHEAD_OUT_OF_RANGE',
    id: 'negative-playhead-at-start',
    touches: ['ph'],
    protocols: ALL,
    zone: 'playhead',
    needs: () => ({ vod: true, noPreroll: true }),
    apply(evs, c) {
      const i = startIndex(evs, c);
      evs[i].ph = -1;
      if (c.protocol === 'heartbeat') {
        const aa = findIndex(evs, (e) => e.type === 'aa_start');
        if (aa >= 0) evs[aa].ph = -1;
      }
      mark(evs[i], 'PLAYHEAD_OUT_OF_RANGE');
      return 'player reports playhead -1 before its metadata has loaded';
    },
  },
  {
    code: 'PLAYHEAD_OUT_OF_RANGE',
    id: 'playhead-in-milliseconds',
    touches: ['ph'],
    protocols: API,
    platforms: ['android'],
    zone: 'playhead',
    needs: () => ({ vod: true, noSeek: true }),
    apply(evs, c) {
      for (const e of evs) if (isMediaEvent(e)) e.ph *= 1000;
      const i = must(
        findIndex(evs, (e) => isMediaEvent(e) && e.ph > c.content.length + 2),
        'ms playhead past length',
      );
      mark(evs[i], 'PLAYHEAD_OUT_OF_RANGE');
      return 'ExoPlayer getCurrentPosition() (milliseconds) passed as the playhead (seconds)';
    },
  },
  {
    code: 'PLAYHEAD_OUT_OF_RANGE',
    id: 'live-playhead-as-epoch-seconds',
    touches: ['ph'],
    protocols: ALL,
    zone: 'playhead',
    needs: () => ({ live: true }),
    apply(evs, c) {
      // The stream position counted from 1970 instead of from midnight: pauses still hold it still.
      const midnight = Math.floor(c.plan.t0 / 86_400_000) * 86_400;
      for (const e of evs) if (carriesMainPh(c.protocol, e)) e.ph += midnight;
      const i = startIndex(evs, c);
      mark(evs[i], 'PLAYHEAD_OUT_OF_RANGE');
      return 'live stream reports its position in epoch seconds instead of the second of the day';
    },
  },
  // ---------------------------------------------------------------- bookends
  {
    code: 'SESSION_START_MISSING',
    id: 'no-session-start',
    protocols: HB,
    zone: 'start',
    solo: true,
    needs: () => ({ noPreroll: true }),
    apply(evs, c) {
      const drop = new Set(['hb:settings', 'aa:ms_s', 'aa_start', 'resume']);
      for (let i = evs.length - 1; i >= 0; i--) {
        if (drop.has(evs[i].type) || isMainStart(c.protocol, evs[i])) evs.splice(i, 1);
      }
      const first = evs[must(findIndex(evs, isMediaEvent), 'first event')];
      mark(first, 'SESSION_START_MISSING');
      return `custom player wrapper calls trackPlay without trackSessionStart: the session opens with ${first.type}`;
    },
  },
  {
    code: 'SESSION_START_MISSING',
    id: 'session-id-persisted-across-reload',
    protocols: API,
    zone: 'start',
    solo: true,
    needs: () => ({ noPreroll: true }),
    apply(evs, c) {
      evs.splice(startIndex(evs, c), 1);
      const first = evs[must(findIndex(evs, isMediaEvent), 'first event')];
      mark(first, 'SESSION_START_MISSING');
      return `app keeps the session id across a page reload and posts ${first.type} to it without a new sessionStart`;
    },
  },
  {
    code: 'SESSION_START_DUPLICATE',
    id: 'start-sent-again',
    protocols: ['heartbeat', 'media-collection'],
    zone: 'start',
    needs: () => ({ noPreroll: true, startupBufferS: 4.6 }),
    apply(evs, c) {
      const start = evs[startIndex(evs, c)];
      const t = start.t + c.rng.int(1500, 3000);
      const dup = cloneEv(start, { t, durationMs: 0 });
      if (c.protocol === 'media-collection') dup.mcPath = `/api/v1/sessions/${c.sid}/events`;
      insertEvent(evs, dup);
      mark(dup, 'SESSION_START_DUPLICATE');
      return c.protocol === 'heartbeat'
        ? `player calls trackSessionStart again once metadata loads: second main start ${s(t - start.t)} later on the same sid`
        : `direct-API integration re-posts sessionStart to the events endpoint of the open session`;
    },
  },
  {
    code: 'SESSION_NOT_CLOSED',
    id: 'player-destroyed-without-end',
    protocols: ALL,
    zone: 'close',
    needs: () => ({ close: 'none' }),
    apply(evs, c) {
      c.capture.tail = 'long';
      const last = evs[lastMediaIndex(evs)];
      mark(last, 'SESSION_NOT_CLOSED');
      return 'single-page-app route change destroys the player without trackSessionEnd; the capture goes on for minutes';
    },
  },
  {
    code: 'EVENT_AFTER_CLOSE',
    id: 'reports-after-end',
    protocols: HB,
    zone: 'close',
    needs: () => ({ close: 'end', noPreroll: true }),
    apply(evs, c) {
      const end = evs[lastMediaIndex(evs)];
      const first = end.t + c.rng.int(1500, 8000);
      const a: Ev = {
        t: first,
        type: 'play',
        asset: 'main',
        ph: end.ph,
        state: 'playing',
        tick: true,
        durationMs: first - end.t,
        marks: [],
      };
      const b: Ev = { ...a, t: first + c.contentMs, durationMs: c.contentMs, marks: [] };
      evs.push(a, b);
      mark(a, 'EVENT_AFTER_CLOSE');
      return 'the heartbeat timer keeps reporting play after the session end call';
    },
  },
  {
    code: 'EVENT_AFTER_CLOSE',
    id: 'play-after-session-complete',
    protocols: API,
    zone: 'close',
    needs: () => ({ watchToEnd: true, close: 'complete', vod: true }),
    apply(evs, c) {
      const done = evs[lastMediaIndex(evs)];
      const t = done.t + c.rng.int(2000, 6000);
      const play: Ev = { t, type: 'play', asset: 'main', ph: done.ph, state: 'playing', marks: [] };
      const end: Ev = {
        t: t + c.rng.int(6000, 9000),
        type: 'sessionEnd',
        asset: 'main',
        ph: done.ph,
        state: 'playing',
        marks: [],
      };
      evs.push(play, end);
      mark(play, 'EVENT_AFTER_CLOSE');
      return 'viewer presses play on the end card: play sent on the completed session instead of a new one';
    },
  },
  {
    code: 'AD_NOT_CLOSED',
    id: 'ad-complete-missing-before-next-ad',
    protocols: ALL,
    zone: 'ads',
    needs: () => ({ preroll: true, minAds: 2 }),
    apply(evs, c) {
      const br = firstBreak(evs, c);
      evs.splice(br.completes[0], 1);
      const next =
        evs[
          findIndex(evs, (e) => isAdStart(c.protocol, e) && e.ad?.id !== evs[br.firstAd].ad?.id, br.firstAd)
        ];
      mark(must(next, 'second ad start'), 'AD_NOT_CLOSED');
      return `ad ${evs[br.firstAd].ad?.id} never completed before the next ad started (ad-manager 'ended' callback lost)`;
    },
  },
  {
    code: 'AD_NOT_CLOSED',
    id: 'last-ad-not-completed',
    protocols: API,
    zone: 'ads',
    needs: () => ({ preroll: true }),
    apply(evs, c) {
      const br = firstBreak(evs, c);
      evs.splice(br.completes[br.completes.length - 1], 1);
      const end =
        evs[
          must(
            findIndex(evs, (e) => e.type === 'adBreakComplete'),
            'break end',
          )
        ];
      mark(end, 'AD_NOT_CLOSED');
      return 'last ad of the preroll has no adComplete before adBreakComplete';
    },
  },
  {
    code: 'AD_NOT_CLOSED',
    id: 'ad-start-resent-while-ad-stalls',
    protocols: ALL,
    zone: 'ads',
    needs: () => ({ preroll: true, adStall: true }),
    apply(evs, c) {
      const stall = must(
        findIndex(evs, (e) => e.asset === 'ad' && (e.type === 'buffer' || e.type === 'bufferStart')),
        'ad stall',
      );
      const adStart =
        evs[
          must(
            findIndex(evs, (e) => isAdStart(c.protocol, e)),
            'ad start',
          )
        ];
      const stallAt = c.protocol === 'heartbeat' ? evs[stall - 1].t : evs[stall].t;
      const t = stallAt + c.rng.int(2000, 3500);
      const again = cloneEv(adStart, {
        t,
        ph: c.protocol === 'heartbeat' ? evs[stall].ph : adStart.ph,
        state: 'buffering',
      });
      insertEvent(evs, again);
      mark(again, 'AD_NOT_CLOSED');
      return `ad ${adStart.ad?.id} stalls and the player re-sends its ad start for the same ad instance`;
    },
  },
  {
    code: 'ADBREAK_NOT_CLOSED',
    id: 'content-resumes-without-break-complete',
    protocols: API,
    zone: 'ads',
    needs: () => ({ preroll: true, noChapters: true }),
    apply(evs, c) {
      const br = firstBreak(evs, c);
      evs.splice(must(br.breakEnd, 'break end'), 1);
      const play =
        evs[
          must(
            findIndex(evs, (e) => e.type === 'play' && e.asset === 'main', br.breakEnd),
            'content play',
          )
        ];
      mark(play, 'ADBREAK_NOT_CLOSED');
      return 'ad break never closed; main content plays on (time after it must not count as ad time)';
    },
  },
  {
    code: 'AD_OUTSIDE_BREAK',
    id: 'midroll-without-break-bookends',
    protocols: API,
    platforms: ['web', 'android', 'ios', 'tvos', 'roku'],
    zone: 'ads',
    needs: () => ({ midroll: true, shortAdsMaxS: 15, noPreroll: true, noChapters: true }),
    plan(plan) {
      for (const p of plan.phases) if (p.k === 'break') p.ads = p.ads.slice(0, 1);
    },
    apply(evs, c) {
      const b = must(
        findIndex(evs, (e) => e.type === 'adBreakStart'),
        'break start',
      );
      const ad = evs[b + 1];
      evs.splice(b, 1);
      const e = must(
        findIndex(evs, (x) => x.type === 'adBreakComplete'),
        'break end',
      );
      evs.splice(e, 1);
      mark(ad, 'AD_OUTSIDE_BREAK');
      return `mid-roll ad ${ad.ad?.id} tracked with adStart/adComplete but no adBreakStart/adBreakComplete`;
    },
  },
  {
    code: 'CHAPTER_OVERLAP',
    id: 'chapter-starts-while-previous-open',
    protocols: ALL,
    zone: 'chapter',
    needs: () => ({ chapters: true, vod: true, longPlayS: 60 }),
    apply(evs, c) {
      const startType = chapterStartType(c.protocol);
      const boundary = findIndex(
        evs,
        (e, i) => e.type === chapterCompleteType(c.protocol) && evs[i + 1]?.type === startType,
      );
      if (boundary >= 0) {
        const next = evs[boundary + 1];
        evs.splice(boundary, 1);
        mark(next, 'CHAPTER_OVERLAP');
        return `chapter ${next.chapter?.index} starts while chapter ${(next.chapter?.index ?? 2) - 1} is still open (its complete was never sent)`;
      }
      const first =
        evs[
          must(
            findIndex(evs, (e) => e.type === startType),
            'chapter start',
          )
        ];
      const run = longestRun(mainRuns(evs, c, 3));
      const at = evs[run[1]];
      const chapter = {
        ...(first.chapter as NonNullable<Ev['chapter']>),
        index: 2,
        name: 'Act 2',
        offset: Math.floor(at.ph),
        sid: c.rng.digits(22),
      };
      const ev: Ev = {
        ...cloneEv(at, { type: startType, tick: false, flush: false, durationMs: 0 }),
        t: at.t + c.rng.int(800, 2500),
        chapter,
      };
      insertEvent(evs, ev);
      mark(ev, 'CHAPTER_OVERLAP');
      return 'chapter 2 starts while chapter 1 is still open';
    },
  },
  {
    code: 'ILLEGAL_TRANSITION',
    id: 'ad-complete-sent-twice',
    protocols: ALL,
    zone: 'ads',
    needs: () => ({ preroll: true }),
    apply(evs, c) {
      const br = firstBreak(evs, c);
      const last = br.completes[br.completes.length - 1];
      const d = c.rng.int(1200, 2000);
      shiftFrom(evs, last + 1, d + c.rng.int(20, 80));
      const dup = cloneEv(evs[last], { t: evs[last].t + d });
      evs.splice(last + 1, 0, dup);
      mark(dup, 'ILLEGAL_TRANSITION');
      return `ad complete sent a second time ${s(d)} later (from both the player and the ad SDK): no ad is open`;
    },
  },
  {
    code: 'ILLEGAL_TRANSITION',
    id: 'chapter-complete-never-started',
    protocols: ALL,
    zone: 'chapter',
    needs: () => ({ noChapters: true, longPlayS: 50 }),
    apply(evs, c) {
      const run = longestRun(mainRuns(evs, c, 3));
      const at = evs[run[1]];
      const chapter = { index: 1, name: 'Act 1', offset: 0, length: 600, sid: c.rng.digits(22) };
      const ev: Ev = {
        ...cloneEv(at, { type: chapterCompleteType(c.protocol), tick: false, durationMs: 0 }),
        t: at.t + c.rng.int(800, 2500),
        chapter,
      };
      insertEvent(evs, ev);
      mark(ev, 'ILLEGAL_TRANSITION');
      return 'chapter complete for a chapter that was never started';
    },
  },
  {
    code: 'ILLEGAL_TRANSITION',
    id: 'break-complete-sent-twice',
    protocols: API,
    zone: 'ads',
    needs: () => ({ preroll: true }),
    apply(evs, c) {
      const end = must(firstBreak(evs, c).breakEnd, 'break end');
      const d = c.rng.int(1200, 2000);
      shiftFrom(evs, end + 1, d + c.rng.int(20, 80));
      const dup = cloneEv(evs[end], { t: evs[end].t + d });
      evs.splice(end + 1, 0, dup);
      mark(dup, 'ILLEGAL_TRANSITION');
      return 'adBreakComplete sent again with no break open';
    },
  },
  {
    code: 'TIMESTAMP_NOT_ASCENDING',
    id: 'equal-timestamps-break-and-ad',
    protocols: API,
    zone: 'stamp',
    needs: () => ({ preroll: true }),
    apply(evs, c) {
      const br = firstBreak(evs, c);
      const b = must(br.breakStart, 'break start');
      evs[br.firstAd].t = evs[b].t;
      mark(evs[br.firstAd], 'TIMESTAMP_NOT_ASCENDING');
      return 'adBreakStart and adStart carry the same millisecond timestamp';
    },
  },
  {
    code: 'TIMESTAMP_NOT_ASCENDING',
    id: 'equal-timestamps-start-and-aa-start',
    touches: ['aa_start'],
    protocols: HB,
    zone: 'stamp',
    apply(evs) {
      const start = must(
        findIndex(evs, (e) => e.type === 'start' && e.asset === 'main'),
        'start',
      );
      const aa = must(
        findIndex(evs, (e) => e.type === 'aa_start'),
        'aa_start',
      );
      evs[aa].sendT = evs[aa].t;
      evs[aa].t = evs[start].t;
      mark(evs[aa], 'TIMESTAMP_NOT_ASCENDING');
      return 'aa_start stamped with the same millisecond as start';
    },
  },
  {
    code: 'TIMESTAMP_NOT_ASCENDING',
    id: 'device-clock-stepped-back',
    touches: ['aa_start'],
    protocols: ALL,
    zone: 'stamp',
    needs: (lib) => (lib.protocol === 'heartbeat' ? {} : { preroll: true, noChapters: true }),
    apply(evs, c) {
      const at =
        c.protocol === 'heartbeat'
          ? must(
              findIndex(evs, (e) => e.type === 'aa_start'),
              'aa_start',
            )
          : must(
              findIndex(evs, (e, i) => e.type === 'play' && evs[i - 1]?.type === 'adBreakComplete'),
              'play after break',
            );
      const d = c.rng.int(1500, 4000);
      for (let i = at; i < evs.length; i++) {
        evs[i].sendT = evs[i].sendT ?? evs[i].t;
        evs[i].t -= d;
      }
      mark(evs[at], 'TIMESTAMP_NOT_ASCENDING');
      return `device clock stepped back ${s(d)} (NTP sync) mid-session: beacon timestamps go backwards in send order`;
    },
  },
  // ---------------------------------------------------------------- orchestration
  {
    code: 'ORCH_MISSING_AA_START',
    id: 'media-start-call-missing',
    touches: ['ms_s', 'aa_start'],
    protocols: HB,
    zone: 'start',
    apply(evs, c) {
      const variant = c.rng.pick(['no-ms_s', 'stale-vsid', 'no-aa_start', 'late-ms_s'] as const);
      const ms = must(
        findIndex(evs, (e) => e.type === 'aa:ms_s'),
        'ms_s',
      );
      const start = evs[startIndex(evs, c)];
      let note: string;
      if (variant === 'no-ms_s') {
        evs.splice(ms, 1);
        note = 'no Analytics media-start call (pe=ms_s): AppMeasurement instance not passed to the heartbeat';
      } else if (variant === 'stale-vsid') {
        evs[ms].set = { ...(evs[ms].set ?? {}), 'a.media.vsid': c.otherSid };
        note = 'pe=ms_s carries the previous session id in a.media.vsid';
      } else if (variant === 'no-aa_start') {
        evs.splice(
          must(
            findIndex(evs, (e) => e.type === 'aa_start'),
            'aa_start',
          ),
          1,
        );
        note = 'heartbeat aa_start never sent';
      } else {
        const [hit] = evs.splice(ms, 1);
        hit.t = start.t + c.rng.int(9000, 20_000);
        hit.sendT = undefined;
        insertEvent(evs, hit);
        note = `pe=ms_s sent ${s(hit.t - start.t)} after the heartbeat start (queued behind the player's own calls)`;
      }
      mark(start, 'ORCH_MISSING_AA_START');
      return note;
    },
  },
  {
    code: 'ORCH_UNEXPECTED_CLIENT_AA_MEDIA',
    id: 'legacy-media-module-still-on',
    protocols: API,
    platforms: ['web', 'android', 'ios', 'roku'],
    zone: 'attr',
    apply(evs, c) {
      const start = evs[startIndex(evs, c)];
      const hit: Ev = {
        t: start.t + c.rng.int(60, 600),
        type: 'aa:ms_s',
        asset: 'main',
        ph: 0,
        state: 'init',
        marks: [],
      };
      insertEvent(evs, hit);
      mark(hit, 'ORCH_UNEXPECTED_CLIENT_AA_MEDIA');
      return 'the old Analytics media module still fires pe=ms_s next to the new SDK: media starts count twice';
    },
  },
  // ---------------------------------------------------------------- transport
  {
    code: 'HOST_UNEXPECTED',
    id: 'heartbeat-over-plain-http',
    protocols: HB,
    zone: 'attr',
    apply(evs, c) {
      for (let i = evs.length - 1; i >= 0; i--) if (evs[i].type === 'hb:settings') evs.splice(i, 1);
      for (const e of evs) if (isMediaEvent(e)) e.scheme = 'http';
      mark(evs[startIndex(evs, c)], 'HOST_UNEXPECTED');
      return 'heartbeat tracking server configured with ssl=false while h:sc:ssl=1 is declared: beacons go over http';
    },
  },
  {
    code: 'HOST_UNEXPECTED',
    id: 'media-collection-on-heartbeat-host',
    protocols: MC,
    zone: 'attr',
    apply(evs, c) {
      const https = c.rng.chance(0.6);
      for (const e of evs) {
        if (!isMediaEvent(e)) continue;
        if (https) e.host = c.hbHost;
        else e.scheme = 'http';
      }
      mark(evs[startIndex(evs, c)], 'HOST_UNEXPECTED');
      return https
        ? `Media Collection API called on the heartbeat host ${c.hbHost}`
        : 'Media Collection API over plain http while analytics.enableSSL is true';
    },
  },
  {
    code: 'BEACON_REJECTED',
    id: 'server-error-mid-session',
    protocols: ALL,
    zone: 'attr',
    needs: () => ({ longPlayS: 40 }),
    apply(evs, c) {
      const run = longestRun(mainRuns(evs, c, 3));
      const i = run[c.rng.int(1, run.length - 1)];
      if (c.protocol === 'media-edge') {
        evs[i].resp = {
          status: 503,
          statusText: 'Service Unavailable',
          mime: 'application/problem+json',
          body: problemJson(
            'EXEG-0201-503',
            503,
            'Service unavailable',
            'The service is temporarily unable to serve this request. Please try again later.',
          ),
        };
      } else if (c.protocol === 'media-collection') {
        evs[i].resp = {
          status: 500,
          statusText: 'Internal Server Error',
          mime: 'text/plain',
          body: 'Internal Server Error',
        };
      } else evs[i].resp = { status: 503, statusText: 'Service Unavailable' };
      mark(evs[i], 'BEACON_REJECTED');
      return `collection server answers ${evs[i].resp?.status} to a ping`;
    },
  },
  {
    code: 'EVENT_DUPLICATE',
    id: 'media-start-call-fired-twice',
    touches: ['ms_s'],
    protocols: HB,
    platforms: ['web'],
    zone: 'attr',
    apply(evs) {
      const ms =
        evs[
          must(
            findIndex(evs, (e) => e.type === 'aa:ms_s'),
            'ms_s',
          )
        ];
      ms.resendAfterMs = 150 + (ms.t % 500);
      mark(ms, 'EVENT_DUPLICATE');
      return `pe=ms_s fired twice ${ms.resendAfterMs} ms apart (two tag rules call the media module)`;
    },
  },
  // ---------------------------------------------------------------- params
  {
    code: 'RSID_INVALID',
    id: 'report-suite-misconfigured',
    protocols: ['heartbeat', 'media-collection'],
    zone: 'attr',
    apply(evs, c) {
      const bad = c.rng.pick([
        `${c.rsid},`,
        `${c.rsid} ${c.brand.rsidGlobal}`,
        '%RSID%',
        `${c.rsid};${c.brand.rsidGlobal}`,
      ]);
      const start = startIndex(evs, c);
      if (c.protocol === 'heartbeat') {
        for (const e of evs) if (isMediaEvent(e)) e.set = { ...(e.set ?? {}), 's:sc:rsid': bad };
      } else evs[start].set = { ...(evs[start].set ?? {}), 'analytics.reportSuite': bad };
      mark(evs[start], 'RSID_INVALID');
      return `report suite configured as ${JSON.stringify(bad)}`;
    },
  },
  {
    code: 'PARAM_MISSING_REQUIRED',
    id: 'heartbeat-asset-param-missing',
    protocols: HB,
    zone: 'attr',
    apply(evs, c) {
      const key = c.rng.pick(['s:asset:video_id', 'l:asset:length', 's:stream:type']);
      for (const e of evs) if (isMediaEvent(e)) e.set = { ...(e.set ?? {}), [key]: null };
      mark(evs[startIndex(evs, c)], 'PARAM_MISSING_REQUIRED');
      return `media object built without ${key.split(':')[2]}: ${key} absent on the main start`;
    },
  },
  {
    code: 'PARAM_MISSING_REQUIRED',
    id: 'heartbeat-ad-id-missing',
    protocols: HB,
    zone: 'attr',
    needs: () => ({ preroll: true }),
    apply(evs, c) {
      const first = must(
        findIndex(evs, (e) => isAdStart(c.protocol, e)),
        'ad start',
      );
      const id = evs[first].ad?.id;
      for (const e of evs)
        if (e.asset === 'ad' && e.ad?.id === id && isMediaEvent(e))
          e.set = { ...(e.set ?? {}), 's:asset:ad_id': null };
      mark(evs[first], 'PARAM_MISSING_REQUIRED');
      return 'ad object created without an ad id: s:asset:ad_id absent on the ad start';
    },
  },
  {
    code: 'PARAM_MISSING_REQUIRED',
    id: 'required-ad-param-missing',
    protocols: API,
    also: ['BEACON_REJECTED'],
    zone: 'attr',
    needs: () => ({ preroll: true }),
    apply(evs, c) {
      const mc = c.protocol === 'media-collection';
      const useBreak = c.rng.chance(0.4);
      const i = must(
        findIndex(evs, (e) => (useBreak ? e.type === 'adBreakStart' : e.type === 'adStart')),
        'ad event',
      );
      const key = mc
        ? useBreak
          ? 'media.ad.podIndex'
          : 'media.ad.id'
        : useBreak
          ? 'advertisingPodDetails.index'
          : 'advertisingDetails.name';
      evs[i].set = { ...(evs[i].set ?? {}), [key]: null };
      evs[i].resp = mc
        ? {
            status: 400,
            statusText: 'Bad Request',
            mime: 'text/plain',
            body: `Bad Request: required field params.${key} is missing`,
          }
        : {
            status: 400,
            statusText: 'Bad Request',
            mime: 'application/problem+json',
            body: problemJson(
              'va-edge-0400-400',
              400,
              'Invalid request',
              'Invalid request. Please check the details.',
              `$.xdm.mediaCollection.${key}`,
            ),
          };
      mark(evs[i], 'PARAM_MISSING_REQUIRED', 'BEACON_REJECTED');
      return `${evs[i].type} without required ${key}; the server answers 400`;
    },
  },
  {
    code: 'PARAM_TYPE_MISMATCH',
    id: 'heartbeat-non-numeric-long',
    touches: ['ph'],
    protocols: HB,
    zone: 'attr',
    needs: (lib) => (lib.platform === 'web' ? { live: true } : { longPlayS: 40 }),
    apply(evs, c) {
      if (c.platform === 'web') {
        for (const e of evs) if (isMediaEvent(e)) e.set = { ...(e.set ?? {}), 'l:asset:length': 'Infinity' };
        mark(evs[startIndex(evs, c)], 'PARAM_TYPE_MISMATCH');
        return 'HTML5 video.duration of a live stream (Infinity) passed as the length: l:asset:length=Infinity';
      }
      const run = longestRun(mainRuns(evs, c, 3));
      const i = run[c.rng.int(1, run.length - 1)];
      evs[i].set = { ...(evs[i].set ?? {}), 'l:event:playhead': 'NaN' };
      mark(evs[i], 'PARAM_TYPE_MISMATCH');
      return 'player position undefined for one report: l:event:playhead=NaN';
    },
  },
  {
    code: 'PARAM_TYPE_MISMATCH',
    id: 'edge-playhead-not-integer',
    touches: ['ph'],
    protocols: EDGE,
    platforms: ['roku'],
    zone: 'attr',
    apply(evs) {
      for (const e of evs) if (isMediaEvent(e)) e.info = { ...(e.info ?? {}), floatPlayhead: true };
      const i = must(
        findIndex(evs, (e) => isMediaEvent(e) && Math.round(e.ph * 1000) % 1000 !== 0),
        'fractional playhead',
      );
      mark(evs[i], 'PARAM_TYPE_MISMATCH');
      return 'Roku Video.position (a float) passed straight into mediaCollection.playhead';
    },
  },
  {
    code: 'PARAM_TYPE_MISMATCH',
    id: 'qoe-bitrate-as-string',
    protocols: MC,
    also: ['BEACON_REJECTED'],
    zone: 'attr',
    needs: () => ({ longPlayS: 40 }),
    apply(evs, c) {
      const run = longestRun(mainRuns(evs, c, 3));
      const at = evs[run[1]];
      const ev: Ev = {
        ...cloneEv(at, { type: 'bitrateChange', tick: false }),
        t: at.t + c.rng.int(1500, 4000),
        set: { 'qoe:media.qoe.bitrate': '2500000' },
        resp: {
          status: 400,
          statusText: 'Bad Request',
          mime: 'text/plain',
          body: 'Bad Request: qoeData.media.qoe.bitrate must be a number',
        },
        info: { bitrate: 2_500_000 },
      };
      insertEvent(evs, ev);
      mark(ev, 'PARAM_TYPE_MISMATCH', 'BEACON_REJECTED');
      return 'bitrateChange with media.qoe.bitrate sent as a string; the server answers 400';
    },
  },
  {
    code: 'PARAM_NAME_INVALID',
    id: 'heartbeat-metadata-key-not-allowed',
    protocols: HB,
    zone: 'attr',
    apply(evs, c) {
      const key = c.rng.pick(['content-genre', 'Show Name', 'ad tier']);
      const start = startIndex(evs, c);
      evs[start].set = { ...(evs[start].set ?? {}), [`s:meta:${key}`]: 'premium' };
      mark(evs[start], 'PARAM_NAME_INVALID');
      return `custom metadata key ${JSON.stringify(key)} outside [a-zA-Z0-9_.]`;
    },
  },
  {
    code: 'PARAM_NAME_INVALID',
    id: 'ad-metadata-key-rejected',
    protocols: MC,
    also: ['BEACON_REJECTED'],
    zone: 'attr',
    needs: () => ({ preroll: true }),
    apply(evs, c) {
      const key = c.rng.pick(['content-genre', 'Show Name', 'ad tier']);
      const i = must(
        findIndex(evs, (e) => e.type === 'adStart'),
        'adStart',
      );
      evs[i].set = { ...(evs[i].set ?? {}), [`meta:${key}`]: 'premium' };
      evs[i].resp = {
        status: 400,
        statusText: 'Bad Request',
        mime: 'text/plain',
        body: `Bad Request: customMetadata key "${key}" does not match ^[a-zA-Z0-9_\\.]+$`,
      };
      mark(evs[i], 'PARAM_NAME_INVALID', 'BEACON_REJECTED');
      return `adStart custom metadata key ${JSON.stringify(key)} outside [a-zA-Z0-9_.]; the server answers 400`;
    },
  },
  // ---------------------------------------------------------------- identity
  {
    code: 'IDENTITY_MISSING_ECID',
    id: 'media-calls-without-ecid',
    touches: ['aa_start'],
    protocols: ALL,
    platforms: ['web', 'android', 'ios', 'tvos', 'roku', 'chromecast'],
    zone: 'attr',
    apply(evs, c) {
      const start = startIndex(evs, c);
      if (c.protocol === 'heartbeat') {
        for (const e of evs) if (isMediaEvent(e)) e.mid = null;
        const next = must(findIndex(evs, isMediaEvent, start + 1), 'event after start');
        mark(evs[next], 'IDENTITY_MISSING_ECID');
        return 'heartbeat configured without the visitor instance: no s:user:mid after start';
      }
      if (c.protocol === 'media-collection') {
        evs[start].set = { ...(evs[start].set ?? {}), 'visitor.marketingCloudUserId': null };
        mark(evs[start], 'IDENTITY_MISSING_ECID');
        return 'sessionStart without visitor.marketingCloudUserId (direct API call before the ECID resolved)';
      }
      if (c.platform === 'web') throw new Error('web Edge media has no ECID in the body');
      for (const e of evs) if (isMediaEvent(e)) e.mid = null;
      mark(evs[start], 'IDENTITY_MISSING_ECID');
      return 'media requests sent without identityMap.ECID';
    },
  },
  {
    code: 'IDENTITY_MISMATCH',
    id: 'ecid-differs',
    protocols: ['heartbeat', 'media-edge'],
    platforms: ['web', 'android', 'ios', 'tvos', 'roku'],
    zone: 'attr',
    needs: () => ({ longPlayS: 40 }),
    apply(evs, c) {
      if (c.protocol === 'media-edge' && c.platform === 'web')
        throw new Error('web Edge media has no ECID in the body');
      if (c.protocol === 'heartbeat' && c.rng.chance(0.5)) {
        for (const e of evs) if (isMediaEvent(e)) e.mid = c.otherEcid;
        mark(evs[startIndex(evs, c)], 'IDENTITY_MISMATCH');
        return 'heartbeat and the Analytics media-start call use two visitor instances with different ECIDs';
      }
      const run = longestRun(mainRuns(evs, c, 3));
      const from = run[c.rng.int(1, run.length - 1)];
      for (let i = from; i < evs.length; i++) if (isMediaEvent(evs[i])) evs[i].mid = c.otherEcid;
      mark(evs[from], 'IDENTITY_MISMATCH');
      return 'identities reset mid-session (consent change / logout): the ECID changes inside the session';
    },
  },
];

export function applies(v: MediaVariant, protocol: Protocol, platform: Platform): boolean {
  if (!v.protocols.includes(protocol)) return false;
  if (v.platforms && !v.platforms.includes(platform)) return false;
  if (v.id === 'ecid-differs' && protocol === 'media-edge' && platform === 'web') return false;
  if (v.id === 'media-calls-without-ecid' && protocol === 'media-edge' && platform === 'web') return false;
  return true;
}
