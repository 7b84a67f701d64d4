import { z } from 'zod';
import { defineCheck } from '../types.js';
import type { CheckDef, Hit } from '../types.js';

const vsidOf = (p: Record<string, unknown>): string | null => {
  const v = p['c.a.media.vsid'] ?? p['a.media.vsid'];
  return typeof v === 'string' && v !== '' ? v : null;
};

export const aaStart = defineCheck({
  id: 'orchestration.aa_start',
  codes: ['ORCH_MISSING_AA_START'],
  protocols: ['heartbeat'],
  params: z.object({ window_s: z.number().positive().default(5) }).strict(),
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

export const unexpectedClientAa = defineCheck({
  id: 'orchestration.unexpected_client_aa',
  codes: ['ORCH_UNEXPECTED_CLIENT_AA_MEDIA'],
  protocols: ['media-collection', 'media-edge'],
  params: z.object({ window_s: z.number().default(5) }).strict(),
  run(a, v, p) {
    if (a.steps.length === 0) return { status: 'abstain', reason: 'no events' };
    const from = a.steps[0].e.ts_ms - p.window_s * 1000;
    const to = a.steps[a.steps.length - 1].e.ts_ms + p.window_s * 1000;
    const hits: Hit[] = v.capture.events
      .filter(
        (e) =>
          (e.sequence.event_type === 'aaMediaStart' || e.sequence.event_type === 'aaAdStartHit') &&
          e.ts_ms >= from &&
          e.ts_ms <= to,
      )
      .filter((e) => {
        const vsid = vsidOf(e.params);
        return vsid === null || !v.heartbeatSids.has(vsid);
      })
      .map((e) => ({
        code: 'ORCH_UNEXPECTED_CLIENT_AA_MEDIA',
        event: e,
        message: `client-side Analytics ${e.params.pe} hit during a ${a.session.protocol} session: the backend already sends media starts, so they count twice`,
        expected: 'no client pe=ms_s/msa_s',
        observed: `pe=${e.params.pe}`,
      }));
    return { status: 'ran', hits };
  },
});
