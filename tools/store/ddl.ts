/**
 * The embedded store. Column lists are the contract for the Parquet dataset too
 * (storage/parquet/events/part-*.parquet), readable by DuckDB, ClickHouse or Trino: EVENT_COLUMNS are the
 * dataset's columns, and the store's `event` view reads them from there.
 */
export const EVENT_COLUMNS: Record<string, string> = {
  event_id: 'VARCHAR',
  ts: 'TIMESTAMP',
  ts_ms: 'DOUBLE',
  beacon_ts_ms: 'DOUBLE',
  date: 'VARCHAR',
  host: 'VARCHAR',
  path: 'VARCHAR',
  method: 'VARCHAR',
  status: 'INTEGER',
  protocol: 'VARCHAR',
  http_version: 'VARCHAR',
  family: 'VARCHAR',
  platform: 'VARCHAR',
  sdk: 'VARCHAR',
  sdk_version: 'VARCHAR',
  app_version: 'VARCHAR',
  ecid: 'VARCHAR',
  rsid: 'VARCHAR',
  org_id: 'VARCHAR',
  ip_hash: 'VARCHAR',
  ua_hash: 'VARCHAR',
  ua: 'VARCHAR',
  content_type: 'VARCHAR',
  asset_id: 'VARCHAR',
  asset_name: 'VARCHAR',
  asset_length_s: 'DOUBLE',
  event_type: 'VARCHAR',
  raw_event_type: 'VARCHAR',
  asset_type: 'VARCHAR',
  playhead_s: 'DOUBLE',
  delta_s: 'DOUBLE',
  cadence_s: 'DOUBLE',
  session_id: 'VARCHAR',
  session_key: 'VARCHAR',
  params: 'JSON',
  dims: 'JSON',
  req_headers: 'JSON',
  res_headers: 'JSON',
  errors: 'JSON',
  raw_query: 'VARCHAR',
  raw_body: 'VARCHAR',
  har_path: 'VARCHAR',
  har_hash: 'VARCHAR',
  entry_index: 'INTEGER',
  sub_index: 'INTEGER',
};

export const SESSION_COLUMNS: Record<string, string> = {
  har_path: 'VARCHAR',
  har_hash: 'VARCHAR',
  session_key: 'VARCHAR',
  kind: 'VARCHAR',
  protocol: 'VARCHAR',
  platform: 'VARCHAR',
  sdk: 'VARCHAR',
  sdk_version: 'VARCHAR',
  sdk_version_raw: 'VARCHAR',
  app_version: 'VARCHAR',
  confidence: 'DOUBLE',
  virtual_version: 'VARCHAR',
  events: 'INTEGER',
  first_ts: 'TIMESTAMP',
  last_ts: 'TIMESTAMP',
};

export const FINGERPRINT_COLUMNS: Record<string, string> = {
  har_path: 'VARCHAR',
  har_hash: 'VARCHAR',
  session_key: 'VARCHAR',
  platform: 'VARCHAR',
  sdk: 'VARCHAR',
  sdk_version: 'VARCHAR',
  confidence: 'DOUBLE',
  signals: 'JSON',
};

export const HAR_FILE_COLUMNS: Record<string, string> = {
  path: 'VARCHAR',
  hash: 'VARCHAR',
  bytes: 'BIGINT',
  mtime_ms: 'DOUBLE',
  status: 'VARCHAR', // parsed | quarantined | lfs-pointer | duplicate
  exporter: 'VARCHAR',
  encoding: 'VARCHAR',
  entries: 'INTEGER',
  beacons: 'INTEGER',
  entry_problems: 'INTEGER',
  first_ms: 'DOUBLE', // capture span over all entries (SESSION_NOT_CLOSED needs it on replay)
  last_ms: 'DOUBLE',
  ingested_at: 'TIMESTAMP',
  shard: 'VARCHAR',
};

export const QUARANTINE_COLUMNS: Record<string, string> = {
  scope: 'VARCHAR', // file | entry
  path: 'VARCHAR',
  hash: 'VARCHAR',
  entry_index: 'INTEGER',
  url: 'VARCHAR',
  reason: 'VARCHAR',
  detail: 'VARCHAR',
  at: 'TIMESTAMP',
};

export const VIOLATION_COLUMNS: Record<string, string> = {
  har: 'VARCHAR',
  har_hash: 'VARCHAR',
  session: 'VARCHAR',
  code: 'VARCHAR',
  family: 'VARCHAR',
  severity: 'VARCHAR',
  spec: 'VARCHAR',
  spec_version: 'VARCHAR',
  spec_status: 'VARCHAR',
  event_id: 'VARCHAR',
  entry_index: 'INTEGER',
  ts: 'VARCHAR',
  message: 'VARCHAR',
  expected: 'VARCHAR',
  observed: 'VARCHAR',
  platform: 'VARCHAR',
  sdk: 'VARCHAR',
  sdk_version: 'VARCHAR',
};

export const VERDICT_COLUMNS: Record<string, string> = {
  har: 'VARCHAR',
  har_hash: 'VARCHAR',
  session: 'VARCHAR',
  verdict: 'VARCHAR',
  conformance: 'DOUBLE',
  rules: 'JSON',
  codes: 'JSON',
};

/**
 * The store's tables. Events are not among them: they live in the Parquet dataset alone, and the store
 * reads them through a view (`event`, tools/store/lake.ts `refreshEventView`) with EVENT_COLUMNS' types.
 */
export const TABLES: Record<string, Record<string, string>> = {
  session: SESSION_COLUMNS,
  fingerprint: FINGERPRINT_COLUMNS,
  har_file: HAR_FILE_COLUMNS,
  quarantine: QUARANTINE_COLUMNS,
  violation: VIOLATION_COLUMNS,
  session_verdict: VERDICT_COLUMNS,
};

/**
 * Bookkeeping of the Parquet lake (tools/store/lake.ts): the HARs each run stored, and the runs the store
 * committed, written in the transaction that stores the run's captures (a run whose parts were published
 * without such a row was interrupted, and its parts are removed on the next start).
 * And of incremental ingest: `har_archive` lists the archives read whole (path, size, mtime), because the
 * rows of their members (`bundle.zip!/cap.har`) do not say whether every member was read or only one
 * asked for by name (tools/ingest/run.ts, `unchangedInputs`).
 */
export const LAKE_DDL = [
  `CREATE TABLE IF NOT EXISTS lake_run (run_id VARCHAR, har_hash VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS lake_export (run_id VARCHAR, parts INTEGER, "rows" BIGINT, exported_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS har_archive (path VARCHAR, bytes BIGINT, mtime_ms DOUBLE, ingested_at TIMESTAMP)`,
  // Where the store's events live (key 'lake': the dataset's folder, relative to the store's).
  `CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR, value VARCHAR)`,
];

export function createTableSql(name: string, cols: Record<string, string>): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (${Object.entries(cols)
    .map(([c, t]) => `"${c}" ${t}`)
    .join(', ')})`;
}

/** DuckDB `read_json` columns={…} literal for a table's staging NDJSON. */
export function jsonColumnsLiteral(cols: Record<string, string>): string {
  return `{${Object.entries(cols)
    .map(([c, t]) => `'${c}': '${t}'`)
    .join(', ')}}`;
}
