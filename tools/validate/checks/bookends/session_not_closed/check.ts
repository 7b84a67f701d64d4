import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { captureContinued, isClose } from '../shared.js';
import { dropClose } from './fault.js';

export const sessionNotClosed = defineCheck({
  id: 'bookends.session_not_closed',
  family: 'bookends',
  renamedFrom: ['bookends.not_closed'],
  codes: [
    {
      code: 'SESSION_NOT_CLOSED',
      severity: 'warning',
      definition:
        "no `complete`/`end` (`sessionComplete`/`sessionEnd`) although the capture goes on ≥ 30 s after the session's last event; ABSTAIN when the capture ends sooner",
    },
  ],
  protocols: MEDIA,
  params: z.object({ capture_gap_s: z.number().default(30) }).strict(),
  relaxes: { capture_gap_s: 'up' },
  evidence: {
    needs:
      "capture traffic ≥ capture_gap_s after the session's last event (a capture cut off mid-play cannot tell)",
  },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { closes: true },
    inject: dropClose,
    captureGoesOn: true,
  },
  doc: {
    text: [
      'No `complete`/`end` (`sessionComplete`/`sessionEnd`; heartbeat: a main `complete` or `end`) although',
      "the capture goes on ≥ `capture_gap_s` [30] s after the session's last event. ABSTAIN when the capture",
      'ends sooner: a capture cut off mid-play cannot tell.',
    ].join('\n'),
    examples: [
      {
        title: 'the app tore the player down without ending the tracking session',
        protocol: 'heartbeat',
        captureUntil: 90000,
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          {
            at: 10400,
            type: 'play',
            ph: 10,
            fires: 'SESSION_NOT_CLOSED',
            note: 'last event; the capture goes on 80 s',
          },
        ],
      },
      {
        title: 'a session closed with complete and end',
        protocol: 'heartbeat',
        captureUntil: 90000,
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 10400, type: 'complete', ph: 10 },
          { at: 10500, type: 'end', ph: 10 },
        ],
      },
      {
        title: 'the capture stops 5 s after the last ping: cut off, not unclosed',
        protocol: 'media-collection',
        captureUntil: 15300,
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'ping', ph: 10 },
        ],
        abstains: 'capture ends before the session could close',
      },
    ],
  },
  run(a, v, p) {
    const hb = a.session.protocol === 'heartbeat';
    const closed = a.steps.some((s) => isClose(s) && (!hb || s.asset === 'main' || s.type === 'sessionEnd'));
    if (closed) return { status: 'ran', hits: [] };
    if (!captureContinued(a, v, p.capture_gap_s * 1000))
      return { status: 'abstain', reason: 'capture ends before the session could close' };
    const last = a.steps[a.steps.length - 1];
    return {
      status: 'ran',
      hits: [
        {
          code: 'SESSION_NOT_CLOSED',
          event: last.e,
          message: `no complete/end although the capture goes on ≥ ${p.capture_gap_s} s after the last event`,
          expected: 'sessionComplete or sessionEnd',
          observed: `last event ${last.type}`,
        },
      ],
    };
  },
});
