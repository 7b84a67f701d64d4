import { hash } from 'node:crypto';
import type { Envelope, ParamValue } from '../envelope/index.js';

/** PII handling for decoded envelopes (from goblin.config.yaml `pii`). */
export interface PiiOptions {
  /** Replace visitor/customer ids and the server IP with `h:` + HMAC-SHA256(salt, value)[0..20]. */
  hashIds: boolean;
  /** Keep the user agent only up to and including its first `)` group (after platform detection). */
  truncateUa: boolean;
  salt: string;
  /** Extra patterns whose matches are replaced by their hash in params, dims and raw query/body. */
  extraRegexes: readonly (string | RegExp)[];
}

export const PII_OFF: PiiOptions = { hashIds: false, truncateUa: false, salt: '', extraRegexes: [] };

/** Per salt (one per repository, so almost always one): value → hash. */
const hashCache = new Map<string, Map<string, string>>();
const HASH_CACHE_MAX = 50_000;

/** HMAC-SHA256 key pads of one salt (RFC 2104), computed once per salt. */
interface HmacPads {
  inner: Buffer;
  outer: Buffer;
}
const padsBySalt = new Map<string, HmacPads>();

function padsOf(salt: string): HmacPads {
  let p = padsBySalt.get(salt);
  if (!p) {
    let key = Buffer.from(salt, 'utf8');
    if (key.length > 64) key = hash('sha256', key, 'buffer');
    const inner = Buffer.alloc(64, 0x36);
    const outer = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < key.length; i++) {
      inner[i] ^= key[i];
      outer[i] ^= key[i];
    }
    padsBySalt.set(salt, (p = { inner, outer }));
  }
  return p;
}

/**
 * HMAC-SHA256 as two one-shot hashes over the salt's precomputed pads: the same digest as createHmac
 * (pii.test.ts checks it), without a key and an Hmac object per id — ingest hashes one server IP per entry.
 */
function hmacSha256Hex(salt: string, value: string): string {
  const { inner, outer } = padsOf(salt);
  const ih = hash('sha256', Buffer.concat([inner, Buffer.from(value, 'utf8')]), 'buffer');
  return hash('sha256', Buffer.concat([outer, ih]), 'hex');
}

/** `h:` + first 20 hex chars of HMAC-SHA256(salt, value); equal inputs give equal outputs. */
export function hashId(salt: string, value: string): string {
  let bySalt = hashCache.get(salt);
  if (!bySalt) hashCache.set(salt, (bySalt = new Map()));
  let h = bySalt.get(value);
  if (h === undefined) {
    h = 'h:' + hmacSha256Hex(salt, value).slice(0, 20);
    if (bySalt.size >= HASH_CACHE_MAX) bySalt.clear();
    bySalt.set(value, h);
  }
  return h;
}

/** A user agent cut after its first `)` group: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit…` → `Mozilla/5.0 (Windows NT 10.0; Win64; x64)`. */
export function truncateUa(ua: string): string {
  const close = ua.indexOf(')');
  if (close >= 0) return ua.slice(0, close + 1);
  return ua.length > 120 ? ua.slice(0, 120) : ua;
}

const ID_KEYS: ReadonlySet<string> = new Set([
  // Analytics
  'mid',
  'aid',
  'vid',
  'vidn',
  'fid',
  // Heartbeat
  's:user:mid',
  's:user:aid',
  's:user:id',
  // Media Collection
  'visitor.marketingCloudUserId',
  'analytics.visitorId',
  'analytics.aid',
  'appInstallationId',
  // ECID service / AAM
  'd_mid',
  'd_uuid',
  'd_cid',
]);

/** True for params that carry a visitor, device or customer id (wire-formats.md §2.4, §3.2, §4.4, §5.2). */
export function isIdParam(key: string): boolean {
  if (ID_KEYS.has(key)) return true;
  if (!key.endsWith('.id')) return false;
  return (
    key.startsWith('cid.') ||
    key.startsWith('s:cuser:') ||
    key.startsWith('visitor.customerIDs.') ||
    key.startsWith('identityMap.')
  );
}

const regexCache = new WeakMap<readonly (string | RegExp)[], RegExp[]>();

function compiledRegexes(list: readonly (string | RegExp)[]): RegExp[] {
  let out = regexCache.get(list);
  if (!out) {
    out = list.map((r) =>
      typeof r === 'string'
        ? new RegExp(r, 'g')
        : new RegExp(r.source, r.flags.includes('g') ? r.flags : r.flags + 'g'),
    );
    regexCache.set(list, out);
  }
  return out;
}

/** Clear ids shorter than this are hashed in params but not searched for inside other text. */
const MIN_SCRUB_LEN = 4;

/** A clear id, its URL-encoded form when that differs (computed once per entry, not per text), its hash. */
interface ScrubId {
  clear: string;
  enc: string | null;
  hashed: string;
}

function replaceAll(text: string, ids: readonly ScrubId[]): string {
  for (const { clear, enc, hashed } of ids) {
    if (text.includes(clear)) text = text.split(clear).join(hashed);
    if (enc !== null && text.includes(enc)) text = text.split(enc).join(hashed);
  }
  return text;
}

