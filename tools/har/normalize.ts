import type { BodyAbsence, ExporterName, HarEntry } from './types.js';

/** Exporter from `log.creator.name` (and quirks), for the har_file table and exporter-specific fixes. */
export function detectExporter(log: Record<string, unknown>): ExporterName {
  const creator = (log.creator as { name?: unknown } | undefined)?.name;
  const name = typeof creator === 'string' ? creator.toLowerCase() : '';
  if (name.includes('goblin')) return 'goblin-simulator';
  if (name.includes('playwright')) return 'playwright';
  if (name.includes('mitmproxy')) return 'mitmproxy';
  if (name.includes('http toolkit')) return 'http-toolkit';
  if (name.includes('proxyman')) return 'proxyman';
  if (name.includes('webinspector') && !name.includes('webkit')) return 'chrome';
  if (name.includes('webkit')) return 'safari';
  if (name.includes('firefox')) return 'firefox';
  if (name.includes('charles')) return 'charles';
  if (name.includes('browsermob')) return 'browsermob';
  if (name.includes('fiddler')) return 'fiddler';
  // chrome-har-capturer writes `Chrome HAR Capturer` (https://github.com/cyrus-and/chrome-har-capturer).
  if (name.includes('chrome-har-capturer') || name.includes('har capturer')) return 'chrome-har-capturer';
  if (name.includes('firebug')) return 'firebug';
  if (name.includes('chrome') || name.includes('edge')) return 'chrome';
  return 'unknown';
}

function headerMap(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(headers)) return out;
  for (const h of headers) {
    if (!h || typeof h !== 'object') continue;
    const { name, value } = h as { name?: unknown; value?: unknown };
    if (typeof name !== 'string') continue;
    const k = name.toLowerCase();
    const v = value == null ? '' : String(value);
    // Repeated headers are joined the way HTTP folds them.
    out[k] = k in out ? `${out[k]}, ${v}` : v;
  }
  return out;
}

/** Charles/Fiddler write form posts as `postData.params`; rebuild the wire form so decoders see one shape. */
function paramsToForm(params: unknown): string | null {
  if (!Array.isArray(params) || params.length === 0) return null;
  const parts: string[] = [];
  for (const p of params) {
    if (!p || typeof p !== 'object') continue;
    const { name, value } = p as { name?: unknown; value?: unknown };
    if (typeof name !== 'string') continue;
    const v = value == null ? '' : String(value);
    // Charles stores decoded values; re-encode. Keep names like `c.` and `.c` intact.
    parts.push(`${encodeURIComponent(name).replace(/%2E/gi, '.')}=${encodeURIComponent(v)}`);
  }
  return parts.join('&');
}

export class EntryError extends Error {}

const NO_BODIES: ReadonlyMap<string, Buffer> = new Map();
/** Shared by every URL-only entry: nothing writes headers of entries no decoder reads. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Bytes of the request body the client sent, as the HAR declares them: `Content-Length` or
 * `request.bodySize` (-1 and absent mean unknown). A body that was sent but is not in the entry was left
 * out by the exporter, which decoders must know: no body is not the same as an empty one.
 */
function declaredBodyBytes(req: Record<string, unknown>, headers: Record<string, string>): number {
  const cl = Number(headers['content-length']);
  const bs = typeof req.bodySize === 'number' ? req.bodySize : Number(req.bodySize);
  return Math.max(Number.isFinite(cl) ? cl : 0, Number.isFinite(bs) ? bs : 0);
}

/** Request body of one entry: inline text (maybe base64), a `_file` attachment, or form params. */
function requestBody(
  post: Record<string, unknown> | undefined,
  declared: number,
  bodies: ReadonlyMap<string, Buffer>,
): { text: string | null; absent?: BodyAbsence } {
  if (post && typeof post === 'object') {
    if (typeof post.text === 'string' && post.text.length > 0)
      return {
        text: post.encoding === 'base64' ? Buffer.from(post.text, 'base64').toString('utf8') : post.text,
      };
    if (typeof post._file === 'string' && post._file !== '') {
      const bytes = bodies.get(post._file);
      return bytes ? { text: bytes.toString('utf8') } : { text: null, absent: 'attachment-missing' };
    }
    const form = paramsToForm(post.params);
    if (form !== null) return { text: form };
  }
  return declared > 0 ? { text: null, absent: 'omitted' } : { text: null };
}

