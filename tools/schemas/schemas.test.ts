import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import { main } from '../cli/main.js';
import { entryYaml, readDictionary } from '../dictionary/files.js';
import { readShapeModel, shapeModelYaml } from '../fingerprint/shape.js';
import { jsonSchemas } from '../spec/json-schema.js';
import { checkSchemaFiles, checkText, schemaFilesIn } from './check.js';
import { modelineFor, modelineTarget, schemaKindOf, SCHEMA_FILE_KINDS } from './files.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

describe('schemas for the repository files', () => {
  it('every spec, the constitution, the config, every dictionary file and the style memory is valid and carries its modeline', () => {
    const r = checkSchemaFiles(ROOT);
    expect(r.issues).toEqual([]);
    const kinds = new Set(r.checked.map((f) => schemaKindOf(f)!.what));
    expect([...kinds].sort()).toEqual([
      'config',
      'constitution',
      'dictionary entry',
      'shape model',
      'spec',
      'style memory',
    ]);
    expect(r.checked.filter((f) => f.startsWith('dictionary/')).length).toBeGreaterThan(200);
  });

  it('each exported JSON Schema (what editors see) accepts the same files zod accepts', () => {
    const schemas = jsonSchemas();
    const files = schemaFilesIn(ROOT);
    for (const kind of SCHEMA_FILE_KINDS) {
      // The file on disk is the one `goblin spec schema` writes (spec:test fails when it is stale).
      expect(JSON.parse(read(`schemas/${kind.schemaFile}`))).toEqual(schemas[kind.schemaFile]);
      const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schemas[kind.schemaFile] as object);
      const mine = files.filter((f) => schemaKindOf(f) === kind);
      expect(mine.length, kind.what).toBeGreaterThan(0);
      for (const f of mine) expect(validate(YAML.parse(read(f)) ?? {}), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('the config schema catches what a hand-edited goblin.config.yaml gets wrong, at the right line', () => {
    const text = read('goblin.config.yaml').replace(/workers: 0/, "workers: 'all'");
    const issues = checkText('goblin.config.yaml', text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ level: 'error', line: text.split('\n').findIndex((l) => l.includes("workers: 'all'")) + 1 });
    expect(issues[0].message).toMatch(/^ingest\.workers: .*number/);
    const validate = new Ajv2020({ strict: false }).compile(jsonSchemas()['goblin-config.schema.json'] as object);
    expect(validate(YAML.parse(text))).toBe(false);
  });

  it('a YAML syntax error is reported with its line, not as a schema mismatch', () => {
    const issues = checkText('constitution.yaml', 'version: 1\nclauses:\n  - id: X\n   text: bad indent\n');
    expect(issues[0].message).toMatch(/^YAML: /);
    expect(issues[0].line).toBe(4);
  });

  it('a modeline that points at the wrong schema is an error (the editor would validate against it)', () => {
    const text = read('dictionary/hb-api/media.resume.yaml').replace('dictionary-entry.schema.json', 'spec.schema.json');
    const [issue] = checkText('dictionary/hb-api/media.resume.yaml', text);
    expect(issue).toMatchObject({ level: 'error', line: 1 });
    expect(issue.message).toContain("needs '# yaml-language-server: $schema=../../schemas/dictionary-entry.schema.json'");
  });

  it('the writers keep the modeline: re-inducing the dictionary or the shape model rewrites no byte', () => {
    for (const f of readDictionary(join(ROOT, 'dictionary')).slice(0, 40)) {
      const rel = f.path.slice(ROOT.length + 1);
      const text = entryYaml(f.entry);
      expect(text, rel).toBe(read(rel));
      expect(`# yaml-language-server: $schema=${modelineTarget(text)}`).toBe(modelineFor(rel, schemaKindOf(rel)!));
    }
    const model = readShapeModel(join(ROOT, 'dictionary/_shapes.yaml'))!;
    expect(shapeModelYaml(model)).toBe(read('dictionary/_shapes.yaml'));
  });

  it('goblin schema check: exit 1 on an invalid file, 2 on a missing one, 3 when no schema covers the input', async () => {
    const run = async (cwd: string, ...args: string[]) => {
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(String(l)));
      const spyErr = vi.spyOn(console, 'error').mockImplementation((l: string) => void lines.push(String(l)));
      const was = process.cwd();
      process.chdir(cwd);
      try {
        return { code: await main(['schema', 'check', ...args]), out: lines.join('\n') };
      } finally {
        process.chdir(was);
        spy.mockRestore();
        spyErr.mockRestore();
      }
    };
    expect((await run(ROOT, 'constitution.yaml', 'specs/playhead/PLAYHEAD_STALLED.yaml')).code).toBe(0);
    expect((await run(ROOT, 'README.md')).code).toBe(3);
    expect((await run(ROOT, 'specs/nope/NOPE.yaml')).code).toBe(2);
    const tmp = mkdtempSync(join(tmpdir(), 'goblin-schema-'));
    mkdirSync(join(tmp, 'specs/playhead'), { recursive: true });
    writeFileSync(
      join(tmp, 'specs/playhead/PLAYHEAD_STALLED.yaml'),
      read('specs/playhead/PLAYHEAD_STALLED.yaml').replace(/^severity: \w+$/m, 'severity: fatal'),
    );
    const bad = await run(tmp);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^specs\/playhead\/PLAYHEAD_STALLED\.yaml:\d+: error: severity: /m);
  });
});
