import { newParams } from '../envelope/params.js';
import type { Envelope, Family, ParamValue, Sdk } from '../envelope/index.js';
import type { HarEntry } from '../har/types.js';
import { shortId } from '../util/hash.js';
import type { DecodeContext } from './types.js';
import type { UrlParts } from './url.js';

/** What every family decoder receives for one HAR entry. */
export interface EntryInput {
  entry: HarEntry;
  ctx: DecodeContext;
  url: UrlParts;
  family: Family;
  /** Full request user-agent (before any truncation). */
  ua: string | null;
  /** Selected request/response headers, shared by all envelopes of the entry. */
  reqHeaders: Record<string, string>;
  resHeaders: Record<string, string>;
}

/** A decoder failure that becomes an `EntryRejection` (Adobe traffic that cannot be decoded). */
export class DecodeFailure extends Error {
  override name = 'DecodeFailure';
}

const KEEP_REQ = ['user-agent', 'content-type', 'referer', 'origin', 'x-adobe-aep-validation-token'];
const KEEP_RES = ['location', 'content-type'];

function pick(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = headers[n];
    if (typeof v === 'string') out[n] = v;
  }
  return out;
}

export function selectReqHeaders(h: Record<string, string>): Record<string, string> {
  return pick(h, KEEP_REQ);
}
export function selectResHeaders(h: Record<string, string>): Record<string, string> {
  return pick(h, KEEP_RES);
}

/**
 * A fresh envelope with the entry-level fields filled; the decoder fills the beacon-level ones. `params`:
 * the beacon's, when the decoder has them already (a fresh prototype-less object otherwise).
 */
export function newEnvelope(
  input: EntryInput,
  family: Family,
  sdk: Sdk,
  subIndex: number,
  params: Record<string, ParamValue> = newParams(),
): Envelope {
  const { entry, ctx, url } = input;
  const ts =
    entry.startedMs !== null ? new Date(entry.startedMs).toISOString() : (entry.startedDateTime ?? '');
  return {
    event_id: shortId(ctx.harHash, entry.index, subIndex),
    ts,
    ts_ms: entry.startedMs ?? 0,
    beacon_ts_ms: null,
    network: {
      host: url.host,
      path: url.path,
      method: entry.method,
      status: Number.isInteger(entry.status) ? entry.status : 0,
      protocol: url.protocol,
      http_version: entry.httpVersion,
      req_headers: input.reqHeaders,
      res_headers: input.resHeaders,
      errors: [],
    },
    family,
    platform: 'unknown',
    sdk,
    sdk_version: null,
    app_version: null,
    actor: { ecid: null, rsid: null, org_id: null, ip_hash: null, ua_hash: null, ua: input.ua },
    asset: { type: null, id: null, name: null, length_s: null },
    sequence: {
      event_type: 'other',
      raw_event_type: null,
      asset_type: null,
      playhead_s: null,
      delta_s: null,
      cadence_s: null,
    },
    session_id: null,
    params,
    dims: {},
    raw: { query: url.query, body: entry.postText },
    provenance: {
      har_path: ctx.harPath,
      har_hash: ctx.harHash,
      entry_index: entry.index,
      sub_index: subIndex,
    },
  };
}

/** A string param value or null (numbers are stringified, empty strings are null). */
export function str(v: ParamValue | undefined): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** A finite number from a number or a numeric string, else null. */
export function num(v: ParamValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}
