// Plan → legacy Video Heartbeat events. The heartbeat SDKs report the current state (`play`, `pause`,
// `buffer`) on a reporting timer (10 s for main content, 1 s for ads, ticking from the session or ad
// start) and, when the state changes, flush the state that ends if more than 250 ms of its quantum
// have passed. The Analytics media-start call (`pe=ms_s`) and `aa_start` bracket the main `start`.

import type { AdInfo, ChapterInfo, Ev, PodInfo } from './model.js';
import type { Plan } from './plan.js';
import type { Rng } from './prng.js';

export interface HbTimers {
  contentMs: number;
  adMs: number;
  /** JS and Android call Analytics before the heartbeat `start`; Roku sends `start` first. */
  analyticsFirst: boolean;
  settingsCall: boolean;
}

type RunName = 'play' | 'pause' | 'buffer';

export function renderHb(rng: Rng, plan: Plan, timers: HbTimers): Ev[] {
  const evs: Ev[] = [];
  let t = plan.t0;
  let ph = plan.startPh;
  let adPh = 0;
  let ad: AdInfo | undefined;
  let pod: PodInfo | undefined;
  let chapter: ChapterInfo | undefined;
  let run:
    { name: RunName; asset: 'main' | 'ad'; lastEmit: number; anchor: number; interval: number } | undefined;

  const push = (type: string, extra: Partial<Ev> = {}): Ev => {
    const last = evs[evs.length - 1];
    if (last && t < last.t + 1) t = last.t + 1;
    const ev: Ev = {
      t: Math.round(t),
      type,
      asset: ad ? 'ad' : 'main',
      ph: ad ? adPh : ph,
      state:
        run?.name === 'pause' ? 'paused' : run?.name === 'buffer' ? 'buffering' : run ? 'playing' : 'init',
      durationMs: 0,
      marks: [],
      ad,
      pod,
      chapter,
      ...extra,
    };
    t = ev.t;
    evs.push(ev);
    return ev;
  };
  const gap = (lo: number, hi: number) => {
    t += rng.int(lo, hi);
  };
  /** End the current state: flush it when more than 250 ms passed since its last report. */
  const endRun = () => {
    if (run && t - run.lastEmit > 250)
      push(run.name, { flush: true, durationMs: Math.round(t - run.lastEmit) });
    run = undefined;
  };
  const enterState = (name: RunName, asset: 'main' | 'ad') => {
    if (run && run.name === name && run.asset === asset) return;
    endRun();
    // Main reports tick on a grid from the session start; ad reports on a grid from the ad start.
    run =
      asset === 'ad'
        ? { name, asset, lastEmit: t, anchor: t, interval: timers.adMs }
        : { name, asset, lastEmit: t, anchor: plan.t0, interval: timers.contentMs };
  };
  /** Time passes in the current state; the reporting timer ticks on its grid. */
  const pass = (sec: number, rate: number, adAnchor?: number) => {
    const end = t + sec * 1000;
    if (run) {
      const anchor = run.asset === 'ad' ? (adAnchor ?? run.anchor) : run.anchor;
      let g = anchor + Math.ceil((t - anchor + 1) / run.interval) * run.interval;
      while (g < end) {
        // A tick due just before the state ends fires on time rather than being lost.
        let late = g + (run.asset === 'ad' ? rng.int(0, 15) : rng.int(0, 40));
        if (late >= end) late = g;
        const dt = late - t;
        if (ad) adPh += (rate * dt) / 1000;
        else ph += (rate * dt) / 1000;
        t = late;
        push(run.name, { tick: true, durationMs: Math.round(t - run.lastEmit) });
        run.lastEmit = t;
        g += run.interval;
      }
    }
    const dt = end - t;
    if (ad) adPh += (rate * dt) / 1000;
    else ph += (rate * dt) / 1000;
    t = end;
  };

  if (timers.settingsCall) {
    t = plan.t0 - rng.int(300, 900);
    push('hb:settings');
  }
  if (timers.analyticsFirst) {
    t = plan.t0 - rng.int(20, 120);
    push('aa:ms_s');
    t = plan.t0;
    push('start');
    gap(30, 180);
    push('aa_start');
  } else {
    t = plan.t0;
    push('start');
    gap(40, 200);
    push('aa:ms_s');
    gap(20, 120);
    push('aa_start');
  }
  if (plan.resume) {
    gap(5, 40);
    push('resume');
  }

  for (const phase of plan.phases) {
    switch (phase.k) {
      case 'startup':
        if (phase.buffer) {
          gap(30, 200);
          enterState('buffer', 'main');
        }
        pass(phase.dur, 0);
        break;
      case 'play':
        enterState('play', 'main');
        if (phase.freeze) {
          pass(phase.freeze.after, 1);
          pass(phase.freeze.dur, 0);
          pass(Math.max(0, phase.dur - phase.freeze.after - phase.freeze.dur), 1);
        } else pass(phase.dur, 1);
        break;
      case 'pause':
        enterState('pause', 'main');
        pass(phase.dur, 0);
        break;
      case 'buffer':
        enterState('buffer', 'main');
        pass(phase.dur, 0);
        break;
      case 'seek':
        // A seek shows as a pause or buffering report at the old playhead before the jump.
        enterState(phase.via, 'main');
        pass(phase.dur, 0);
        if (run && t - run.lastEmit <= 250) t = run.lastEmit + 260;
        endRun();
        ph = phase.to;
        break;
      case 'break':
        endRun();
        pod = phase.pod;
        for (const a of phase.ads) {
          gap(5, 40);
          ad = a.ad;
          adPh = 0;
          const adStartAt = t;
          if (timers.analyticsFirst) {
            push('aa:msa_s');
            gap(10, 60);
          }
          push('start');
          gap(10, 80);
          if (!timers.analyticsFirst) {
            push('aa:msa_s');
            gap(10, 60);
          }
          push('aa_ad_start');
          enterState('play', 'ad');
          if (a.stall) {
            pass(a.stall.at, 1, adStartAt);
            enterState('buffer', 'ad');
            pass(a.stall.dur, 0, adStartAt);
            enterState('play', 'ad');
            pass(Math.max(0.2, a.played - a.stall.at), 1, adStartAt);
          } else pass(a.played, 1, adStartAt);
          endRun();
          adPh = a.played;
          push('complete');
          ad = undefined;
        }
        pod = undefined;
        gap(5, 40);
        break;
      case 'chapter':
        if (phase.end) {
          push('chapter_complete', { chapter: phase.end });
          chapter = undefined;
        }
        if (phase.start) {
          gap(1, 6);
          chapter = phase.start;
          push('chapter_start');
        }
        break;
      case 'bitrate':
        push('bitrate_change', { info: { bitrate: phase.bitrate } });
        break;
      case 'error':
        push('error', { info: { errorId: phase.id } });
        break;
      case 'idle':
        enterState('pause', 'main');
        pass(30 * 60, 0);
        break;
    }
  }
  if (plan.close === 'none') return evs;
  gap(20, 300);
  endRun();
  if (plan.close === 'complete' || plan.close === 'complete+end') push('complete');
  if (plan.close === 'complete+end') gap(3, 60);
  if (plan.close === 'complete+end' || plan.close === 'end') push('end');
  return evs;
}
