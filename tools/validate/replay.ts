import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { Envelope } from '../envelope/index.js';
import { buildCapture, type Capture } from '../session/index.js';
import { rowToEnvelope } from '../store/rows.js';

/**
 * Rebuild captures from the store, one HAR at a time, for re-validation and shadow replays. Crossing
 * DuckDB → JS costs ~2 µs a value, so callers pass the HAR hashes they need (a sample) when they can.
 */
export async function* capturesFromStore(
  con: DuckDBConnection,
  opts: { hashes?: string[] } = {},
): AsyncGenerator<Capture> {
  const filter = opts.hashes ? `WHERE har_hash IN (SELECT unnest(?::VARCHAR[]))` : '';
  const spans = new Map<string, { first: number | null; last: number | null }>();
  const spanRows = (
    await con.runAndReadAll(`SELECT hash, first_ms, last_ms FROM har_file WHERE status = 'parsed'`)
  ).getRowObjectsJS();
  for (const r of spanRows)
    spans.set(String(r.hash), {
      first: r.first_ms === null ? null : Number(r.first_ms),
      last: r.last_ms === null ? null : Number(r.last_ms),
    });
  const sql = `SELECT * EXCLUDE (ts) FROM event ${filter} ORDER BY har_hash, ts_ms, entry_index, sub_index`;
  let rows: Record<string, unknown>[];
  if (opts.hashes) {
    const stmt = await con.prepare(sql);
    stmt.bindList(1, listValue(opts.hashes));
    rows = (await stmt.runAndReadAll()).getRowObjectsJS();
  } else rows = (await con.runAndReadAll(sql)).getRowObjectsJS();
  yield* group(rows, spans);
}

function* group(
  rows: Record<string, unknown>[],
  spans: Map<string, { first: number | null; last: number | null }>,
): Generator<Capture> {
  let cur: string | null = null;
  let events: Envelope[] = [];
  let path = '';
  const flush = function* (): Generator<Capture> {
    if (cur === null) return;
    const span = spans.get(cur) ?? { first: null, last: null };
    yield buildCapture(path, cur, events, { startMs: span.first, endMs: span.last });
  };
  for (const r of rows) {
    const hash = String(r.har_hash);
    if (hash !== cur) {
      yield* flush();
      cur = hash;
      events = [];
      path = String(r.har_path);
    }
    events.push(rowToEnvelope(r));
  }
  yield* flush();
}
