import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../util/json-text.js';
import { NdjsonWriter, eachStagedLine, readStaged, writeNdjson } from './staging.js';

/** Every staged line of `table` as text, in order (what the readers see line by line). */
function stagedLines(dir: string, table: 'timeline'): string[] {
  const out: string[] = [];
  eachStagedLine(dir, table, (line) => out.push(line.toString('utf8')));
  return out;
}

describe('NdjsonWriter encodes lines into its reused buffer', () => {
  it('writes JSON.stringify per line across buffer boundaries, multi-byte text and a row larger than the buffer; a lone surrogate as U+FFFD', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-ndjson-'));
    const w = new NdjsonWriter(join(dir, 'timeline-w0.ndjson'));
    const rows: unknown[] = [];
    // ~3 MB of rows whose UTF-8 is longer than their UTF-16 (é: 2 bytes, 😀: 4 bytes in 2 units, 中: 3 bytes)
    for (let i = 0; i < 3000; i++)
      rows.push({ har: `é/${i}.har`, session: `s${i}`, text: '😀中'.repeat(100 + (i % 400)), n: i / 7 });
    rows.push({ har: 'big.har', blob: 'x'.repeat(3 << 20) }); // one row bigger than the 1 MiB buffer
    // A lone surrogate: JSON.stringify escapes it, and DuckDB's read_json would refuse the escape.
    rows.push({ har: 'after.har', lone: '\ud800' });
    for (const r of rows) w.write(r);
    w.close();
    const text = readFileSync(join(dir, 'timeline-w0.ndjson'), 'utf8');
    expect(text).toBe(rows.map((r) => jsonText(r)).join('\n') + '\n');
    expect(text.endsWith('{"har":"after.har","lone":"\\ufffd"}\n')).toBe(true);
    expect(w.count).toBe(rows.length);
    expect(readStaged(dir, 'timeline')).toEqual([...rows.slice(0, -1), { har: 'after.har', lone: '\ufffd' }]);
    // read back line by line from the bytes: the same text, multi-byte characters whole
    expect(stagedLines(dir, 'timeline')).toEqual(rows.map((r) => jsonText(r)));
  });
});

describe('eachStagedLine reads staged lines in pieces', () => {
  it('gives every line, with where it lies, across piece boundaries, past a line longer than a piece, and a last line without newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-lines-'));
    const lines = ['{"a":1}', `{"long":"${'é'.repeat(40)}"}`, '{"b":"中"}', '', '{"c":3}'];
    // an empty line (two newlines) is skipped, the file ends without a newline; a second worker's file follows
    writeFileSync(join(dir, 'timeline-w0.ndjson'), lines.join('\n'));
    writeFileSync(join(dir, 'timeline-w1.ndjson'), '{"d":4}\n');
    for (const chunk of [5, 16, 1 << 20]) {
      const got: string[] = [];
      eachStagedLine(
        dir,
        'timeline',
        (line, file, start, end) => {
          expect(readFileSync(file).subarray(start, end).equals(line)).toBe(true);
          got.push(line.toString('utf8'));
        },
        chunk,
      );
      expect(got).toEqual([...lines.filter((l) => l !== ''), '{"d":4}']);
    }
  });
});

describe('writeNdjson writes rows as they come', () => {
  it('writes what joining every jsonText line gave, from a generator it reads once, and an empty file for no rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-write-ndjson-'));
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      har: `cap-${i}.har`,
      p: i / 3,
      note: i % 97 ? 'é' : '\udc00',
    }));
    let pulled = 0;
    function* lazily() {
      for (const r of rows) (pulled++, yield r);
    }
    writeNdjson(join(dir, 'labels.jsonl'), lazily());
    expect(pulled).toBe(rows.length);
    // The text the learning step wrote before (one string of every line): byte for byte the same.
    expect(readFileSync(join(dir, 'labels.jsonl'), 'utf8')).toBe(
      rows.map((r) => jsonText(r)).join('\n') + '\n',
    );
    writeNdjson(join(dir, 'inbox.jsonl'), []);
    expect(readFileSync(join(dir, 'inbox.jsonl'), 'utf8')).toBe('');
  });

  it('closes the file when a row cannot be written, keeping the lines before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-write-ndjson-'));
    function* failing() {
      yield { ok: 1 };
      throw new Error('the learning step failed half-way');
    }
    expect(() => writeNdjson(join(dir, 'anomalies.jsonl'), failing())).toThrow('half-way');
    expect(readFileSync(join(dir, 'anomalies.jsonl'), 'utf8')).toBe('{"ok":1}\n');
  });
});
