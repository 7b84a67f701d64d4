import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFinding } from '../publish/testing/site-fixtures.js';
import { jsonText } from '../util/json-text.js';
import { collectRun, writeRunOutputs } from './report.js';
import { StagedLines } from './staged-lines.js';

// What a worker stages: JSON.stringify of timelineOf's object (har, session, then the rest).
const staged = (har: string, session: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ har, session, protocol: 'heartbeat', events: [{ t_s: 0, type: 'play' }], ...extra });

const linesOf = (name: ((h: string) => string) | undefined, ...lines: string[]) => {
  const t = new StagedLines(name);
  for (const l of lines) t.add(Buffer.from(l));
  return t;
};

describe('staged lines pass through the report step as bytes', () => {
  it('reads capture and session from the text, whatever characters the names hold', () => {
    const har = 'drop/ÆØÅ "quoted" \\ back\\slash\u2028.har';
    const line = staged(har, 'sess"1');
    const t = new StagedLines();
    expect(t.add(Buffer.from(line))).toEqual({ har, session: 'sess"1' });
    expect(t.texts()).toEqual([line]);
  });

  it('renaming rewrites only the capture name: the rest of the text is byte for byte the same', () => {
    const line = staged('storage/abs/web/a.har', 's1', { note: '{"har":"not this one"}' });
    const [text] = linesOf(() => 'web/a "b".har', line).texts();
    expect(JSON.parse(text)).toEqual({ ...JSON.parse(line), har: 'web/a "b".har' });
    expect(text.endsWith(line.slice(line.indexOf(',"session"')))).toBe(true);
  });

  it('renaming a capture whose old name holds multi-byte characters cuts the old head at the right byte', () => {
    const session = 'sé "q" \u2028';
    const line = staged('dröp/ÆØÅ.har', session, { note: 'ü' });
    expect(linesOf(() => 'web/a.har', line).texts()).toEqual([line.replace('"dröp/ÆØÅ.har"', '"web/a.har"')]);
  });

  it('sorts by capture, then session, each capture under its output name, lines of one key in the order added', () => {
    const t = linesOf(
      (h) => `out/${h}`,
      staged('b.har', 's1'),
      staged('a.har', 's2'),
      staged('b.har', 's0'),
      staged('a.har', 's1', { n: 1 }),
      staged('a.har', 's1', { n: 2 }),
    );
    expect(t.texts().map((x) => JSON.parse(x) as { har: string; session: string; n?: number })).toMatchObject(
      [
        { har: 'out/a.har', session: 's1', n: 1 },
        { har: 'out/a.har', session: 's1', n: 2 },
        { har: 'out/a.har', session: 's2' },
        { har: 'out/b.har', session: 's0' },
        { har: 'out/b.har', session: 's1' },
      ],
    );
  });

  it('lines are written from their pieces as they are, past the 1,024 pieces of one writev', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-report-'));
    // Every other capture renamed: a batch then holds lines of two pieces and of three.
    const t = linesOf(
      (h) => (Number(h.slice(4, -4)) % 2 ? `web/ü-${h}` : h),
      ...Array.from({ length: 1500 }, (_, i) => staged(`cap-${i}.har`, `s${i}`)),
    );
    t.write(join(dir, 't.jsonl'));
    const texts = t.texts();
    expect(texts).toHaveLength(1500);
    expect(readFileSync(join(dir, 't.jsonl'), 'utf8')).toBe(texts.map((x) => x + '\n').join(''));
    expect(texts.filter((x) => x.startsWith('{"har":"web/ü-'))).toHaveLength(750);
  });

  it('a line in another key order (hand-written staging) is read whole and written in the usual order', () => {
    const odd = JSON.stringify({ session: 's2', events: [], har: 'x.har' });
    expect(linesOf(undefined, odd).texts()).toEqual([
      JSON.stringify({ har: 'x.har', session: 's2', events: [] }),
    ]);
    expect(() => linesOf(undefined, JSON.stringify({ events: [] }))).toThrow(
      /without a capture and session name/,
    );
    expect(linesOf(() => 'y.har', odd).texts()).toEqual([
      JSON.stringify({ har: 'y.har', session: 's2', events: [] }),
    ]);
  });

  it('collectRun sorts the workers\u2019 timelines by capture, then session, across files, reading them from there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-report-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'timeline-w0.ndjson'),
      [staged('b.har', 's1'), staged('a.har', 's2')].join('\n') + '\n',
    );
    writeFileSync(join(dir, 'timeline-w1.ndjson'), staged('a.har', 's1') + '\n');
    const { timelines } = collectRun(dir);
    expect(timelines.texts()).toEqual([staged('a.har', 's1'), staged('a.har', 's2'), staged('b.har', 's1')]);
    // A capture's lines side by side in one file (as a worker stages them) are read in one piece and cut.
    writeFileSync(
      join(dir, 'timeline-w2.ndjson'),
      [
        staged('c.har', 's3'),
        staged('c.har', 's1', { n: 'ü' }),
        staged('c.har', 's2'),
        staged('d.har', 's1'),
      ].join('\n') + '\n',
    );
    expect(collectRun(dir).timelines.texts()).toEqual([
      staged('a.har', 's1'),
      staged('a.har', 's2'),
      staged('b.har', 's1'),
      staged('c.har', 's1', { n: 'ü' }),
      staged('c.har', 's2'),
      staged('c.har', 's3'),
      staged('d.har', 's1'),
    ]);
  });
});

