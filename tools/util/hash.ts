import { hash } from 'node:crypto';

// crypto.hash (one call, no Hash object) rather than createHash().update().digest(): the same digest,
// and these run once per HAR file, event and hashed id during ingest.
export function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}

/** Short stable id from parts (event ids, cluster ids): first 16 hex chars of sha1. */
export function shortId(...parts: (string | number)[]): string {
  return hash('sha1', parts.join('\u0000'), 'hex').slice(0, 16);
}

/** FNV-1a 32-bit over UTF-16 code units: fast, stable, non-cryptographic (shards, MinHash, feature hashing). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
