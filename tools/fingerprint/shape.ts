/**
 * Shape fingerprints and virtual versions (docs/dictionary.md, "Shapes and virtual versions"): a session's core parameter keys → MinHash → LSH
 * clusters of SDK builds. The model is committed as reviewable YAML (dictionary/_shapes.yaml) and used to
 * give sessions without an explicit library version a cluster id as their virtual version.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { shapeFeatures } from './features.js';
import { jaccard, lshCluster } from './minhash.js';
import { yamlCache } from '../util/yaml-cache.js';
import { pushTo } from '../util/push-to.js';
import { makeDirs } from '../util/files.js';

/** Jaccard over core-key sets at or above which two sessions are the same build. */
export const MATCH_THRESHOLD = 0.85;
/** Below this best Jaccard a session is novel (no cluster is near). */
export const NOVEL_THRESHOLD = 0.5;

export interface SessionShape {
  har_hash: string;
  session_key: string;
  sdk: string;
  platform: string;
  /** Explicit library version, when the wire carried one (the label; never a feature). */
  sdk_version: string | null;
  keys: string[];
}

export const ShapeCluster = z.object({
  id: z.string(),
  sdk: z.string(),
  platform: z.string(),
  sessions: z.number(),
  /** Distinct core-key sets merged into this cluster. */
  shapes: z.number(),
  novel: z.boolean(),
  dominant_version: z.string().nullable(),
  /** Share of the cluster's versioned sessions that carry the dominant version. */
  version_share: z.number(),
  versions: z.record(z.string(), z.number()),
  /** Keys present in at least half the member sessions (the representative shape). */
  keys: z.array(z.string()),
  /** Keys that separate this cluster from its nearest neighbour of the same sdk (+ only here, - only there). */
  separating: z.array(z.string()).default([]),
  nearest: z.string().nullable().default(null),
});
export type ShapeCluster = z.infer<typeof ShapeCluster>;

export const ShapeModel = z.object({
  model: z.literal('goblin-shapes/1'),
  threshold: z.number(),
  perms: z.number(),
  bands: z.number(),
  clusters: z.array(ShapeCluster),
});
export type ShapeModel = z.infer<typeof ShapeModel>;

function clusterId(sdk: string, platform: string, keys: string[]): string {
  return (
    'vv-' +
    createHash('sha1')
      .update(`${sdk}\u0000${platform}\u0000${keys.join('\u0000')}`)
      .digest('hex')
      .slice(0, 10)
  );
}

export interface BuildOptions {
  threshold?: number;
  perms?: number;
  bands?: number;
  /** Clusters with fewer sessions are novel (outliers). */
  minSessions?: number;
}

export interface BuiltModel {
  model: ShapeModel;
  /** Cluster id per input session (same order as the input). */
  assignment: string[];
}

