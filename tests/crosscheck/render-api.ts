// Plan → Media Collection / Media Edge events, with the timers of the AEP Media, Media JS 3.x and Web SDK
// clients: a `ping` every content interval (ad interval inside an ad), and any event restarts the timer;
// pings keep coming while paused or buffering; the main playhead stays put during ads, pauses and buffering.

import type { AdInfo, ChapterInfo, Ev, PlayerState, PodInfo } from './model.js';
import type { Plan } from './plan.js';
import type { Rng } from './prng.js';

export interface ApiTimers {
  contentMs: number;
  adMs: number;
  /** AEP Media / Media JS 3.x re-send `play` about a second after main content starts. */
  contentStartResend: boolean;
}

export function renderApi(rng: Rng, plan: Plan, timers: ApiTimers): Ev[] {
  const evs: Ev[] = [];
  let t = plan.t0;
  let ph = plan.startPh;
  let state: PlayerState = 'init';
  let ad: AdInfo | undefined;
  let pod: PodInfo | undefined;
  let chapter: ChapterInfo | undefined;
  let nextPing = Infinity;
  let resendDone = !timers.contentStartResend;
  // `play` is sent when main content (re)starts playing, not again after a bitrate or chapter event.
  let mainPlaying = false;

  const interval = () => (ad ? timers.adMs : timers.contentMs);
  // Timers fire late, never early; ad timers (1 s) jitter less than content timers.
  const lateness = () => (ad ? rng.int(0, 18) : rng.int(0, 45));

  const push = (type: string, extra: Partial<Ev> = {}): Ev => {
    const last = evs[evs.length - 1];
    if (last && t < last.t + 1) t = last.t + 1;
    const ev: Ev = {
      t: Math.round(t),
      type,
      asset: ad ? 'ad' : 'main',
      ph,
      state,
      marks: [],
      ad,
      pod,
      chapter,
      ...extra,
    };
    t = ev.t;
    evs.push(ev);
    nextPing = t + interval() + lateness();
    return ev;
  };
  const gap = (lo: number, hi: number) => {
    t += rng.int(lo, hi);
  };
  /** Let `sec` seconds pass with the playhead moving at `rate`; pings fire on the way. */
  const advance = (sec: number, rate: number) => {
    const end = t + sec * 1000;
    while (nextPing < end) {
      ph += (rate * (nextPing - t)) / 1000;
      t = nextPing;
      push('ping', { tick: true });
    }
    ph += (rate * (end - t)) / 1000;
    t = end;
  };

  push('sessionStart');
  for (const phase of plan.phases) {
    switch (phase.k) {
      case 'startup':
        if (phase.buffer) {
          gap(30, 200);
          state = 'buffering';
          mainPlaying = false;
          push('bufferStart');
        }
        advance(Math.max(0.05, phase.dur - (phase.buffer ? 0.1 : 0)), 0);
        break;
      case 'play': {
        state = 'playing';
        if (!mainPlaying) push('play');
        mainPlaying = true;
        let left = phase.dur;
        if (!resendDone && left > 2) {
          const lag = rng.float(1.1, 1.45);
          advance(lag, 1);
          push('play', { info: { contentStartResend: true } });
          left -= lag;
          resendDone = true;
        }
        if (phase.freeze) {
          advance(phase.freeze.after, 1);
          advance(phase.freeze.dur, 0);
          advance(Math.max(0, left - phase.freeze.after - phase.freeze.dur), 1);
        } else advance(left, 1);
        break;
      }
      case 'pause':
        state = 'paused';
        mainPlaying = false;
        push('pauseStart');
        advance(phase.dur, 0);
        break;
      case 'buffer':
        state = 'buffering';
        mainPlaying = false;
        push('bufferStart');
        advance(phase.dur, 0);
        break;
      case 'seek':
        // The Media Collection / Edge APIs have no seek event: SDKs send pauseStart (or buffering) and
        // the next play carries the new playhead.
        state = phase.via === 'pause' ? 'paused' : 'buffering';
        mainPlaying = false;
        push(phase.via === 'pause' ? 'pauseStart' : 'bufferStart', { info: { seek: true } });
        advance(phase.dur, 0);
        ph = phase.to;
        break;
      case 'break': {
        // Preroll wait: events are held ~250 ms so the break opens before anything plays.
        gap(plan.phases.indexOf(phase) <= 1 ? 250 : 5, plan.phases.indexOf(phase) <= 1 ? 320 : 40);
        pod = phase.pod;
        mainPlaying = false;
        push('adBreakStart');
        for (const a of phase.ads) {
          gap(1, 9);
          ad = a.ad;
          state = 'playing';
          push('adStart');
          if (a.stall) {
            advance(a.stall.at, 0);
            state = 'buffering';
            push('bufferStart', { info: { adStall: true } });
            advance(a.stall.dur, 0);
            state = 'playing';
            push('play', { info: { adStallEnd: true } });
            advance(Math.max(0.2, a.played - a.stall.at), 0);
          } else advance(a.played, 0);
          push(a.skip ? 'adSkip' : 'adComplete');
          ad = undefined;
        }
        gap(1, 9);
        push('adBreakComplete');
        pod = undefined;
        gap(5, 40);
        break;
      }
      case 'chapter':
        if (phase.end) {
          push('chapterComplete', { chapter: phase.end });
          chapter = undefined;
        }
        if (phase.start) {
          gap(1, 6);
          chapter = phase.start;
          push('chapterStart');
        }
        break;
      // Bitrate changes and errors happen during playback; they take no time of their own.
      case 'bitrate':
        push('bitrateChange', { info: { bitrate: phase.bitrate } });
        break;
      case 'error':
        push('error', { info: { errorId: phase.id } });
        break;
      case 'idle':
        // The SDK ends the session after 30 min without playback; pings run until then.
        state = 'paused';
        mainPlaying = false;
        push('pauseStart');
        advance(30 * 60 + rng.float(0.5, 5), 0);
        break;
    }
  }
  gap(20, 400);
  if (plan.close === 'complete' || plan.close === 'complete+end') push('sessionComplete');
  if (plan.close === 'complete+end') gap(3, 60);
  if (plan.close === 'complete+end' || plan.close === 'end') push('sessionEnd');
  return evs;
}
