/**
 * Which repository files have a JSON Schema, and the zod source it is generated from. The schemas in
 * schemas/ are exported from these zod objects (`goblin spec schema`, freshness checked by spec:test);
 * each file carries a `# yaml-language-server: $schema=…` modeline so editors validate it as you type,
 * and `goblin schema check` (the pre-commit hook, and CI) validates it with the same zod object.
 */
import picomatch from 'picomatch';
import type { z } from 'zod';
import { GoblinConfig } from '../config/schema.js';
import { DictionaryEntry } from '../dictionary/schema.js';
import { ShapeModel } from '../fingerprint/shape.js';
import { Constitution } from '../spec/constitution.js';
import { Spec } from '../spec/schema.js';
import { StyleFile } from '../style/store.js';

export interface SchemaFileKind {
  /** What the file is, for messages. */
  what: string;
  /** Repo-relative globs (picomatch). */
  globs: string[];
  /** File name under schemas/. */
  schemaFile: string;
  zod: z.ZodType;
}

/** First match wins: the shape model sits beside the dictionary entries but is not one. */
export const SCHEMA_FILE_KINDS = [
  { what: 'spec', globs: ['specs/**/*.{yaml,yml}'], schemaFile: 'spec.schema.json', zod: Spec },
  {
    what: 'constitution',
    globs: ['constitution.yaml'],
    schemaFile: 'constitution.schema.json',
    zod: Constitution,
  },
  {
    what: 'config',
    globs: ['goblin.config.yaml'],
    schemaFile: 'goblin-config.schema.json',
    zod: GoblinConfig,
  },
  {
    what: 'shape model',
    globs: ['dictionary/_shapes.yaml'],
    schemaFile: 'shape-model.schema.json',
    zod: ShapeModel,
  },
  {
    what: 'style memory',
    globs: ['preferences/style.yaml'],
    schemaFile: 'style.schema.json',
    zod: StyleFile,
  },
  {
    what: 'dictionary entry',
    globs: ['dictionary/*/*.{yaml,yml}'],
    schemaFile: 'dictionary-entry.schema.json',
    zod: DictionaryEntry,
  },
] as const satisfies readonly SchemaFileKind[];

const matchers = SCHEMA_FILE_KINDS.map((k) => picomatch(k.globs));

/** The kind of a repo-relative path (forward slashes), or null when no schema covers it. */
export function schemaKindOf(relPath: string): SchemaFileKind | null {
  const i = matchers.findIndex((m) => m(relPath));
  return i < 0 ? null : SCHEMA_FILE_KINDS[i];
}

const MODELINE = /^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$/m;

/** The modeline a file at `relPath` should carry: the schema path relative to the file's folder. */
export function modelineFor(relPath: string, kind: SchemaFileKind): string {
  const depth = relPath.split('/').length - 1;
  return `# yaml-language-server: $schema=${depth ? '../'.repeat(depth) : './'}schemas/${kind.schemaFile}`;
}

/** The `$schema=` target of a file's modeline, or null. */
export function modelineTarget(text: string): string | null {
  return MODELINE.exec(text)?.[1] ?? null;
}
