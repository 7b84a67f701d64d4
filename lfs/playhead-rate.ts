import type { LabelingFunction } from '../tools/label/api.js';

/**
 * Playhead vs wall clock while playing: between consecutive main-content pings in the playing state
 * the playhead should advance roughly with the wall clock. A step back of more than 2 s is a
 * decrease; three or more pings without any advance over ≥ 20 s is a stall. Heuristic, no seek
 * awareness beyond "a non-ping event in between resets the pair".
 */
export const lfPlayheadRate: LabelingFunction = {
  name: 'lf_playhead_rate',
  family: 'playhead',
  source: 'hand',
  codes: ['PLAYHEAD_DECREASING', 'PLAYHEAD_STALLED'],
  fn(s) {
    if (s.kind !== 'media') return 'ABSTAIN';
    const ps = s.contentPings().filter((p) => p.playhead !== null) as { t: number; playhead: number }[];
    if (ps.length < 3) return 'ABSTAIN';
    let flatRun = 0;
    let flatSince = ps[0].t;
    for (let i = 1; i < ps.length; i++) {
      const dp = ps[i].playhead - ps[i - 1].playhead;
      // live streams wrap at midnight (second-of-day playheads): a drop of ~86 400 s is not a decrease
      if (dp < -2 && dp > -80_000) return 'VIOLATION:PLAYHEAD_DECREASING';
      if (Math.abs(dp) < 0.01) {
        if (flatRun === 0) flatSince = ps[i - 1].t;
        flatRun++;
        if (flatRun >= 3 && ps[i].t - flatSince >= 20) return 'VIOLATION:PLAYHEAD_STALLED';
      } else flatRun = 0;
    }
    return 'PASS';
  },
};
