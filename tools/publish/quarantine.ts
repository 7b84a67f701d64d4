/**
 * Naming what could not be read: every quarantined file and entry with its reason and position, for
 * the console, report.md, quarantine.csv/.jsonl, `goblin stats --quarantine` and the site.
 */
import type { QuarantineRecord } from '../validate/outputs.js';
import { csvTable } from './csv.js';

export const QUARANTINE_CSV_COLUMNS = ['scope', 'path', 'entry_index', 'reason', 'detail', 'url'] as const;
export const QUARANTINE_FILES = { csv: 'quarantine.csv', jsonl: 'quarantine.jsonl' } as const;

/** Files first, then entries in file order: the order a reader walks the input. */
export function sortQuarantine<T extends QuarantineRecord>(rows: readonly T[]): T[] {
  return [...rows].sort(
    (a, b) =>
      a.path.localeCompare(b.path) ||
      (a.scope === b.scope ? 0 : a.scope === 'file' ? -1 : 1) ||
      (a.entry_index ?? -1) - (b.entry_index ?? -1),
  );
}

/** Keep only the fields the outputs promise (store rows also carry hash and time). */
export function toRecord(q: QuarantineRecord): QuarantineRecord {
  return {
    scope: q.scope,
    path: q.path,
    entry_index: q.entry_index ?? null,
    url: q.url ?? null,
    reason: q.reason,
    detail: q.detail ?? null,
  };
}

/** `web/a.har: invalid-json — Unterminated string…` / `web/b.har entry 17: undecodable-beacon — …`. */
export function describeQuarantine(q: QuarantineRecord): string {
  const where = q.scope === 'entry' && q.entry_index !== null ? `${q.path} entry ${q.entry_index}` : q.path;
  const url = q.url ? ` (${q.url.length > 120 ? `${q.url.slice(0, 117)}…` : q.url})` : '';
  return `${where}: ${q.reason}${q.detail ? ` — ${q.detail}` : ''}${url}`;
}

/** Console lines: the first `limit` by name, then where the rest are. */
export function quarantineLines(rows: readonly QuarantineRecord[], limit = 20): string[] {
  if (!rows.length) return [];
  const sorted = sortQuarantine(rows);
  return [
    ...sorted.slice(0, limit).map((q) => `  ${describeQuarantine(q)}`),
    ...(sorted.length > limit ? [`  … and ${sorted.length - limit} more in ${QUARANTINE_FILES.csv}`] : []),
  ];
}

export function quarantineCsv(rows: readonly QuarantineRecord[]): string {
  return csvTable(QUARANTINE_CSV_COLUMNS, sortQuarantine(rows));
}

export function quarantineJsonl(rows: readonly QuarantineRecord[]): string {
  return sortQuarantine(rows)
    .map((q) => `${JSON.stringify(toRecord(q))}\n`)
    .join('');
}

const mdCell = (s: string | number | null) =>
  s === null ? '—' : String(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** report.md section: a table of the first `cap` rows and the count per reason. */
export function quarantineMarkdown(rows: readonly QuarantineRecord[], cap = 100): string[] {
  if (!rows.length) return [];
  const sorted = sortQuarantine(rows);
  const byReason = new Map<string, number>();
  for (const q of sorted) byReason.set(q.reason, (byReason.get(q.reason) ?? 0) + 1);
  return [
    '## Quarantine',
    '',
    `${sorted.length} file(s) and entries could not be read: ${[...byReason].map(([r, n]) => `${r} ${n}`).join(' · ')}.`,
    '',
    '| path | entry | reason | detail |',
    '|---|---:|---|---|',
    ...sorted
      .slice(0, cap)
      .map((q) => `| \`${mdCell(q.path)}\` | ${mdCell(q.entry_index)} | ${q.reason} | ${mdCell(q.detail)} |`),
    ...(sorted.length > cap ? ['', `… and ${sorted.length - cap} more in \`${QUARANTINE_FILES.csv}\`.`] : []),
    '',
  ];
}
