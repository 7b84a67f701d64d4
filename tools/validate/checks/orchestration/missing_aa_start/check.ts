import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { vsidOf } from '../shared.js';

export const missingAaStart = defineCheck({
  id: 'orchestration.missing_aa_start',
  family: 'orchestration',
  renamedFrom: ['orchestration.aa_start'],
  codes: [
    {
      code: 'ORCH_MISSING_AA_START',
      severity: 'error',
      definition:
        'legacy heartbeat only: a main `start` without an Analytics media-start hit (`pe=ms_s`, same `a.media.vsid` when present) or without `aa_start`, within ±5 s (either order). The seed calls this family ORCH_MISSING_AA_PAGE',
    },
  ],
  protocols: ['heartbeat'],
  params: z.object({ window_s: z.number().positive().default(5) }).strict(),
  relaxes: { window_s: 'up' },
  evidence: {
    needs:
      'Analytics traffic in the capture: an excerpt or URL log without any /b/ss/ hit cannot show the media start',
    captureFamilies: ['aa'],
  },
  fault: {
    where: 'render',
    protocols: ['heartbeat'],
    marksStart: true,
    note: () => 'no Analytics pe=ms_s hit for the heartbeat session (media module not loaded)',
    describe: 'no Analytics pe=ms_s hit for the heartbeat session (AppMeasurement media module not loaded)',
  },
  doc: {
    text: [
      "Legacy heartbeat: the session's first main `start` with no Analytics `pe=ms_s` hit (same `a.media.vsid`",
      'when the hit has one) or no `aa_start` heartbeat within ±`window_s` [5] s, either order. Analytics hits',
      "carry no beacon time: one near the start's capture or beacon time counts (proxies deliver heartbeat",
      "calls late, in bursts). A repeated start is SESSION_START_DUPLICATE's business, not a second finding.",
      'ABSTAIN when the capture holds no Analytics traffic at all (an excerpt, a URL log).',
    ].join('\n'),
    examples: [
      {
        title: 'the media module is not loaded: no pe=ms_s hit next to the heartbeat start',
        protocol: 'heartbeat',
        events: [
          { at: -3000, on: 'aa', type: 'page' },
          { at: 100, type: 'start', ph: 0, fires: 'ORCH_MISSING_AA_START' },
          { at: 200, type: 'aa_start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
        ],
      },
      {
        title: 'the Analytics media start comes 3 s after the heartbeat start (either order is fine)',
        protocol: 'heartbeat',
        events: [
          { at: 100, type: 'start', ph: 0 },
          { at: 200, type: 'aa_start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 3100, on: 'aa', type: 'ms_s' },
        ],
      },
      {
        title: 'a heartbeat-only excerpt: no Analytics traffic at all, so the orchestration cannot be judged',
        protocol: 'heartbeat',
        events: [
          { at: 100, type: 'start', ph: 0 },
          { at: 200, type: 'aa_start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
        ],
        abstains: 'capture holds no Analytics',
      },
    ],
  },
  run(a, v, p) {
    // The AA media-start pairs with the session's first main start; a repeated start is
    // SESSION_START_DUPLICATE's business, not a second orchestration failure.
    const starts = a.steps.filter((s) => s.type === 'sessionStart' && s.asset === 'main').slice(0, 1);
    if (starts.length === 0) return { status: 'abstain', reason: 'no main start' };
    const w = p.window_s * 1000;
    const sid = a.session.key;
    const aaHits = v.capture.events.filter((e) => e.sequence.event_type === 'aaMediaStart');
    const hits: Hit[] = [];
    for (const st of starts) {
      // AA hits carry no beacon time: accept one near the start's capture or beacon time (proxies
      // deliver heartbeat calls late, in bursts). The two heartbeat calls compare by beacon time.
      const near = (t: number) => Math.abs(t - st.e.ts_ms) <= w || Math.abs(t - st.t) <= w;
      const aa = aaHits.find((e) => near(e.ts_ms) && (vsidOf(e.params) === null || vsidOf(e.params) === sid));
      const marker = a.steps.find((s) => s.type === 'aaStart' && Math.abs(s.t - st.t) <= w);
      const missing = [
        aa ? null : 'Analytics media-start hit (pe=ms_s)',
        marker ? null : 'heartbeat aa_start',
      ].filter(Boolean);
      if (missing.length)
        hits.push({
          code: 'ORCH_MISSING_AA_START',
          event: st.e,
          message: `main start without ${missing.join(' and ')} within ±${p.window_s} s`,
          expected: `ms_s hit and aa_start within ±${p.window_s} s`,
          observed: `missing ${missing.join(', ')}`,
        });
    }
    return { status: 'ran', hits };
  },
});
