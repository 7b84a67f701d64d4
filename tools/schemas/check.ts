/**
 * `goblin schema check [file…]`: validate specs, the constitution, the config and the dictionary against
 * their schemas (the zod sources the JSON Schemas come from), with the line of every problem. Without
 * files it checks every such file in the repository. The pre-commit hook runs it on the staged files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { globSync } from 'tinyglobby';
import YAML from 'yaml';
import { lineOf } from '../spec/load.js';
import { modelineFor, modelineTarget, schemaKindOf, SCHEMA_FILE_KINDS } from './files.js';

export interface SchemaIssue {
  file: string;
  line: number | null;
  level: 'error' | 'warning';
  message: string;
}

export interface SchemaCheckResult {
  checked: string[];
  /** Files no schema covers (exit 3 when nothing else was checked). */
  unchecked: string[];
  missing: string[];
  issues: SchemaIssue[];
}

/** Problems in one file's text (`rel` is its repo-relative path, which decides its schema). */
export function checkText(rel: string, text: string): SchemaIssue[] {
  const kind = schemaKindOf(rel);
  if (!kind) return [];
  const out: SchemaIssue[] = [];
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    for (const e of doc.errors)
      out.push({ file: rel, line: e.linePos?.[0].line ?? null, level: 'error', message: `YAML: ${e.message.split('\n')[0]}` });
    return out;
  }
  const parsed = kind.zod.safeParse(doc.toJS() ?? {});
  if (!parsed.success)
    for (const i of parsed.error.issues)
      out.push({
        file: rel,
        line: lineOf(text, i.path as (string | number)[]),
        level: 'error',
        message: `${i.path.join('.') || '(root)'}: ${i.message} (${kind.what} schema, schemas/${kind.schemaFile})`,
      });
  const want = modelineFor(rel, kind);
  const target = modelineTarget(text);
  if (target === null)
    out.push({ file: rel, line: 1, level: 'warning', message: `no schema modeline: add '${want}' as the first line so editors validate it` });
  else if (`# yaml-language-server: $schema=${target}` !== want)
    out.push({ file: rel, line: 1, level: 'error', message: `modeline points at ${target}; this ${kind.what} needs '${want}'` });
  return out;
}

/** Every schema-covered file of the repository, repo-relative, sorted. */
export function schemaFilesIn(root: string): string[] {
  return globSync(
    SCHEMA_FILE_KINDS.flatMap((k) => k.globs),
    { cwd: root, ignore: ['**/node_modules/**'] },
  )
    .filter((f) => schemaKindOf(f))
    .sort();
}

export function checkSchemaFiles(root: string, files?: string[]): SchemaCheckResult {
  const res: SchemaCheckResult = { checked: [], unchecked: [], missing: [], issues: [] };
  const rels = files?.length
    ? files.map((f) => relative(root, isAbsolute(f) ? f : resolve(f)).split(sep).join('/'))
    : schemaFilesIn(root);
  for (const rel of rels) {
    const abs = resolve(root, rel);
    if (!existsSync(abs)) {
      res.missing.push(rel);
      continue;
    }
    if (!schemaKindOf(rel)) {
      res.unchecked.push(rel);
      continue;
    }
    res.checked.push(rel);
    res.issues.push(...checkText(rel, readFileSync(abs, 'utf8')));
  }
  return res;
}

export function formatSchemaIssue(i: SchemaIssue): string {
  return `${i.file}${i.line ? `:${i.line}` : ''}: ${i.level}: ${i.message}`;
}
