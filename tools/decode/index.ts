import type { Envelope } from '../envelope/index.js';
import type { HarEntry } from '../har/types.js';
import { decodeAa } from './aa.js';
import { classify, parseEdgePath } from './classify.js';
import { decodeEdge } from './edge.js';
import { DecodeFailure, type EntryInput, selectReqHeaders, selectResHeaders } from './envelope-base.js';
import { decodeHeartbeat, decodeHeartbeatSettings } from './heartbeat.js';
import { decodeMediaCollection } from './media-collection.js';
import { decodeOther } from './other.js';
import { applyPii, type PiiOptions } from './pii.js';
import type { DecodeContext, DecodeResult } from './types.js';
import { splitUrl } from './url.js';

export type { DecodeContext, DecodeResult, EntryRejection } from './types.js';
export { classify, parseEdgePath, type EdgeRoute } from './classify.js';
export { applyPii, hashId, isIdParam, truncateUa, PII_OFF, type PiiOptions } from './pii.js';
export {
  parseAaVersionToken,
  platformFromAaToken,
  platformFromHbVersion,
  platformFromImplementationName,
  platformFromLibraryVersion,
  platformFromOsVersion,
  platformFromUa,
  resolvePlatform,
  semverOf,
  type AaLibrary,
  type PlatformSignal,
} from './platform.js';
export { parseAaQuery, parseQueryFlat, decodeComponent } from './query.js';
export { splitUrl, type UrlParts } from './url.js';

function decodeFamily(input: EntryInput): Envelope[] {
  switch (input.family) {
    case 'aa':
      return decodeAa(input);
    case 'heartbeat':
      return decodeHeartbeat(input);
    case 'heartbeat-settings':
      return decodeHeartbeatSettings(input);
    case 'media-collection':
      return decodeMediaCollection(input);
    case 'edge':
    case 'media-edge': {
      const route = parseEdgePath(input.url.path);
      if (!route) throw new DecodeFailure('Edge path does not match /ee…/v1|v2/… or /ee…/va/v1/…');
      return decodeEdge(input, route);
    }
    default:
      return decodeOther(input);
  }
}

/**
 * Whether `decodeEntry` looks past this URL (Adobe traffic, not a CORS preflight). The HAR reader takes it
 * as its `relevant` predicate during ingest, so entries that can give no event are never normalised in full.
 */
export function isBeaconCandidate(method: string, url: string, cnames: DecodeContext['cnames']): boolean {
  if (method === 'OPTIONS') return false;
  const u = splitUrl(url);
  return u !== null && classify(u.host, u.path, cnames, u.query) !== null;
}

/**
 * Turns one normalized HAR entry into zero or more envelopes. Non-Adobe traffic and CORS preflights
 * give no events; Adobe traffic whose body cannot be decoded gives a rejection. Never throws.
 */
export function decodeEntry(entry: HarEntry, ctx: DecodeContext, pii: PiiOptions): DecodeResult {
  let url;
  try {
    url = splitUrl(entry.url);
  } catch {
    url = null;
  }
  if (!url) return { events: [], rejection: null };
  const family = classify(url.host, url.path, ctx.cnames, url.query);
  if (family === null || entry.method === 'OPTIONS') return { events: [], rejection: null };
  try {
    const input: EntryInput = {
      entry,
      ctx,
      url,
      family,
      ua: entry.reqHeaders['user-agent'] ?? null,
      reqHeaders: selectReqHeaders(entry.reqHeaders),
      resHeaders: selectResHeaders(entry.resHeaders),
    };
    const events = decodeFamily(input);
    // A body the exporter left out (or whose `_file` is missing) makes every event of the entry partial,
    // whatever the family (an AA long-hit POST keeps only its URL): the session stage reads this marker.
    if (entry.postAbsent) for (const e of events) e.params._body_omitted = entry.postAbsent;
    applyPii(events, entry.serverIp, pii);
    return { events, rejection: null };
  } catch (e) {
    const reason =
      e instanceof DecodeFailure
        ? `${family}: ${e.message}`
        : `${family}: decoder error: ${e instanceof Error ? e.message : String(e)}`;
    return { events: [], rejection: { entry_index: entry.index, url: entry.url, reason } };
  }
}

/**
 * Whether the HAR reader must keep this entry's response body (before JSON.parse drops it):
 * Edge / Media Edge responses (handles, errors) and Media Collection error responses.
 */
export function needsResponseBody(method: string, url: string, status: number): boolean {
  if (method === 'OPTIONS') return false;
  const u = splitUrl(url);
  if (!u) return false;
  const family = classify(u.host, u.path, NO_CNAMES);
  if (family === 'edge' || family === 'media-edge') return true;
  return family === 'media-collection' && status >= 400;
}

const NO_CNAMES: DecodeContext['cnames'] = { aa: [], heartbeat: [], 'media-collection': [], edge: [] };
