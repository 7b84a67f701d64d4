/**
 * How well shape clusters recover library versions: on sessions with known versions, the version is used only
 * as the label, never as a feature (the explicit version keys are excluded from shapes).
 *  - purity: share of versioned sessions whose cluster's dominant version is their own (clusters built on all);
 *  - recall: per version, the largest share of its sessions that one cluster holds, session-weighted;
 *  - recovery: hold out a split, build the model on the rest, hide the held-out versions and infer them by
 *    shape match / nearest neighbour; accuracy = correct guesses / held-out sessions.
 */
import { fnv1a } from './minhash.js';
import { buildShapeModel, matchShape, type BuildOptions, type SessionShape } from './shape.js';

export interface ShapeEval {
  sessions: number;
  versions: number;
  clusters: number;
  novel: number;
  purity: number;
  recall: number;
  recovery: { held_out: number; correct: number; accuracy: number; by_method: Record<string, number> };
  /** Per version: sessions, clusters it spreads over, recovery accuracy. */
  per_version: { version: string; sessions: number; clusters: number; recovered: number }[];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function evaluateShapes(
  all: SessionShape[],
  opts: BuildOptions & { holdOut?: number } = {},
): ShapeEval {
  const sessions = all.filter((s) => s.sdk_version && s.keys.length);
  const { model, assignment } = buildShapeModel(sessions, opts);
  const byCluster = new Map(model.clusters.map((c) => [c.id, c]));
  let pure = 0;
  const vc = new Map<string, Map<string, number>>();
  sessions.forEach((s, i) => {
    const c = byCluster.get(assignment[i])!;
    if (c.dominant_version === s.sdk_version) pure++;
    const m = vc.get(s.sdk_version!) ?? new Map<string, number>();
    m.set(c.id, (m.get(c.id) ?? 0) + 1);
    vc.set(s.sdk_version!, m);
  });
  let recallSum = 0;
  for (const m of vc.values()) recallSum += Math.max(...m.values());

  // Held-out recovery.
  const holdOut = opts.holdOut ?? 0.3;
  const isTest = (s: SessionShape) => fnv1a(`${s.har_hash}\u0000${s.session_key}`) / 0xffffffff < holdOut;
  const train = sessions.filter((s) => !isTest(s));
  const test = sessions.filter(isTest);
  const trained = buildShapeModel(train, opts).model;
  let correct = 0;
  const byMethod: Record<string, number> = {};
  const recovered = new Map<string, [number, number]>();
  for (const s of test) {
    const g = matchShape(trained, { sdk: s.sdk, platform: s.platform, keys: s.keys });
    const method = g ? g.method : 'none';
    byMethod[method] = (byMethod[method] ?? 0) + 1;
    const ok = g?.version_guess === s.sdk_version;
    if (ok) correct++;
    const r = recovered.get(s.sdk_version!) ?? [0, 0];
    r[0] += ok ? 1 : 0;
    r[1] += 1;
    recovered.set(s.sdk_version!, r);
  }
  return {
    sessions: sessions.length,
    versions: vc.size,
    clusters: model.clusters.length,
    novel: model.clusters.filter((c) => c.novel).length,
    purity: r3(sessions.length ? pure / sessions.length : 0),
    recall: r3(sessions.length ? recallSum / sessions.length : 0),
    recovery: {
      held_out: test.length,
      correct,
      accuracy: r3(test.length ? correct / test.length : 0),
      by_method: byMethod,
    },
    per_version: [...vc]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([version, m]) => ({
        version,
        sessions: [...m.values()].reduce((a, b) => a + b, 0),
        clusters: m.size,
        recovered: r3((recovered.get(version)?.[0] ?? 0) / Math.max(1, recovered.get(version)?.[1] ?? 0)),
      })),
  };
}
