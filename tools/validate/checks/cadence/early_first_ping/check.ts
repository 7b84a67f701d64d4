import { z } from 'zod';
import { fmtS, isFlush } from '../../../annotate.js';
import { defineCheck } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { earlyFirstPing as pullFirstPing } from './fault.js';

export const earlyFirstPing = defineCheck({
  id: 'cadence.early_first_ping',
  family: 'cadence',
  codes: [
    {
      code: 'CADENCE_EARLY_FIRST_PING',
      severity: 'warning',
      definition:
        'the first main-content ping comes sooner after the first play than the scope allows (the seed example: Roku may be under 2 s)',
    },
  ],
  protocols: MEDIA,
  params: z.object({ first_ping_min_s: z.number().min(0).default(5) }).strict(),
  relaxes: { first_ping_min_s: 'down' },
  evidence: {
    needs: 'the first main play and the first ping after it, with no ad or state change between them',
    continuous: true,
  },
  fault: {
    where: 'timeline',
    protocols: ['media-collection', 'media-edge'],
    needs: { preroll: 'forbid' },
    inject: pullFirstPing,
  },
  propose: [
    {
      param: 'first_ping_min_s',
      metric: 'first_ping_delay_s',
      measure: 'first-ping-delay',
      evidence: { kind: 'first_ping', terms: [/first (content )?(ping|heartbeat)/i] },
      breaks: 'pull-first-ping',
    },
  ],
  doc: {
    text: [
      'The first main-content ping after the first main `play` comes sooner than `first_ping_min_s` [5]. Roku',
      'scopes allow 1 s (the first ping may come under 2 s there) and the tick-aligned legacy heartbeat timer',
      '0.25 s. ABSTAIN when an ad, a state change or a flush comes before the first ping.',
    ].join('\n'),
    examples: [
      {
        title: 'Media Collection sends its first ping 1.2 s after play',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          {
            at: 1500,
            type: 'ping',
            ph: 1,
            fires: 'CADENCE_EARLY_FIRST_PING',
            note: '1.2 s after play; at least 5 s',
          },
          { at: 11500, type: 'ping', ph: 11 },
        ],
      },
      {
        title: 'Roku may ping after 1.5 s',
        protocol: 'media-edge',
        params: { first_ping_min_s: 1 },
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 1800, type: 'ping', ph: 1 },
          { at: 11800, type: 'ping', ph: 11 },
        ],
      },
      {
        title: 'a preroll before the first content ping: nothing to judge',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 400, type: 'adBreakStart', ph: 0 },
        ],
        abstains: 'ad before the first ping',
      },
    ],
  },
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
                  since: steps[first].e,
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
