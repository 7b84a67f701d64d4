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

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formula-leading cells defused. */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function findingRow(f: SiteFinding): string[] {
  return FINDING_CSV_COLUMNS.map((c) => (f[c] === null || f[c] === undefined ? '' : String(f[c])));
}

export function findingsCsv(findings: SiteFinding[]): string {
  const lines = [FINDING_CSV_COLUMNS.join(',')];
  for (const f of findings) lines.push(findingRow(f).map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
