import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { Envelope } from '../envelope/index.js';
import { buildCapture, type Capture } from '../session/index.js';
import { EVENT_COLUMNS } from '../store/ddl.js';
import { outOfMemory, partBudget, readingEvents, ROW_BYTES } from '../store/lake.js';
import { rowToEnvelope } from '../store/rows.js';
import { bracketHoles } from './holes.js';

/**
 * Rebuild captures from the store, one HAR at a time, for re-validation and shadow replays: every
 * capture, or the ones `hashes` names (a sample).
 *
 * Two costs shape the reading (docs/measured.md, "Replaying the store"):
 * - Crossing from DuckDB to JavaScript costs about a microsecond per value, in the client's conversion
 *   of each string. So a row's strings, integers and JSON columns cross as one JSON text (`to_json`;
 *   DuckDB writes the JSON columns' values over, without spaces, same values), parsed by `JSON.parse`:
 *   much faster than forty-odd values a row.
 * - The parts are sorted by SDK and time, not by capture, so putting a capture's events together is a
 *   sort. One sort of the whole dataset runs out of DuckDB's memory on a large store; one query per 200
 *   captures read every part's every column once per query. Each query now takes whole captures up to a
 *   share of the store's sort budget (a few queries per thousand captures; the scans cost little beside
 *   the rows' conversion), and its result is streamed a chunk at a time.
 * A batch that runs out of memory all the same (a smaller memory limit, a value of many megabytes) is
 * read again value by value from the first capture it had not given, then one capture a query.
 */
export async function* capturesFromStore(
  con: DuckDBConnection,
  opts: {
    hashes?: string[];
    /** Bytes (before compression) one query sorts; default a quarter of `partBudget`. Tests lower it. */
    budget?: number;
  } = {},
): AsyncGenerator<Capture> {
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
  for (const batch of await queryBatches(con, opts.hashes, opts.budget)) {
    // Out of memory, what is left of the batch is read value by value (no row-sized text: DuckDB's
    // `to_json` needs room of its own, and a value of many megabytes becomes a string it grows by
    // doubling); out of memory again, one capture a query.
    let rest = batch;
    for (const read of [jsonRows, valueRows, null]) {
      let done = 0; // captures of `rest` already given
      try {
        if (read)
          for await (const c of group(read(con, rest), spans, holes)) {
            done += 1;
            yield c;
          }
        else for (const hash of rest) yield* group(valueRows(con, [hash]), spans, holes);
        break;
      } catch (e) {
        if (!read || !outOfMemory(e)) throw e;
        rest = rest.slice(done);
      }
    }
  }
}

/**
 * Events one replay query sorts, as a share of the store's sort budget (`partBudget`: 96 MB of events
 * before compression at the default memory limit). The query sorts each row's JSON text, larger than the
 * values it holds, on all of DuckDB's threads, where a part's export sorts the values on one: at the
 * whole budget a 1,500-capture dense store ran out of memory under a 192 MB limit, at a quarter it did not.
 */
const BUDGET_SHARE = 4;

/** The captures to replay, in hash order, cut into runs of whole captures of at most `limit` bytes. */
async function queryBatches(
  con: DuckDBConnection,
  hashes: string[] | undefined,
  limit: number | undefined,
): Promise<string[][]> {
  const stmt = await con.prepare(
    `SELECT har_hash AS hash, sum(${ROW_BYTES})::DOUBLE AS bytes FROM event
     ${hashes ? 'WHERE har_hash IN (SELECT unnest(?::VARCHAR[]))' : ''} GROUP BY 1 ORDER BY 1`,
  );
  if (hashes) stmt.bindList(1, listValue(hashes));
  const sizes = (await readingEvents(stmt.runAndReadAll())).getRowObjectsJS();
  const budget = limit ?? (await partBudget(con)) / BUDGET_SHARE;
  const batches: string[][] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const r of sizes) {
    const b = Number(r.bytes);
    if (cur.length > 0 && bytes + b > budget) {
      batches.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(String(r.hash));
    bytes += b;
  }
  if (cur.length > 0) batches.push(cur);
  return batches;
}

/** The event columns a replay reads: JSON text for all but the doubles, which cross as numbers. */
const DOUBLES = Object.keys(EVENT_COLUMNS).filter((c) => EVENT_COLUMNS[c] === 'DOUBLE');
const AS_TEXT = Object.keys(EVENT_COLUMNS).filter((c) => c !== 'ts' && EVENT_COLUMNS[c] !== 'DOUBLE');
const CAPTURE_ORDER = 'ORDER BY har_hash, ts_ms, entry_index, sub_index';

/**
 * One batch's events in capture order, a chunk at a time. Each row's strings, integers and JSON columns
 * come as one JSON text; its doubles come as numbers, exact and whatever they hold (JSON has no NaN or
 * infinity).
 */
async function* jsonRows(con: DuckDBConnection, hashes: string[]): AsyncGenerator<Envelope[]> {
  const stmt = await con.prepare(
    `SELECT to_json(struct_pack(${AS_TEXT.map((c) => `"${c}"`).join(', ')}))::VARCHAR AS row,
       ${DOUBLES.map((c) => `"${c}"`).join(', ')}
     FROM event WHERE har_hash IN (SELECT unnest(?::VARCHAR[])) ${CAPTURE_ORDER}`,
  );
  stmt.bindList(1, listValue(hashes));
  const result = await readingEvents(stmt.stream());
  // A part damaged inside fails in whichever chunk decodes the damage: each fetch says where to look.
  for (let chunk = await readingEvents(result.fetchChunk()); chunk && chunk.rowCount > 0;) {
    const text = chunk.getColumnVector(0);
    const doubles = DOUBLES.map((c, i) => [c, chunk!.getColumnVector(i + 1)] as const);
    const events: Envelope[] = new Array(chunk.rowCount);
    for (let i = 0; i < chunk.rowCount; i++) {
      const row = JSON.parse(text.getItem(i) as string) as Record<string, unknown>;
      for (const [c, v] of doubles) row[c] = v.getItem(i);
      events[i] = rowToEnvelope(row, true);
    }
    yield events;
    chunk = await readingEvents(result.fetchChunk());
  }
}

/** The batch's events in capture order, each value read on its own: slower, and no row-sized text. */
async function* valueRows(con: DuckDBConnection, hashes: string[]): AsyncGenerator<Envelope[]> {
  const stmt = await con.prepare(
    `SELECT * EXCLUDE (ts) FROM event WHERE har_hash IN (SELECT unnest(?::VARCHAR[])) ${CAPTURE_ORDER}`,
  );
  stmt.bindList(1, listValue(hashes));
  const chunks = (await readingEvents(stmt.stream())).yieldRowObjectJs()[Symbol.asyncIterator]();
  for (let next = await readingEvents(chunks.next()); !next.done; next = await readingEvents(chunks.next()))
    yield next.value.map((r) => rowToEnvelope(r));
}

async function* group(
  chunks: AsyncIterable<Envelope[]>,
  spans: Map<string, { first: number | null; last: number | null }>,
  holes: Map<string, { entry_index: number; reason: string }[]>,
): AsyncGenerator<Capture> {
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
  for await (const chunk of chunks)
    for (const e of chunk) {
      const hash = e.provenance.har_hash;
      if (hash !== cur) {
        yield* flush();
        cur = hash;
        events = [];
        path = e.provenance.har_path;
      }
      events.push(e);
    }
  yield* flush();
}
