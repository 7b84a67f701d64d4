import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { Envelope } from '../envelope/index.js';
import { buildCapture, type Capture } from '../session/index.js';
import { readingEvents } from '../store/lake.js';
import { rowToEnvelope } from '../store/rows.js';
import { bracketHoles } from './holes.js';

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
  // Entries quarantined at ingest: continuous checks must not judge across them in a replay either.
  const holes = new Map<string, { entry_index: number; reason: string }[]>();
  const qRows = (
    await con.runAndReadAll(
      `SELECT hash, entry_index, reason FROM quarantine WHERE scope = 'entry' AND entry_index IS NOT NULL`,
    )
  ).getRowObjectsJS();
  for (const r of qRows) {
    const list = holes.get(String(r.hash)) ?? [];
    list.push({ entry_index: Number(r.entry_index), reason: String(r.reason) });
    holes.set(String(r.hash), list);
  }
  const sql = `SELECT * EXCLUDE (ts) FROM event ${filter} ORDER BY har_hash, ts_ms, entry_index, sub_index`;
  let rows: Record<string, unknown>[];
  if (opts.hashes) {
    const stmt = await con.prepare(sql);
    stmt.bindList(1, listValue(opts.hashes));
    rows = (await readingEvents(stmt.runAndReadAll())).getRowObjectsJS();
  } else rows = (await readingEvents(con.runAndReadAll(sql))).getRowObjectsJS();
  yield* group(rows, spans, holes);
}

function* group(
  rows: Record<string, unknown>[],
  spans: Map<string, { first: number | null; last: number | null }>,
  holes: Map<string, { entry_index: number; reason: string }[]>,
): Generator<Capture> {
  let cur: string | null = null;
  let events: Envelope[] = [];
  let path = '';
  const flush = function* (): Generator<Capture> {
    if (cur === null) return;
    const span = spans.get(cur) ?? { first: null, last: null };
    const capture = buildCapture(path, cur, events, { startMs: span.first, endMs: span.last });
    // The store keeps beacons only: a hole is bracketed by the nearest stored beacons around it.
    capture.holes = bracketHoles(
      events.map((e) => ({ index: e.provenance.entry_index, ms: e.ts_ms })),
      holes.get(cur) ?? [],
    );
    yield capture;
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
