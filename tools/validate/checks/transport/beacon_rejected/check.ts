import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { ALL } from '../../protocols.js';
import { edgePages } from '../shared.js';

export const beaconRejected = defineCheck({
  id: 'transport.beacon_rejected',
  family: 'transport',
  renamedFrom: ['transport.rejected'],
  codes: [
    {
      code: 'BEACON_REJECTED',
      severity: 'error',
      definition:
        'the collection server refused the call: HTTP ≥ 400, Edge `errors[]`/`EXEG-…`/`va-edge-0400-400`, Media Collection 400/404/410',
    },
  ],
  protocols: ALL,
  params: z.object({ min_status: z.number().int().default(400) }).strict(),
  relaxes: { min_status: 'up' },
  evidence: { needs: 'the response status (and Edge response body) of each beacon' },
  fault: {
    where: 'page',
    protocols: ['page', 'media-collection'],
    ok: (s, l) => s.protocol === 'media-collection' || edgePages(l),
    onPage: (s) => s.protocol !== 'media-collection',
    describe: 'collection server refused a media call',
  },
  doc: {
    text: [
      'HTTP ≥ `min_status` [400] on a beacon, or Edge `errors[]` / `EXEG-…` / `va-edge-0400-400` in the',
      'response. Reports at most 10 events.',
    ].join('\n'),
    examples: [
      {
        title: 'one Media Collection ping answered 503',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'ping', ph: 10, status: 503, fires: 'BEACON_REJECTED' },
          { at: 20300, type: 'ping', ph: 20 },
        ],
      },
      {
        title: 'accepted calls: 201 on sessionStart, 204 on events',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
        ],
      },
    ],
  },
  run(a, _v, p) {
    const hits: Hit[] = [];
    for (const e of a.session.events) {
      const byStatus = e.network.status >= p.min_status;
      if (byStatus || e.network.errors.length)
        hits.push({
          code: 'BEACON_REJECTED',
          event: e,
          message: `collection server refused the ${e.family} call: ${[byStatus ? `HTTP ${e.network.status}` : null, ...e.network.errors].filter(Boolean).join(', ')}`,
          expected: 'accepted (2xx, no errors[])',
          observed: byStatus ? `HTTP ${e.network.status}` : e.network.errors.join(', '),
        });
      if (hits.length >= 10) break;
    }
    return { status: 'ran', hits };
  },
});
