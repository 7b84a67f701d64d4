/**
 * Virtual versions at session-building time. The shape model is loaded once per process (each ingest worker)
 * from `$GOBLIN_SHAPES` or `<cwd>/dictionary/_shapes.yaml`; without a model nothing changes.
 */
import { resolve } from 'node:path';
import type { Session } from '../session/types.js';
import { coreKeys } from './features.js';
import { matchShape, readShapeModel, type ShapeModel, type VersionGuess } from './shape.js';

let cached: { model: ShapeModel | null } | null = null;

export function defaultShapeModelPath(root = process.cwd()): string {
  return process.env.GOBLIN_SHAPES ?? resolve(root, 'dictionary', '_shapes.yaml');
}

/** The process-wide model (loaded on first use; a broken file counts as none). */
export function shapeModel(): ShapeModel | null {
  if (!cached) {
    let model: ShapeModel | null = null;
    try {
      model = readShapeModel(defaultShapeModelPath());
    } catch {
      model = null;
    }
    cached = { model };
  }
  return cached.model;
}

/** Replace the process-wide model (tests, `fingerprint eval`); `undefined` forgets it so it reloads. */
export function setShapeModel(model: ShapeModel | null | undefined): void {
  cached = model === undefined ? null : { model };
}

export function guessSessionVersion(
  session: Pick<Session, 'sdk' | 'platform' | 'events'>,
  model: ShapeModel,
): VersionGuess | null {
  return matchShape(model, {
    sdk: session.sdk,
    platform: session.platform,
    keys: coreKeys(session.events.map((e) => ({ event_type: e.sequence.event_type, params: e.params }))),
  });
}

/**
 * Version inference order (docs/reference/wire-formats.md §6): explicit header/param > shape match > nearest neighbour. Sessions with
 * an explicit library version are left alone; the others get the cluster id as `virtual_version` and a
 * confidence that folds in the shape match (platform confidence × match confidence).
 */
export function assignVirtualVersions(sessions: Session[], given?: ShapeModel | null): void {
  // Loaded only when a session lacks an explicit version: most captures never need the model.
  let model: ShapeModel | null | undefined = given;
  for (const s of sessions) {
    if (s.sdk_version) continue;
    if (model === undefined) model = shapeModel();
    if (!model) return;
    const g = guessSessionVersion(s, model);
    if (!g) continue;
    s.virtual_version = g.virtual_version;
    s.confidence = Math.round(s.confidence * g.confidence * 1000) / 1000;
    s.signals.push(
      `${g.method === 'shape' ? 'shape match' : 'nearest shape'} → ${g.virtual_version}` +
        `${g.version_guess ? ` (builds like ${g.version_guess})` : ''}, confidence ${g.confidence}${g.novel ? ', novel' : ''}`,
    );
  }
}