const QUERY_PAIR = /([?&;])([^=&#;?]+)=([^&#;]*)/g;

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Hash the values of id parameters inside a URL (a `Location` or `Referer` header, a quarantined
 * beacon's URL) by their key, whether or not the request carried the same ids: an Analytics redirect
 * assigns the visitor a new `mid`/`fid` in its `Location`. The hash is of the decoded value, so it
 * equals the hash of the same id in `params`.
 */
export function scrubUrlIds(url: string, salt: string): string {
  if (!url.includes('=')) return url;
  return url.replace(QUERY_PAIR, (m, sep: string, k: string, v: string) =>
    v !== '' && isIdParam(decode(k)) ? `${sep}${k}=${hashId(salt, decode(v))}` : m,
  );
}

/** Request/response headers kept on envelopes whose values are URLs that can carry ids. */
const URL_HEADERS = { req: ['referer', 'origin'], res: ['location'] } as const;

const EDGE_IDENTITY_STATE = /("key"\s*:\s*"kndctr_[^"]*_identity"\s*,\s*"value"\s*:\s*")([^"]*)"/g;

/**
 * Applies the PII policy to all envelopes of one HAR entry, in place. Run after decoding, so
 * platform detection has seen the full user agent. `serverIp` is the entry's server IP.
 */
export function applyPii(events: Envelope[], serverIp: string | null, pii: PiiOptions): void {
  if (events.length === 0) return;
  const { salt } = pii;
  const regexes = pii.extraRegexes.length > 0 ? compiledRegexes(pii.extraRegexes) : null;
  const hashMatch = (m: string) => hashId(salt, m);
  const scrubText = (t: string, ids: readonly ScrubId[]): string => {
    let s = ids.length > 0 ? replaceAll(t, ids) : t;
    if (pii.hashIds && s.includes('kndctr_'))
      s = s.replace(EDGE_IDENTITY_STATE, (_m, head: string, v: string) => `${head}${hashId(salt, v)}"`);
    if (regexes) for (const re of regexes) s = s.replace(re, hashMatch);
    return s;
  };

  // Entry-level fields (headers are shared by the entry's envelopes).
  const first = events[0];
  const fullUa = first.actor.ua;
  const uaHash = fullUa ? hashId(salt, fullUa) : null;
  const shownUa = fullUa && pii.truncateUa ? truncateUa(fullUa) : fullUa;
  const reqUa = first.network.req_headers['user-agent'];
  if (pii.truncateUa && reqUa !== undefined) first.network.req_headers['user-agent'] = truncateUa(reqUa);
  const ip = serverIp ? (pii.hashIds ? hashId(salt, serverIp) : serverIp) : null;

  // Ids are collected across the entry: a batch shares one raw body.
  const ids = new Map<string, string>();
  if (pii.hashIds) {
    for (const env of events) {
      if (env.actor.ecid) ids.set(env.actor.ecid, hashId(salt, env.actor.ecid));
      const params = env.params;
      for (const k in params) {
        const v = params[k];
        if ((typeof v === 'string' && v !== '') || typeof v === 'number') {
          if (isIdParam(k)) {
            const s = String(v);
            if (!ids.has(s)) ids.set(s, hashId(salt, s));
          }
        }
      }
    }
  }
  const scrubIds: ScrubId[] = [];
  for (const [clear, hashed] of ids)
    if (clear.length >= MIN_SCRUB_LEN) {
      const enc = encodeURIComponent(clear);
      scrubIds.push({ clear, enc: enc === clear ? null : enc, hashed });
    }

  // Headers are shared by the entry's envelopes: scrub them once. Cookies are never kept (envelope-base.ts).
  if (pii.hashIds || regexes) {
    const scrubHeaders = (h: Record<string, string>, names: readonly string[]) => {
      for (const n of names) {
        const v = h[n];
        if (typeof v === 'string' && v !== '')
          h[n] = scrubText(pii.hashIds ? scrubUrlIds(v, salt) : v, scrubIds);
      }
    };
    scrubHeaders(first.network.req_headers, URL_HEADERS.req);
    scrubHeaders(first.network.res_headers, URL_HEADERS.res);
  }

  let rawQuery: string | null | undefined;
  let rawBody: string | null | undefined;
  for (const env of events) {
    env.actor.ua = shownUa;
    env.actor.ua_hash = uaHash;
    env.actor.ip_hash = ip;
    if (pii.hashIds && env.actor.ecid)
      env.actor.ecid = ids.get(env.actor.ecid) ?? hashId(salt, env.actor.ecid);

    if (pii.hashIds || regexes || pii.truncateUa) {
      const params = env.params;
      for (const k in params) {
        const v: ParamValue = params[k];
        if (pii.hashIds && isIdParam(k) && ((typeof v === 'string' && v !== '') || typeof v === 'number')) {
          params[k] = ids.get(String(v)) ?? hashId(salt, String(v));
        } else if (typeof v === 'string' && v !== '') {
          if (pii.truncateUa && k.endsWith('userAgent')) params[k] = truncateUa(v);
          else if (scrubIds.length > 0 || regexes) params[k] = scrubText(v, scrubIds);
        }
      }
      if (scrubIds.length > 0 || regexes) {
        const dims = env.dims;
        for (const k in dims) dims[k] = scrubText(dims[k], scrubIds);
      }
    }
    // Raw text is identical across a batch: scrub once, reuse.
    if (env.raw.query !== null) {
      if (rawQuery === undefined) rawQuery = scrubText(env.raw.query, scrubIds);
      env.raw.query = rawQuery;
    }
    if (env.raw.body !== null) {
      if (rawBody === undefined) rawBody = scrubText(env.raw.body, scrubIds);
      env.raw.body = rawBody;
    }
  }
}
