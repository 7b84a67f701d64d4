import type { Rng } from '../util/rng.js';
import type { Exporter, HarEntryOut, HarNameValue, HarObject, SimRequest } from './types.js';

export interface ExportOptions {
  exporter: Exporter;
  sparse: boolean;
  shuffle: boolean;
  encoding: 'utf8' | 'utf8-bom' | 'utf16le-bom';
  pageTitle: string;
  pageUrl: string;
}

/** Exporter defaults: indentation and typical encodings. */
export const EXPORTER_STYLE: Record<
  Exporter,
  {
    indent: number | string;
    creator: { name: string; version: string; comment?: string };
    browser?: { name: string; version: string };
  }
> = {
  chrome: { indent: 2, creator: { name: 'WebInspector', version: '537.36' } },
  firefox: {
    indent: 2,
    creator: { name: 'Firefox', version: '128.0' },
    browser: { name: 'Firefox', version: '128.0' },
  },
  safari: { indent: 2, creator: { name: 'WebKit Web Inspector', version: '1.0' } },
  charles: { indent: 0, creator: { name: 'Charles Proxy', version: '4.6.6' } },
  browsermob: { indent: 0, creator: { name: 'BrowserMob Proxy', version: '2.1.4', comment: '' } },
  fiddler: {
    indent: '\t',
    creator: { name: 'Fiddler', version: '5.0.20211.51073', comment: 'http://www.telerik.com/fiddler' },
  },
  'chrome-har-capturer': { indent: 0, creator: { name: 'Chrome HAR Capturer', version: '0.13.7' } },
  firebug: {
    indent: 2,
    creator: { name: 'Firebug', version: '2.0.18' },
    browser: { name: 'Firefox', version: '48.0' },
  },
};

const isBrowser = (x: Exporter) =>
  x === 'chrome' || x === 'firefox' || x === 'safari' || x === 'firebug' || x === 'chrome-har-capturer';

function queryString(url: string): HarNameValue[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  return url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((kv) => {
      const i = kv.indexOf('=');
      const name = i < 0 ? kv : kv.slice(0, i);
      const value = i < 0 ? '' : kv.slice(i + 1);
      return { name: safeDecode(name), value: safeDecode(value) };
    });
}
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function statusText(s: number, h2: boolean): string {
  if (h2) return '';
  return (
    {
      200: 'OK',
      201: 'Created',
      204: 'No Content',
      400: 'Bad Request',
      404: 'Not Found',
      503: 'Service Unavailable',
    }[s] ?? ''
  );
}

export function toHar(reqs: SimRequest[], opts: ExportOptions, rng: Rng): HarObject {
  const x = opts.exporter;
  const style = EXPORTER_STYLE[x];
  const h2 = x === 'chrome' || x === 'firefox' || x === 'safari' || x === 'chrome-har-capturer';
  const proxy = x === 'charles' || x === 'browsermob' || x === 'fiddler';
  const pageId =
    x === 'browsermob' ? 'Page 0' : x === 'firefox' ? 'page_1' : x === 'safari' ? 'page_0' : 'page_1';
  const first = reqs[0]?.capturedAt ?? 0;
  const how = { x, h2, proxy, pageId };
  const entries: HarEntryOut[] = reqs.map((r) => harEntry(r, opts, rng, how));
  if (opts.shuffle) rng.shuffle(entries);
  const log: HarObject['log'] = { version: '1.2', creator: { ...style.creator }, entries };
  if (style.browser) log.browser = { ...style.browser };
  if (!proxy) {
    const started = new Date(first).toISOString();
    const page: Record<string, unknown> = {
      startedDateTime: started,
      id: pageId,
      title: opts.pageUrl,
      pageTimings: { onContentLoad: 612.4, onLoad: 1183.9 },
    };
    log.pages = [page];
  } else if (x === 'browsermob') {
    log.pages = [
      {
        id: 'Page 0',
        startedDateTime: new Date(first).toISOString(),
        title: 'Page 0',
        pageTimings: { comment: '' },
        comment: '',
      },
    ];
    log.comment = '';
  }
  // Order keys like the exporters do: version first, then creator, (browser), pages, entries.
  const ordered: HarObject['log'] = {
    version: log.version,
    creator: log.creator,
    ...(log.browser ? { browser: log.browser } : {}),
    ...(log.pages ? { pages: log.pages } : {}),
    entries: log.entries,
  };
  if (log.comment !== undefined) ordered.comment = log.comment;
  return { log: ordered };
}

export function serializeHar(har: HarObject, opts: Pick<ExportOptions, 'exporter' | 'encoding'>): Buffer {
  const style = EXPORTER_STYLE[opts.exporter];
  const text = style.indent === 0 ? JSON.stringify(har) : JSON.stringify(har, null, style.indent);
  if (opts.encoding === 'utf16le-bom')
    return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (opts.encoding === 'utf8-bom')
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  return Buffer.from(text, 'utf8');
}

/** Decode what serializeHar wrote (BOM-aware); used by tests and sanity checks. */
export function decodeHarBytes(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return buf.toString('utf8');
}

