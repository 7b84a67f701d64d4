import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit, Step } from '../../../types.js';
import { MC_EDGE } from '../../protocols.js';
import { captureContinued, isClose } from '../shared.js';
import { dropPostrollBreakComplete } from './fault.js';

export const adBreakNotClosed = defineCheck({
  id: 'bookends.adbreak_not_closed',
  family: 'bookends',
  codes: [
    {
      code: 'ADBREAK_NOT_CLOSED',
      severity: 'error',
      definition: '`adBreakStart` without `adBreakComplete` before main content resumes or the session ends',
    },
  ],
  protocols: MC_EDGE,
  params: z.object({ tolerance_s: z.number().default(1) }).strict(),
  relaxes: { tolerance_s: 'up' },
  evidence: {
    needs:
      "the break's start and what follows it; at the session's end, capture traffic ≥ 30 s after the session",
  },
  fault: {
    where: 'timeline',
    protocols: ['media-collection', 'media-edge'],
    needs: { completes: true, postroll: true, vod: true },
    inject: dropPostrollBreakComplete,
  },
  doc: {
    text: [
      '`adBreakStart` without `adBreakComplete` before the next `adBreakStart`, main content resuming (a main',
      '`play` with no ad open, or the main playhead advancing more than `tolerance_s` [1] s with no ad open) or',
      "the session's end. One fault, one finding: it is reported once, at the event that reveals it, and main",
      'content resuming ends the break implicitly — the state machine leaves the break there, so the pings',
      'that follow are main content (no cascade of PLAYHEAD_ADVANCED_WHILE_PAUSED or ad-ping findings).',
      'Media Collection / Edge only; ABSTAIN on sessions without ad breaks.',
    ].join('\n'),
    examples: [
      {
        title: 'the postroll break is never closed before sessionComplete',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
          { at: 60300, type: 'adBreakStart', ph: 60 },
          { at: 60400, type: 'adStart', ph: 60 },
          { at: 70400, type: 'adComplete', ph: 60 },
          {
            at: 70600,
            type: 'sessionComplete',
            ph: 60,
            fires: 'ADBREAK_NOT_CLOSED',
            note: 'the close reveals it',
          },
        ],
      },
      {
        title: 'a preroll break closed before content plays',
        protocol: 'media-edge',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'adBreakStart', ph: 0 },
          { at: 400, type: 'adStart', ph: 0 },
          { at: 10400, type: 'adComplete', ph: 0 },
          { at: 10500, type: 'adBreakComplete', ph: 0 },
          { at: 10600, type: 'play', ph: 0 },
        ],
      },
    ],
  },
  run(a, v, p) {
    const hits: Hit[] = [];
    let open: Step | null = null;
    let sawBreak = false;
    // One finding per unclosed break, at the event that reveals it (the next break, main content's
    // `play`, the session's close), with the break's start as the window's beginning.
    const report = (why: string, at: Step) => {
      if (open)
        hits.push({
          code: 'ADBREAK_NOT_CLOSED',
          event: at.e,
          since: open.e,
          message: `ad break opened at ${open.e.ts} has no adBreakComplete before ${why}`,
          expected: 'adBreakComplete',
          observed: why,
        });
      open = null;
    };
    for (const s of a.steps) {
      if (s.type === 'adBreakStart') {
        sawBreak = true;
        report('the next ad break', s);
        open = s;
      } else if (s.type === 'adBreakComplete') open = null;
      else if (isClose(s)) report(s.type, s);
      else if (s.endsBreak) report('main content resumed (play)', s);
      else if (
        open &&
        !s.inAd &&
        s.type !== 'adStart' &&
        s.playhead !== null &&
        open.playhead !== null &&
        s.playhead - open.playhead > p.tolerance_s
      )
        report('main content resumed', s);
    }
    const last = a.steps[a.steps.length - 1];
    if (open && last && captureContinued(a, v)) report('the end of the session', last);
    return sawBreak ? { status: 'ran', hits } : { status: 'abstain', reason: 'no ad breaks' };
  },
});
