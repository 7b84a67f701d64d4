import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { mainSteps } from '../shared.js';

export const outOfRange = defineCheck({
  id: 'playhead.out_of_range',
  family: 'playhead',
  codes: [
    {
      code: 'PLAYHEAD_OUT_OF_RANGE',
      severity: 'error',
      definition: 'VOD playhead below 0 or beyond length + 2 s; live playhead outside 0–86 400',
    },
  ],
  protocols: MEDIA,
  params: z
    .object({
      length_slack_s: z.number().default(2),
      live_types: z.array(z.string()).default(['live', 'linear']),
      live_max_s: z.number().default(86_400),
    })
    .strict(),
  relaxes: { length_slack_s: 'up', live_max_s: 'up' },
  evidence: { needs: 'main-content events with a playhead; VOD also the declared length of the start event' },
  fault: {
    where: 'render',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { vod: true },
    note: (_p, s) =>
      s.tl.content === 'vod'
        ? `length declared in minutes (${Math.round(s.tl.lengthS / 60)}) for a ${s.tl.lengthS} s video`
        : 'live playhead sent as epoch seconds',
    describe:
      'content length declared in minutes (or live playhead as epoch seconds): playhead runs past length + 2 s',
  },
  doc: {
    text: [
      'VOD playhead < 0 or > length + `length_slack_s` [2] s (length from the start event); live/linear',
      '(`live_types`) outside 0–`live_max_s` [86 400] (second-of-day playheads). Reports at most 5 events.',
    ].join('\n'),
    examples: [
      {
        title: 'the length was declared in minutes: a 1200 s video says 20',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0, params: { 'l:asset:length': 20 } },
          { at: 400, type: 'play', ph: 0, params: { 'l:asset:length': 20 } },
          { at: 10400, type: 'play', ph: 10, params: { 'l:asset:length': 20 } },
          { at: 20400, type: 'play', ph: 20, params: { 'l:asset:length': 20 } },
          {
            at: 30400,
            type: 'play',
            ph: 30,
            params: { 'l:asset:length': 20 },
            fires: 'PLAYHEAD_OUT_OF_RANGE',
            note: '30 s > 20 + 2 s',
          },
        ],
      },
      {
        title: 'a live playhead is the second of the day',
        protocol: 'media-collection',
        events: [
          {
            at: 0,
            type: 'sessionStart',
            ph: 43200,
            params: { 'media.contentType': 'live', 'media.length': 86400 },
          },
          { at: 300, type: 'play', ph: 43200 },
          { at: 10300, type: 'ping', ph: 43210 },
        ],
      },
    ],
  },
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
