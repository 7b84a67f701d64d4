import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { GoblinConfig } from '../config/schema.js';
import { DictionaryEntry } from '../dictionary/schema.js';
import { Envelope } from '../envelope/index.js';
import { ShapeModel } from '../fingerprint/shape.js';
import { Constitution } from './constitution.js';
import { StyleFile } from '../style/store.js';
import { Spec } from './schema.js';
import { makeDirs } from '../util/files.js';

/** JSON Schemas exported from the zod sources of truth, for editors and other tools. */
export function jsonSchemas(): Record<string, unknown> {
  const io = { io: 'input' as const, unrepresentable: 'any' as const };
  return {
    'spec.schema.json': z.toJSONSchema(Spec, io),
    'envelope.schema.json': z.toJSONSchema(Envelope, io),
    'constitution.schema.json': z.toJSONSchema(Constitution, io),
    'dictionary-entry.schema.json': z.toJSONSchema(DictionaryEntry, io),
    'goblin-config.schema.json': z.toJSONSchema(GoblinConfig, io),
    'shape-model.schema.json': z.toJSONSchema(ShapeModel, io),
    'style.schema.json': z.toJSONSchema(StyleFile, io),
  };
}

/** Write (or with `check`, compare) `schemas/*.json`; returns the files that are stale. */
export function exportSchemas(root: string, check = false): string[] {
  const dir = resolve(root, 'schemas');
  makeDirs(dir);
  const stale: string[] = [];
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    const path = join(dir, name);
    const text = JSON.stringify(schema, null, 2) + '\n';
    const same = existsSync(path) && readFileSync(path, 'utf8') === text;
    if (!same) stale.push(`schemas/${name}`);
    if (!check && !same) writeFileSync(path, text);
  }
  return stale;
}
