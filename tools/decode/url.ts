/** A URL split into the parts the decoders need, without `new URL` (hot path). */
export interface UrlParts {
  protocol: 'https' | 'http';
  /** Lower-cased host name without port. */
  host: string;
  /** Path without query or fragment, as on the wire (not percent-decoded); `/` when empty. */
  path: string;
  /** Raw query string without the leading `?` (null when there is none). */
  query: string | null;
}

/** Splits an http(s) URL; returns null for other schemes or unparseable input. */
export function splitUrl(url: string): UrlParts | null {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd <= 0) return null;
  const scheme = url.slice(0, schemeEnd).toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') return null;
  const hostStart = schemeEnd + 3;
  let hostEnd = url.length;
  for (let i = hostStart; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) {
      hostEnd = i;
      break;
    }
  }
  let authority = url.slice(hostStart, hostEnd);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host = authority;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    host = close > 0 ? host.slice(0, close + 1) : host;
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) host = host.slice(0, colon);
  }
  host = host.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '') return null;

  let rest = url.slice(hostEnd);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q >= 0 ? rest.slice(0, q) : rest;
  const query = q >= 0 ? rest.slice(q + 1) : null;
  return { protocol: scheme, host, path: path === '' ? '/' : path, query };
}
