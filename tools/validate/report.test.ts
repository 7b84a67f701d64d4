import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../util/json-text.js';
import { collectRun, lineText, renameLine, stagedLine, writeLines, writeRunOutputs } from './report.js';

// What a worker stages: JSON.stringify of timelineOf's object (har, session, then the rest).
const staged = (har: string, session: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ har, session, protocol: 'heartbeat', events: [{ t_s: 0, type: 'play' }], ...extra });

describe('staged timelines pass through the report step as text', () => {
  it('reads capture and session from the text, whatever characters the names hold', () => {
    const har = 'drop/ÆØÅ "quoted" \\ back\\slash\u2028.har';
    const line = staged(har, 'sess"1');
    const t = stagedLine(line);
    expect(t).toMatchObject({ har, session: 'sess"1', bytes: Buffer.from(line), renamed: false });
    expect(lineText(t)).toBe(line);
  });

  it('renaming rewrites only the capture name: the rest of the text is byte for byte the same', () => {
    const line = staged('storage/abs/web/a.har', 's1', { note: '{"har":"not this one"}' });
    const r = renameLine(stagedLine(line), 'web/a "b".har');
    expect(JSON.parse(lineText(r))).toEqual({ ...JSON.parse(line), har: 'web/a "b".har' });
    expect(lineText(r).endsWith(line.slice(line.indexOf(',"protocol"')))).toBe(true);
    expect(r.session).toBe('s1');
  });

  it('renaming a capture whose old name holds multi-byte characters cuts the old head at the right byte', () => {
    // The session's text too: the new head carries it as staged (multi-byte, escaped quote, U+2028).
    const session = 'sé "q" \u2028';
    const line = staged('dröp/ÆØÅ.har', session, { note: 'ü' });
    const r = renameLine(stagedLine(Buffer.from(line)), 'web/a.har');
    expect(JSON.parse(lineText(r))).toEqual({ ...JSON.parse(line), har: 'web/a.har' });
    expect(lineText(r)).toBe(line.replace('"dröp/ÆØÅ.har"', '"web/a.har"'));
    expect(r.session).toBe(session);
  });

  it('renaming a renamed line replaces the head it was given, not the staged one', () => {
    const line = staged('storage/abs/web/a.har', 's1');
    const once = renameLine(stagedLine(line), 'web/a.har');
    expect(lineText(once)).toBe(line.replace('"storage/abs/web/a.har"', '"web/a.har"'));
    const twice = renameLine(once, 'b.har');
    expect(lineText(twice)).toBe(line.replace('"storage/abs/web/a.har"', '"b.har"'));
  });

  it('lines are written from their pieces as they are, past the 1,024 pieces of one writev', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-report-'));
    const lines = Array.from({ length: 1500 }, (_, i) => staged(`cap-${i}.har`, `s${i}`));
    // Every other line renamed: a batch then holds lines of one piece and of two.
    const renamed = lines.map((l, i) =>
      i % 2 ? renameLine(stagedLine(l), `web/ü-${i}.har`) : stagedLine(l),
    );
    writeLines(join(dir, 't.jsonl'), renamed);
    expect(readFileSync(join(dir, 't.jsonl'), 'utf8')).toBe(renamed.map((t) => lineText(t) + '\n').join(''));
  });

  it('a timeline in another key order (hand-written staging) is read whole and written in the usual order', () => {
    const odd = JSON.stringify({ session: 's2', events: [], har: 'x.har' });
    const t = stagedLine(odd);
    expect(t.har).toBe('x.har');
    expect(lineText(t)).toBe(JSON.stringify({ har: 'x.har', session: 's2', events: [] }));
    expect(renameLine(t, 'y.har').har).toBe('y.har');
  });

  it('collectRun sorts the workers\u2019 timelines by capture, then session, across files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-report-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'timeline-w0.ndjson'),
      [staged('b.har', 's1'), staged('a.har', 's2')].join('\n') + '\n',
    );
    writeFileSync(join(dir, 'timeline-w1.ndjson'), staged('a.har', 's1') + '\n');
    const { timelines } = collectRun(dir);
    expect(timelines.map((t) => `${t.har}#${t.session}`)).toEqual(['a.har#s1', 'a.har#s2', 'b.har#s1']);
    expect(timelines.every((t) => JSON.parse(lineText(t)).har === t.har)).toBe(true);
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

  it('writes each renamed row as JSON.stringify of the staged row, sorted, and keeps only what the tables read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-report-'));
    const rows = [
      row('storage/b.har', 's1', { verdict: 'VIOLATION', codes: ['HB_X'], platform: 'ios' }),
      // A lone surrogate: staged as a `\ufffd` escape (jsonText), written as the character itself.
      row('storage/a.har', 's\ud800', { abstained: { X: 'why' }, verdict: 'ABSTAIN' }),
      row('storage/a.har', 'app:acme', { kind: 'app', unchecked: 'request bodies omitted by the exporter' }),
    ];
    writeFileSync(join(dir, 'session_row-w0.ndjson'), rows.slice(0, 2).map(jsonText).join('\n') + '\n');
    writeFileSync(join(dir, 'session_row-w1.ndjson'), jsonText(rows[2]) + '\n');
    const collected = collectRun(dir);
    const name = (h: string) => h.replace('storage/', 'drop/');
    for (const s of collected.sessions) renameLine(s, name(s.har));
    const out = join(dir, 'out');
    const { sessions } = writeRunOutputs({
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
    expect(sessions.map((s) => [s.har, s.session, s.kind, s.platform, s.verdict, s.unchecked])).toEqual([
      ['drop/a.har', 'app:acme', 'app', 'web', 'PASS', 'request bodies omitted by the exporter'],
      ['drop/a.har', 's\ufffd', 'media', 'web', 'ABSTAIN', null],
      ['drop/b.har', 's1', 'media', 'ios', 'VIOLATION', null],
    ]);
    // The brief holds no per-rule verdicts: the row's bulk stays on disk.
    expect(sessions.every((s) => !('rules' in s) && !('codes' in s))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      sessions: Record<string, number>;
    };
    expect(summary.sessions).toEqual({ total: 3, pass: 1, violation: 1, abstain: 1 });
  });
});
