import { defineCheck } from '../../../types.js';
import { MC_EDGE } from '../../protocols.js';
import { NONE } from '../shared.js';
import { prerollWithoutBreak } from './fault.js';

export const adOutsideBreak = defineCheck({
  id: 'bookends.ad_outside_break',
  family: 'bookends',
  codes: [
    {
      code: 'AD_OUTSIDE_BREAK',
      severity: 'error',
      definition: '`adStart` outside an `adBreakStart`…`adBreakComplete` pair (Media Collection / Edge)',
    },
  ],
  protocols: MC_EDGE,
  params: NONE,
  evidence: { needs: 'the ad starts of the session and the breaks around them' },
  fault: {
    where: 'timeline',
    protocols: ['media-collection', 'media-edge'],
    needs: { preroll: 'short' },
    inject: prerollWithoutBreak,
  },
  doc: {
    text: 'Media Collection / Edge `adStart` with no open ad break. ABSTAIN on sessions without ads.',
    examples: [
      {
        title: 'a preroll ad sent without its break',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'adStart', ph: 0, fires: 'AD_OUTSIDE_BREAK' },
          { at: 8300, type: 'adComplete', ph: 0 },
          { at: 8400, type: 'play', ph: 0 },
        ],
      },
      {
        title: 'an ad inside its break',
        protocol: 'media-edge',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'adBreakStart', ph: 0 },
          { at: 400, type: 'adStart', ph: 0 },
          { at: 8400, type: 'adComplete', ph: 0 },
          { at: 8500, type: 'adBreakComplete', ph: 0 },
        ],
      },
    ],
  },
  run(a) {
    const ads = a.steps.filter((s) => s.type === 'adStart');
    if (ads.length === 0) return { status: 'abstain', reason: 'no ads' };
    return {
      status: 'ran',
      hits: ads
        .filter((s) => !s.inBreak)
        .map((s) => ({
          code: 'AD_OUTSIDE_BREAK',
          event: s.e,
          message: 'adStart outside an adBreakStart…adBreakComplete pair',
          expected: 'open ad break',
          observed: 'no ad break',
        })),
    };
  },
});
