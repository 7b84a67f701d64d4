import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { MC_EDGE } from '../../protocols.js';
import { vsidOf } from '../shared.js';
import { strayClientAaStart } from './fault.js';

export const unexpectedClientAaMedia = defineCheck({
  id: 'orchestration.unexpected_client_aa_media',
  family: 'orchestration',
  renamedFrom: ['orchestration.unexpected_client_aa'],
  codes: [
    {
      code: 'ORCH_UNEXPECTED_CLIENT_AA_MEDIA',
      severity: 'warning',
      definition:
        'a Media Collection or Edge media session also sends client-side `pe=ms_s`/`msa_s` hits: the backend already sends them, so media starts count twice',
    },
  ],
  protocols: MC_EDGE,
  params: z.object({ window_s: z.number().default(5) }).strict(),
  relaxes: { window_s: 'down' },
  evidence: {
    needs:
      'the capture around the session (it fires only on Analytics hits that are there; without any it passes)',
  },
  fault: {
    where: 'render',
    protocols: ['media-collection', 'media-edge'],
    beforeRender: strayClientAaStart,
    describe: 'client-side AA media start (pe=ms_s) next to the Media Collection/Edge session',
  },
  doc: {
    text: [
      'A Media Collection or Edge media session whose capture also holds client-side `pe=ms_s`/`msa_s` hits',
      'between `window_s` [5] s before its start and 5 s after its last event that no heartbeat session claims',
      '(by `vsid`): the backend already sends media starts, so they count twice.',
    ].join('\n'),
    examples: [
      {
        title: 'a leftover AppMeasurement media module sends ms_s next to a Media Collection session',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 900, on: 'aa', type: 'ms_s', fires: 'ORCH_UNEXPECTED_CLIENT_AA_MEDIA' },
          { at: 10300, type: 'ping', ph: 10 },
        ],
      },
      {
        title: 'page views next to the session are fine',
        protocol: 'media-collection',
        events: [
          { at: -2000, on: 'aa', type: 'page' },
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
        ],
      },
    ],
  },
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
