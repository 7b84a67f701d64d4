import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { mainSteps, SEEK_STATES } from '../shared.js';
import { dropPlayhead } from './fault.js';

export const decreasing = defineCheck({
  id: 'playhead.decreasing',
  family: 'playhead',
  codes: [
    {
      code: 'PLAYHEAD_DECREASING',
      severity: 'error',
      definition:
        'main playhead goes backwards between consecutive main-content events with no seek in between (a seek shows as pause/buffer/`pauseStart` before the jump)',
    },
  ],
  protocols: MEDIA,
  params: z.object({ tolerance_s: z.number().min(0).default(0.5) }).strict(),
  relaxes: { tolerance_s: 'up' },
  evidence: {
    needs: 'two consecutive main-content events with a playhead, with nothing quarantined between them',
    continuous: true,
  },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { longStretch: true },
    inject: dropPlayhead,
  },
  doc: {
    text: [
      'The main playhead drops by more than `tolerance_s` [0.5] between consecutive main-content events, unless',
      'the earlier event is a pause/buffer (a seek) or either is a (re)start; live streams wrapping past',
      'midnight (from > 86 000 to < 400, second-of-day playheads) are not a decrease.',
    ].join('\n'),
    examples: [
      {
        title: 'the player reports segment time: the playhead drops 12 s between two play heartbeats',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 10400, type: 'play', ph: 10 },
          { at: 20400, type: 'play', ph: 20 },
          {
            at: 30400,
            type: 'play',
            ph: 8,
            fires: 'PLAYHEAD_DECREASING',
            note: 'from 20 s back to 8 s, no pause',
          },
        ],
      },
      {
        title: 'a seek: the player pauses, then plays from an earlier position',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 10400, type: 'play', ph: 10 },
          { at: 12000, type: 'pause', ph: 11 },
          { at: 13000, type: 'play', ph: 3, note: 'backwards after a pause: a seek' },
          { at: 23000, type: 'play', ph: 13 },
        ],
      },
    ],
  },
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
        since: prev.e,
        message: `main playhead went back from ${prev.playhead} s to ${s.playhead} s (${prev.type} → ${s.type}) with no seek`,
        expected: `≥ ${prev.playhead}`,
        observed: String(s.playhead),
      });
    }
    return { status: 'ran', hits };
  },
});
