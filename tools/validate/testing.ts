/** Builders for realistic HAR captures in tests (shapes from adobe-example-requests.md). */
export const BASE = Date.parse('2024-03-14T09:05:30.000Z');
export const ECID = '30250035503789876473484580554595324209';
export const SID = '1527464150037459529420';
export const MC_SID = '139bd3c6f625bfb71e40a328e40512e3c506035d4d0dad024587ba2b442a5cb0';

export interface RawEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: { name: string; value: string }[];
    queryString: unknown[];
    postData?: { mimeType: string; text: string };
  };
  response: {
    status: number;
    headers: { name: string; value: string }[];
    content: { size: number; mimeType: string; text?: string };
  };
}

const UA_WEB =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

export function entry(
  atMs: number,
  method: string,
  url: string,
  opts: {
    status?: number;
    body?: unknown;
    resHeaders?: [string, string][];
    resBody?: unknown;
    ua?: string;
  } = {},
): RawEntry {
  return {
    startedDateTime: new Date(BASE + atMs).toISOString(),
    time: 12,
    request: {
      method,
      url,
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'User-Agent', value: opts.ua ?? UA_WEB },
        ...(opts.body !== undefined ? [{ name: 'Content-Type', value: 'application/json' }] : []),
      ],
      queryString: [],
      ...(opts.body !== undefined
        ? {
            postData: {
              mimeType: 'application/json',
              text: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
            },
          }
        : {}),
    },
    response: {
      status: opts.status ?? 204,
      headers: (opts.resHeaders ?? []).map(([name, value]) => ({ name, value })),
      content: {
        size: 0,
        mimeType: 'application/json',
        ...(opts.resBody !== undefined ? { text: JSON.stringify(opts.resBody) } : {}),
      },
    },
  };
}

/** Legacy heartbeat call (JS VHL 2.x). `at` is both capture and beacon time unless `beaconAt` is given. */
export function hb(
  at: number,
  type: string,
  playhead: number,
  o: {
    asset?: 'main' | 'ad';
    beaconAt?: number;
    sid?: string;
    mid?: string | null;
    extra?: string;
    host?: string;
    scheme?: string;
  } = {},
): RawEntry {
  const mid = o.mid === null ? '' : `&s:user:mid=${o.mid ?? ECID}`;
  const url =
    `${o.scheme ?? 'https'}://${o.host ?? 'acme.hb.omtrdc.net'}/?s:sc:rsid=acmeprod&s:sc:tracking_server=acme.sc.omtrdc.net&h:sc:ssl=1${mid}` +
    `&s:sp:sdk=acme-web-5.2.0&s:sp:channel=www.acme.com&s:sp:player_name=HTML5&s:sp:hb_version=js-2.2.2.230-96e624&l:sp:hb_api_lvl=4` +
    `&s:event:sid=${o.sid ?? SID}&s:event:type=${type}&l:event:duration=0&l:event:playhead=${playhead}&l:event:ts=${BASE + (o.beaconAt ?? at)}&l:event:prev_ts=-1` +
    `&s:asset:type=${o.asset ?? 'main'}&s:asset:name=Episode&s:asset:video_id=123456&l:asset:length=1200&s:stream:type=vod${o.extra ?? ''}`;
  return entry(at, 'GET', url);
}

export function aaMediaStart(at: number, o: { vsid?: string; mid?: string; pe?: string } = {}): RawEntry {
  return entry(
    at,
    'GET',
    `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.17.0/s2048173662${at}?AQB=1&ndh=1&pf=1&mid=${o.mid ?? ECID}&pe=${o.pe ?? 'ms_s'}&pev3=video&c.&a.&contentType=vod&media.&name=123456&friendlyName=Episode&length=1200&playerName=HTML5&channel=www.acme.com&view=true&vsid=${o.vsid ?? SID}&.media&.a&.c&AQE=1`,
    { status: 200 },
  );
}

export function pageView(at: number, q = ''): RawEntry {
  return entry(
    at,
    'GET',
    `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.23.0-LDQM/s6451298${at}?AQB=1&ndh=1&pf=1&mid=${ECID}&pageName=home&g=https%3A%2F%2Fwww.acme.com%2F${q}&AQE=1`,
    { status: 200 },
  );
}

/** A well-behaved heartbeat start: AA ms_s, HB start, aa_start, play. */
export function hbStart(at = 0): RawEntry[] {
  return [aaMediaStart(at), hb(at + 100, 'start', 0), hb(at + 200, 'aa_start', 0), hb(at + 400, 'play', 0)];
}

/** Media Collection call: sessionStart (201 + Location) or an event on the session. */
export function mc(
  at: number,
  eventType: string,
  playhead: number,
  params?: Record<string, unknown>,
  o: { sid?: string; status?: number; tsAt?: number; extra?: Record<string, unknown> } = {},
): RawEntry {
  const sid = o.sid ?? MC_SID;
  const body = {
    eventType,
    playerTime: { playhead, ts: BASE + (o.tsAt ?? at) },
    ...(params ? { params } : {}),
    ...(o.extra ?? {}),
  };
  if (eventType === 'sessionStart')
    return entry(at, 'POST', 'https://acme.hb-api.omtrdc.net/api/v1/sessions', {
      body,
      status: o.status ?? 201,
      resHeaders: [['Location', `/api/v1/sessions/${sid}`]],
    });
  return entry(at, 'POST', `https://acme.hb-api.omtrdc.net/api/v1/sessions/${sid}/events`, {
    body,
    status: o.status ?? 204,
  });
}

export const MC_START_PARAMS = {
  'media.id': 'ep-1001',
  'media.name': 'Pilot',
  'media.length': 1330.0,
  'media.contentType': 'vod',
  'media.channel': 'Acme TV',
  'media.playerName': 'HTML5',
  'media.libraryVersion': 'js-3.1.0',
  'analytics.trackingServer': 'acme.sc.omtrdc.net',
  'analytics.reportSuite': 'acmeprod',
  'analytics.enableSSL': true,
  'visitor.marketingCloudOrgId': '1A2B3C4D5E6F7A8B9C0D1E2F@AdobeOrg',
  'visitor.marketingCloudUserId': ECID,
};

export function harDoc(entries: RawEntry[], creator = 'WebInspector'): string {
  return JSON.stringify(
    { log: { version: '1.2', creator: { name: creator, version: '1.0' }, pages: [], entries } },
    null,
    1,
  );
}
