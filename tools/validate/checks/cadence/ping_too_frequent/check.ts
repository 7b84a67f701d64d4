import { z } from 'zod';
import { fmtS, isFlush } from '../../../annotate.js';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { AD_INTERVAL_TERMS, MAIN_INTERVAL_TERMS } from '../shared.js';
import { extraPings } from './fault.js';

export const pingTooFrequent = defineCheck({
  id: 'cadence.ping_too_frequent',
  family: 'cadence',
  codes: [
    {
      code: 'CADENCE_PING_TOO_FREQUENT',
      severity: 'warning',
      definition: 'periodic pings in one unchanged state come faster than 0.5 × the interval',
    },
  ],
  protocols: MEDIA,
  params: z
    .object({
      content_interval_s: z.number().positive().default(10),
      ad_interval_s: z.number().positive().default(10),
      too_frequent_factor: z.number().positive().max(1).default(0.5),
    })
    .strict(),
  relaxes: { content_interval_s: 'down', ad_interval_s: 'down', too_frequent_factor: 'down' },
  evidence: {
    needs: 'two consecutive periodic pings in one unchanged state, with nothing quarantined between them',
    continuous: true,
  },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { longStretch: true },
    inject: extraPings,
  },
  propose: [
    { param: 'content_interval_s', evidence: { kind: 'interval', terms: MAIN_INTERVAL_TERMS } },
    { param: 'ad_interval_s', evidence: { kind: 'interval', terms: AD_INTERVAL_TERMS } },
  ],
  doc: {
    text: [
      'Two consecutive periodic pings in one unchanged state (same type, same asset type, nothing between',
      'them) less than `too_frequent_factor` [0.5] × the interval apart (`ad_interval_s` in ads, else',
      '`content_interval_s`). Legacy heartbeat flushes are excluded: the SDK reports the ending state when the',
      'state changes, so a same-state heartbeat followed by a different event before the next tick (within the',
      "interval) is a flush, however early in the quantum it comes (the next state's report may wait seconds).",
    ].join('\n'),
    examples: [
      {
        title: 'a custom timer sends content pings every 2 s',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'ping', ph: 10 },
          {
            at: 12300,
            type: 'ping',
            ph: 12,
            fires: 'CADENCE_PING_TOO_FREQUENT',
            note: '2 s after the previous ping; at least 5 s',
          },
          { at: 22300, type: 'ping', ph: 22 },
        ],
      },
      {
        title: 'a heartbeat flush: the play state is re-sent 300 ms before a pause',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 10400, type: 'play', ph: 10 },
          { at: 13100, type: 'play', ph: 12, note: 'flush: the state changes right after' },
          { at: 13400, type: 'pause', ph: 12 },
        ],
      },
      {
        title: 'a heartbeat flush 1.4 s before the pause report (cross-check capture web/heartbeat/0216)',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 10400, type: 'play', ph: 10 },
          { at: 14000, type: 'play', ph: 13.6, note: 'flush 3.6 s after the last report: not periodic' },
          { at: 15400, type: 'pause', ph: 13.6, note: 'the pause report waits for the next SDK tick' },
        ],
      },
    ],
  },
  run(a, _v, p) {
    const hits: Hit[] = [];
    const steps = a.steps;
    const hb = a.session.protocol === 'heartbeat';
    for (let i = 1; i < steps.length; i++) {
      const s = steps[i];
      const prev = steps[i - 1];
      if (!s.isPing || !prev.isPing || s.type !== prev.type || s.asset !== prev.asset) continue;
      const interval = (s.asset === 'ad' || s.inAd ? p.ad_interval_s : p.content_interval_s) * 1000;
      // A report of the ending state is not periodic: the next report (of another state) comes within
      // the interval, i.e. the state changed before the next tick.
      if (hb && isFlush(steps, i, interval)) continue;
      const min = interval * p.too_frequent_factor;
      const d = s.t - prev.t;
      if (d < min)
        hits.push({
          code: 'CADENCE_PING_TOO_FREQUENT',
          event: s.e,
          since: prev.e,
          message: `${s.asset} ${s.type} pings only ${fmtS(d)} apart in one state; expected at least ${fmtS(min)}`,
          expected: `≥ ${fmtS(min)}`,
          observed: fmtS(d),
        });
    }
    return { status: 'ran', hits };
  },
});
