import { defineCheck } from '../../../types.js';
import type { Hit, Step } from '../../../types.js';
import { MEDIA } from '../../protocols.js';
import { captureContinued, isClose, NONE } from '../shared.js';
import { dropAdComplete } from './fault.js';

export const adNotClosed = defineCheck({
  id: 'bookends.ad_not_closed',
  family: 'bookends',
  codes: [
    {
      code: 'AD_NOT_CLOSED',
      severity: 'error',
      definition:
        "an ad start is not followed by its complete/skip before the next ad start, the break's end or the session's end",
    },
  ],
  protocols: MEDIA,
  params: NONE,
  evidence: {
    needs:
      "the ad's start and what follows it; at the session's end, capture traffic ≥ 30 s after the session",
  },
  fault: {
    where: 'timeline',
    protocols: ['heartbeat', 'media-collection', 'media-edge'],
    needs: { preroll: 'require' },
    inject: dropAdComplete,
  },
  doc: {
    text: [
      'An ad start not followed by its complete/skip before the next ad start, the break’s end, main content',
      "resuming (heartbeat: a main heartbeat; MC/Edge: a main `play` in the open break) or the session's end",
      '(only when the capture goes on ≥ 30 s, as for SESSION_NOT_CLOSED). One finding per unclosed ad, at the',
      'event that reveals it (the next ad start, the `adBreakComplete`, the close). An ad start re-sent for the',
      'same ad instance (same ad id and ad session id) while the ad stalls is reported here once, at the',
      're-sent start (decision D-11 in specs/README.md). ABSTAIN on sessions without ads.',
    ].join('\n'),
    examples: [
      {
        title: 'an ad never completes before its break ends',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'adBreakStart', ph: 0 },
          { at: 400, type: 'adStart', ph: 0, note: 'no adComplete/adSkip follows' },
          { at: 10400, type: 'ping', ph: 0 },
          {
            at: 15400,
            type: 'adBreakComplete',
            ph: 0,
            fires: 'AD_NOT_CLOSED',
            note: 'the break ends with the ad still open: the finding points at the event that reveals it',
          },
          { at: 15500, type: 'play', ph: 0 },
        ],
      },
      {
        title: 'a skipped ad is closed',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'adBreakStart', ph: 0 },
          { at: 400, type: 'adStart', ph: 0 },
          { at: 5400, type: 'adSkip', ph: 0 },
          { at: 5500, type: 'adBreakComplete', ph: 0 },
        ],
      },
    ],
  },
  run(a, v) {
    const hb = a.session.protocol === 'heartbeat';
    const hits: Hit[] = [];
    let open: Step | null = null;
    // One finding per unclosed ad, at the event that reveals it (the next ad start, the break's end,
    // main content resuming, the session's close), with the ad's start as the window's beginning.
    const report = (why: string, at: Step) => {
      if (open)
        hits.push({
          code: 'AD_NOT_CLOSED',
          event: at.e,
          since: open.e,
          message: `ad started at ${open.e.ts} was never completed or skipped before ${why}`,
          expected: 'adComplete or adSkip',
          observed: why,
        });
      open = null;
    };
    let sawAd = false;
    for (const s of a.steps) {
      if (s.type === 'adStart') {
        sawAd = true;
        report('the next ad start', s);
        open = s;
      } else if (s.type === 'adComplete' || s.type === 'adSkip') open = null;
      else if (s.type === 'adBreakComplete' || s.type === 'adBreakStart') report(`${s.type}`, s);
      else if (isClose(s)) report(s.type, s);
      else if (s.endsBreak) report('main content resumed (play)', s);
      else if (hb && s.asset === 'main' && s.isPing) report('main content resumed', s);
    }
    const last = a.steps[a.steps.length - 1];
    if (open && last && captureContinued(a, v)) report('the end of the session', last);
    return sawAd ? { status: 'ran', hits } : { status: 'abstain', reason: 'no ads' };
  },
});
