import { z } from 'zod';
import { fmtS } from '../../../annotate.js';
import { defineCheck } from '../../../types.js';
import type { Hit, Step } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { AD_INTERVAL_TERMS, IDLE_MS } from '../shared.js';
import { dropAdPings } from './fault.js';

export const adPingGap = defineCheck({
  id: 'cadence.ad_ping_gap',
  family: 'cadence',
  codes: [
    {
      code: 'CADENCE_AD_PING_GAP',
      severity: 'error',
      definition:
        "two consecutive ad pings are more than 1.5 × the scope's ad interval apart (1 s legacy heartbeat, 10 s default elsewhere)",
    },
  ],
  protocols: MEDIA,
  params: z
    .object({ ad_interval_s: z.number().positive().default(10), gap_factor: z.number().min(1).default(1.5) })
    .strict(),
  relaxes: { ad_interval_s: 'up', gap_factor: 'up' },
  evidence: {
    needs: 'an ad start and the ad pings after it, with nothing quarantined between them',
    continuous: true,
  },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { preroll: 'require', longAd: true },
    inject: dropAdPings,
  },
  propose: [
    {
      param: 'ad_interval_s',
      metric: 'ad_ping_interval_s',
      measure: 'ad-ping-interval',
      evidence: { kind: 'interval', terms: AD_INTERVAL_TERMS },
      breaks: 'stretch-ad-ping-gap',
    },
  ],
  doc: {
    text: [
      'Consecutive ad pings more than `gap_factor` [1.5] × `ad_interval_s` apart: heartbeat ad heartbeats',
      '(the ad start, `play` ad heartbeats, the ad complete); Media Collection / Edge: consecutive events inside',
      'an open ad. `ad_interval_s`: legacy heartbeat 1 s, elsewhere 10 s (the default). ABSTAIN on sessions',
      'without ads.',
    ].join('\n'),
    examples: [
      {
        title: 'legacy heartbeat ad pings stop for 4 s inside a 1 s ad-ping scope',
        protocol: 'heartbeat',
        params: { ad_interval_s: 1 },
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 300, type: 'start', asset: 'ad', ph: 0 },
          { at: 1300, type: 'play', asset: 'ad', ph: 1 },
          { at: 2300, type: 'play', asset: 'ad', ph: 2 },
          {
            at: 6300,
            type: 'play',
            asset: 'ad',
            ph: 6,
            fires: 'CADENCE_AD_PING_GAP',
            note: '4 s after the last ad ping; at most 1.5 s',
          },
          { at: 7300, type: 'complete', asset: 'ad', ph: 7 },
        ],
      },
      {
        title: 'Media Collection ad pings every 10 s',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'adBreakStart', ph: 0 },
          { at: 400, type: 'adStart', ph: 0 },
          { at: 10400, type: 'ping', ph: 0 },
          { at: 20400, type: 'ping', ph: 0 },
          { at: 30300, type: 'adComplete', ph: 0 },
          { at: 30400, type: 'adBreakComplete', ph: 0 },
        ],
      },
      {
        title: 'a session without ads: nothing to judge',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'ping', ph: 10 },
        ],
        abstains: 'no ads',
      },
    ],
  },
  run(a, _v, p) {
    const limit = p.ad_interval_s * p.gap_factor * 1000;
    const hb = a.session.protocol === 'heartbeat';
    const hits: Hit[] = [];
    let prev: Step | null = null;
    let sawAd = false;
    for (const s of a.steps) {
      // Only while an ad is open: an ad complete re-sent after the ad closed is not an ad ping.
      const inAdTime = hb ? s.asset === 'ad' && s.type !== 'adStart' && prev !== null : s.inAd;
      if (s.type === 'adStart') {
        prev = s;
        sawAd = true;
        continue;
      }
      if (!inAdTime) {
        prev = null;
        continue;
      }
      const counts = hb ? s.isPing || s.type === 'adComplete' || s.type === 'adSkip' : true;
      if (!counts) continue;
      if (prev) {
        const d = s.t - prev.t;
        if (d > limit && d < IDLE_MS)
          hits.push({
            code: 'CADENCE_AD_PING_GAP',
            event: s.e,
            since: prev.e,
            message: `ad pings ${fmtS(d)} apart; expected at most ${fmtS(limit)} (${p.ad_interval_s} s interval)`,
            expected: `≤ ${fmtS(limit)}`,
            observed: fmtS(d),
          });
      }
      // Heartbeat: the ad's complete/skip closes it; what follows until the next ad start is not ad time.
      prev = hb && (s.type === 'adComplete' || s.type === 'adSkip') ? null : s;
    }
    return sawAd ? { status: 'ran', hits } : { status: 'abstain', reason: 'no ads in session' };
  },
});
