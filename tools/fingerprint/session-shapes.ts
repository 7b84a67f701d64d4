/**
 * The sessions' core keys read from the store, for `goblin fingerprint` to build the shape model from
 * (tools/fingerprint/shape.ts). Apart from shape.ts because shape.ts runs in every ingest worker (virtual
 * versions), and a worker that stages its rows as Parquet itself (tools/ingest/parquet-part.ts) should not
 * load DuckDB's native library only to leave it unused.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../store/db.js';
import { readingEvents } from '../store/lake.js';
import { START_EVENT, isShapeKeySql, normalizeKeySql } from './features.js';
import type { SessionShape } from './shape.js';

/** Per-session core keys (shape keys in ≥ half the session's events), computed in DuckDB. */
export async function loadSessionShapes(con: DuckDBConnection): Promise<SessionShape[]> {
  const nk = normalizeKeySql('j.key');
  const rows = await readingEvents(
    queryRows<{
      har_hash: string;
      session_key: string;
      sdk: string;
      platform: string | null;
      sdk_version: string | null;
      keys: string[] | null;
    }>(
      con,
      `WITH ev AS (
       SELECT har_hash, session_key, event_id, event_type, params FROM event WHERE session_key IS NOT NULL AND sdk <> 'other'
     ), n AS (
       SELECT har_hash, session_key, count(*) AS n FROM ev GROUP BY ALL
     ), k AS (
       SELECT har_hash, session_key, key, count(*) AS c, bool_or(st) AS st FROM (
         SELECT DISTINCT ev.har_hash, ev.session_key, ev.event_id, ev.event_type = '${START_EVENT}' AS st, ${nk} AS key
         FROM ev, json_each(ev.params) j
       ) WHERE ${isShapeKeySql('key')} GROUP BY ALL
     ), core AS (
       SELECT k.har_hash, k.session_key, list(k.key ORDER BY k.key) AS keys
       FROM k JOIN n USING (har_hash, session_key) WHERE k.c * 2 >= n.n OR k.st GROUP BY ALL
     )
     SELECT s.har_hash, s.session_key, s.sdk, s.platform, s.sdk_version, core.keys
     FROM session s LEFT JOIN core USING (har_hash, session_key)
     ORDER BY s.har_hash, s.session_key`,
    ),
  );
  return rows.map((r) => ({
    har_hash: r.har_hash,
    session_key: r.session_key,
    sdk: r.sdk,
    platform: r.platform ?? 'unknown',
    sdk_version: r.sdk_version,
    keys: r.keys ?? [],
  }));
}
