import { z } from 'zod';
import { fmtS, isFlush } from '../annotate.js';
import { defineCheck } from '../types.js';
import type { CheckDef, Hit, Step } from '../types.js';

const MEDIA = ['heartbeat', 'media-collection', 'media-edge'] as const;
const IDLE_MS = 30 * 60 * 1000;
const OPEN = (s: Step) => s.stateBefore !== 'closed' && s.stateBefore !== 'complete';

export const contentPingGap = defineCheck({
  id: 'cadence.content_ping_gap',
  codes: ['CADENCE_CONTENT_PING_GAP'],
  protocols: [...MEDIA],
  params: z
    .object({
      content_interval_s: z.number().positive().default(10),
      gap_factor: z.number().min(1).default(1.5),
    })
    .strict(),
  run(a, _v, p) {
    const limit = p.content_interval_s * p.gap_factor * 1000;
    const hits: Hit[] = [];
    const hb = a.session.protocol === 'heartbeat';
    let prev: Step | null = null;
    for (const s of a.steps) {
      // Heartbeat: consecutive main heartbeats; ads reset. MC/Edge: any event in main content resets the timer.
      const counts = hb
        ? s.isPing && s.asset === 'main'
        : !s.inAd && !s.inBreak && s.type !== 'adBreakStart' && s.type !== 'adStart';
      const resets = hb
        ? s.asset === 'ad' || s.type === 'sessionStart' || s.type === 'resume'
        : s.inBreak || s.inAd || s.type === 'adBreakStart' || s.type === 'adStart';
      if (resets || !OPEN(s)) {
        prev = null;
        if (!counts) continue;
      }
      if (!counts) continue;
      if (prev) {
        const d = s.t - prev.t;
        if (d > limit && d < IDLE_MS)
          hits.push({
            code: 'CADENCE_CONTENT_PING_GAP',
            event: s.e,
            message: `main-content pings ${fmtS(d)} apart (${prev.type} → ${s.type}); expected at most ${fmtS(limit)}`,
            expected: `≤ ${fmtS(limit)}`,
            observed: fmtS(d),
          });
      }
      prev = s;
    }
    return { status: 'ran', hits };
  },
});

export const adPingGap = defineCheck({
  id: 'cadence.ad_ping_gap',
  codes: ['CADENCE_AD_PING_GAP'],
  protocols: [...MEDIA],
  params: z
    .object({ ad_interval_s: z.number().positive().default(10), gap_factor: z.number().min(1).default(1.5) })
    .strict(),
  run(a, _v, p) {
    const limit = p.ad_interval_s * p.gap_factor * 1000;
    const hb = a.session.protocol === 'heartbeat';
    const hits: Hit[] = [];
    let prev: Step | null = null;
    let sawAd = false;
    for (const s of a.steps) {
      const inAdTime = hb ? s.asset === 'ad' && s.type !== 'adStart' : s.inAd;
      if (s.type === 'adStart') {
        prev = s;
        sawAd = true;
        continue;
      }
      if (!inAdTime) {
        prev = null;
        continue;
      }
      const counts = hb ? s.isPing || s.type === 'adComplete' || s.type === 'adSkip' : true;
      if (!counts) continue;
      if (prev) {
        const d = s.t - prev.t;
        if (d > limit && d < IDLE_MS)
          hits.push({
            code: 'CADENCE_AD_PING_GAP',
            event: s.e,
            message: `ad pings ${fmtS(d)} apart; expected at most ${fmtS(limit)} (${p.ad_interval_s} s interval)`,
            expected: `≤ ${fmtS(limit)}`,
            observed: fmtS(d),
          });
      }
      prev = s;
    }
    return sawAd ? { status: 'ran', hits } : { status: 'abstain', reason: 'no ads in session' };
  },
});

export const pingTooFrequent = defineCheck({
  id: 'cadence.ping_too_frequent',
  codes: ['CADENCE_PING_TOO_FREQUENT'],
  protocols: [...MEDIA],
  params: z
    .object({
      content_interval_s: z.number().positive().default(10),
      ad_interval_s: z.number().positive().default(10),
      too_frequent_factor: z.number().positive().max(1).default(0.5),
    })
    .strict(),
  run(a, _v, p) {
    const hits: Hit[] = [];
    const steps = a.steps;
    const hb = a.session.protocol === 'heartbeat';
    for (let i = 1; i < steps.length; i++) {
      const s = steps[i];
      const prev = steps[i - 1];
      if (!s.isPing || !prev.isPing || s.type !== prev.type || s.asset !== prev.asset) continue;
      if (hb && isFlush(steps, i)) continue;
      const interval = (s.asset === 'ad' || s.inAd ? p.ad_interval_s : p.content_interval_s) * 1000;
      const min = interval * p.too_frequent_factor;
      const d = s.t - prev.t;
      if (d < min)
        hits.push({
          code: 'CADENCE_PING_TOO_FREQUENT',
          event: s.e,
          message: `${s.asset} ${s.type} pings only ${fmtS(d)} apart in one state; expected at least ${fmtS(min)}`,
          expected: `≥ ${fmtS(min)}`,
          observed: fmtS(d),
        });
    }
    return { status: 'ran', hits };
  },
});

export const earlyFirstPing = defineCheck({
  id: 'cadence.early_first_ping',
  codes: ['CADENCE_EARLY_FIRST_PING'],
  protocols: [...MEDIA],
  params: z.object({ first_ping_min_s: z.number().min(0).default(5) }).strict(),
  run(a, _v, p) {
    const hb = a.session.protocol === 'heartbeat';
    const steps = a.steps;
    const first = steps.findIndex((s) => s.type === 'play' && s.asset === 'main' && !s.inAd && !s.inBreak);
    if (first < 0) return { status: 'abstain', reason: 'no main play' };
    for (let i = first + 1; i < steps.length; i++) {
      const s = steps[i];
      if (s.inBreak || s.inAd || s.asset === 'ad' || s.type === 'adBreakStart' || s.type === 'adStart')
        return { status: 'abstain', reason: 'ad before the first ping' };
      const isFirstPing = hb ? s.type === 'play' && s.asset === 'main' : s.type === 'ping';
      if (hb && s.isPing && s.type !== 'play')
        return { status: 'abstain', reason: 'state changed before the first ping' };
      if (!isFirstPing) continue;
      if (hb && isFlush(steps, i)) return { status: 'abstain', reason: 'first heartbeat is a flush' };
      const d = s.t - steps[first].t;
      const min = p.first_ping_min_s * 1000;
      return {
        status: 'ran',
        hits:
          d < min
            ? [
                {
                  code: 'CADENCE_EARLY_FIRST_PING',
                  event: s.e,
                  message: `first main-content ping ${fmtS(d)} after the first play; this scope expects at least ${fmtS(min)}`,
                  expected: `≥ ${fmtS(min)}`,
                  observed: fmtS(d),
                },
              ]
            : [],
      };
    }
    return { status: 'abstain', reason: 'no ping after the first play' };
  },
});
