import { z } from 'zod';
import { fmtS } from '../../../annotate.js';
import { defineCheck } from '../../../types.js';
import type { Hit, Step } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { IDLE_MS, isDownloaded, MAIN_INTERVAL_TERMS, OPEN } from '../shared.js';
import { dropMainPings } from './fault.js';

export const contentPingGap = defineCheck({
  id: 'cadence.content_ping_gap',
  family: 'cadence',
  codes: [
    {
      code: 'CADENCE_CONTENT_PING_GAP',
      severity: 'error',
      definition:
        "two consecutive main-content pings of an open, non-idle session are more than 1.5 × the scope's content interval apart (default interval 10 s)",
    },
  ],
  protocols: MEDIA,
  params: z
    .object({
      content_interval_s: z.number().positive().default(10),
      downloaded_interval_s: z.number().positive().default(50),
      gap_factor: z.number().min(1).default(1.5),
    })
    .strict(),
  relaxes: { downloaded_interval_s: 'up', content_interval_s: 'up', gap_factor: 'up' },
  evidence: {
    needs: 'two consecutive main-content pings of one open session, with nothing quarantined between them',
    continuous: true,
  },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { longStretch: true },
    inject: dropMainPings,
  },
  propose: [
    {
      param: 'content_interval_s',
      metric: 'content_ping_interval_s',
      measure: 'content-ping-interval',
      evidence: { kind: 'interval', terms: MAIN_INTERVAL_TERMS },
      breaks: 'stretch-content-ping-gap',
    },
  ],
  doc: {
    text: [
      'Consecutive main-content pings more than `gap_factor` [1.5] × `content_interval_s` [10] apart, while the',
      'session is open and the gap is under 30 min (SDKs suspend pings when idle). Heartbeat: consecutive main',
      'heartbeats (`play`/`pause`/`buffer`/`stall`); an ad heartbeat or a (re)start resets the timer. Media',
      'Collection / Edge: consecutive events in main content, outside ad breaks (any event resets the ping',
      'timer). Gaps are measured in beacon time (`l:event:ts`, `playerTime.ts`, `xdm.timestamp`) because',
      'proxies deliver beacons late and in bursts.',
    ].join('\n'),
    examples: [
      {
        title: 'a 35 s hole between main play heartbeats (a background tab throttled the timer)',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 10400, type: 'play', ph: 10 },
          { at: 20400, type: 'play', ph: 20 },
          {
            at: 55400,
            type: 'play',
            ph: 55,
            fires: 'CADENCE_CONTENT_PING_GAP',
            note: '35 s after the last ping; at most 15 s',
          },
          { at: 65400, type: 'play', ph: 65 },
        ],
      },
      {
        title: 'a proxy delivers pings late and in one burst: their beacon times are still 10 s apart',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 31001, beaconAt: 10400, type: 'play', ph: 10 },
          { at: 31002, beaconAt: 20400, type: 'play', ph: 20 },
          { at: 31003, beaconAt: 30400, type: 'play', ph: 30, note: 'captured 1 ms apart, sent 10 s apart' },
        ],
      },
      {
        title: 'Media Collection: an ad break in between is not a content gap',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 10300, type: 'ping', ph: 10 },
          { at: 12000, type: 'adBreakStart', ph: 11 },
          { at: 12100, type: 'adStart', ph: 11 },
          { at: 22100, type: 'ping', ph: 11 },
          { at: 27100, type: 'adComplete', ph: 11 },
          { at: 27200, type: 'adBreakComplete', ph: 11 },
          { at: 27300, type: 'play', ph: 11 },
          { at: 37300, type: 'ping', ph: 21 },
        ],
      },
      {
        title: 'an entry quarantined inside the gap: the gap cannot be vouched for, so the check abstains',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0 },
          { at: 400, type: 'play', ph: 0 },
          { at: 10400, type: 'play', ph: 10 },
          {
            at: 20400,
            on: 'malformed',
            type: 'entry',
            note: 'a truncated HAR entry: maybe the missing ping',
          },
          { at: 40400, type: 'play', ph: 40 },
        ],
        abstains: 'quarantined',
      },
    ],
  },
  run(a, _v, p) {
    // Downloaded content pings every `downloaded_interval_s` (50 s), whatever the live interval.
    const interval = isDownloaded(a.session) ? p.downloaded_interval_s : p.content_interval_s;
    const limit = interval * p.gap_factor * 1000;
    const hits: Hit[] = [];
    const hb = a.session.protocol === 'heartbeat';
    let prev: Step | null = null;
    for (const s of a.steps) {
      // Heartbeat: consecutive main heartbeats; ads reset. MC/Edge: any event in main content resets the timer.
      const counts = hb
        ? s.isPing && s.asset === 'main'
        : !s.inAd && !s.inBreak && s.type !== 'adBreakStart' && s.type !== 'adStart';
      const resets = hb
        ? s.asset === 'ad' || s.type === 'sessionStart' || s.type === 'resume'
        : s.inBreak || s.inAd || s.type === 'adBreakStart' || s.type === 'adStart';
      if (resets || !OPEN(s)) {
        prev = null;
        if (!counts) continue;
      }
      if (!counts) continue;
      if (prev) {
        const d = s.t - prev.t;
        if (d > limit && d < IDLE_MS)
          hits.push({
            code: 'CADENCE_CONTENT_PING_GAP',
            event: s.e,
            since: prev.e,
            message: `main-content pings ${fmtS(d)} apart (${prev.type} → ${s.type}); expected at most ${fmtS(limit)}`,
            expected: `≤ ${fmtS(limit)}`,
            observed: fmtS(d),
          });
      }
      prev = s;
    }
    return { status: 'ran', hits };
  },
});
