import type { Family } from '../envelope/index.js';
import type { DecodeContext } from './types.js';
import { hostMatches } from './glob.js';

/** Where a path sits inside the Edge URL grammar `/ee[-pre-prd][/{hint}]/(v1|v2)/{action}` or `…/va/v1/{event}`. */
export interface EdgeRoute {
  kind: 'edge' | 'media-edge';
  /** `interact`, `collect`, `privacy/set-consent`, or the media event name for `/va/v1/{event}`. */
  action: string;
  /** `v1` / `v2` for Edge, `v1` for Media Edge. */
  apiVersion: string;
  locationHint: string | null;
  preProduction: boolean;
}

/** Parses an Edge path; null when the path is not an Edge collection path (docs/reference/wire-formats.md §1, §5.1). */
export function parseEdgePath(path: string): EdgeRoute | null {
  let base: string;
  if (path.startsWith('/ee/')) base = '/ee/';
  else if (path.startsWith('/ee-pre-prd/')) base = '/ee-pre-prd/';
  else return null;
  const segs = path.slice(base.length).split('/');
  let i = 0;
  let hint: string | null = null;
  if (segs[i] !== 'v1' && segs[i] !== 'v2' && segs[i] !== 'va') {
    hint = segs[i] || null;
    i++;
  }
  const preProduction = base === '/ee-pre-prd/';
  if (segs[i] === 'va' && segs[i + 1] === 'v1' && segs[i + 2]) {
    return { kind: 'media-edge', action: segs[i + 2], apiVersion: 'v1', locationHint: hint, preProduction };
  }
  const v = segs[i];
  if (v !== 'v1' && v !== 'v2') return null;
  const a = segs[i + 1];
  if (a === 'interact' || a === 'collect') {
    return { kind: 'edge', action: a, apiVersion: v, locationHint: hint, preProduction };
  }
  if (a === 'privacy' && segs[i + 2] === 'set-consent') {
    return { kind: 'edge', action: 'privacy/set-consent', apiVersion: v, locationHint: hint, preProduction };
  }
  return null;
}

/** True for `/api/{version}/sessions…` and `/api/{version}/downloaded` (Media Collection API, wire-formats.md §4.1). */
function isMediaCollectionPath(path: string): boolean {
  if (!path.startsWith('/api/')) return false;
  const slash = path.indexOf('/', 5);
  if (slash < 0) return false;
  const rest = path.slice(slash);
  return (
    rest === '/sessions' ||
    rest.startsWith('/sessions/') ||
    rest === '/downloaded' ||
    rest === '/sessions/' ||
    rest.startsWith('/downloaded/')
  );
}

function endsWithDomain(host: string, domain: string): boolean {
  return (
    host.endsWith(domain) &&
    (host.length === domain.length || host.charCodeAt(host.length - domain.length - 1) === 46)
  );
}

/** `*.sc.omtrdc.net` incl. regional `*.d1.sc.omtrdc.net`, `*.sc2.omtrdc.net` (omnibug `\.sc\d?\.omtrdc\.net`). */
function isScHost(host: string): boolean {
  if (!host.endsWith('.omtrdc.net')) return false;
  const labels = host.split('.');
  for (let i = 0; i < labels.length - 2; i++) if (/^sc\d?$/.test(labels[i])) return true;
  return false;
}

/**
 * Classifies a request by host and path (docs/reference/wire-formats.md §1). Path patterns decide for AA (`/b/ss/` on any
 * host), Media Collection (`/api/v1/sessions…` on any host, also `*.hb.omtrdc.net`, which the
 * validator flags) and Edge/Media Edge (`/ee…`); host patterns for the rest. Returns null for
 * traffic that is not Adobe telemetry.
 */
export function classify(
  host: string,
  path: string,
  cnames: DecodeContext['cnames'],
  query: string | null = null,
): Family | null {
  if (path.includes('/b/ss/')) return 'aa';
  if (isMediaCollectionPath(path)) return 'media-collection';
  if (path.startsWith('/ee')) {
    const route = parseEdgePath(path);
    if (route) return route.kind;
  }
  if (path.startsWith('/api/') && path.includes('/schemas/')) {
    if (endsWithDomain(host, 'hb-api.omtrdc.net') || hostMatches(host, cnames['media-collection'])) {
      return 'media-collection';
    }
  }

  const isHbHost = endsWithDomain(host, 'hb.omtrdc.net');
  if (isHbHost || hostMatches(host, cnames.heartbeat)) {
    if (path.startsWith('/settings/') && path.endsWith('.xml')) return 'heartbeat-settings';
    if (path === '/' || path === '') return 'heartbeat';
    if (isHbHost) return 'heartbeat';
  }

  if (isScHost(host) || endsWithDomain(host, '2o7.net') || endsWithDomain(host, 'data.adobedc.net')) {
    // The tracking server also answers the legacy visitor-id call `/id` (omnibug `(?!id)`).
    if (path === '/id' || path.startsWith('/id/')) return 'ecid';
    return 'aa';
  }
  if (endsWithDomain(host, 'demdex.net')) {
    if (host === 'dpm.demdex.net' && (path === '/id' || path.startsWith('/id/'))) return 'ecid';
    return 'aam';
  }
  if (endsWithDomain(host, 'tt.omtrdc.net')) return 'target';
  if (host === 'assets.adobedtm.com' || host === 'assets.adoberesources.cn') return 'tags';
  // A heartbeat ping on a first-party CNAME nobody listed: the s:/l: grammar is unmistakable, so decode it
  // (the transport check then reports the unlisted host instead of the beacon silently vanishing).
  if (
    query !== null &&
    (path === '/' || path === '') &&
    query.includes('s:event:type=') &&
    query.includes('s:event:sid=')
  )
    return 'heartbeat';
  return null;
}
