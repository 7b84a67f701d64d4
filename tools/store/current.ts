/**
 * What the store says about each capture *now*. `har_file` and `quarantine` keep every (path, content
 * hash) ever read, so a file that was an LFS pointer, unreadable or truncated and has since been fetched,
 * made readable or fixed keeps its old row beside the new one. Counting every row made `validate --store`
 * and `goblin stats` report the old failure for ever (a store whose captures all read cleanly now said
 * "parse success 75 %, Git LFS pointer 1 (run git lfs pull)" and exited 3). These subqueries keep, per
 * path, its latest row; and a whole archive's row (a zip quarantined whole) gives way to its members read
 * later, as members give way to a later whole-archive row. The history stays in the tables.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseSuccessRate } from '../cli/gate.js';
import { queryRows } from './db.js';

/**
 * `har_file` as it stands: one row per path, the latest (a subquery, for `FROM ${CURRENT_HAR_FILE} h`).
 * Members and their archive meet by the archive's path (a hash join, linear in the rows, where comparing
 * every row with every other was quadratic on a store of many captures).
 */
export const CURRENT_HAR_FILE = `(WITH latest AS (
    SELECT *, split_part(path, '!/', 1) AS _container, strpos(path, '!/') > 0 AS _member FROM har_file
    QUALIFY row_number() OVER (PARTITION BY path ORDER BY ingested_at DESC NULLS LAST) = 1),
  last_read AS (
    SELECT _container, max(ingested_at) FILTER (WHERE _member) AS members_at,
      max(ingested_at) FILTER (WHERE NOT _member) AS whole_at
    FROM latest GROUP BY _container)
  SELECT l.* EXCLUDE (_container, _member) FROM latest l JOIN last_read r USING (_container)
  WHERE CASE WHEN l._member THEN r.whole_at IS NULL OR r.whole_at <= l.ingested_at
    ELSE r.members_at IS NULL OR r.members_at <= l.ingested_at END)`;

/** The quarantine rows of the captures as they stand (a file's or an entry's, by path and content hash). */
export const CURRENT_QUARANTINE = `(SELECT q.* FROM quarantine q WHERE EXISTS (
    SELECT 1 FROM ${CURRENT_HAR_FILE} c WHERE c.path = q.path AND c.hash IS NOT DISTINCT FROM q.hash))`;

/** The captures as they stand, by status, and the share of them read (`parseSuccessRate`). */
export async function currentFiles(con: DuckDBConnection): Promise<{
  byStatus: Record<string, number>;
  parsed: number;
  quarantined: number;
  lfsPointers: number;
  /** Every path the store holds a current row for (duplicates included). */
  seen: number;
  parseSuccessRate: number;
}> {
  const rows = await queryRows<{ status: string; n: number }>(
    con,
    `SELECT status, count(*)::INT AS n FROM ${CURRENT_HAR_FILE} h GROUP BY 1`,
  );
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  const parsed = byStatus.parsed ?? 0;
  const quarantined = byStatus.quarantined ?? 0;
  const lfsPointers = byStatus['lfs-pointer'] ?? 0;
  return {
    byStatus,
    parsed,
    quarantined,
    lfsPointers,
    seen: Object.values(byStatus).reduce((a, b) => a + b, 0),
    parseSuccessRate: parseSuccessRate(parsed, quarantined, lfsPointers),
  };
}
