import { describe, expect, it } from 'vitest';
import { Bundle } from '../bundle/schema.js';
import type { AnomalyRow } from './anomaly.js';
import { novelBundles } from './novel-bundles.js';

const row = (i: number, over: Partial<AnomalyRow>): AnomalyRow => ({
  har: `h${i}.har`,
  session: `s${i}`,
  platform: 'web',
  sdk: 'hb-api',
  protocol: 'media-collection',
  score: 0.1,
  novelty_bits: 1,
  evidence: 'feature:events_log',
  evidence_top: [],
  explained_by: [],
  why: '',
  at: null,
  forest_score: 0.5,
  z: 0,
  percentile: 0,
  cluster: 0,
  novel: false,
  surprise_bits: 0,
  subspace: 'size',
  top_features: [],
  ...over,
});

describe('novel sessions → investigate bundles', () => {
  const gap = (i: number) =>
    row(i, {
      score: 0.9 - i / 100,
      novelty_bits: 14,
      evidence: 'signal:gap_long_play',
      why: 'ping gap 31 s = 3.1× nominal in play',
      at: { entry_index: 12, t_s: 40, detail: 'ping gap 31 s = 3.1× nominal in play' },
    });
  const rows = [
    gap(1),
    gap(2),
    gap(3),
    gap(4),
    // two surprising sessions of another kind: under --min-sessions
    row(5, { score: 0.8, novelty_bits: 9, evidence: 'type:error' }),
    row(6, { score: 0.79, novelty_bits: 9, evidence: 'type:error' }),
    // the same evidence on another protocol is another cluster
    row(7, { score: 0.78, novelty_bits: 9, evidence: 'signal:gap_long_play', protocol: 'heartbeat' }),
    ...Array.from({ length: 33 }, (_, i) => row(100 + i, {})),
  ];

  it('a group of ≥ N high-ranking sessions with the same unexplained evidence becomes one anomaly bundle', () => {
    const b = novelBundles(rows, { minSessions: 3, createdAt: '2026-01-01T00:00:00Z' });
    expect(b).toHaveLength(1);
    Bundle.parse(b[0]);
    expect(b[0].source).toBe('anomaly');
    expect(b[0].scope.protocol).toBe('media-collection');
    expect(b[0].anomalies[0]).toMatchObject({ family: 'novel', metric: 'signal:gap_long_play', sessions: 4 });
    expect(b[0].anomalies[0].note).toContain('3.1× nominal in play');
    expect(b[0].sample_sessions.map((s) => s.session)).toEqual(['s1', 's2', 's3', 's4']);
    // deterministic id: same input, same bundle file
    expect(novelBundles(rows, { minSessions: 3 })[0].bundle_id).toBe(b[0].bundle_id);
  });

  it('sessions below the top share, or with no unexplained evidence, never form a bundle', () => {
    expect(novelBundles(rows, { minSessions: 2 }).map((b) => b.anomalies[0].metric)).toEqual([
      'signal:gap_long_play',
      'type:error',
    ]);
    expect(
      novelBundles(
        rows.map((r) => ({ ...r, novelty_bits: 0 })),
        { minSessions: 2 },
      ),
    ).toEqual([]);
  });
});
