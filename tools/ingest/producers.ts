/**
 * Row producers: the tables a worker fills from each capture, with their columns. This is the extension
 * point for a stage that wants its own table built while the capture is in memory (per-session features,
 * a new column): add the column to the table's list in tools/store/ddl.ts — one edit, used by the store's
 * DDL, the worker's staging table and the load — or register a new producer with its own table in
 * `TABLES` there. The worker encodes the rows into Parquet parts itself and they reach the store through
 * DuckDB's read_parquet (tools/ingest/columnar.ts), never as JSON text.
 */
import type { Capture } from '../session/index.js';
// The store's column lists and row mapping, not its index: that one opens DuckDB, which a worker no
// longer loads (tools/ingest/columnar.ts).
import { EVENT_COLUMNS, FINGERPRINT_COLUMNS, SESSION_COLUMNS } from '../store/ddl.js';
import { envelopeToRow } from '../store/rows.js';

export interface RowProducer {
  /** Store table the rows are inserted into (its DDL in tools/store/ddl.ts `TABLES`). */
  table: string;
  /** Column → DuckDB type; the same object as the table's DDL, so the two cannot drift. */
  columns: Record<string, string>;
  /** Rows of one capture, each keyed by column name (missing keys are NULL). */
  rows(c: Capture): Iterable<Record<string, unknown>>;
}

function* eventRows(c: Capture): Iterable<Record<string, unknown>> {
  const keyOf = new Map<string, string>();
  for (const s of c.sessions) for (const e of s.events) keyOf.set(e.event_id, s.key);
  for (const e of c.events) yield envelopeToRow(e, keyOf.get(e.event_id) ?? null);
}

function* sessionRows(c: Capture): Iterable<Record<string, unknown>> {
  for (const s of c.sessions)
    yield {
      har_path: c.har,
      har_hash: c.harHash,
      session_key: s.key,
      kind: s.kind,
      protocol: s.protocol,
      platform: s.platform,
      sdk: s.sdk,
      sdk_version: s.sdk_version,
      sdk_version_raw: s.sdk_version_raw,
      app_version: s.app_version,
      confidence: s.confidence,
      virtual_version: s.virtual_version,
      events: s.events.length,
      first_ts: s.events[0]?.ts ?? null,
      last_ts: s.events[s.events.length - 1]?.ts ?? null,
    };
}

function* fingerprintRows(c: Capture): Iterable<Record<string, unknown>> {
  for (const s of c.sessions)
    yield {
      har_path: c.har,
      har_hash: c.harHash,
      session_key: s.key,
      platform: s.platform,
      sdk: s.sdk,
      sdk_version: s.sdk_version,
      confidence: s.confidence,
      signals: s.signals,
    };
}

const producers: RowProducer[] = [
  { table: 'event', columns: EVENT_COLUMNS, rows: eventRows },
  { table: 'session', columns: SESSION_COLUMNS, rows: sessionRows },
  { table: 'fingerprint', columns: FINGERPRINT_COLUMNS, rows: fingerprintRows },
];

/** Add a producer (a stage's own table). Its table must be in the store's `TABLES` so the load finds it. */
export function registerProducer(p: RowProducer): void {
  if (producers.some((x) => x.table === p.table)) throw new Error(`a producer for '${p.table}' exists`);
  producers.push(p);
}

export function rowProducers(): readonly RowProducer[] {
  return producers;
}
