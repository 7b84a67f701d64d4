import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadDictionaryTypes } from '../dictionary/files.js';
import { loadSpecs } from '../spec/load.js';
import { YamlCache, jsonExact, yamlCache } from './yaml-cache.js';

const SPEC = `id: cadence.main_ping_interval
version: 1.2.0
status: active
severity: error
family: cadence
check: cadence.main_ping
scope: { platforms: [roku], sdks: [hb-api] }
params: { nominal_s: 10, tolerance_s: 2 }
rationale: Roku's heartbeat SDK pings every 10 s of main content.
`;

let dir: string;
const cacheFile = () => join(dir, 'yaml-t.json');
const entries = () => JSON.parse(readFileSync(cacheFile(), 'utf8')).entries as Record<string, string>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goblin-yc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('YamlCache', () => {
  it('gives what YAML.parse gives, from the cache in a later process, as a fresh object each time', () => {
    const first = new YamlCache(cacheFile());
    expect(first.parse(SPEC)).toEqual(YAML.parse(SPEC));
    first.save();
    expect(Object.keys(entries())).toHaveLength(1);
    const later = new YamlCache(cacheFile());
    const a = later.parse(SPEC) as { params: { nominal_s: number } };
    a.params.nominal_s = 99; // a caller that changes what it got
    expect(later.parse(SPEC)).toEqual(YAML.parse(SPEC));
  });

  it('parses an edited file again: the key is the text, not the path or the time', () => {
    const c = new YamlCache(cacheFile());
    c.parse(SPEC);
    c.save();
    const edited = SPEC.replace('nominal_s: 10', 'nominal_s: 6');
    const again = new YamlCache(cacheFile());
    expect((again.parse(edited) as { params: { nominal_s: number } }).params.nominal_s).toBe(6);
  });

  it('keeps the value the caller got before it changed it (the cache holds the text at parse time)', () => {
    const c = new YamlCache(cacheFile());
    const v = c.parse(SPEC) as { status: string };
    v.status = 'disabled';
    c.save();
    expect((new YamlCache(cacheFile()).parse(SPEC) as { status: string }).status).toBe('active');
  });

  it('never caches what JSON cannot carry exactly (.inf, .nan, -0)', () => {
    const c = new YamlCache(cacheFile());
    expect(c.parse('limit: .inf\n')).toEqual({ limit: Infinity });
    expect(c.parse('x: .nan\n')).toEqual({ x: NaN });
    expect(Object.is((c.parse('z: -0\n') as { z: number }).z, -0)).toBe(true);
    c.save();
    expect(() => readFileSync(cacheFile())).toThrow(); // nothing new worth writing
    expect(jsonExact({ a: [1, 'x', null, true, { b: 2.5 }] })).toBe(true);
    expect(jsonExact({ a: undefined })).toBe(false);
    expect(jsonExact(new Map())).toBe(false);
  });

  it('throws what YAML.parse throws, and caches nothing for it', () => {
    const c = new YamlCache(cacheFile());
    expect(() => c.parse('a: [1, 2\n')).toThrow();
    c.save();
    expect(() => readFileSync(cacheFile())).toThrow();
  });

  it('ignores a damaged cache file and a damaged entry, and repairs them', () => {
    writeFileSync(cacheFile(), '{"format":1,"yaml":');
    const c = new YamlCache(cacheFile());
    expect(c.parse(SPEC)).toEqual(YAML.parse(SPEC));
    c.save();
    const key = Object.keys(entries())[0];
    const body = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    body.entries[key] = '{not json';
    writeFileSync(cacheFile(), JSON.stringify(body));
    const d = new YamlCache(cacheFile());
    expect(d.parse(SPEC)).toEqual(YAML.parse(SPEC));
    d.save();
    expect(JSON.parse(entries()[key])).toEqual(YAML.parse(SPEC));
  });

  it('keeps what the last load used and older entries beside it', () => {
    const c = new YamlCache(cacheFile());
    c.parse('a: 1\n');
    c.save();
    const d = new YamlCache(cacheFile());
    d.parse('b: 2\n');
    d.save();
    expect(Object.values(entries()).map((v) => JSON.parse(v))).toEqual([{ b: 2 }, { a: 1 }]);
  });

  it('is off with GOBLIN_CACHE_DIR=off, and lives there when set', () => {
    const before = process.env.GOBLIN_CACHE_DIR;
    try {
      process.env.GOBLIN_CACHE_DIR = 'off';
      const off = yamlCache('t');
      expect(off.parse('a: 1\n')).toEqual({ a: 1 });
      off.save();
      process.env.GOBLIN_CACHE_DIR = dir;
      const on = yamlCache('t');
      on.parse('a: 1\n');
      on.save();
      expect(Object.keys(entries())).toHaveLength(1);
    } finally {
      if (before === undefined) delete process.env.GOBLIN_CACHE_DIR;
      else process.env.GOBLIN_CACHE_DIR = before;
    }
  });
});

describe('the loaders read the same through the cache', () => {
  it("the repo's specs and dictionary: cold, warm and without a cache give equal results", () => {
    const before = process.env.GOBLIN_CACHE_DIR;
    try {
      process.env.GOBLIN_CACHE_DIR = 'off';
      const plainSpecs = loadSpecs('specs');
      const plainDict = loadDictionaryTypes('dictionary');
      process.env.GOBLIN_CACHE_DIR = dir;
      const cold = loadSpecs('specs');
      const coldDict = loadDictionaryTypes('dictionary');
      const warm = loadSpecs('specs');
      const warmDict = loadDictionaryTypes('dictionary');
      expect(plainSpecs.specs.length).toBeGreaterThan(20);
      expect(plainDict.size).toBeGreaterThan(100);
      expect(cold).toEqual(plainSpecs);
      expect(warm).toEqual(plainSpecs);
      expect([...coldDict]).toEqual([...plainDict]);
      expect([...warmDict]).toEqual([...plainDict]);
      expect(Object.keys(JSON.parse(readFileSync(join(dir, 'yaml-specs.json'), 'utf8')).entries).length).toBe(
        plainSpecs.specs.length,
      );
    } finally {
      if (before === undefined) delete process.env.GOBLIN_CACHE_DIR;
      else process.env.GOBLIN_CACHE_DIR = before;
    }
  });
});
