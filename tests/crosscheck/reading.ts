// This generator's reading of the session-timeline codes, executable: given one media session's events
// as read back from a HAR (see wire.ts), which of the cadence, playhead and bookend codes fire and at
// which entry. The tests use it to check that every labelled fault fires where the truth says, and that
// nothing else fires — the generator's own events never reach this code. README.md states the same
// readings in words.

import type { WireEvent } from './wire.js';

export interface Scope {
  contentMs: number;
  adMs: number;
  /** Roku may send its first ping early (the seed example), so the early-first-ping rule abstains. */
  roku: boolean;
}

export const READ_CODES = [
  'CADENCE_CONTENT_PING_GAP',
  'CADENCE_AD_PING_GAP',
  'CADENCE_PING_TOO_FREQUENT',
  'CADENCE_EARLY_FIRST_PING',
  'PLAYHEAD_DECREASING',
  'PLAYHEAD_STALLED',
  'PLAYHEAD_ADVANCED_WHILE_PAUSED',
  'PLAYHEAD_OUT_OF_RANGE',
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
] as const;

const HB_REPORTS = new Set(['play', 'pause', 'buffer', 'stall']);
const API_PLAYBACK = new Set([
  'play',
  'pauseStart',
  'bufferStart',
  'adBreakStart',
  'adStart',
  'adComplete',
  'adSkip',
  'adBreakComplete',
  'chapterStart',
  'chapterComplete',
  'chapterSkip',
]);

