import { afterEach, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../util/rng.js';
import { avgPathLength, isolationForestScores } from './isolation-forest.js';
import { hostShape, sessionSignals, SIGNAL_NAMES, SIGNALS, valueClass } from './signals.js';
import { scenario, simulatedViews } from './testing.js';

const media = (s: ReturnType<typeof simulatedViews>) => {
  const v = s.views.find((x) => x.kind === 'media')!;
  const cap = s.corpus.captures[0];
  return sessionSignals(v.session, cap.events);
};

describe('protocol-aware signals (no spec read)', () => {
  const mc = scenario('web', 'media-collection', 'web-media-js-3', { compact: false });

  it('every signal has a one-line description', () => {
    for (const n of SIGNAL_NAMES) expect(SIGNALS[n]).toMatch(/^[^\n]{10,}$/);
  });

  it('a dropped content ping is a gap over 1.5× nominal while playing, with a pointer and words; the clean twin has none', () => {
    const clean = media(simulatedViews(mc, 4));
    expect(clean.values.gap_long_play).toBe(0);
    const gap = media(simulatedViews(mc, 4, 'CADENCE_CONTENT_PING_GAP'));
    expect(gap.values.gap_long_play).toBeGreaterThanOrEqual(1);
    expect(gap.values.gap_max_play_x).toBeGreaterThan(1.5);
    expect(gap.at.gap_long_play?.detail).toMatch(/^ping gap [\d.]+ s = [\d.]+× nominal in play$/);
    expect(gap.at.gap_long_play?.entry_index).toBeGreaterThan(0);
  });

  it('a frozen playhead while playing and a playhead that goes back without a seek are counted', () => {
    const clean = media(simulatedViews(mc, 6));
    expect(clean.values.ph_frozen + clean.values.ph_back).toBe(0);
    expect(media(simulatedViews(mc, 6, 'PLAYHEAD_STALLED')).values.ph_frozen).toBeGreaterThanOrEqual(1);
    const back = media(simulatedViews(mc, 6, 'PLAYHEAD_DECREASING'));
    expect(back.values.ph_back).toBeGreaterThanOrEqual(1);
    expect(back.at.ph_back?.detail).toMatch(/went back/);
  });

  it('a second session start is a bookend signal (heartbeat too)', () => {
    const hb = scenario('web', 'heartbeat', 'web-vhl-js-2');
    expect(media(simulatedViews(hb, 2)).values.start_extra).toBe(0);
    expect(media(simulatedViews(hb, 2, 'SESSION_START_DUPLICATE')).values.start_extra).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('value classes and host shapes fold what varies by customer, not by kind', () => {
    expect(valueClass(3)).toBe('int');
    expect(valueClass('3')).toBe('intstr');
    expect(valueClass('%RSID% dev')).toBe('text');
    expect(hostShape('hooli.d1.sc.omtrdc.net')).toBe('*.d#.sc.omtrdc.net');
    expect(hostShape('hooli.hb.omtrdc.net')).not.toBe(hostShape('hooli.d1.sc.omtrdc.net'));
  });
});

describe('seeded isolation forest (in-repo, no global Math.random)', () => {
  afterEach(() => vi.restoreAllMocks());
  const rnd = mulberry32(3);
  const X = Array.from({ length: 300 }, () => [rnd() * 2 - 1, rnd() * 2 - 1]);
  X.push([8, 8]);

  it('isolates the far point first, reproducibly, without touching Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    const a = isolationForestScores(X, { seed: 11 });
    const b = isolationForestScores(X, { seed: 11 });
    expect(spy).not.toHaveBeenCalled();
    expect(a).toEqual(b);
    const top = a.indexOf(Math.max(...a));
    expect(top).toBe(X.length - 1);
    expect(a[top]).toBeGreaterThan(0.6);
    const inliers = [...a.slice(0, -1)].sort((x, y) => x - y);
    expect(inliers[Math.floor(inliers.length / 2)]).toBeLessThan(0.5);
    expect(isolationForestScores(X, { seed: 12 })).not.toEqual(a);
  });

  it('c(n) is the average unsuccessful-search path length', () => {
    expect(avgPathLength(1)).toBe(0);
    expect(avgPathLength(2)).toBe(1);
    expect(avgPathLength(256)).toBeCloseTo(10.24, 1);
  });
});
