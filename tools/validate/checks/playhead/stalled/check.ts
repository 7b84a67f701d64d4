import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit, Step } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { playheadStep } from '../shared.js';
import { freezePlayhead } from './fault.js';

export const stalled = defineCheck({
  id: 'playhead.stalled',
  family: 'playhead',
  codes: [
    {
      code: 'PLAYHEAD_STALLED',
      severity: 'error',
      definition:
        'at least 3 consecutive main `play` pings spanning ≥ 20 s of wall time with the playhead advancing less than 10 % of the elapsed time',
    },
  ],
  protocols: MEDIA,
  params: z
    .object({
      min_pings: z.number().int().min(2).default(3),
      min_span_s: z.number().default(20),
      min_ratio: z.number().default(0.1),
    })
    .strict(),
  relaxes: { min_pings: 'up', min_span_s: 'up', min_ratio: 'down' },
  evidence: {
    needs: 'a run of consecutive main play pings, with nothing quarantined inside it',
    continuous: true,
  },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { longStretch: true },
    inject: freezePlayhead,
  },
  doc: {
    text: [
      'At least `min_pings` [3] consecutive main `play` pings (Media Collection / Edge: `ping`s while',
      'playing) spanning ≥ `min_span_s` [20] s of beacon time with the playhead advancing less than',
      '`min_ratio` [10 %] of the elapsed time. A backward jump ends the run (a decrease is',
      "PLAYHEAD_DECREASING's finding, not a stall); any other event ends it too.",
    ].join('\n'),
    examples: [
      {
        title: 'the video freezes while the SDK keeps reporting playing',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'ping', ph: 10 },
          { at: 20300, type: 'ping', ph: 10.1 },
          { at: 30300, type: 'ping', ph: 10.2 },
          {
            at: 40300,
            type: 'ping',
            ph: 10.2,
            fires: 'PLAYHEAD_STALLED',
            note: '4 pings over 30 s moved 0.2 s',
          },
          { at: 41000, type: 'bufferStart', ph: 10.2 },
        ],
      },
      {
        title: 'pause pings do not count: the playhead should stand still while paused',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'pauseStart', ph: 10 },
          { at: 20300, type: 'ping', ph: 10 },
          { at: 30300, type: 'ping', ph: 10 },
          { at: 40300, type: 'ping', ph: 10 },
        ],
      },
    ],
  },
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
            since: run[0].e,
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
