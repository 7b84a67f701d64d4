import { z } from 'zod';
import { defineCheck } from '../../../types.js';

export const beaconTruncated = defineCheck({
  id: 'transport.beacon_truncated',
  family: 'transport',
  renamedFrom: ['transport.truncated'],
  codes: [
    {
      code: 'BEACON_TRUNCATED',
      severity: 'error',
      definition: 'an Analytics GET that begins with `AQB=1` has no `AQE=1`',
    },
  ],
  protocols: ['aa'],
  params: z.object({}).strict(),
  evidence: {
    needs: 'Analytics GET hits whose query starts with AQB=1 (the markers AppMeasurement wraps a hit in)',
  },
  fault: { where: 'page', protocols: ['page'], ok: (_s, l) => l.pageStyle === 'appmeasurement' },
  doc: {
    text: [
      'An Analytics GET whose query starts with `AQB=1` has no `AQE=1`: the URL was cut (AppMeasurement falls',
      'back to POST above 2047 characters; a browser or proxy that cuts the GET loses the tail). ABSTAIN when',
      'no hit is AQB-wrapped (mobile SDKs do not wrap).',
    ].join('\n'),
    examples: [
      {
        title: 'a page view cut at 2047 characters: AQE=1 is gone',
        protocol: 'aa',
        events: [
          { at: 0, type: 'page' },
          { at: 5000, type: 'page', params: { AQE: null }, fires: 'BEACON_TRUNCATED' },
        ],
      },
      {
        title: 'complete hits',
        protocol: 'aa',
        events: [
          { at: 0, type: 'page' },
          { at: 5000, type: 'lnk_o' },
        ],
      },
    ],
  },
  run(a) {
    const gets = a.session.events.filter(
      (e) => e.family === 'aa' && e.network.method === 'GET' && (e.raw.query ?? '').startsWith('AQB=1'),
    );
    if (gets.length === 0) return { status: 'abstain', reason: 'no AQB-wrapped GET hits' };
    return {
      status: 'ran',
      hits: gets
        .filter((e) => !Object.hasOwn(e.params, 'AQE'))
        .map((e) => ({
          code: 'BEACON_TRUNCATED',
          event: e,
          message: `Analytics GET of ${(e.raw.query ?? '').length} chars starts with AQB=1 but has no AQE=1 (URL cut off)`,
          expected: 'AQE=1',
          observed: 'missing',
        })),
    };
  },
});
