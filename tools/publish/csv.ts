import type { SiteFinding } from './site-schema.js';

export const FINDING_CSV_COLUMNS = [
  'ts',
  'code',
  'family',
  'severity',
  'spec',
  'spec_version',
  'spec_status',
  'platform',
  'sdk',
  'sdk_version',
  'har',
  'session',
  'event_id',
  'entry_index',
  'message',
  'expected',
  'observed',
] as const satisfies readonly (keyof SiteFinding)[];

// A plain decimal or scientific number: spreadsheets read it as a number, never as a formula.
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
// Cells a spreadsheet would evaluate (OWASP "CSV injection"): =, +, -, @, and tab/CR that hide them.
const FORMULA_LEAD = /^[=+\-@\t\r]/;

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break. Text that a spreadsheet would run
 * as a formula is defused with a leading `'`; numbers (`-5`, `+1.5e3`) are left alone, they are data.
 */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (typeof v !== 'number' && FORMULA_LEAD.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document (header + rows, CRLF line ends as RFC 4180 asks). */
export function csvTable<K extends string>(
  columns: readonly K[],
  rows: readonly Partial<Record<K, unknown>>[],
): string {
  const lines = [columns.map(csvField).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function findingRow(f: SiteFinding): string[] {
  return FINDING_CSV_COLUMNS.map((c) => (f[c] === null || f[c] === undefined ? '' : String(f[c])));
}

export function findingsCsv(findings: SiteFinding[]): string {
  return csvTable(FINDING_CSV_COLUMNS, findings);
}
