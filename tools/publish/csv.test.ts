import { describe, expect, it } from 'vitest';
import { csvField, csvTable } from './csv.js';

describe('CSV cells', () => {
  it('leaves numbers alone: -5, +1.5 and 2e-3 are data, not formulas', () => {
    expect(csvField(-5)).toBe('-5');
    expect(csvField('-5')).toBe('-5');
    expect(csvField('+1.5')).toBe('+1.5');
    expect(csvField('-2e-3')).toBe('-2e-3');
  });

  it('defuses text a spreadsheet would run: =, +, -, @ and a leading tab', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('-cmd')).toBe(`'-cmd`);
    expect(csvField('+A1')).toBe(`'+A1`);
    expect(csvField('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(csvField('\t=1')).toBe(`'\t=1`);
  });

  it('quotes commas, quotes and line breaks; CRLF between rows', () => {
    expect(csvTable(['a', 'b'], [{ a: 'x, y', b: 'say "hi"\nthere' }])).toBe(
      'a,b\r\n"x, y","say ""hi""\nthere"\r\n',
    );
  });
});
