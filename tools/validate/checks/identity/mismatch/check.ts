import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';

export const mismatch = defineCheck({
  id: 'identity.mismatch',
  family: 'identity',
  renamedFrom: ['identity.ecid_consistent'],
  codes: [
    {
      code: 'IDENTITY_MISMATCH',
      severity: 'warning',
      definition: 'the ECID changes within one media session or between its Analytics and media calls',
    },
  ],
  protocols: ['heartbeat', 'media-collection', 'media-edge'],
  params: z.object({}).strict(),
  evidence: { needs: 'an ECID in the session (heartbeat: also its Analytics media-start hit)' },
  fault: {
    where: 'render',
    protocols: ['heartbeat', 'media-edge'],
    ok: (s, l) => s.protocol === 'heartbeat' || l.platform !== 'web',
    note: (p) =>
      p === 'heartbeat' ? 'AA ms_s hit carries a different mid than the heartbeat s:user:mid' : null,
    describe: 'ECID differs between the AA media start hit and the heartbeat session',
  },
  doc: {
    text: [
      'The ECID changes within one media session, or a heartbeat session’s ECID (`s:user:mid`) differs from',
      'its Analytics media-start hit’s `mid` (matched by `a.media.vsid`). ABSTAIN when the session carries no ECID.',
    ].join('\n'),
    examples: [
      {
        title: 'resetIdentities mid-session: identityMap.ECID changes',
        protocol: 'media-edge',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          {
            at: 10300,
            type: 'ping',
            ph: 10,
            params: {
              identityMap: {
                ECID: [
                  {
                    id: '11112222333344445555666677778888999900',
                    authenticatedState: 'ambiguous',
                    primary: false,
                  },
                ],
              } as never,
            },
            fires: 'IDENTITY_MISMATCH',
          },
        ],
      },
      {
        title: 'one ECID throughout',
        protocol: 'heartbeat',
        events: [
          { at: 0, on: 'aa', type: 'ms_s' },
          { at: 100, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
        ],
      },
    ],
  },
  run(a, v) {
    // The distinct ECIDs in order of first appearance (nearly always one: no set or arrays per session).
    const ids: string[] = [];
    for (const e of a.session.events) {
      const id = e.actor.ecid;
      if (id && id !== ids[0] && !ids.includes(id)) ids.push(id);
    }
    const hits: Hit[] = [];
    if (ids.length > 1) {
      const e = a.session.events.find((x) => x.actor.ecid === ids[1])!;
      hits.push({
        code: 'IDENTITY_MISMATCH',
        event: e,
        message: `ECID changes within the media session (${ids.length} distinct ids)`,
        expected: ids[0],
        observed: ids[1],
      });
    } else if (ids.length === 1 && a.session.protocol === 'heartbeat') {
      const aa = v.capture.events.find(
        (e) =>
          e.sequence.event_type === 'aaMediaStart' && (e.params['c.a.media.vsid'] ?? null) === a.session.key,
      );
      if (aa?.actor.ecid && aa.actor.ecid !== ids[0])
        hits.push({
          code: 'IDENTITY_MISMATCH',
          event: aa,
          message: "the Analytics media-start hit's mid differs from the heartbeat session's s:user:mid",
          expected: ids[0],
          observed: aa.actor.ecid,
        });
    }
    if (ids.length === 0) return { status: 'abstain', reason: 'no ECID in the session' };
    return { status: 'ran', hits };
  },
});
