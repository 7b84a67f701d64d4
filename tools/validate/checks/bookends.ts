import { z } from 'zod';
import { defineCheck } from '../types.js';
import type { AnnotatedSession, CaptureView, Hit, Step } from '../types.js';

const MEDIA = ['heartbeat', 'media-collection', 'media-edge'] as const;
const MC_EDGE = ['media-collection', 'media-edge'] as const;
const NONE = z.object({}).strict();
const isStart = (s: Step) => (s.type === 'sessionStart' && s.asset === 'main') || s.type === 'resume';
const isClose = (s: Step) => s.type === 'sessionComplete' || s.type === 'sessionEnd';

/** The capture ran on for at least `gapMs` after the session's last event (so "not closed" is knowable). */
export function captureContinued(a: AnnotatedSession, v: CaptureView, gapMs = 30_000): boolean {
  const last = a.steps[a.steps.length - 1];
  return v.capture.endMs !== null && last !== undefined && v.capture.endMs - last.e.ts_ms >= gapMs;
}

export const startMissing = defineCheck({
  id: 'bookends.start_missing',
  codes: ['SESSION_START_MISSING'],
  protocols: [...MEDIA],
  params: NONE,
  run(a) {
    const first = a.steps[0];
    if (!first) return { status: 'abstain', reason: 'no media events' };
    return {
      status: 'ran',
      hits: isStart(first)
        ? []
        : [
            {
              code: 'SESSION_START_MISSING',
              event: first.e,
              message: `session begins with ${first.type}, not its start`,
              expected: 'sessionStart',
              observed: first.type,
            },
          ],
    };
  },
});

export const startDuplicate = defineCheck({
  id: 'bookends.start_duplicate',
  codes: ['SESSION_START_DUPLICATE'],
  protocols: [...MEDIA],
  params: NONE,
  run(a) {
    const starts = a.steps.filter((s) => s.type === 'sessionStart' && s.asset === 'main');
    return {
      status: 'ran',
      hits: starts.slice(1).map((s) => ({
        code: 'SESSION_START_DUPLICATE',
        event: s.e,
        message: `main start sent ${starts.length} times in one session`,
        expected: '1',
        observed: String(starts.length),
      })),
    };
  },
});

export const notClosed = defineCheck({
  id: 'bookends.not_closed',
  codes: ['SESSION_NOT_CLOSED'],
  protocols: [...MEDIA],
  params: z.object({ capture_gap_s: z.number().default(30) }).strict(),
  run(a, v, p) {
    const hb = a.session.protocol === 'heartbeat';
    const closed = a.steps.some((s) => isClose(s) && (!hb || s.asset === 'main' || s.type === 'sessionEnd'));
    if (closed) return { status: 'ran', hits: [] };
    if (!captureContinued(a, v, p.capture_gap_s * 1000))
      return { status: 'abstain', reason: 'capture ends before the session could close' };
    const last = a.steps[a.steps.length - 1];
    return {
      status: 'ran',
      hits: [
        {
          code: 'SESSION_NOT_CLOSED',
          event: last.e,
          message: `no complete/end although the capture goes on ≥ ${p.capture_gap_s} s after the last event`,
          expected: 'sessionComplete or sessionEnd',
          observed: `last event ${last.type}`,
        },
      ],
    };
  },
});

export const eventAfterClose = defineCheck({
  id: 'bookends.event_after_close',
  codes: ['EVENT_AFTER_CLOSE'],
  protocols: [...MEDIA],
  params: NONE,
  run(a) {
    const hits: Hit[] = [];
    let ended = false;
    let completed = false;
    for (const s of a.steps) {
      if (ended && !isStart(s))
        hits.push({
          code: 'EVENT_AFTER_CLOSE',
          event: s.e,
          message: `${s.type} after the session ended`,
          expected: 'nothing or a new start',
          observed: s.type,
        });
      else if (completed && !ended && s.type !== 'sessionEnd' && !isStart(s))
        hits.push({
          code: 'EVENT_AFTER_CLOSE',
          event: s.e,
          message: `${s.type} after main content completed`,
          expected: 'sessionEnd',
          observed: s.type,
        });
      if (isStart(s)) ended = completed = false;
      if (s.type === 'sessionEnd') ended = true;
      if (s.type === 'sessionComplete' && s.asset === 'main') completed = true;
      if (hits.length >= 5) break;
    }
    return { status: 'ran', hits };
  },
});

