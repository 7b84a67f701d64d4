import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../ingest/run.js';
import { openStore, queryRows } from '../store/index.js';
import { storeConfig } from '../store/testing.js';
import { validateStore } from './from-store.js';
import { storeStats } from '../store/stats.js';
import { harDoc, hb, hbStart, malformed, mc, MC_START_PARAMS } from './testing/index.js';

const repo = resolve(import.meta.dirname, '../..');

describe('goblin validate --store', () => {
  it('re-validates stored captures with the current pack and refreshes the stored findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-vstore-'));
    for (const p of ['specs', 'constitution.yaml']) cpSync(join(repo, p), join(dir, p), { recursive: true });
    mkdirSync(join(dir, 'hars'));
    // a 25 s content gap: a violation at 10 s, fine once a spec allows 20 s
    writeFileSync(
      join(dir, 'hars', 'hb.har'),
      harDoc([
        ...hbStart(0),
        hb(10400, 'play', 10),
        hb(35400, 'play', 35),
        hb(36000, 'complete', 35),
        hb(36100, 'end', 35),
      ]),
    );
    // the same gap with a malformed entry inside it: the replay must not judge across the hole
    writeFileSync(
      join(dir, 'hars', 'holey.har'),
      harDoc([
        ...hbStart(0),
        hb(10400, 'play', 10),
        malformed(20000),
        hb(35400, 'play', 35),
        hb(36000, 'complete', 35),
        hb(36100, 'end', 35),
      ]),
    );
    writeFileSync(
      join(dir, 'hars', 'mc.har'),
      harDoc([
        mc(0, 'sessionStart', 0, MC_START_PARAMS),
        mc(300, 'play', 0),
        mc(10300, 'ping', 10),
        mc(11000, 'sessionEnd', 10),
      ]),
    );
    const config = storeConfig(dir);
    (
      await ingest({
        inputs: [join(dir, 'hars')],
        config,
        root: dir,
        quiet: true,
        workers: 1,
        validate: { specsDir: 'specs' },
      })
    ).store.close();

    const first = await validateStore({
      config,
      outDir: join(dir, 'out1'),
      root: dir,
      gate: { failOn: 'error', minParseRate: 0.95 },
    });
    expect(first.summary.by_code).toEqual({ CADENCE_CONTENT_PING_GAP: 1 });
    // the exit rule is the run's, and summary.json records it (it was null for --store)
    expect(first.status).toMatchObject({
      code: 1,
      reason: expect.stringMatching(/CADENCE_CONTENT_PING_GAP×1/),
    });
    expect(JSON.parse(readFileSync(join(dir, 'out1', 'summary.json'), 'utf8')).gate).toEqual({
      ...first.status,
      fail_on: 'error',
      min_parse_rate: 0.95,
    });
    // two heartbeat sessions + their AA page sessions + MC
    expect(first.summary.sessions).toMatchObject({ total: 5, violation: 1 });
    const holey = readFileSync(join(dir, 'out1', 'sessions.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((r) => r.har === 'hars/holey.har' && r.kind === 'media'); // stored paths: from the root
    expect(holey.rules.CADENCE_CONTENT_PING_GAP).toBe('ABSTAIN');
    expect(holey.abstained.CADENCE_CONTENT_PING_GAP).toMatch(
      /entry 5 \(malformed-entry\) was quarantined inside the window/,
    );
    expect(readFileSync(join(dir, 'out1', 'violations.jsonl'), 'utf8')).toMatch(
      /"har":"hars\/hb.har".*"code":"CADENCE_CONTENT_PING_GAP"/,
    );

    // A reviewer relaxes the interval (with its citation kept): re-validation from the store clears it.
    const spec = join(dir, 'specs/cadence/CADENCE_CONTENT_PING_GAP.yaml');
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8').replace('content_interval_s: 10', 'content_interval_s: 20'),
    );
    const second = await validateStore({ config, outDir: join(dir, 'out2'), root: dir });
    expect(second.summary.by_code).toEqual({});
    const store = await openStore(config.storage.db_file);
    const rows = await queryRows<{ n: number }>(store.con, `SELECT count(*)::INT AS n FROM violation`);
    const verdicts = await queryRows<{ v: string }>(
      store.con,
      `SELECT DISTINCT verdict AS v FROM session_verdict ORDER BY 1`,
    );
    store.close();
    expect(rows[0].n).toBe(0);
    expect(verdicts.map((r) => r.v)).toEqual(['PASS']);
  });

  it('a store that holds no capture is input not checked (exit 3), not a pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-vstore-'));
    const config = storeConfig(dir);
    mkdirSync(join(dir, 's'));
    (await openStore(config.storage.db_file)).close(); // what an ingest of an empty shard leaves
    const r = await validateStore({
      config,
      outDir: join(dir, 'out'),
      root: repo,
      gate: { failOn: 'error', minParseRate: 0.95 },
    });
    expect(r.status).toMatchObject({ code: 3, reason: expect.stringMatching(/holds no capture/) });
    expect(JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')).gate.code).toBe(3);
  });

  it('judges the captures as they stand now: a pointer fetched and a truncated file fixed no longer count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-vstore-'));
    const config = storeConfig(dir);
    mkdirSync(join(dir, 'drop'));
    const good = (i: number) =>
      harDoc([
        ...hbStart(0),
        hb(10400, 'play', 10),
        hb(20400, 'play', 20),
        hb(21000, 'complete', 20),
        hb(21100, 'end', 20 + i),
      ]);
    writeFileSync(join(dir, 'drop', 'a.har'), good(0));
    writeFileSync(
      join(dir, 'drop', 'b.har'),
      'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 1234\n',
    );
    writeFileSync(join(dir, 'drop', 'c.har'), good(2).slice(0, 200)); // cut off mid-export
    const ingestDrop = async () =>
      (
        await ingest({ inputs: [join(dir, 'drop')], config, root: dir, quiet: true, workers: 1 })
      ).store.close();
    await ingestDrop();
    const gate = { failOn: 'error' as const, minParseRate: 0.95 };
    const before = await validateStore({ config, outDir: join(dir, 'o1'), root: repo, gate });
    expect(before.status.code).toBe(3);
    // git lfs pull, and a whole export of c.har: both read cleanly now
    writeFileSync(join(dir, 'drop', 'b.har'), good(1));
    writeFileSync(join(dir, 'drop', 'c.har'), good(2));
    await ingestDrop();
    const after = await validateStore({ config, outDir: join(dir, 'o2'), root: repo, gate });
    expect(after.status).toMatchObject({ code: 0, reason: expect.stringMatching(/parse success 100\.0%/) });
    expect(
      readFileSync(join(dir, 'o2', 'quarantine.csv'), 'utf8')
        .trim()
        .split('\r\n'),
    ).toHaveLength(1);
    const stats = await storeStats(config, dir);
    expect(stats.parse_success_rate).toBe(1);
    expect(stats.files).toEqual({ parsed: 3 });
    expect(stats.quarantine).toEqual({});
  });
});
