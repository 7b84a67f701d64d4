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
      'Any `min_pings` [3] or more consecutive main `play` pings (Media Collection / Edge: `ping`s while',
      'playing) spanning ≥ `min_span_s` [20] s of beacon time with the playhead advancing less than',
      "`min_ratio` [10 %] of that window's elapsed time. Every window inside a run of play pings is judged,",
      'so a freeze in the middle of a long healthy stretch is not diluted by the pings around it; one',
      'finding per freeze, at the ping that completes the first stalled window. A backward jump ends the',
      "run (a decrease is PLAYHEAD_DECREASING's finding, not a stall); any other event ends it too.",
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
          {
            at: 30300,
            type: 'ping',
            ph: 10.2,
            fires: 'PLAYHEAD_STALLED',
            note: 'the first window: 3 pings over 20 s moved 0.2 s',
          },
          { at: 40300, type: 'ping', ph: 10.2, note: 'the same freeze: no second finding' },
          { at: 41000, type: 'bufferStart', ph: 10.2 },
        ],
      },
      {
        title: 'a 20 s freeze inside a long healthy play stretch (cross-check capture roku/heartbeat/0034)',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          ...[1, 2, 3, 4, 5, 6].map((k) => ({ at: 400 + k * 10000, type: 'play', ph: k * 10 })),
          { at: 70400, type: 'play', ph: 60, note: 'the picture freezes here' },
          {
            at: 80400,
            type: 'play',
            ph: 60,
            fires: 'PLAYHEAD_STALLED',
            note: '3 play pings over 20 s moved 0 s; the 70 s run around them moved 80 s',
          },
          ...[1, 2, 3, 4, 5, 6].map((k) => ({ at: 80400 + k * 10000, type: 'play', ph: 60 + k * 10 })),
          { at: 141000, type: 'pause', ph: 120 },
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
    // Every window of ≥ min_pings consecutive play pings inside the run is judged, not the run as a
    // whole: a freeze in the middle of a long healthy stretch is diluted by the pings around it.
    // One finding per freeze: at the ping that completes the first stalled window; the next one may
    // only come after the playhead has moved normally again.
    const flush = () => {
      const adv = [0]; // adv[k] = playhead advance from run[0] to run[k]
      for (let k = 1; k < run.length; k++)
        adv.push(adv[k - 1] + playheadStep(run[k - 1].playhead!, run[k].playhead!));
      let stalled = false;
      for (let j = p.min_pings - 1; j < run.length; j++) {
        if (stalled) {
          const dt = (run[j].t - run[j - 1].t) / 1000;
          if (adv[j] - adv[j - 1] >= p.min_ratio * dt && dt > 0) stalled = false;
          continue;
        }
        for (let i = j - p.min_pings + 1; i >= 0; i--) {
          const span = (run[j].t - run[i].t) / 1000;
          if (span < p.min_span_s) continue;
          const moved = adv[j] - adv[i];
          if (moved >= p.min_ratio * span) continue;
          hits.push({
            code: 'PLAYHEAD_STALLED',
            event: run[j].e,
            since: run[i].e,
            message: `${j - i + 1} play pings over ${span.toFixed(1)} s moved the playhead only ${moved.toFixed(1)} s`,
            expected: `≥ ${(p.min_ratio * span).toFixed(1)} s of playhead`,
            observed: `${moved.toFixed(1)} s`,
          });
          stalled = true;
          break;
        }
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
