import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit, Step } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { mainSteps } from '../shared.js';
import { advanceDuringPause } from './fault.js';

export const advancedWhilePaused = defineCheck({
  id: 'playhead.advanced_while_paused',
  family: 'playhead',
  codes: [
    {
      code: 'PLAYHEAD_ADVANCED_WHILE_PAUSED',
      severity: 'warning',
      definition: 'the main playhead moves during pause, buffering or an ad break',
    },
  ],
  protocols: MEDIA,
  params: z.object({ tolerance_s: z.number().min(0).default(1) }).strict(),
  relaxes: { tolerance_s: 'up' },
  evidence: {
    needs: 'consecutive events of one pause, buffering or ad break, with nothing quarantined between them',
    continuous: true,
  },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { pause: 'long', noSeek: true, noComplete: true },
    inject: advanceDuringPause,
  },
  doc: {
    text: [
      'The main playhead moves by more than `tolerance_s` [1] s while paused or buffering (heartbeat:',
      'consecutive `pause`/`buffer` heartbeats; Media Collection / Edge: from `pauseStart`/`bufferStart` to the',
      'next event that is not a ping), or inside an ad break (Media Collection / Edge main playhead, from',
      '`adBreakStart` to `adBreakComplete`).',
    ].join('\n'),
    examples: [
      {
        title: 'pause pings report the currentTime of a muted preview that keeps running',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'pauseStart', ph: 10 },
          {
            at: 20300,
            type: 'ping',
            ph: 20,
            fires: 'PLAYHEAD_ADVANCED_WHILE_PAUSED',
            note: '10 s further while paused',
          },
          { at: 25000, type: 'play', ph: 25 },
        ],
      },
      {
        title: 'pause heartbeats that keep the playhead',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 10400, type: 'pause', ph: 10 },
          { at: 20400, type: 'pause', ph: 10 },
          { at: 30400, type: 'pause', ph: 10 },
          { at: 31000, type: 'play', ph: 10 },
        ],
      },
    ],
  },
  run(a, _v, p) {
    const hb = a.session.protocol === 'heartbeat';
    const hits: Hit[] = [];
    const hit = (s: Step, from: number, why: string, since: Step | null) =>
      hits.push({
        code: 'PLAYHEAD_ADVANCED_WHILE_PAUSED',
        event: s.e,
        since: since?.e ?? null,
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
          hit(s, prev.playhead!, `between two ${s.type} heartbeats`, prev);
      }
      return { status: 'ran', hits };
    }
    let anchor: { ph: number; why: string; at: Step } | null = null;
    for (const s of a.steps) {
      if (s.type === 'pause' || s.type === 'buffer') {
        anchor =
          s.playhead === null
            ? null
            : { ph: s.playhead, why: `while ${s.type === 'pause' ? 'paused' : 'buffering'}`, at: s };
        continue;
      }
      if (s.type === 'adBreakStart') {
        anchor = s.playhead === null ? null : { ph: s.playhead, why: 'during an ad break', at: s };
        continue;
      }
      if (s.type === 'adBreakComplete') {
        if (anchor && s.playhead !== null && Math.abs(s.playhead - anchor.ph) > p.tolerance_s)
          hit(s, anchor.ph, anchor.why, anchor.at);
        anchor = null;
        continue;
      }
      if (!anchor) continue;
      // Main content resuming ends a break left open (ADBREAK_NOT_CLOSED's finding, not this one).
      if (s.endsBreak) {
        anchor = null;
        continue;
      }
      const frozen = s.type === 'ping' || s.inBreak;
      if (!frozen) {
        anchor = null;
        continue;
      }
      if (s.playhead !== null && Math.abs(s.playhead - anchor.ph) > p.tolerance_s) {
        hit(s, anchor.ph, anchor.why, anchor.at);
        anchor = null;
      }
    }
    return { status: 'ran', hits };
  },
});