describe('session rows stay in their staging files until sessions.jsonl is written', () => {
  // A session row as validateCapture builds it (har, session, then the rest), staged with jsonText.
  const row = (har: string, session: string, over: Record<string, unknown> = {}) => ({
    har,
    session,
    kind: 'media',
    protocol: 'heartbeat',
    platform: 'web',
    sdk: 'heartbeat',
    sdk_version: '2.2.2',
    sdk_version_raw: 'js-2.2.2',
    app_version: null,
    confidence: 0.9,
    virtual_version: null,
    events: 3,
    first_ts: '2024-01-01T00:00:00.000Z',
    last_ts: '2024-01-01T00:00:10.000Z',
    verdict: 'PASS',
    conformance: 1,
    rules: { HB_CADENCE: 'PASS' },
    codes: [],
    unchecked: null,
    ...over,
  });
  const ingest = {
    files_seen: 2,
    files_parsed: 2,
    files_quarantined: 0,
    quarantine_by_reason: {},
    entries: 6,
    beacons: 6,
    beacons_by_family: { heartbeat: 6 },
    parse_success_rate: 1,
  };

  it('writes each renamed row as JSON.stringify of the staged row, sorted, and keeps only counts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-report-'));
    const rows = [
      row('storage/b.har', 's1', { verdict: 'VIOLATION', codes: ['HB_X'], platform: 'ios' }),
      // A lone surrogate: staged as a `\ufffd` escape (jsonText), written as the character itself.
      row('storage/a.har', 's\ud800', { abstained: { X: 'why' }, verdict: 'ABSTAIN' }),
      row('storage/a.har', 'app:acme', { kind: 'app', unchecked: 'request bodies omitted by the exporter' }),
    ];
    writeFileSync(join(dir, 'session_row-w0.ndjson'), rows.slice(0, 2).map(jsonText).join('\n') + '\n');
    writeFileSync(join(dir, 'session_row-w1.ndjson'), jsonText(rows[2]) + '\n');
    const name = (h: string) => h.replace('storage/', 'drop/');
    const collected = collectRun(dir, name);
    const out = join(dir, 'out');
    const { tally } = writeRunOutputs({
      rows: collected,
      outDir: out,
      input: 'drop',
      ingest,
      specCount: 1,
      commit: null,
    });
    // What sessions.jsonl always held: the staged rows parsed, renamed, sorted, JSON.stringify'd.
    const expected = rows
      .map((r) => JSON.parse(jsonText(r)) as { har: string; session: string })
      .map((r) => ({ ...r, har: name(r.har) }))
      .sort((a, b) => a.har.localeCompare(b.har) || a.session.localeCompare(b.session));
    expect(readFileSync(join(out, 'sessions.jsonl'), 'utf8')).toBe(
      expected.map((r) => JSON.stringify(r) + '\n').join(''),
    );
    // What the report holds of them: counts, and no row.
    expect(tally.total).toBe(3);
    expect(tally.media).toEqual({ sessions: 2, judged: 2, example: null });
    expect([...tally.builds.values()]).toEqual([
      { platform: 'ios', sdk: 'heartbeat', version: '2.2.2', sessions: 1, violating: 1 },
      { platform: 'web', sdk: 'heartbeat', version: '2.2.2', sessions: 2, violating: 0 },
    ]);
    // No finding points at these sessions: no version label is kept for any of them.
    expect(tally.versions.size).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      sessions: Record<string, number>;
    };
    expect(summary.sessions).toEqual({ total: 3, pass: 1, violation: 1, abstain: 1 });
  });

  it('writes violations.jsonl as the staged findings without their hash, renamed and sorted, whatever their values share', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-report-'));
    const f = (har: string, session: string, ts: string, extra: Record<string, unknown> = {}) => ({
      ...fixtureFinding({
        code: 'CADENCE_CONTENT_PING_GAP',
        family: 'cadence',
        spec: 'CADENCE_CONTENT_PING_GAP',
        har,
        session,
        ts,
        ...extra,
      }),
      har_hash: `h-${har}`,
    });
    const staged = [
      // Two workers, neither in order; the same message, code and session in several findings; a lone
      // surrogate and nulls among the values that are held once.
      [
        f('storage/b.har', 's1', '2026-01-01T00:00:02.000Z'),
        f('storage/a.har', 's2', '2026-01-01T00:00:01.000Z', {
          message: 'player \ud800 sent',
          expected: null,
        }),
        f('storage/b.har', 's1', '2026-01-01T00:00:01.000Z', { observed: null }),
      ],
      [
        f('storage/a.har', 's1', '2026-01-01T00:00:03.000Z'),
        f('storage/a.har', 's2', '2026-01-01T00:00:00.500Z', { message: 'player \ud800 sent' }),
      ],
    ];
    staged.forEach((list, w) =>
      writeFileSync(join(dir, `violation-w${w}.ndjson`), list.map((x) => jsonText(x) + '\n').join('')),
    );
    const name = (h: string) => h.replace('storage/', 'drop/');
    const out = join(dir, 'out');
    writeRunOutputs({
      rows: collectRun(dir, name),
      outDir: out,
      input: 'drop',
      ingest,
      specCount: 1,
      commit: null,
    });
    const expected = staged
      .flat()
      .map(
        (x) =>
          JSON.parse(jsonText(x)) as Record<string, unknown> & { har: string; session: string; ts: string },
      )
      .map(({ har_hash: _h, ...x }) => ({ ...x, har: name(x.har) }))
      .sort(
        (a, b) =>
          a.har.localeCompare(b.har) || a.session.localeCompare(b.session) || a.ts.localeCompare(b.ts),
      );
    expect(readFileSync(join(out, 'violations.jsonl'), 'utf8')).toBe(
      expected.map((x) => JSON.stringify(x) + '\n').join(''),
    );
    expect(expected.map((x) => `${x.har} ${x.session}`)).toEqual([
      'drop/a.har s1',
      'drop/a.har s2',
      'drop/a.har s2',
      'drop/b.har s1',
      'drop/b.har s1',
    ]);
  });

  it('keeps the version label of the sessions findings point at, under the names the outputs use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-report-'));
    const vv = row('storage/a.har', 's1', {
      sdk_version: null,
      virtual_version: 'vv-d650e52395',
      verdict: 'VIOLATION',
    });
    writeFileSync(
      join(dir, 'session_row-w0.ndjson'),
      [vv, row('storage/a.har', 's2'), row('storage/b.har', 's1')].map(jsonText).join('\n') + '\n',
    );
    const finding = {
      ...fixtureFinding({
        har: 'storage/a.har',
        session: 's1',
        code: 'CADENCE_CONTENT_PING_GAP',
        family: 'cadence',
        spec: 'CADENCE_CONTENT_PING_GAP',
      }),
      har_hash: 'h1',
    };
    writeFileSync(join(dir, 'violation-w0.ndjson'), jsonText(finding) + '\n');
    const rows = collectRun(dir, (h) => h.replace('storage/', 'drop/'));
    expect(rows.findings.map((f) => [f.har, 'har_hash' in f])).toEqual([['drop/a.har', false]]);
    expect([...rows.tally.versions]).toEqual([['drop/a.har\u0000s1', 'vv-d650e52395']]);
    const { summary } = writeRunOutputs({
      rows,
      outDir: join(dir, 'out'),
      input: 'drop',
      ingest,
      specCount: 1,
      commit: null,
    });
    expect(summary.by_platform_version).toEqual({
      'web|heartbeat|vv-d650e52395': { CADENCE_CONTENT_PING_GAP: 1 },
    });
    expect(summary.top_sessions).toEqual([{ har: 'drop/a.har', session: 's1', findings: 1 }]);
  });
});
