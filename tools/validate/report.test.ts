import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectRun, renameTimeline, timelineLine, timelineText, writePieces } from './report.js';

// What a worker stages: JSON.stringify of timelineOf's object (har, session, then the rest).
const staged = (har: string, session: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ har, session, protocol: 'heartbeat', events: [{ t_s: 0, type: 'play' }], ...extra });

describe('staged timelines pass through the report step as text', () => {
  it('reads capture and session from the text, whatever characters the names hold', () => {
    const har = 'drop/ÆØÅ "quoted" \\ back\\slash\u2028.har';
    const line = staged(har, 'sess"1');
    const t = timelineLine(line);
    expect(t).toEqual({ har, session: 'sess"1', parts: [Buffer.from(line)] });
  });

  it('renaming rewrites only the capture name: the rest of the text is byte for byte the same', () => {
    const line = staged('storage/abs/web/a.har', 's1', { note: '{"har":"not this one"}' });
    const r = renameTimeline(timelineLine(line), 'web/a "b".har');
    expect(JSON.parse(timelineText(r))).toEqual({ ...JSON.parse(line), har: 'web/a "b".har' });
    expect(timelineText(r).endsWith(line.slice(line.indexOf(',"protocol"')))).toBe(true);
    expect(r.session).toBe('s1');
  });

  it('renaming a capture whose old name holds multi-byte characters cuts the old head at the right byte', () => {
    // The session's text too: the new head carries it as staged (multi-byte, escaped quote, U+2028).
    const session = 'sé "q" \u2028';
    const line = staged('dröp/ÆØÅ.har', session, { note: 'ü' });
    const r = renameTimeline(timelineLine(Buffer.from(line)), 'web/a.har');
    expect(JSON.parse(timelineText(r))).toEqual({ ...JSON.parse(line), har: 'web/a.har' });
    expect(timelineText(r)).toBe(line.replace('"dröp/ÆØÅ.har"', '"web/a.har"'));
    expect(r.session).toBe(session);
  });

  it('renaming a renamed timeline replaces the head it was given, not the staged one', () => {
    const line = staged('storage/abs/web/a.har', 's1');
    const once = renameTimeline(timelineLine(line), 'web/a.har');
    const twice = renameTimeline(once, 'b.har');
    expect(JSON.parse(timelineText(twice))).toEqual({ ...JSON.parse(line), har: 'b.har' });
    expect(twice.parts.slice(1)).toEqual(once.parts.slice(1));
  });

  it('timelines are written from their pieces as they are, past the 1,024 pieces of one writev', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-report-'));
    const lines = Array.from({ length: 1500 }, (_, i) => staged(`cap-${i}.har`, `s${i}`));
    const renamed = lines.map((l, i) => renameTimeline(timelineLine(l), `web/ü-${i}.har`));
    const nl = Buffer.from('\n');
    writePieces(
      join(dir, 't.jsonl'),
      renamed.flatMap((t) => [...t.parts, nl]),
    );
    expect(readFileSync(join(dir, 't.jsonl'), 'utf8')).toBe(
      renamed.map((t) => timelineText(t) + '\n').join(''),
    );
  });

  it('a timeline in another key order (hand-written staging) is read whole and written in the usual order', () => {
    const odd = JSON.stringify({ session: 's2', events: [], har: 'x.har' });
    const t = timelineLine(odd);
    expect(t.har).toBe('x.har');
    expect(timelineText(t)).toBe(JSON.stringify({ har: 'x.har', session: 's2', events: [] }));
    expect(renameTimeline(t, 'y.har').har).toBe('y.har');
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
    expect(timelines.every((t) => JSON.parse(timelineText(t)).har === t.har)).toBe(true);
  });
});
