import { z } from 'zod';
import { defineCheck } from '../types.js';
import type { CheckDef, Hit, Step } from '../types.js';

const MEDIA = ['heartbeat', 'media-collection', 'media-edge'] as const;
const SEEK_STATES = new Set(['paused', 'buffering']);

/** Playhead movement between two events; a live second-of-day playhead wraps at midnight. */
export function playheadStep(from: number, to: number): number {
  return from > 86_000 && to < 400 ? 86_400 - from + to : to - from;
}

/** Main-content events that carry the main playhead. */
function mainSteps(steps: Step[], hb: boolean): Step[] {
  return steps.filter((s) => s.playhead !== null && (hb ? s.asset === 'main' : true));
}

export const decreasing = defineCheck({
  id: 'playhead.decreasing',
  codes: ['PLAYHEAD_DECREASING'],
  protocols: [...MEDIA],
  params: z.object({ tolerance_s: z.number().min(0).default(0.5) }).strict(),
  run(a, _v, p) {
    const hb = a.session.protocol === 'heartbeat';
    const ms = mainSteps(a.steps, hb);
    const hits: Hit[] = [];
    for (let k = 1; k < ms.length; k++) {
      const prev = ms[k - 1];
      const s = ms[k];
      const drop = prev.playhead! - s.playhead!;
      if (drop <= p.tolerance_s) continue;
      // A seek shows as pause/buffer before the jump; a (re)start resets the playhead.
      const seek = SEEK_STATES.has(s.stateBefore) || prev.type === 'pause' || prev.type === 'buffer';
      const restart =
        ['sessionStart', 'resume'].includes(s.type) || ['sessionStart', 'resume'].includes(prev.type);
      const midnight = prev.playhead! > 86_000 && s.playhead! < 400;
      if (seek || restart || midnight) continue;
      hits.push({
        code: 'PLAYHEAD_DECREASING',
        event: s.e,
        message: `main playhead went back from ${prev.playhead} s to ${s.playhead} s (${prev.type} → ${s.type}) with no seek`,
        expected: `≥ ${prev.playhead}`,
        observed: String(s.playhead),
      });
    }
    return { status: 'ran', hits };
  },
});

export const stalled = defineCheck({
  id: 'playhead.stalled',
  codes: ['PLAYHEAD_STALLED'],
  protocols: [...MEDIA],
  params: z
    .object({
      min_pings: z.number().int().min(2).default(3),
      min_span_s: z.number().default(20),
      min_ratio: z.number().default(0.1),
    })
    .strict(),
  run(a, _v, p) {
    const hb = a.session.protocol === 'heartbeat';
    const hits: Hit[] = [];
    let run: Step[] = [];
    const flush = () => {
      if (run.length >= p.min_pings) {
        const span = (run[run.length - 1].t - run[0].t) / 1000;
        let adv = 0;
        for (let k = 1; k < run.length; k++) adv += playheadStep(run[k - 1].playhead!, run[k].playhead!);
        if (span >= p.min_span_s && adv < p.min_ratio * span)
          hits.push({
            code: 'PLAYHEAD_STALLED',
            event: run[run.length - 1].e,
            message: `${run.length} play pings over ${span.toFixed(1)} s moved the playhead only ${adv.toFixed(1)} s`,
            expected: `≥ ${(p.min_ratio * span).toFixed(1)} s of playhead`,
            observed: `${adv.toFixed(1)} s`,
          });
      }
      run = [];
    };
    for (const s of a.steps) {
      const playPing = hb
        ? s.type === 'play' && s.asset === 'main'
        : s.type === 'ping' && s.stateBefore === 'playing' && !s.inAd && !s.inBreak;
      if (playPing && s.playhead !== null) {
        // A backward jump ends the run: a decrease is PLAYHEAD_DECREASING's finding, not a stall.
        const last = run[run.length - 1];
        if (last && playheadStep(last.playhead!, s.playhead) < -0.5) flush();
        run.push(s);
      } else if (hb ? s.asset === 'main' || s.asset === 'ad' : s.type !== 'ping' || s.inAd || s.inBreak)
        flush();
    }
    flush();
    return { status: 'ran', hits };
  },
});

