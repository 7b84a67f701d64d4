import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectRun, renameTimeline, timelineLine } from './report.js';

// What a worker stages: JSON.stringify of timelineOf's object (har, session, then the rest).
const staged = (har: string, session: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ har, session, protocol: 'heartbeat', events: [{ t_s: 0, type: 'play' }], ...extra });

describe('staged timelines pass through the report step as text', () => {
  it('reads capture and session from the text, whatever characters the names hold', () => {
    const har = 'drop/ÆØÅ "quoted" \\ back\\slash\u2028.har';
    const line = staged(har, 'sess"1');
    const t = timelineLine(line);
    expect(t).toEqual({ har, session: 'sess"1', bytes: Buffer.from(line) });
  });

  it('renaming rewrites only the capture name: the rest of the text is byte for byte the same', () => {
    const line = staged('storage/abs/web/a.har', 's1', { note: '{"har":"not this one"}' });
    const r = renameTimeline(timelineLine(line), 'web/a "b".har');
    expect(JSON.parse(r.bytes.toString())).toEqual({ ...JSON.parse(line), har: 'web/a "b".har' });
    expect(r.bytes.toString().endsWith(line.slice(line.indexOf(',"protocol"')))).toBe(true);
    expect(r.session).toBe('s1');
  });

  it('renaming a capture whose old name holds multi-byte characters cuts the old head at the right byte', () => {
    const line = staged('dröp/ÆØÅ.har', 'sé', { note: 'ü' });
    const r = renameTimeline(timelineLine(Buffer.from(line)), 'web/a.har');
    expect(JSON.parse(r.bytes.toString())).toEqual({ ...JSON.parse(line), har: 'web/a.har' });
    expect(r.session).toBe('sé');
  });

  it('a timeline in another key order (hand-written staging) is read whole and written in the usual order', () => {
    const odd = JSON.stringify({ session: 's2', events: [], har: 'x.har' });
    const t = timelineLine(odd);
    expect(t.har).toBe('x.har');
    expect(t.bytes.toString()).toBe(JSON.stringify({ har: 'x.har', session: 's2', events: [] }));
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
    expect(timelines.every((t) => JSON.parse(t.bytes.toString()).har === t.har)).toBe(true);
  });
});
