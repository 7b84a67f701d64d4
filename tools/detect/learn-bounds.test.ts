import { describe, expect, it } from 'vitest';
import { learnSample } from './learn-bounds.js';

// Session keys as the decoders make them (64 hex characters), in captures named as a drop names them.
const sessions = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    har: `ios/ios-aep-edge-media-5/2024-05-${String((i % 28) + 1).padStart(2, '0')}/cap-${String(i >> 1).padStart(5, '0')}.har`,
    key: (BigInt(i) * 0x9e3779b97f4a7c15n).toString(16).padStart(64, '0').slice(-64),
  }));

describe('learnSample: the sessions a run past learn.max_sessions learns from', () => {
  it('is no sample at all while the staged sessions fit, the bound included', () => {
    expect(learnSample(0, 60_000)).toBeNull();
    expect(learnSample(60_000, 60_000)).toBeNull();
    expect(learnSample(60_001, 60_000)).not.toBeNull();
  });

  it('keeps about max of the staged sessions (within 2 %), whichever they are', () => {
    const all = sessions(40_000);
    const s = learnSample(all.length, 10_000)!;
    const kept = all.filter((x) => s.keeps(x.har, x.key)).length;
    expect(kept).toBeGreaterThan(9_800);
    expect(kept).toBeLessThan(10_200);
  });

  it('chooses a session by its capture and key alone: the same in any order and in every run', () => {
    const all = sessions(5_000);
    const a = learnSample(all.length, 1_000)!;
    const b = learnSample(all.length, 1_000)!;
    const forward = all.filter((x) => a.keeps(x.har, x.key));
    const backward = [...all].reverse().filter((x) => b.keeps(x.har, x.key));
    expect(backward.reverse()).toEqual(forward);
    // one session of a capture is not chosen for its capture: two keys of one capture can differ
    const split = all.filter(
      (x, i) => i % 2 === 0 && a.keeps(x.har, x.key) !== a.keeps(all[i + 1].har, all[i + 1].key),
    );
    expect(split.length).toBeGreaterThan(0);
  });

  it('a larger bound keeps every session a smaller one kept (one hash, one threshold)', () => {
    const all = sessions(8_000);
    const small = learnSample(all.length, 2_000)!;
    const large = learnSample(all.length, 6_000)!;
    const lost = all.filter((x) => small.keeps(x.har, x.key) && !large.keeps(x.har, x.key));
    expect(lost).toEqual([]);
  });
});
