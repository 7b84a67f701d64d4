import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayNames, expandInputs } from '../har/inputs.js';
import { readStaged } from '../ingest/staging.js';
import type { SessionRow } from '../validate/outputs.js';
import { learn, learnFromRows, loadCorpus } from './learn.js';
import {
  allLabelingFunctions,
  orderLearnRows,
  parseLearnRows,
  readLearnRows,
  renameHar,
  type LearnRow,
} from './learn-rows.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { driftProfile } from './drift.js';
import { LEARN_TABLE_COLUMNS, type LearnTable } from './learn-tables.js';
import { learnForRun, runDrift } from './run-learn.js';
import { packAndConfig, stageDrop } from './testing.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * `goblin run`'s learning step reads the learn rows its ingest workers staged (LF votes, features, event
 * types, built while each capture was in memory) and decodes nothing a second time. These cases pin
 * that the staged rows give the same inbox as decoding the inputs again in-process.
 */
describe('learn rows staged by the ingest workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-learn-rows-'));
  const hars = join(dir, 'hars');
  const { pack } = packAndConfig();
  let config = packAndConfig().cfg;
  let staged: LearnRow[] = [];
  let known: SessionRow[] = [];
  let names: { abs: string; rel: string }[] = [];

  beforeAll(async () => {
    // Both paths must decode alike: the in-process corpus loader does not hash ids, so neither does this ingest.
    const drop = await stageDrop(
      dir,
      { seed: 11, captures: 24, faultRate: 0.4 },
      { hash_ids: false, truncate_ua: false },
    );
    config = drop.config;
    const expanded = expandInputs([hars], ROOT);
    const name = displayNames(expanded, ROOT);
    names = expanded.map((f) => ({ abs: f.abs, rel: f.rel }));
    // What the learning step reads (line by line, repeated strings interned) equals a plain parse.
    const read = readLearnRows(drop.staging);
    expect(read).toEqual(parseLearnRows(readStaged(drop.staging, 'learn_session')));
    // A sample (learn-bounds.ts) reads the rows it keeps as a full read gives them, in their staged order.
    const chosen = new Set(read.filter((_, i) => i % 3 === 0).map((r) => `${r.har}\u0000${r.key}`));
    const keep = (har: string, key: string) => chosen.has(`${har}\u0000${key}`);
    const some = readLearnRows(drop.staging, keep);
    expect(some.length).toBe(chosen.size);
    expect(some).toEqual(read.filter((r) => keep(r.har, r.key)));
    staged = orderLearnRows(
      read.map((r) => renameHar(r, name(r.har))),
      expanded.map((f) => f.rel),
    );
    known = readStaged<SessionRow>(drop.staging, 'session_row').map((r) => ({
      ...r,
      har: name(r.har),
    }));
    rmSync(drop.staging, { recursive: true, force: true });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every validated session has one learn row, with the verdicts the validator gave it', () => {
    expect(staged.length).toBe(known.length);
    expect(staged.length).toBeGreaterThan(24);
    const byId = new Map(known.map((r) => [`${r.har}\0${r.session}`, r]));
    for (const r of staged) {
      const v = byId.get(`${r.har}\0${r.key}`);
      expect(v, `${r.har} ${r.key}`).toBeDefined();
      expect(r.verdict).toBe(v!.verdict);
      expect(r.codes).toEqual(v!.codes);
      expect(r.features.har).toBe(r.har); // renamed with the row: the inbox and anomalies name one capture
    }
    // a faulty drop: spec LFs voted violations, the hand LFs of lfs/ voted too
    expect(staged.some((r) => Object.values(r.votes).some((l) => l.startsWith('VIOLATION:')))).toBe(true);
    expect(staged.some((r) => Object.keys(r.votes).some((n) => !n.startsWith('spec:')))).toBe(true);
  });

  it('learning from the staged rows gives the inbox that decoding every input again gives', () => {
    const fromRows = learnFromRows(staged, { lfs: allLabelingFunctions(pack), seed: 3 });
    // validated again in-process too: `goblin learn` must judge sessions as the run's workers did
    const decoded = learn(loadCorpus(names, pack, config, ROOT), pack, { seed: 3 });
    expect(fromRows.inbox.length).toBe(decoded.inbox.length);
    expect(fromRows.inbox).toEqual(decoded.inbox);
    expect(fromRows.labeling.labels).toEqual(decoded.labeling.labels);
    expect(fromRows.anomalies.rows).toEqual(decoded.anomalies.rows);
  });

  it('the run step writes the inbox with the HAR files gone: it reads no input', async () => {
    rmSync(hars, { recursive: true, force: true });
    expect(() => readdirSync(hars)).toThrow();
    const out = join(dir, 'run');
    const msg = await learnForRun(() => ({ rows: staged, sample: null }), out, pack);
    expect(msg).toMatch(new RegExp(`^learning layer: ${staged.length} sessions labelled`));
    const inbox = readFileSync(join(out, 'inbox.jsonl'), 'utf8').trim().split('\n');
    expect(inbox).toHaveLength(staged.length);
    expect(readdirSync(out)).toEqual(
      expect.arrayContaining([
        'inbox.jsonl',
        'labels.jsonl',
        'anomalies.jsonl',
        'learn.duckdb',
        'drift-profile.json',
      ]),
    );
  });

  it("learn.duckdb holds the declared columns and types, every row's values as written, and no key they do not declare", async () => {
    const out = join(dir, 'tables');
    await learnForRun(() => ({ rows: staged, sample: null }), out, pack);
    // `goblin drift` adds its table to the same file: two run folders with the same drift profile
    for (const side of ['ref', 'drop']) {
      mkdirSync(join(dir, side), { recursive: true });
      writeFileSync(join(dir, side, 'drift-profile.json'), JSON.stringify(driftProfile(staged)));
    }
    const drift = await runDrift({
      reference: join(dir, 'ref'),
      drop: join(dir, 'drop'),
      pack,
      cfg: config,
      root: ROOT,
      bundlesDir: join(dir, 'bundles'),
      outDir: out,
    });
    expect(drift.groups.length).toBeGreaterThan(0);
    const files: Record<LearnTable, string> = {
      label: 'labels.jsonl',
      lf_stats: 'lf-stats.jsonl',
      anomaly: 'anomalies.jsonl',
      inbox: 'inbox.jsonl',
      drift: 'drift.jsonl',
    };
    const inst = await DuckDBInstance.create(join(out, 'learn.duckdb'), { access_mode: 'READ_ONLY' });
    const con = await inst.connect();
    try {
      for (const [table, file] of Object.entries(files) as [LearnTable, string][]) {
        const declared = LEARN_TABLE_COLUMNS[table] as Record<string, string>;
        const rows = readFileSync(join(out, file), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        // every key a row holds is a column (read_json with declared columns would drop the others)
        const undeclared = new Set(rows.flatMap((r) => Object.keys(r).filter((k) => !(k in declared))));
        expect([...undeclared], table).toEqual([]);
        // … and every key of a nested object is a field of its STRUCT
        for (const [col, type] of Object.entries(declared)) {
          const inner = /STRUCT\((.*)\)/.exec(type)?.[1];
          if (!inner) continue;
          const fields = new Set([...inner.matchAll(/(?:^|, )"?(\w+)"? [A-Z]/g)].map((m) => m[1]));
          for (const r of rows)
            for (const v of ([] as unknown[]).concat(r[col] ?? []))
              for (const k of Object.keys(v as object))
                expect(fields.has(k), `${table}.${col}.${k}`).toBe(true);
        }
        const types = (
          await con.runAndReadAll(
            `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
          )
        ).getRows() as [string, string][];
        expect(types.map(([c]) => c)).toEqual(Object.keys(declared));
        const norm = (t: string) => t.replace(/"/g, '');
        expect(types.map(([, t]) => norm(t))).toEqual(Object.values(declared).map(norm));
        const [[n]] = (await con.runAndReadAll(`SELECT count(*)::INT FROM ${table}`)).getRows();
        expect(n).toBe(rows.length);
        // the values come through as written: a declared type that rounded, nulled or cut a value (1.5 into
        // INTEGER is 2, a key missing from a STRUCT is dropped) would differ here
        const scalar = Object.entries(declared)
          .filter(([, t]) => /^(VARCHAR|DOUBLE|INTEGER|BOOLEAN)$/.test(t))
          .map(([c]) => c);
        const nested = Object.keys(declared).filter((c) => !scalar.includes(c));
        const stored = (
          await con.runAndReadAll(
            `SELECT ${[...scalar.map((c) => `"${c}"`), ...nested.map((c) => `to_json("${c}")::VARCHAR`)].join(', ')} FROM ${table} ORDER BY rowid`,
          )
        ).getRowsJS();
        const canon = (v: unknown): unknown =>
          Array.isArray(v)
            ? v.map(canon)
            : v && typeof v === 'object'
              ? Object.fromEntries(
                  Object.entries(v)
                    .filter(([, x]) => x !== null && x !== undefined)
                    .sort(([a], [b]) => (a < b ? -1 : 1))
                    .map(([k, x]) => [k, canon(x)]),
                )
              : v;
        rows.forEach((r, i) => {
          scalar.forEach((c, j) => expect(stored[i][j] ?? null, `${table}[${i}].${c}`).toEqual(r[c] ?? null));
          nested.forEach((c, j) => {
            const got = stored[i][scalar.length + j] as string | null;
            expect(got === null ? null : canon(JSON.parse(got)), `${table}[${i}].${c}`).toEqual(
              r[c] === undefined || r[c] === null ? null : canon(r[c]),
            );
          });
        });
      }
    } finally {
      con.closeSync();
      inst.closeSync();
    }
  });

  it('a malformed staged row is a clear error, not a silent gap in the inbox', () => {
    const bad = { ...staged[0], votes: { 'spec:x': 'MAYBE' } };
    expect(() => parseLearnRows([staged[0], bad])).toThrow(/staged learn row 1 is malformed/);
    expect(() => parseLearnRows([{ ...staged[0], features: null }])).toThrow(/features/);
  });

  it('the run step reports unreadable rows and writes nothing, without failing the run', async () => {
    let err: Error | null = null;
    try {
      parseLearnRows([{ ...staged[0], features: null }]);
    } catch (e) {
      err = e as Error;
    }
    const out = join(dir, 'run-bad');
    const msg = await learnForRun(() => err!, out, pack);
    expect(msg).toMatch(/^learning layer skipped: staged learn row 0 is malformed/);
    expect(() => readdirSync(out)).toThrow();
  });
});

describe('orderLearnRows', () => {
  const row = (har: string, key: string) => ({ har, key }) as LearnRow;
  it('puts rows in input order whichever worker staged them first, sessions kept in capture order', () => {
    const rows = [row('b.har', 's1'), row('a.har', 's2'), row('b.har', 's0'), row('a.har', 's1')];
    expect(orderLearnRows(rows, ['a.har', 'b.har']).map((r) => `${r.har}:${r.key}`)).toEqual([
      'a.har:s2',
      'a.har:s1',
      'b.har:s1',
      'b.har:s0',
    ]);
  });
  it('a zip member sorts at its archive’s place, members by name', () => {
    const rows = [row('z.zip!/b.har', 'x'), row('c.har', 'y'), row('z.zip!/a.har', 'w'), row('a.har', 'v')];
    expect(orderLearnRows(rows, ['a.har', 'z.zip', 'c.har']).map((r) => r.har)).toEqual([
      'a.har',
      'z.zip!/a.har',
      'z.zip!/b.har',
      'c.har',
    ]);
  });
});
