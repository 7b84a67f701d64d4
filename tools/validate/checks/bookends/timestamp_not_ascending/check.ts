import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { swapCloseTimestamps } from './fault.js';

export const timestampNotAscending = defineCheck({
  id: 'bookends.timestamp_not_ascending',
  family: 'bookends',
  renamedFrom: ['bookends.timestamp_ascending'],
  codes: [
    {
      code: 'TIMESTAMP_NOT_ASCENDING',
      severity: 'warning',
      definition:
        'event timestamps of one media session (`l:event:ts`, `playerTime.ts`, `xdm.timestamp`) are not strictly ascending, ≥ 1 ms apart, in send order',
    },
  ],
  protocols: MEDIA,
  params: z.object({ min_step_ms: z.number().default(1) }).strict(),
  relaxes: { min_step_ms: 'down' },
  evidence: { needs: 'at least two beacons of the session that carry their own timestamp' },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { completes: true, vod: true },
    inject: swapCloseTimestamps,
  },
  doc: {
    text: [
      'Beacon timestamps of one media session (`l:event:ts`, `playerTime.ts`, `xdm.timestamp`) not strictly',
      'ascending, ≥ `min_step_ms` [1] ms apart, in send order. ABSTAIN when the beacons carry no timestamps.',
      'Reports at most 5 events.',
    ].join('\n'),
    examples: [
      {
        title:
          'a queue flushed out of order: sessionComplete carries a later timestamp than the event after it',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'sessionComplete', ph: 10, beaconAt: 10340 },
          { at: 10320, type: 'sessionEnd', ph: 10, beaconAt: 10300, fires: 'TIMESTAMP_NOT_ASCENDING' },
        ],
      },
      {
        title: 'captured out of order by a proxy, but beacon timestamps ascend in send order',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 10400, type: 'play', ph: 10 },
        ],
      },
    ],
  },
  run(a, _v, p) {
    const withTs = a.steps.filter((s) => s.e.beacon_ts_ms !== null);
    if (withTs.length < 2) return { status: 'abstain', reason: 'beacons carry no timestamps' };
    const hits: Hit[] = [];
    for (let k = 1; k < withTs.length; k++) {
      const d = withTs[k].e.beacon_ts_ms! - withTs[k - 1].e.beacon_ts_ms!;
      if (d < p.min_step_ms) {
        hits.push({
          code: 'TIMESTAMP_NOT_ASCENDING',
          event: withTs[k].e,
          since: withTs[k - 1].e,
          message: `beacon timestamp ${d} ms after the previous one in send order`,
          expected: `≥ ${p.min_step_ms} ms later`,
          observed: `${d} ms`,
        });
        if (hits.length >= 5) break;
      }
    }
    return { status: 'ran', hits };
  },
});