/** One simulated request as the exporter writes it: headers, bodies, timings and its own extra fields. */
function harEntry(
  r: SimRequest,
  opts: ExportOptions,
  rng: Rng,
  how: { x: ExportOptions['exporter']; h2: boolean; proxy: boolean; pageId: string },
): HarEntryOut {
  const { x, h2, proxy, pageId } = how;
  const u = new URL(r.url);
  const headers: HarNameValue[] = [];
  if (h2 && x !== 'safari') {
    headers.push(
      { name: ':authority', value: u.host },
      { name: ':method', value: r.method },
      { name: ':path', value: r.url.slice(r.url.indexOf(u.host) + u.host.length) || '/' },
      { name: ':scheme', value: u.protocol.replace(':', '') },
    );
  } else if (!h2) {
    headers.push({ name: 'Host', value: u.host });
  }
  for (const [k, v] of r.headers) headers.push({ name: h2 ? k.toLowerCase() : k, value: v });
  if (x === 'chrome' && r.headers.some(([k]) => k === 'User-Agent') && /Chrome|Edg/.test(r.headers[0][1])) {
    headers.push(
      { name: 'sec-ch-ua', value: '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"' },
      { name: 'sec-ch-ua-mobile', value: '?0' },
      { name: 'sec-fetch-mode', value: 'cors' },
    );
  }
  if (x === 'charles') {
    // Charles keeps few headers
    headers.splice(
      0,
      headers.length,
      ...headers.filter((h) => /^(host|user-agent|content-type|accept)$/i.test(h.name)),
    );
  }
  const bodyText = r.body?.text;
  if (r.body)
    headers.push({
      name: h2 ? 'content-length' : 'Content-Length',
      value: String(Buffer.byteLength(bodyText ?? '')),
    });
  const request: HarEntryOut['request'] = {
    method: r.method,
    url: r.url,
    httpVersion: h2 ? (x === 'firefox' ? 'HTTP/2' : x === 'safari' ? 'h2' : 'http/2.0') : 'HTTP/1.1',
    headers,
    queryString: queryString(r.url),
    headersSize: proxy ? headers.reduce((a, h) => a + h.name.length + h.value.length + 4, 0) : -1,
    bodySize: r.body ? Buffer.byteLength(bodyText ?? '') : 0,
  };
  if (!opts.sparse)
    request.cookies =
      isBrowser(x) && r.url.includes('/b/ss/') ? [{ name: 's_ecid', value: 'MCMID%7C' + '3025' }] : [];
  if (r.body) {
    const pd: HarEntryOut['request']['postData'] = {};
    if (!opts.sparse && r.body.mime) pd.mimeType = r.body.mime;
    if (x === 'charles' && r.body.form && bodyText) {
      pd.mimeType = r.body.mime ?? 'application/x-www-form-urlencoded';
      pd.params = bodyText.split('&').map((kv) => {
        const i = kv.indexOf('=');
        return i < 0
          ? { name: safeDecode(kv), value: '' }
          : { name: safeDecode(kv.slice(0, i)), value: safeDecode(kv.slice(i + 1)) };
      });
    } else {
      pd.text = bodyText ?? '';
    }
    if (x === 'firefox' && !pd.params) pd.params = [];
    request.postData = pd;
  }
  const resHeaders: HarNameValue[] = r.resHeaders
    .filter(([k]) => k !== 'Date')
    .map(([k, v]) => ({ name: h2 ? k.toLowerCase() : k, value: v }));
  resHeaders.unshift({
    name: h2 ? 'date' : 'Date',
    value: new Date(r.capturedAt ?? r.sendAt).toUTCString(),
  });
  if (x === 'charles') resHeaders.splice(2);
  const content: HarEntryOut['response']['content'] = {
    size: r.resBody?.size ?? 0,
    mimeType: r.resBody?.mime ?? r.resMime,
  };
  if (r.resBody && !(opts.sparse && r.type !== 'fetch' && r.type !== 'xhr')) {
    content.text = r.resBody.text;
    if (r.resBody.encoding) content.encoding = r.resBody.encoding;
  }
  if (x === 'fiddler') content.compression = 0;
  const response: HarEntryOut['response'] = {
    status: r.status,
    statusText: statusText(r.status, h2),
    httpVersion: request.httpVersion,
    headers: resHeaders,
    content,
    redirectURL: '',
    headersSize: proxy ? resHeaders.reduce((a, h) => a + h.name.length + h.value.length + 4, 0) : -1,
    bodySize: r.resBody?.size ?? 0,
  };
  if (!opts.sparse) response.cookies = [];
  const wait = rng.int(15, 180);
  const receive = r.resBody ? rng.int(0, 30) : 0;
  const timings = { blocked: rng.int(0, 4), dns: -1, ssl: -1, connect: -1, send: 0, wait, receive };
  const entry: HarEntryOut = {
    startedDateTime: new Date(r.capturedAt ?? r.sendAt).toISOString(),
    time: timings.blocked + wait + receive,
    request,
    response,
    cache: {},
  };
  if (!proxy && x !== 'chrome-har-capturer') entry.pageref = pageId;
  if (x === 'chrome-har-capturer') entry.pageref = 'page_1';
  if (!opts.sparse) entry.timings = x === 'chrome' ? { ...timings, _blocked_queueing: 0.5 } : timings;
  entry.serverIPAddress = `${rng.int(2, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  if (x === 'chrome' || x === 'firefox' || x === 'firebug') entry.connection = String(rng.int(10000, 99999));
  if (x === 'chrome') {
    entry._initiator =
      r.initiator === 'script'
        ? {
            type: 'script',
            stack: {
              callFrames: [
                {
                  functionName: 'send',
                  scriptId: String(rng.int(10, 99)),
                  url: `https://assets.adobedtm.com/launch.min.js`,
                  lineNumber: 3,
                  columnNumber: 1200,
                },
              ],
            },
          }
        : { type: r.initiator };
    entry._priority = r.type === 'document' ? 'VeryHigh' : r.type === 'image' ? 'Low' : 'High';
    entry._resourceType = r.type;
    response._transferSize = (r.resBody?.size ?? 0) + 300;
    response._error = null;
  }
  if (x === 'firefox') entry._securityState = 'secure';
  if (x === 'safari') entry._fetchType = r.type === 'document' ? 'Network Load' : 'Network Load';
  if (x === 'browsermob' || x === 'fiddler') entry.comment = '';
  return entry;
}
