import { describe, expect, it } from 'vitest';
import { CODE_EXPLAINS, SessionEvidence } from './novelty.js';

describe('SessionEvidence keeps what a novelty row reads', () => {
  it('keeps the four largest unexplained pieces in stable order (ties as found), the largest of all, and writes only their sentences', () => {
    // session 0 was found BEACON_REJECTED: that explains its error_share feature and bad-status signal
    const ev = new SessionEvidence(2, (i) => (i === 0 ? [CODE_EXPLAINS.BEACON_REJECTED] : []));
    const written: string[] = [];
    const add = (i: number, evidence: string, bits: number) =>
      ev.add(i, evidence, bits, () => (written.push(evidence), `saw ${evidence}`));
    add(0, 'feature:error_share', 30); // explained: counts for raw_bits only
    add(0, 'type:play', 5);
    add(0, 'signal:ph_back', 9);
    add(0, 'param0:a.b', 5); // ties type:play, found later: after it
    add(0, 'key:x=token', 2);
    add(0, 'signal:status_bad', 12); // explained
    add(0, 'host:h.example', 7);
    add(0, 'bigram:a>b', 1); // below the four kept: no sentence written
    add(0, 'missing:y', 5); // ties the fourth, found later: not kept
    expect(ev.residual(0).map((e) => [e.evidence, e.bits])).toEqual([
      ['signal:ph_back', 9],
      ['host:h.example', 7],
      ['type:play', 5],
      ['param0:a.b', 5],
    ]);
    expect(ev.rawBits(0)).toBe(30);
    // What a stable sort of everything unexplained gives, cut at four: the same list.
    expect(written).not.toContain('bigram:a>b');
    expect(written).not.toContain('missing:y');
    expect(written).not.toContain('feature:error_share');
    expect(ev.residual(0)[0].detail).toBe('saw signal:ph_back');
    // a session with no evidence: raw_bits 0, nothing kept
    expect(ev.rawBits(1)).toBe(0);
    expect(ev.residual(1)).toEqual([]);
  });

  it('keeps a pointer into the capture only where one was given', () => {
    const ev = new SessionEvidence(1, () => []);
    ev.add(0, 'signal:ts_backwards', 4, () => 'timestamps go back', { entry: 3 } as never);
    ev.push(0, { evidence: 'missing:z', bits: 3, detail: 'z missing' });
    expect(ev.residual(0)).toEqual([
      { evidence: 'signal:ts_backwards', bits: 4, detail: 'timestamps go back', at: { entry: 3 } },
      { evidence: 'missing:z', bits: 3, detail: 'z missing' },
    ]);
  });
});
