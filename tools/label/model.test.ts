import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/rng.js';
import { calibration, fitTriplet, majorityVote, predictProba, type Vote } from './model.js';

/** Synthetic LF matrix with known accuracies, coverage and class prior. */
function synth(n: number, accs: number[], coverage: number[], prior: number, seed = 1) {
  const rnd = mulberry32(seed);
  const y: (0 | 1)[] = [];
  const L: Vote[][] = [];
  for (let i = 0; i < n; i++) {
    const yi = rnd() < prior ? 1 : 0;
    y.push(yi);
    L.push(
      accs.map((a, j) => (rnd() < coverage[j] ? ((rnd() < a ? (yi ? 1 : -1) : yi ? -1 : 1) as Vote) : 0)),
    );
  }
  return { L, y };
}

describe('FlyingSquid triplet label model', () => {
  const accs = [0.92, 0.85, 0.78, 0.7, 0.65];
  const cov = [0.9, 0.8, 0.7, 0.9, 0.6];
  const { L, y } = synth(6000, accs, cov, 0.3);

  it('recovers LF accuracies without ground truth', () => {
    const fit = fitTriplet(L);
    fit.accuracies.forEach((a, i) => expect(Math.abs(a - accs[i])).toBeLessThan(0.03));
    expect(fit.estimated.every(Boolean)).toBe(true);
    expect(fit.triplets[0]).toBe(6); // C(4,2) triplets per LF
    expect(Math.abs(fit.prior - 0.3)).toBeLessThan(0.04);
  });

  it('beats majority vote when LF accuracies differ, and is better calibrated', () => {
    const fit = fitTriplet(L);
    const lm = predictProba(L, fit);
    const mv = majorityVote(L);
    const idx = mv.map((m, i) => (m === null ? -1 : i)).filter((i) => i >= 0);
    const cl = calibration(
      idx.map((i) => lm[i]),
      idx.map((i) => y[i]),
    );
    const cm = calibration(
      idx.map((i) => mv[i] as number),
      idx.map((i) => y[i]),
    );
    expect(cl.accuracy).toBeGreaterThan(cm.accuracy + 0.01);
    expect(cl.brier).toBeLessThan(cm.brier);
    expect(cl.ece).toBeLessThan(0.05);
  });

  it('falls back to a default accuracy when an LF has no usable triplet', () => {
    const small: Vote[][] = [
      [1, 1],
      [-1, -1],
      [1, 1],
    ];
    const fit = fitTriplet(small, { defaultAccuracy: 0.7 });
    expect(fit.estimated).toEqual([false, false]);
    expect(fit.accuracies).toEqual([0.7, 0.7]);
  });

  it('detects an adversarial LF (worse than random) by the sign of its moments', () => {
    const { L: L2 } = synth(4000, [0.9, 0.85, 0.8, 0.2], [1, 1, 1, 1], 0.5, 3);
    const fit = fitTriplet(L2);
    expect(fit.accuracies[3]).toBeLessThan(0.3);
  });

  it('calibration: accuracy, Brier and ECE on a known input', () => {
    const c = calibration([0.9, 0.9, 0.1, 0.6], [1, 0, 0, 1]);
    expect(c.accuracy).toBeCloseTo(0.75);
    expect(c.brier).toBeCloseTo((0.01 + 0.81 + 0.01 + 0.16) / 4);
    // bins: 0.9 → {1,0} |0.9−0.5|·2/4; 0.1 → |0.1−0|/4; 0.6 → |0.6−1|/4
    expect(c.ece).toBeCloseTo((0.4 * 2 + 0.1 + 0.4) / 4);
  });
});