export const adNotClosed = defineCheck({
  id: 'bookends.ad_not_closed',
  codes: ['AD_NOT_CLOSED'],
  protocols: [...MEDIA],
  params: NONE,
  run(a, v) {
    const hb = a.session.protocol === 'heartbeat';
    const hits: Hit[] = [];
    let open: Step | null = null;
    const report = (s: Step | null, why: string) => {
      if (open)
        hits.push({
          code: 'AD_NOT_CLOSED',
          event: open.e,
          message: `ad started at ${open.e.ts} was never completed or skipped before ${why}`,
          expected: 'adComplete or adSkip',
          observed: why,
        });
      open = null;
      void s;
    };
    let sawAd = false;
    for (const s of a.steps) {
      if (s.type === 'adStart') {
        sawAd = true;
        report(s, 'the next ad start');
        open = s;
      } else if (s.type === 'adComplete' || s.type === 'adSkip') open = null;
      else if (s.type === 'adBreakComplete' || s.type === 'adBreakStart') report(s, `${s.type}`);
      else if (isClose(s)) report(s, s.type);
      else if (hb && s.asset === 'main' && s.isPing) report(s, 'main content resumed');
    }
    if (open && captureContinued(a, v)) report(null, 'the end of the session');
    return sawAd ? { status: 'ran', hits } : { status: 'abstain', reason: 'no ads' };
  },
});

export const adBreakNotClosed = defineCheck({
  id: 'bookends.adbreak_not_closed',
  codes: ['ADBREAK_NOT_CLOSED'],
  protocols: [...MC_EDGE],
  params: z.object({ tolerance_s: z.number().default(1) }).strict(),
  run(a, v, p) {
    const hits: Hit[] = [];
    let open: Step | null = null;
    let sawBreak = false;
    const report = (why: string) => {
      if (open)
        hits.push({
          code: 'ADBREAK_NOT_CLOSED',
          event: open.e,
          message: `ad break opened at ${open.e.ts} has no adBreakComplete before ${why}`,
          expected: 'adBreakComplete',
          observed: why,
        });
      open = null;
    };
    for (const s of a.steps) {
      if (s.type === 'adBreakStart') {
        sawBreak = true;
        report('the next ad break');
        open = s;
      } else if (s.type === 'adBreakComplete') open = null;
      else if (isClose(s)) report(s.type);
      else if (
        open &&
        !s.inAd &&
        s.type !== 'adStart' &&
        s.playhead !== null &&
        open.playhead !== null &&
        s.playhead - open.playhead > p.tolerance_s
      )
        report('main content resumed');
    }
    if (open && captureContinued(a, v)) report('the end of the session');
    return sawBreak ? { status: 'ran', hits } : { status: 'abstain', reason: 'no ad breaks' };
  },
});

export const adOutsideBreak = defineCheck({
  id: 'bookends.ad_outside_break',
  codes: ['AD_OUTSIDE_BREAK'],
  protocols: [...MC_EDGE],
  params: NONE,
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

export const chapterOverlap = defineCheck({
  id: 'bookends.chapter_overlap',
  codes: ['CHAPTER_OVERLAP'],
  protocols: [...MEDIA],
  params: NONE,
  run(a) {
    let open = false;
    let saw = false;
    const hits: Hit[] = [];
    for (const s of a.steps) {
      if (s.type === 'chapterStart') {
        saw = true;
        if (open)
          hits.push({
            code: 'CHAPTER_OVERLAP',
            event: s.e,
            message: 'a chapter starts while another is still open',
            expected: 'chapterComplete/chapterSkip first',
            observed: 'chapterStart',
          });
        open = true;
      } else if (s.type === 'chapterComplete' || s.type === 'chapterSkip') open = false;
      else if (isStart(s)) open = false;
    }
    return saw ? { status: 'ran', hits } : { status: 'abstain', reason: 'no chapters' };
  },
});

export const illegalTransition = defineCheck({
  id: 'bookends.illegal_transition',
  codes: ['ILLEGAL_TRANSITION'],
  protocols: [...MEDIA],
  params: NONE,
  run(a) {
    const hb = a.session.protocol === 'heartbeat';
    const hits: Hit[] = [];
    let ad = false;
    let brk = false;
    let chapter = false;
    const bad = (s: Step, why: string) =>
      hits.push({ code: 'ILLEGAL_TRANSITION', event: s.e, message: why, observed: s.type });
    for (const s of a.steps) {
      switch (s.type) {
        case 'adStart':
          ad = true;
          break;
        case 'adComplete':
        case 'adSkip':
          if (!ad) bad(s, `${s.type} with no open ad`);
          ad = false;
          break;
        case 'adBreakStart':
          brk = true;
          break;
        case 'adBreakComplete':
          if (!brk) bad(s, 'adBreakComplete with no open ad break');
          brk = false;
          ad = false;
          break;
        case 'chapterStart':
          chapter = true;
          break;
        case 'chapterComplete':
        case 'chapterSkip':
          if (!chapter) bad(s, `${s.type} with no open chapter`);
          chapter = false;
          break;
        default:
          if (hb && s.isPing && s.asset === 'ad' && !ad) bad(s, `ad ${s.type} heartbeat with no ad started`);
          if (hb && s.asset === 'main' && s.isPing) ad = false;
      }
      if (hits.length >= 5) break;
    }
    return { status: 'ran', hits };
  },
});

export const timestampAscending = defineCheck({
  id: 'bookends.timestamp_ascending',
  codes: ['TIMESTAMP_NOT_ASCENDING'],
  protocols: [...MEDIA],
  params: z.object({ min_step_ms: z.number().default(1) }).strict(),
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