/** Code → entry index of its first finding in this session. */
export function readSession(evs: WireEvent[], scope: Scope, captureEnd: number): Map<string, number> {
  const found = new Map<string, number>();
  const fire = (code: string, e: WireEvent) => {
    if (!found.has(code)) found.set(code, e.entry);
  };
  if (evs.length === 0) return found;
  const hb = evs[0].protocol === 'heartbeat';
  const isStart = (e: WireEvent) =>
    hb ? e.type === 'start' && e.asset === 'main' : e.type === 'sessionStart';
  const isReport = (e: WireEvent) => hb && HB_REPORTS.has(e.type);
  const start = evs.find(isStart);
  const live = start?.live ?? false;
  const length = start?.length;
  const wrap = (a: number, b: number) => live && a >= 86_400 - 900 && b < 900;

  // Timestamps: strictly ascending, at least 1 ms apart, in send (entry) order.
  for (let i = 1; i < evs.length; i++)
    if (evs[i].ts < evs[i - 1].ts + 1) fire('TIMESTAMP_NOT_ASCENDING', evs[i]);

  // Start.
  if (!isStart(evs[0])) fire('SESSION_START_MISSING', evs[0]);
  const starts = evs.filter(isStart);
  if (starts.length > 1) fire('SESSION_START_DUPLICATE', starts[1]);

  // Bookends and the state walk.
  let adOpen = false;
  let breakOpen = false;
  let chapterOpen = false;
  let ended = false;
  let completed = false;
  let state: 'init' | 'playing' | 'paused' | 'buffering' = 'init';
  let pausedAt: number | undefined;
  let breakAt: number | undefined;
  let lastContent: WireEvent | undefined;
  let lastAd: WireEvent | undefined;
  let firstPlay: WireEvent | undefined;
  let firstPingChecked = false;
  let prevMain: WireEvent | undefined;
  let prevMainPaused = false;
  const playPings: WireEvent[] = [];

  for (let i = 0; i < evs.length; i++) {
    const e = evs[i];
    const next = evs[i + 1];
    const open = !ended && !completed;
    if (ended && !isStart(e)) fire('EVENT_AFTER_CLOSE', e);
    else if (
      completed &&
      (hb
        ? e.type !== 'end' && (HB_REPORTS.has(e.type) || e.type.startsWith('chapter') || e.asset === 'ad')
        : API_PLAYBACK.has(e.type))
    ) {
      fire('EVENT_AFTER_CLOSE', e);
    }
    const inAdTime = adOpen || breakOpen || (hb && e.asset === 'ad');

    // Cadence: any event restarts the MC/Edge ping timer; heartbeat reports tick on their own.
    if (open) {
      if (hb) {
        if (e.asset === 'main' && (isReport(e) || isStart(e))) {
          if (lastContent && isReport(e) && e.ts - lastContent.ts > 1.5 * scope.contentMs)
            fire('CADENCE_CONTENT_PING_GAP', e);
          lastContent = e;
        }
        // Ad pings run from an ad's start to its complete.
        if (e.asset === 'ad' && (adOpen || e.type === 'start')) {
          if (e.type !== 'start' && lastAd && e.ts - lastAd.ts > 1.5 * scope.adMs)
            fire('CADENCE_AD_PING_GAP', e);
          lastAd = e;
        }
        if (e.asset === 'ad') lastContent = undefined;
      } else if (inAdTime || e.type === 'adBreakStart' || e.type === 'adStart') {
        if (adOpen && lastAd && e.ts - lastAd.ts > 1.5 * scope.adMs) fire('CADENCE_AD_PING_GAP', e);
        lastAd = adOpen || e.type === 'adStart' ? e : undefined;
        lastContent = undefined;
      } else {
        if (lastContent && e.ts - lastContent.ts > 1.5 * scope.contentMs) fire('CADENCE_CONTENT_PING_GAP', e);
        lastContent = e;
      }
      // Too frequent: two pings in a row in one unchanged state; a heartbeat report that closes its
      // state (a flush: the next event reports another state) is not periodic.
      const p = evs[i - 1];
      if (p && i > 0) {
        if (hb) {
          const flush = !next || !(next.type === e.type && next.asset === e.asset);
          const interval = e.asset === 'ad' ? scope.adMs : scope.contentMs;
          if (
            isReport(e) &&
            p.type === e.type &&
            p.asset === e.asset &&
            !flush &&
            e.ts - p.ts < 0.5 * interval
          ) {
            fire('CADENCE_PING_TOO_FREQUENT', e);
          }
        } else if (e.type === 'ping' && p.type === 'ping') {
          const interval = adOpen ? scope.adMs : scope.contentMs;
          if (e.ts - p.ts < 0.5 * interval) fire('CADENCE_PING_TOO_FREQUENT', e);
        }
      }
      // Early first ping (MC/Edge): the first main ping after the first main play.
      if (!hb && !scope.roku && !inAdTime) {
        if (e.type === 'play' && !firstPlay) firstPlay = e;
        else if (e.type === 'ping' && firstPlay && !firstPingChecked) {
          firstPingChecked = true;
          if (e.ts - firstPlay.ts < 0.5 * scope.contentMs) fire('CADENCE_EARLY_FIRST_PING', e);
        }
      }
    }

    // Playhead on main-content events.
    const main = hb ? e.asset === 'main' : true;
    if (main) {
      // VOD: 0 … length + 2 s (when the length is known and a number); live: the second of the day.
      const upper = live ? 86_400 : length !== undefined && Number.isFinite(length) ? length + 2 : Infinity;
      if (e.ph < 0 || e.ph > upper) fire('PLAYHEAD_OUT_OF_RANGE', e);
      if (prevMain && e.ph < prevMain.ph - 0.001 && !prevMainPaused && !wrap(prevMain.ph, e.ph))
        fire('PLAYHEAD_DECREASING', e);
    }

    // Stalled: ≥ 3 consecutive main play pings over ≥ 20 s with < 10 % playhead progress.
    const playPing = hb
      ? e.type === 'play' && e.asset === 'main'
      : e.type === 'ping' && state === 'playing' && !inAdTime;
    if (playPing && open) {
      const p = evs[i - 1];
      const consecutive = playPings.length > 0 && p === playPings[playPings.length - 1];
      if (!consecutive) playPings.length = 0;
      playPings.push(e);
      // Walk back over the run; a window in which the playhead goes back (other than the midnight
      // wrap of a live stream) is a jump, not a stall.
      let moved = 0;
      for (let a = playPings.length - 2; a >= 0; a--) {
        let step = playPings[a + 1].ph - playPings[a].ph;
        if (wrap(playPings[a].ph, playPings[a + 1].ph)) step += 86_400;
        if (step < 0) break;
        moved += step;
        const span = e.ts - playPings[a].ts;
        if (playPings.length - a >= 3 && span >= 20_000 && moved < (0.1 * span) / 1000) {
          fire('PLAYHEAD_STALLED', e);
          break;
        }
      }
    } else if (!playPing) playPings.length = 0;

    // Advanced while paused / buffering / in an ad break: 2 s or more away from where it stopped.
    if (hb) {
      if (e.asset === 'main' && (e.type === 'pause' || e.type === 'buffer')) {
        if (pausedAt === undefined) pausedAt = prevMain?.ph ?? e.ph;
        if (Math.abs(e.ph - pausedAt) >= 2) fire('PLAYHEAD_ADVANCED_WHILE_PAUSED', e);
      } else if (e.asset === 'main') pausedAt = undefined;
    } else {
      if (breakAt !== undefined && Math.abs(e.ph - breakAt) >= 2) fire('PLAYHEAD_ADVANCED_WHILE_PAUSED', e);
      else if (
        (state === 'paused' || state === 'buffering') &&
        !inAdTime &&
        pausedAt !== undefined &&
        e.type === 'ping'
      ) {
        if (Math.abs(e.ph - pausedAt) >= 2) fire('PLAYHEAD_ADVANCED_WHILE_PAUSED', e);
      }
    }

    // Transitions.
    if (hb) {
      if (e.type === 'start' && e.asset === 'ad') {
        if (adOpen) fire('AD_NOT_CLOSED', e);
        adOpen = true;
      } else if (e.type === 'complete' && e.asset === 'ad') {
        if (!adOpen) fire('ILLEGAL_TRANSITION', e);
        adOpen = false;
      } else if (e.type === 'complete' && e.asset === 'main') completed = true;
      else if (e.type === 'end') ended = true;
    } else {
      switch (e.type) {
        case 'adBreakStart':
          breakOpen = true;
          breakAt = e.ph;
          break;
        case 'adStart':
          if (!breakOpen) fire('AD_OUTSIDE_BREAK', e);
          if (adOpen) fire('AD_NOT_CLOSED', e);
          adOpen = true;
          break;
        case 'adComplete':
        case 'adSkip':
          if (!adOpen) fire('ILLEGAL_TRANSITION', e);
          adOpen = false;
          break;
        case 'adBreakComplete':
          if (!breakOpen) fire('ILLEGAL_TRANSITION', e);
          if (adOpen) fire('AD_NOT_CLOSED', e);
          adOpen = false;
          breakOpen = false;
          breakAt = undefined;
          break;
        case 'play':
          if (breakOpen && !adOpen) {
            fire('ADBREAK_NOT_CLOSED', e);
            breakOpen = false;
            breakAt = undefined;
          }
          if (!adOpen) state = 'playing';
          break;
        case 'pauseStart':
        case 'bufferStart':
          if (!adOpen && !breakOpen) {
            state = e.type === 'pauseStart' ? 'paused' : 'buffering';
            pausedAt = e.ph;
          }
          break;
        case 'sessionComplete':
        case 'sessionEnd':
          if (adOpen) fire('AD_NOT_CLOSED', e);
          if (breakOpen) fire('ADBREAK_NOT_CLOSED', e);
          if (e.type === 'sessionComplete') completed = true;
          else ended = true;
          break;
      }
    }
    if (e.type === 'chapter_start' || e.type === 'chapterStart') {
      if (chapterOpen) fire('CHAPTER_OVERLAP', e);
      chapterOpen = true;
    } else if (['chapter_complete', 'chapter_skip', 'chapterComplete', 'chapterSkip'].includes(e.type)) {
      if (!chapterOpen) fire('ILLEGAL_TRANSITION', e);
      chapterOpen = false;
    }
    if (main) {
      prevMain = e;
      prevMainPaused = hb
        ? e.type === 'pause' || e.type === 'buffer'
        : state === 'paused' || state === 'buffering';
    }
  }

  // Not closed: no complete/end although the capture goes on 30 s or more.
  const last = evs[evs.length - 1];
  if (!ended && !completed && captureEnd - last.cap >= 30_000) fire('SESSION_NOT_CLOSED', last);
  return found;
}