/** A request's method as decoders see it: upper case, GET when the exporter wrote none. */
export function entryMethod(raw: unknown): string {
  return typeof raw === 'string' ? raw.toUpperCase() : 'GET';
}

/** A response's status as a number (some exporters write `"200"`); 0 when there is none. */
export function entryStatus(raw: unknown): number {
  return typeof raw === 'number' ? raw : Number(raw ?? 0) || 0;
}

/** `startedDateTime` as the exporter wrote it (when a string) and as epoch ms (null when unparseable). */
function startTime(raw: unknown): Pick<HarEntry, 'startedDateTime' | 'startedMs'> {
  const started = typeof raw === 'string' ? raw : null;
  const ms = started ? Date.parse(started) : NaN;
  return { startedDateTime: started, startedMs: Number.isFinite(ms) ? ms : null };
}

/**
 * An entry read only up to its URL (see `urlOnly`): what normalizeEntry returns for entries the caller
 * rules out, and what the selective reader (tools/har/read.ts) builds from the scanned fields alone.
 */
export function urlOnlyEntry(
  index: number,
  startedRaw: unknown,
  method: string,
  url: string,
  statusRaw: unknown,
): HarEntry {
  return {
    index,
    ...startTime(startedRaw),
    method,
    url,
    httpVersion: null,
    reqHeaders: NO_HEADERS,
    postText: null,
    postMimeType: null,
    status: entryStatus(statusRaw),
    resHeaders: NO_HEADERS,
    resBody: null,
    serverIp: null,
    urlOnly: true,
  };
}

/**
 * Normalize one raw HAR entry. Throws EntryError with a clear reason when the entry cannot be used
 * (the caller quarantines that entry alone). `keepBody(method,url,status)` decides whether the response
 * body is worth keeping in memory. When `relevant(method,url)` says no, the entry stops at its URL
 * (`urlOnly`): most of a capture is not Adobe traffic, and its headers were most of the reader's work.
 * The checks that make an entry a problem all come before that point, so both paths reject the same ones.
 */
export function normalizeEntry(
  raw: unknown,
  index: number,
  keepBody: (method: string, url: string, status: number) => boolean,
  bodies: ReadonlyMap<string, Buffer> = NO_BODIES,
  relevant?: (method: string, url: string) => boolean,
): HarEntry {
  if (!raw || typeof raw !== 'object') throw new EntryError('entry is not an object');
  const e = raw as Record<string, unknown>;
  const req = e.request as Record<string, unknown> | undefined;
  if (!req || typeof req !== 'object') throw new EntryError('entry has no request');
  const url = req.url;
  if (typeof url !== 'string' || url.length === 0) throw new EntryError('request has no url');
  const method = entryMethod(req.method);
  const res = (e.response ?? {}) as Record<string, unknown>;
  if (relevant !== undefined && !relevant(method, url))
    return urlOnlyEntry(index, e.startedDateTime, method, url, res.status);
  const status = entryStatus(res.status);

  const reqHeaders = headerMap(req.headers);
  const post = req.postData as Record<string, unknown> | undefined;
  const postMimeType = post && typeof post.mimeType === 'string' ? post.mimeType : null;
  const body = requestBody(post, declaredBodyBytes(req, reqHeaders), bodies);

  let resBody: string | null = null;
  if (keepBody(method, url, status)) {
    const content = res.content as Record<string, unknown> | undefined;
    if (content && typeof content.text === 'string' && content.text.length > 0) {
      resBody =
        content.encoding === 'base64' ? Buffer.from(content.text, 'base64').toString('utf8') : content.text;
    } else if (content && typeof content._file === 'string') {
      resBody = bodies.get(content._file)?.toString('utf8') ?? null;
    }
  }

  const out: HarEntry = {
    index,
    ...startTime(e.startedDateTime),
    method,
    url,
    httpVersion: typeof req.httpVersion === 'string' ? req.httpVersion : null,
    reqHeaders,
    postText: body.text,
    postMimeType,
    status,
    resHeaders: headerMap(res.headers),
    resBody,
    serverIp: typeof e.serverIPAddress === 'string' ? e.serverIPAddress : null,
  };
  if (body.absent) out.postAbsent = body.absent;
  return out;
}
