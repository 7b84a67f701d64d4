import type { LabelingFunction } from '../tools/label/api.js';

/** Ad-ping interval defaults per media SDK: legacy heartbeat pings ads every 1 s, Media Collection / Edge every 10 s. */
export const AD_PING_DEFAULT_S: Record<string, number> = { heartbeat: 1, 'hb-api': 10, edge: 10 };

/**
 * Ad pings must keep the SDK's default interval: a gap over 1.8× the default (plus 0.5 s of
 * network jitter) is a missed ping. Gaps run adStart → ping → … → adComplete inside each ad; fewer than two gaps ABSTAIN.
 */
export const lfAdPingInterval: LabelingFunction = {
  name: 'lf_ad_ping_sdk_default',
  family: 'cadence',
  source: 'hand',
  codes: ['CADENCE_AD_PING_GAP'],
  fn(s) {
    if (s.kind !== 'media') return 'ABSTAIN';
    const def = AD_PING_DEFAULT_S[s.sdk];
    if (!def) return 'ABSTAIN';
    // gaps inside each ad: adStart → ping → … → ping → adComplete/adSkip
    const iv: number[] = [];
    let last: number | null = null;
    for (const st of s.steps()) {
      if (st.type === 'adStart') last = st.t;
      else if (
        last !== null &&
        ((st.isPing && st.asset === 'ad') || st.type === 'adComplete' || st.type === 'adSkip')
      ) {
        iv.push((st.t - last) / 1000);
        last = st.type === 'adComplete' || st.type === 'adSkip' ? null : st.t;
      } else if (st.type === 'adBreakComplete' || st.type === 'sessionEnd' || st.type === 'sessionComplete')
        last = null;
    }
    if (iv.length < 2) return 'ABSTAIN';
    return Math.max(...iv) > def * 1.8 + 0.5 ? 'VIOLATION:CADENCE_AD_PING_GAP' : 'PASS';
  },
};