export const advancedWhilePaused = defineCheck({
  id: 'playhead.advanced_while_paused',
  codes: ['PLAYHEAD_ADVANCED_WHILE_PAUSED'],
  protocols: [...MEDIA],
  params: z.object({ tolerance_s: z.number().min(0).default(1) }).strict(),
  run(a, _v, p) {
    const hb = a.session.protocol === 'heartbeat';
    const hits: Hit[] = [];
    const hit = (s: Step, from: number, why: string) =>
      hits.push({
        code: 'PLAYHEAD_ADVANCED_WHILE_PAUSED',
        event: s.e,
        message: `main playhead moved from ${from} s to ${s.playhead} s ${why}`,
        expected: String(from),
        observed: String(s.playhead),
      });
    if (hb) {
      const ms = mainSteps(a.steps, true);
      for (let k = 1; k < ms.length; k++) {
        const prev = ms[k - 1];
        const s = ms[k];
        if (
          (s.type === 'pause' || s.type === 'buffer') &&
          prev.type === s.type &&
          Math.abs(s.playhead! - prev.playhead!) > p.tolerance_s
        )
          hit(s, prev.playhead!, `between two ${s.type} heartbeats`);
      }
      return { status: 'ran', hits };
    }
    let anchor: { ph: number; why: string } | null = null;
    for (const s of a.steps) {
      if (s.type === 'pause' || s.type === 'buffer') {
        anchor =
          s.playhead === null
            ? null
            : { ph: s.playhead, why: `while ${s.type === 'pause' ? 'paused' : 'buffering'}` };
        continue;
      }
      if (s.type === 'adBreakStart') {
        anchor = s.playhead === null ? null : { ph: s.playhead, why: 'during an ad break' };
        continue;
      }
      if (s.type === 'adBreakComplete') {
        if (anchor && s.playhead !== null && Math.abs(s.playhead - anchor.ph) > p.tolerance_s)
          hit(s, anchor.ph, anchor.why);
        anchor = null;
        continue;
      }
      if (!anchor) continue;
      const frozen = s.type === 'ping' || s.inBreak;
      if (!frozen) {
        anchor = null;
        continue;
      }
      if (s.playhead !== null && Math.abs(s.playhead - anchor.ph) > p.tolerance_s) {
        hit(s, anchor.ph, anchor.why);
        anchor = null;
      }
    }
    return { status: 'ran', hits };
  },
});

export const outOfRange = defineCheck({
  id: 'playhead.out_of_range',
  codes: ['PLAYHEAD_OUT_OF_RANGE'],
  protocols: [...MEDIA],
  params: z
    .object({
      length_slack_s: z.number().default(2),
      live_types: z.array(z.string()).default(['live', 'linear']),
      live_max_s: z.number().default(86_400),
    })
    .strict(),
  run(a, _v, p) {
    const hb = a.session.protocol === 'heartbeat';
    const live = a.contentType !== null && p.live_types.includes(a.contentType);
    const hits: Hit[] = [];
    for (const s of mainSteps(a.steps, hb)) {
      const ph = s.playhead!;
      let bad: string | null = null;
      if (ph < 0) bad = '≥ 0';
      else if (live && ph > p.live_max_s) bad = `≤ ${p.live_max_s} (second of day)`;
      else if (!live && a.lengthS !== null && a.lengthS > 0 && ph > a.lengthS + p.length_slack_s)
        bad = `≤ ${a.lengthS + p.length_slack_s} (length + ${p.length_slack_s} s)`;
      if (bad) {
        hits.push({
          code: 'PLAYHEAD_OUT_OF_RANGE',
          event: s.e,
          message: `playhead ${ph} s is out of range for ${live ? 'live' : 'VOD'} content`,
          expected: bad,
          observed: String(ph),
        });
        if (hits.length >= 5) break;
      }
    }
    return { status: 'ran', hits };
  },
});