/** Cluster session shapes into SDK builds. Deterministic: same input set → same model, whatever the order. */
export function buildShapeModel(sessions: SessionShape[], opts: BuildOptions = {}): BuiltModel {
  const threshold = opts.threshold ?? MATCH_THRESHOLD;
  const perms = opts.perms ?? 128;
  const bands = opts.bands ?? 32;
  const minSessions = opts.minSessions ?? 2;
  // Dedupe identical feature sets: clustering runs over distinct shapes, weighted by their sessions.
  const distinct = new Map<string, { features: string[]; members: number[] }>();
  sessions.forEach((s, i) => {
    const f = shapeFeatures(s.sdk, s.platform, s.keys);
    const key = f.join('\u0001');
    const d = distinct.get(key);
    if (d) d.members.push(i);
    else distinct.set(key, { features: f, members: [i] });
  });
  const shapes = [...distinct.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const sets = shapes.map(([, d]) => new Set(d.features));
  // Builds never span SDKs or platforms: cluster within (sdk, platform) blocks.
  const blocks = shapes.map(([, d]) => `${d.features[0]}\u0000${d.features[1]}`);
  const roots = lshCluster(sets, { threshold, perms, bands, blocks });
  const groups = new Map<number, number[]>();
  roots.forEach((r, i) => pushTo(groups, r, i));

  const clusters: ShapeCluster[] = [];
  const assignment: string[] = new Array(sessions.length);
  for (const shapeIdx of groups.values()) {
    const members = shapeIdx.flatMap((i) => shapes[i][1].members);
    const first = sessions[members[0]];
    const keyCount = new Map<string, number>();
    const versions: Record<string, number> = {};
    for (const m of members) {
      for (const k of sessions[m].keys) keyCount.set(k, (keyCount.get(k) ?? 0) + 1);
      const v = sessions[m].sdk_version;
      if (v) versions[v] = (versions[v] ?? 0) + 1;
    }
    const keys = [...keyCount]
      .filter(([, c]) => c * 2 >= members.length)
      .map(([k]) => k)
      .sort();
    const vEntries = Object.entries(versions).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const versioned = vEntries.reduce((a, [, c]) => a + c, 0);
    const id = clusterId(first.sdk, first.platform, keys);
    clusters.push({
      id,
      sdk: first.sdk,
      platform: first.platform,
      sessions: members.length,
      shapes: shapeIdx.length,
      novel: members.length < minSessions,
      dominant_version: vEntries[0]?.[0] ?? null,
      version_share: versioned ? round(vEntries[0][1] / versioned) : 0,
      versions: Object.fromEntries(vEntries.sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      keys,
      separating: [],
      nearest: null,
    });
    for (const m of members) assignment[m] = id;
  }
  // Separating keys against the nearest cluster of the same sdk.
  for (const c of clusters) {
    const mine = new Set(c.keys);
    let best: ShapeCluster | null = null;
    let bestJ = -1;
    for (const o of clusters) {
      if (o === c || o.sdk !== c.sdk) continue;
      const j = jaccard(mine, new Set(o.keys));
      if (j > bestJ || (j === bestJ && best && o.id < best.id)) [best, bestJ] = [o, j];
    }
    if (best) {
      const theirs = new Set(best.keys);
      c.nearest = best.id;
      c.separating = [
        ...c.keys.filter((k) => !theirs.has(k)).map((k) => `+${k}`),
        ...best.keys.filter((k) => !mine.has(k)).map((k) => `-${k}`),
      ].slice(0, 12);
    }
  }
  clusters.sort(
    (a, b) =>
      a.sdk.localeCompare(b.sdk) ||
      a.platform.localeCompare(b.platform) ||
      b.sessions - a.sessions ||
      a.id.localeCompare(b.id),
  );
  return { model: { model: 'goblin-shapes/1', threshold, perms, bands, clusters }, assignment };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export interface VersionGuess {
  virtual_version: string;
  /** Dominant explicit library version of the cluster, when its members carried one. */
  version_guess: string | null;
  method: 'shape' | 'nearest';
  /** Jaccard to the cluster's representative shape (× 0.5 for a nearest-neighbour guess). */
  confidence: number;
  novel: boolean;
}

/**
 * Version inference for a session without an explicit version: shape match (Jaccard ≥ threshold against a
 * cluster's representative keys, same sdk, same platform preferred), else nearest neighbour in the same sdk.
 */
export function matchShape(
  model: ShapeModel,
  s: { sdk: string; platform: string; keys: string[] },
): VersionGuess | null {
  const mine = new Set(shapeFeatures(s.sdk, s.platform, s.keys));
  let best: ShapeCluster | null = null;
  let bestJ = -1;
  // Same sdk and platform first; other platforms of the sdk only when the platform has no cluster at all.
  const samePlatform = model.clusters.some((c) => c.sdk === s.sdk && c.platform === s.platform);
  for (const c of model.clusters) {
    if (c.sdk !== s.sdk || (samePlatform && c.platform !== s.platform)) continue;
    const j = jaccard(mine, new Set(shapeFeatures(c.sdk, c.platform, c.keys)));
    if (j > bestJ || (j === bestJ && best && (c.sessions > best.sessions || c.id < best.id))) {
      best = c;
      bestJ = j;
    }
  }
  if (!best) return null;
  const shape = bestJ >= model.threshold;
  return {
    virtual_version: best.id,
    version_guess: best.dominant_version,
    method: shape ? 'shape' : 'nearest',
    confidence: round(shape ? bestJ : bestJ * 0.5),
    novel: bestJ < NOVEL_THRESHOLD,
  };
}

// ------------------------------------------------------------------------------------------ YAML

export function shapeModelYaml(model: ShapeModel): string {
  const header =
    '# yaml-language-server: $schema=../schemas/shape-model.schema.json\n' +
    '# Shape model (goblin fingerprint clusters --write): sessions clustered by their core parameter keys.\n' +
    '# A cluster id is a virtual version: specs can scope to it with `scope.cluster`. Regenerated from the store.\n';
  return header + YAML.stringify(model, { lineWidth: 0, sortMapEntries: false });
}

export function writeShapeModel(path: string, model: ShapeModel): boolean {
  const text = shapeModelYaml(model);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  makeDirs(dirname(path));
  writeFileSync(path, text);
  return true;
}

export function readShapeModel(path: string): ShapeModel | null {
  if (!existsSync(path)) return null;
  const yaml = yamlCache('shapes');
  const model = ShapeModel.parse(yaml.parse(readFileSync(path, 'utf8')));
  yaml.save();
  return model;
}
