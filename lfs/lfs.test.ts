import { describe, expect, it } from 'vitest';
import { scenario, simulatedViews } from '../tools/detect/testing.js';
import { lfAdPingInterval } from './ad-ping.js';
import { lfBookendCounts } from './bookend-counts.js';
import { HAND_LFS } from './index.js';
import { lfPlayheadRate } from './playhead-rate.js';
import { lfRokuFirstPing } from './roku-first-ping.js';

const media = (v: ReturnType<typeof simulatedViews>['views']) => v.filter((x) => x.kind === 'media');

describe('hand-written labeling functions on simulated captures', () => {
  const rokuHb = scenario('roku', 'media-edge', 'roku-aep-1');
  it('lf_roku_first_ping: PASS on a clean Roku session, VIOLATION on an early first ping, ABSTAIN off Roku', () => {
    const clean = media(simulatedViews(rokuHb, 3).views);
    expect(clean.length).toBeGreaterThan(0);
    expect(clean[0].firstContentPingDeltaS()).toBeGreaterThanOrEqual(1);
    expect(lfRokuFirstPing.fn(clean[0])).toBe('PASS');
    const early = media(simulatedViews(rokuHb, 3, 'CADENCE_EARLY_FIRST_PING').views);
    expect(early[0].firstContentPingDeltaS()).toBeLessThan(1);
    expect(lfRokuFirstPing.fn(early[0])).toBe('VIOLATION:CADENCE_EARLY_FIRST_PING');
    const web = media(simulatedViews(scenario('web', 'media-collection', 'web-media-js-3'), 3).views);
    expect(lfRokuFirstPing.fn(web[0])).toBe('ABSTAIN');
  });

  it('lf_ad_ping_sdk_default knows the SDK default (heartbeat 1 s, Media Collection 10 s)', () => {
    const mc = scenario('web', 'media-collection', 'web-media-js-3', { withAds: true, compact: false });
    const clean = media(simulatedViews(mc, 5).views)[0];
    const iv = clean.pingIntervals('ad');
    expect(iv.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...iv)).toBeLessThan(11);
    expect(lfAdPingInterval.fn(clean)).toBe('PASS');
    const gap = media(simulatedViews(mc, 5, 'CADENCE_AD_PING_GAP').views)[0];
    expect(lfAdPingInterval.fn(gap)).toBe('VIOLATION:CADENCE_AD_PING_GAP');
    const hb = media(
      simulatedViews(scenario('web', 'heartbeat', 'web-vhl-js-2', { withAds: true }), 5).views,
    )[0];
    expect(Math.max(...hb.pingIntervals('ad'))).toBeLessThan(1.5);
    expect(lfAdPingInterval.fn(hb)).toBe('PASS');
    const noAds = media(simulatedViews(scenario('web', 'media-collection', 'web-media-js-3'), 5).views)[0];
    expect(lfAdPingInterval.fn(noAds)).toBe('ABSTAIN');
  });

  it('lf_playhead_rate flags a decreasing playhead', () => {
    const s = scenario('android', 'media-collection', 'android-aep-media-3');
    expect(lfPlayheadRate.fn(media(simulatedViews(s, 7).views)[0])).toBe('PASS');
    expect(lfPlayheadRate.fn(media(simulatedViews(s, 7, 'PLAYHEAD_DECREASING').views)[0])).toBe(
      'VIOLATION:PLAYHEAD_DECREASING',
    );
  });

  it('lf_bookend_counts flags a missing session start and unclosed ads', () => {
    const s = scenario('ios', 'media-collection', 'ios-aep-media-5', { withAds: true });
    expect(lfBookendCounts.fn(media(simulatedViews(s, 9).views)[0])).toBe('PASS');
    expect(lfBookendCounts.fn(media(simulatedViews(s, 9, 'SESSION_START_MISSING').views)[0])).toBe(
      'VIOLATION:SESSION_START_MISSING',
    );
    expect(lfBookendCounts.fn(media(simulatedViews(s, 9, 'AD_NOT_CLOSED').views)[0])).toBe(
      'VIOLATION:AD_NOT_CLOSED',
    );
  });

  it('every hand LF ABSTAINs on page/app sessions and has a unique name', () => {
    const { views } = simulatedViews(scenario('web', 'media-collection', 'web-media-js-3'), 2);
    const page = views.filter((v) => v.kind !== 'media');
    expect(page.length).toBeGreaterThan(0);
    for (const lf of HAND_LFS) for (const v of page) expect(lf.fn(v)).toBe('ABSTAIN');
    expect(new Set(HAND_LFS.map((l) => l.name)).size).toBe(HAND_LFS.length);
  });
});
