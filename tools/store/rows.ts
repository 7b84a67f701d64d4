import { newParams } from '../envelope/params.js';
import type { Envelope } from '../envelope/index.js';

/** Flatten an envelope into an `event` row (JSON columns stay objects for NDJSON staging). */
export function envelopeToRow(e: Envelope, sessionKey: string | null): Record<string, unknown> {
  return {
    event_id: e.event_id,
    ts: e.ts,
    ts_ms: e.ts_ms,
    beacon_ts_ms: e.beacon_ts_ms,
    date: e.ts.slice(0, 10),
    host: e.network.host,
    path: e.network.path,
    method: e.network.method,
    status: e.network.status,
    protocol: e.network.protocol,
    http_version: e.network.http_version,
    family: e.family,
    platform: e.platform,
    sdk: e.sdk,
    sdk_version: e.sdk_version,
    app_version: e.app_version,
    ecid: e.actor.ecid,
    rsid: e.actor.rsid,
    org_id: e.actor.org_id,
    ip_hash: e.actor.ip_hash,
    ua_hash: e.actor.ua_hash,
    ua: e.actor.ua,
    content_type: e.asset.type,
    asset_id: e.asset.id,
    asset_name: e.asset.name,
    asset_length_s: e.asset.length_s,
    event_type: e.sequence.event_type,
    raw_event_type: e.sequence.raw_event_type,
    asset_type: e.sequence.asset_type,
    playhead_s: e.sequence.playhead_s,
    delta_s: e.sequence.delta_s,
    cadence_s: e.sequence.cadence_s,
    session_id: e.session_id,
    session_key: sessionKey,
    params: e.params,
    dims: e.dims,
    req_headers: e.network.req_headers,
    res_headers: e.network.res_headers,
    errors: e.network.errors,
    raw_query: e.raw.query,
    raw_body: e.raw.body,
    har_path: e.provenance.har_path,
    har_hash: e.provenance.har_hash,
    entry_index: e.provenance.entry_index,
    sub_index: e.provenance.sub_index,
  };
}

/** A JSON column's value: text to parse, or (`parsed`) a value the row's own JSON text already gave. */
const json = (v: unknown, parsed: boolean): unknown =>
  !parsed && typeof v === 'string' ? JSON.parse(v) : (v ?? {});
/** Params without a prototype, as decoded (tools/envelope/params.ts); anything but an object as it is. */
const params = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.assign(newParams(), v) : v;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * Rebuild an envelope from an `event` row read back from DuckDB. Its JSON columns arrive as text, or
 * (`parsed`) as values already, where the whole row came as one JSON text (tools/validate/replay.ts): a
 * JSON column holding a JSON string is then that string, not text to parse again.
 */
export function rowToEnvelope(r: Record<string, unknown>, parsed = false): Envelope {
  const tsMs = Number(r.ts_ms);
  return {
    event_id: String(r.event_id),
    ts: new Date(tsMs).toISOString(),
    ts_ms: tsMs,
    beacon_ts_ms: num(r.beacon_ts_ms),
    network: {
      host: String(r.host),
      path: String(r.path),
      method: String(r.method),
      status: Number(r.status),
      protocol: r.protocol === 'http' ? 'http' : 'https',
      http_version: str(r.http_version),
      req_headers: json(r.req_headers, parsed) as Record<string, string>,
      res_headers: json(r.res_headers, parsed) as Record<string, string>,
      errors: json(r.errors, parsed) as string[],
    },
    family: r.family as Envelope['family'],
    platform: r.platform as Envelope['platform'],
    sdk: r.sdk as Envelope['sdk'],
    sdk_version: str(r.sdk_version),
    app_version: str(r.app_version),
    actor: {
      ecid: str(r.ecid),
      rsid: str(r.rsid),
      org_id: str(r.org_id),
      ip_hash: str(r.ip_hash),
      ua_hash: str(r.ua_hash),
      ua: str(r.ua),
    },
    asset: {
      type: str(r.content_type),
      id: str(r.asset_id),
      name: str(r.asset_name),
      length_s: num(r.asset_length_s),
    },
    sequence: {
      event_type: r.event_type as Envelope['sequence']['event_type'],
      raw_event_type: str(r.raw_event_type),
      asset_type: r.asset_type as Envelope['sequence']['asset_type'],
      playhead_s: num(r.playhead_s),
      delta_s: num(r.delta_s),
      cadence_s: num(r.cadence_s),
    },
    session_id: str(r.session_id),
    params: params(json(r.params, parsed)) as Envelope['params'],
    dims: json(r.dims, parsed) as Envelope['dims'],
    raw: { query: str(r.raw_query), body: str(r.raw_body) },
    provenance: {
      har_path: String(r.har_path),
      har_hash: String(r.har_hash),
      entry_index: Number(r.entry_index),
      sub_index: Number(r.sub_index),
    },
  };
}
