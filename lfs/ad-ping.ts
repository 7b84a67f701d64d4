import type { LabelingFunction } from '../tools/label/api.js';

/** Ad-ping interval defaults per media SDK: legacy heartbeat pings ads every 1 s, Media Collection / Edge every 10 s. */
export const AD_PING_DEFAULT_S: Record<string, number> = { heartbeat: 1, 'hb-api': 10, edge: 10 };

/**
 * Ad pings must keep the SDK's default interval: a gap over 1.8× the default (plus 0.5 s of
 * network jitter) is a missed ping. Sessions with fewer than two consecutive ad pings ABSTAIN.
 */
export const lfAdPingInterval: LabelingFunction = {
  name: 'lf_ad_ping_sdk_default',
  family: 'cadence',
  source: 'hand',
  fn(s) {
    if (s.kind !== 'media') return 'ABSTAIN';
    const def = AD_PING_DEFAULT_S[s.sdk];
    if (!def) return 'ABSTAIN';
    const iv = s.pingIntervals('ad');
    if (iv.length < 2) return 'ABSTAIN';
    return Math.max(...iv) > def * 1.8 + 0.5 ? 'VIOLATION:CADENCE_AD_PING_GAP' : 'PASS';
  },
};
