import { createHash } from 'node:crypto';
import { Bundle } from '../bundle/schema.js';
import type { AnomalyRow } from './anomaly.js';
import { pushTo } from '../util/push-to.js';

/**
 * Novel → bundle (docs/learning.md, "Novel sessions become bundles"): sessions that rank high on
 * unexplained novelty are grouped per protocol by the evidence that made them surprising (the
 * signal, event type, parameter or host behind their score); a group of at least `minSessions`
 * becomes an `anomaly` investigate bundle for the loop, as drift makes `drift` bundles.
 */
export interface NovelBundleOptions {
  /** Share of the ranking (by unexplained novelty) a session must be in. Default 0.2. */
  topShare?: number;
  /** Sessions a group needs to become a bundle. Default 3. */
  minSessions?: number;
  constraints?: string[];
  datasetHash?: string;
  createdAt?: string;
}

/** The evidence kind and name a session is grouped by: `signal:gap_long_play`, `key:start|foo=int`. */
export function clusterKey(r: Pick<AnomalyRow, 'protocol' | 'evidence'>): string {
  return `${r.protocol}|${r.evidence}`;
}

export function novelBundles(rows: AnomalyRow[], opts: NovelBundleOptions = {}): Bundle[] {
  const top = Math.max(1, Math.ceil(rows.length * (opts.topShare ?? 0.2)));
  const ranked = [...rows].filter((r) => r.evidence && r.novelty_bits > 0).sort((a, b) => b.score - a.score);
  const groups = new Map<string, AnomalyRow[]>();
  for (const r of ranked.slice(0, top)) {
    const k = clusterKey(r);
    pushTo(groups, k, r);
  }
  const out: Bundle[] = [];
  for (const [k, g] of groups) {
    if (g.length < (opts.minSessions ?? 3)) continue;
    const [protocol, evidence] = [k.slice(0, k.indexOf('|')), k.slice(k.indexOf('|') + 1)];
    const versions = [...new Set(g.map((r) => `${r.sdk}`))].sort();
    const platforms = [...new Set(g.map((r) => r.platform))].sort();
    const id = `novel-${protocol}-${createHash('sha256')
      .update(`${k}|${opts.datasetHash ?? ''}`)
      .digest('hex')
      .slice(0, 10)}`;
    out.push(
      Bundle.parse({
        bundle_id: id,
        created_at: opts.createdAt ?? new Date().toISOString(),
        source: 'anomaly',
        title: `Novel in ${protocol}: ${evidence} in ${g.length} sessions no rule explains`,
        scope: {
          protocol,
          platform: platforms.length === 1 ? platforms[0] : undefined,
          sdk: versions.length === 1 ? versions[0] : undefined,
          cluster: evidence,
        },
        anomalies: [
          {
            family: 'novel',
            metric: evidence,
            values: g.slice(0, 20).map((r) => Math.round(r.novelty_bits * 100) / 100),
            sessions: g.length,
            note: `${g[0].why}${g[0].at ? ` (at HAR entry ${g[0].at.entry_index})` : ''}; platforms ${platforms.join(', ')}`,
          },
        ],
        sample_sessions: g.slice(0, 5).map((r) => ({ har: r.har, session: r.session })),
        constraints: opts.constraints ?? [],
        dataset: { hash: opts.datasetHash },
      }),
    );
  }
  return out.sort(
    (a, b) => b.anomalies[0].sessions - a.anomalies[0].sessions || a.bundle_id.localeCompare(b.bundle_id),
  );
}
