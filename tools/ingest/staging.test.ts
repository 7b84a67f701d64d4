import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../util/json-text.js';
import { NdjsonWriter, readStaged, readStagedLines } from './staging.js';

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
    expect(readStagedLines(dir, 'timeline')).toEqual(rows.map((r) => jsonText(r)));
  });
});
