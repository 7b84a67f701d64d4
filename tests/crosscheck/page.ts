// The page/app traffic around the media sessions of one capture: Analytics page views, link/action calls
// and lifecycle hits, or Web SDK / AEP Edge `interact` events, plus the unrelated requests every real
// capture holds (tag loader, ID service, video segments, app APIs). Page hits are built as descriptors
// first so that page-level faults can change them before they become requests.

import { aaLocalTime, aaRequest, aaZeroTime, randomPart, type AaClient, type AaHit } from './analytics.js';
import type { Brand } from './catalog.js';
import type { Platform, Req, Resp } from './model.js';
import type { Rng } from './prng.js';

export interface EdgeClient {
  host: string;
  hint: string;
  configId: string;
  implName: string;
  version: string;
  web: boolean;
}

export interface PageCtx {
  rng: Rng;
  kind: 'aa' | 'edge';
  platform: Platform;
  brand: Brand;
  ecid: string;
  ua: string;
  web?: { pageUrl: string; origin: string };
  aa?: AaClient;
  edge?: EdgeClient;
  tzOffsetMin: number;
  appName: string;
  appVersion: string | null;
}

export type PageHitKind =
  'pageview' | 'link' | 'lifecycle' | 'state' | 'action' | 'long' | 'exit' | 'handcoded';

export interface PageHit {
  t: number;
  kind: PageHitKind;
  /** Analytics hits. */
  aa?: { client: AaClient; hit: AaHit };
  /** Edge hits. */
  edge?: {
    path: 'interact' | 'collect';
    body: Record<string, unknown>;
    firstParty: boolean;
    fetchIdentity: boolean;
  };
  marks: string[];
  resp?: { status: number; statusText: string; body?: string; mime?: string };
  /** Double-fired: the copy goes out this many ms later with a new cache-buster / request id. */
  dupAfterMs?: number;
  /** The collection server answers 302 and the browser repeats the hit with `pccr=true`. */
  pccrRedirect?: boolean;
}

const LONG_VALUE =
  'checkout|shipping|express|gift-wrap|loyalty-gold|promo-SPRING24|newsletter-optin|' +
  'recommendations:carousel-3:slot-2|customer-segment:returning-high-value|experiment:pdp-redesign-v7:variant-b';

function webPageParams(pc: PageCtx, t: number, pageName: string, withMid: boolean): [string, string][] {
  const aa = pc.aa as AaClient;
  const p: [string, string][] = [['t', aaLocalTime(t, aa.tzOffsetMin)]];
  if (withMid) p.push(['mid', pc.ecid], ['aamlh', '9']);
  else p.push(['fid', `${pc.rng.hex(16).toUpperCase()}-${pc.rng.hex(16).toUpperCase()}`]);
  p.push(
    ['ce', 'UTF-8'],
    ['ns', pc.brand.ns],
    ['pageName', pageName],
    ['g', pc.web?.pageUrl ?? `https://www.${pc.brand.domain}/`],
    ['r', 'https://www.google.com/'],
    ['cc', 'USD'],
    ['ch', pageName.split(':')[0]],
  );
  return p;
}

function webTail(pc: PageCtx): [string, string][] {
  return [
    ['s', '1920x1080'],
    ['c', '24'],
    ['j', '1.6'],
    ['v', 'N'],
    ['k', 'Y'],
    ['bw', String(pc.rng.pick([1280, 1440, 1536, 1920]))],
    ['bh', String(pc.rng.pick([689, 789, 864, 969]))],
    ['mcorgid', pc.brand.orgId],
  ];
}

function mobileAfter(pc: PageCtx, pageName: string, extra: [string, string][] = []): [string, string][] {
  const aa = pc.aa as AaClient;
  const after: [string, string][] = [
    ['t', aaZeroTime(aa.tzOffsetMin)],
    ['mid', pc.ecid],
  ];
  if (aa.style === 'aep') after.push(['aamlh', '9']);
  after.push(['ce', 'UTF-8']);
  if (aa.style === 'aep') after.push(['cp', 'foreground']);
  after.push(['pageName', pageName], ...extra);
  return after;
}

function appId(pc: PageCtx): string {
  return `${pc.appName} ${pc.appVersion ?? '1.0.0'} (${(pc.appVersion ?? '1.0.0').replace(/\./g, '')}0)`;
}

function deviceContext(pc: PageCtx): [string, string][] {
  if (pc.platform === 'roku') {
    return [
      ['a.AppID', `${pc.appName} ${pc.appVersion ?? '1.0.0'}`],
      ['a.DeviceName', '3930X'],
      ['a.OSVersion', 'Roku 12.5.0-4178'],
      ['a.Resolution', '1280x720'],
    ];
  }
  if (pc.platform === 'chromecast') return [['a.AppID', `${pc.appName} Receiver`]];
  const android = pc.platform === 'android';
  return [
    ['a.AppID', appId(pc)],
    ['a.DeviceName', android ? 'Pixel 7' : pc.platform === 'tvos' ? 'AppleTV14,1' : 'iPhone15,2'],
    ['a.OSVersion', android ? 'Android 14' : pc.platform === 'tvos' ? 'tvOS 17.2' : 'iOS 17.2'],
    ['a.Resolution', android ? '1080x2400' : '1179x2556'],
    ['a.RunMode', 'Application'],
  ];
}

/** An Analytics page view (web) / trackState (apps). */
export function aaStateHit(pc: PageCtx, t: number, pageName: string): PageHit {
  const aa = pc.aa as AaClient;
  if (aa.style === 'web') {
    const params = [
      ...webPageParams(pc, t, pageName, true),
      ['events', 'event1'],
      ['v1', pageName],
      ['c1', pageName],
    ] as [string, string][];
    return {
      t,
      kind: 'pageview',
      aa: { client: aa, hit: { params: [...params, ...webTail(pc)], context: [] } },
      marks: [],
    };
  }
  if (aa.style === 'roku') {
    return {
      t,
      kind: 'state',
      aa: {
        client: aa,
        hit: {
          params: [
            ['mid', pc.ecid],
            ['t', aaZeroTime(aa.tzOffsetMin)],
            ['pageName', pageName],
          ],
          context: deviceContext(pc),
        },
      },
      marks: [],
    };
  }
  return {
    t,
    kind: 'state',
    aa: { client: aa, hit: { params: [], context: deviceContext(pc), after: mobileAfter(pc, pageName) } },
    marks: [],
  };
}

/** Web link click (`s.tl`) or app trackAction. */
export function aaActionHit(pc: PageCtx, t: number, name: string): PageHit {
  const aa = pc.aa as AaClient;
  if (aa.style === 'web') {
    const params: [string, string][] = [
      ...webPageParams(pc, t, 'video:player', true),
      ['pe', 'lnk_o'],
      ['pev2', name],
      ['events', 'event7'],
      ...webTail(pc),
    ];
    return { t, kind: 'link', aa: { client: aa, hit: { params, context: [] } }, marks: [] };
  }
  const context: [string, string][] = [['a.action', name], ...deviceContext(pc)];
  if (aa.style === 'roku') {
    return {
      t,
      kind: 'action',
      aa: {
        client: aa,
        hit: {
          params: [
            ['mid', pc.ecid],
            ['t', aaZeroTime(aa.tzOffsetMin)],
            ['pe', 'lnk_o'],
            ['pev2', `AMACTION:${name}`],
            ['pageName', `${pc.appName}/${pc.appVersion ?? '1.0.0'}`],
          ],
          context,
        },
      },
      marks: [],
    };
  }
  return {
    t,
    kind: 'action',
    aa: {
      client: aa,
      hit: {
        params: [],
        context,
        after: mobileAfter(pc, appId(pc), [
          ['pe', 'lnk_o'],
          ['pev2', `AMACTION:${name}`],
        ]),
      },
    },
    marks: [],
  };
}

export function aaLifecycleHit(pc: PageCtx, t: number): PageHit {
  const aa = pc.aa as AaClient;
  const context: [string, string][] = [
    ...deviceContext(pc),
    ['a.DailyEngUserEvent', 'DailyEngUserEvent'],
    ['a.DayOfWeek', String(new Date(t).getUTCDay() + 1)],
    ['a.DaysSinceFirstUse', String(pc.rng.int(1, 400))],
    ['a.DaysSinceLastUse', String(pc.rng.int(0, 9))],
    ['a.HourOfDay', String(new Date(t - aa.tzOffsetMin * 60_000).getUTCHours())],
    ['a.LaunchEvent', 'LaunchEvent'],
    ['a.Launches', String(pc.rng.int(2, 300))],
    ['a.TimeSinceLaunch', '0'],
    ['a.internalaction', 'Lifecycle'],
    ['a.locale', 'en-US'],
  ];
  return {
    t,
    kind: 'lifecycle',
    aa: {
      client: aa,
      hit: {
        params: [],
        context,
        after: mobileAfter(pc, appId(pc), [
          ['pe', 'lnk_o'],
          ['pev2', 'ADBINTERNAL:Lifecycle'],
        ]),
      },
    },
    marks: [],
  };
}

/** A long web hit: AppMeasurement switches to an XHR POST of the query (AQB…AQE in the body). */
export function aaLongHit(pc: PageCtx, t: number): PageHit {
  const aa = pc.aa as AaClient;
  const params: [string, string][] = [
    ...webPageParams(pc, t, 'checkout:review', true),
    ['products', ';SKU-1001;1;19.99,;SKU-2002;2;45.00,;SKU-3003;1;120.00'],
    ['events', 'scCheckout'],
    ['v50', Array.from({ length: 14 }, () => LONG_VALUE).join('|')],
    ...webTail(pc),
  ];
  return { t, kind: 'long', aa: { client: aa, hit: { params, context: [], transport: 'post' } }, marks: [] };
}

export function aaExitBeacon(pc: PageCtx, t: number): PageHit {
  const aa = pc.aa as AaClient;
  const params: [string, string][] = [
    ...webPageParams(pc, t, 'video:player', true),
    ['pe', 'lnk_e'],
    ['pev1', 'https://partner.example.org/'],
    ['pev2', 'partner'],
    ...webTail(pc),
  ];
  return {
    t,
    kind: 'exit',
    aa: { client: aa, hit: { params, context: [], transport: 'beacon' } },
    marks: [],
  };
}

/** A hand-coded image request (no library token), e.g. a legacy pixel left on a template. */
export function aaHandcodedHit(pc: PageCtx, t: number, params: [string, string][]): PageHit {
  const aa = { ...(pc.aa as AaClient), token: '' };
  return { t, kind: 'handcoded', aa: { client: aa, hit: { params, context: [] } }, marks: [] };
}

function edgeXdmBase(pc: PageCtx, t: number, eventType: string): Record<string, unknown> {
  const edge = pc.edge as EdgeClient;
  const xdm: Record<string, unknown> = {
    eventType,
    _id: pc.rng.uuid(),
    timestamp: new Date(t).toISOString(),
  };
  if (edge.web) {
    xdm.implementationDetails = { name: edge.implName, version: edge.version, environment: 'browser' };
  }
  return xdm;
}

export function edgePageView(pc: PageCtx, t: number, name: string, fetchIdentity: boolean): PageHit {
  const edge = pc.edge as EdgeClient;
  if (edge.web) {
    const xdm = edgeXdmBase(pc, t, 'web.webpagedetails.pageViews');
    xdm.web = {
      webPageDetails: { URL: pc.web?.pageUrl ?? '', name, pageViews: { value: 1 } },
      webReferrer: { URL: 'https://www.google.com/' },
    };
    xdm.device = { screenHeight: 1080, screenWidth: 1920, screenOrientation: 'landscape' };
    xdm.environment = { type: 'browser', browserDetails: { viewportWidth: 1440, viewportHeight: 789 } };
    xdm._experience = { analytics: { customDimensions: { eVars: { eVar1: name } } } };
    const body: Record<string, unknown> = { events: [{ xdm }] };
    if (fetchIdentity) body.query = { identity: { fetch: ['ECID'] } };
    body.meta = { state: { domain: pc.brand.domain, cookiesEnabled: true } };
    return {
      t,
      kind: 'pageview',
      edge: { path: 'interact', body, firstParty: true, fetchIdentity },
      marks: [],
    };
  }
  const xdm = edgeXdmBase(pc, t, fetchIdentity ? 'application.launch' : 'app.screenView');
  if (!fetchIdentity) xdm.screen = { name };
  const body: Record<string, unknown> = {
    xdm: {
      identityMap: { ECID: [{ id: pc.ecid, authenticatedState: 'ambiguous', primary: false }] },
      implementationDetails: { name: edge.implName, version: edge.version, environment: 'app' },
    },
    events: [{ xdm }],
    meta:
      pc.platform === 'roku'
        ? { state: { entries: [] } }
        : { konductorConfig: { streaming: { enabled: true, recordSeparator: '\u0000', lineFeed: '\n' } } },
  };
  return {
    t,
    kind: fetchIdentity ? 'lifecycle' : 'state',
    edge: { path: 'interact', body, firstParty: true, fetchIdentity },
    marks: [],
  };
}

export function edgeLinkClick(pc: PageCtx, t: number, name: string, collect: boolean): PageHit {
  const xdm = edgeXdmBase(pc, t, 'web.webinteraction.linkClicks');
  xdm.web = {
    webInteraction: {
      name,
      type: collect ? 'exit' : 'other',
      URL: 'https://partner.example.org/',
      linkClicks: { value: 1 },
    },
  };
  const body = { events: [{ xdm }], meta: { state: { domain: pc.brand.domain, cookiesEnabled: true } } };
  return {
    t,
    kind: collect ? 'exit' : 'link',
    edge: { path: collect ? 'collect' : 'interact', body, firstParty: true, fetchIdentity: false },
    marks: [],
  };
}

function edgeResponse(pc: PageCtx, hit: PageHit, requestId: string, t: number): Resp {
  const edge = pc.edge as EdgeClient;
  const headers: [string, string][] = [['Date', new Date(t).toUTCString()]];
  if (pc.web)
    headers.push(
      ['Access-Control-Allow-Origin', pc.web.origin],
      ['Access-Control-Allow-Credentials', 'true'],
    );
  if (hit.resp) {
    const body = hit.resp.body ?? '';
    headers.push(
      ['Content-Type', hit.resp.mime ?? 'application/json;charset=utf-8'],
      ['Content-Length', String(body.length)],
    );
    return {
      status: hit.resp.status,
      statusText: hit.resp.statusText,
      headers,
      mime: hit.resp.mime ?? 'application/json',
      text: body,
      size: body.length,
    };
  }
  if (hit.edge?.path === 'collect') {
    headers.push(['Content-Length', '0']);
    return { status: 204, statusText: 'No Content', headers, mime: '', text: '', size: 0 };
  }
  const org = pc.brand.orgId.replace('@', '_');
  const handle: Record<string, unknown>[] = [];
  if (hit.edge?.fetchIdentity)
    handle.push({ payload: [{ id: pc.ecid, namespace: { code: 'ECID' } }], type: 'identity:result' });
  handle.push(
    { payload: [{ scope: 'EdgeNetwork', hint: edge.hint, ttlSeconds: 1800 }], type: 'locationHint:result' },
    {
      payload: [
        { key: `kndctr_${org}_identity`, value: `CiY${pc.ecid.slice(0, 20)}`, maxAge: 34_128_000 },
        { key: `kndctr_${org}_cluster`, value: edge.hint, maxAge: 1800 },
      ],
      type: 'state:store',
    },
  );
  const body = JSON.stringify({ requestId, handle });
  headers.push(['Content-Type', 'application/json;charset=utf-8'], ['Content-Length', String(body.length)]);
  return { status: 200, statusText: 'OK', headers, mime: 'application/json', text: body, size: body.length };
}

/** Page descriptors → requests, in time order. */
export function renderPageHits(pc: PageCtx, hits: PageHit[]): Req[] {
  const reqs: Req[] = [];
  let edgeCalls = 0;
  for (const hit of hits.slice().sort((a, b) => a.t - b.t)) {
    const copies = hit.dupAfterMs ? [0, hit.dupAfterMs] : [0];
    for (const [n, delay] of copies.entries()) {
      const t = hit.t + delay;
      const marks = hit.dupAfterMs && n === 0 ? [] : hit.marks;
      if (hit.aa) {
        const req = aaRequest(
          hit.aa.client,
          hit.aa.hit,
          t,
          randomPart(pc.rng, hit.aa.client.style, t),
          pc.ecid,
        );
        // Hand-coded requests stop after the hit source: `/b/ss/{rsid}/1?…`.
        if (hit.aa.client.token === '') req.url = req.url.replace(/\/\/s\d+(\?|$)/, '$1');
        req.marks = marks;
        if (hit.resp) {
          req.resp = {
            ...req.resp,
            status: hit.resp.status,
            statusText: hit.resp.statusText,
            mime: hit.resp.mime ?? 'text/html',
            text: hit.resp.body ?? '',
            binary: false,
            size: (hit.resp.body ?? '').length,
          };
        }
        if (hit.pccrRedirect) {
          const again = `${req.url}&pccr=true`;
          req.resp = {
            status: 302,
            statusText: 'Found',
            headers: [
              ['Date', new Date(t).toUTCString()],
              ['Location', again],
              ['Content-Length', '0'],
            ],
            mime: '',
            text: '',
            size: 0,
          };
          reqs.push(req);
          const follow = aaRequest(hit.aa.client, hit.aa.hit, t + pc.rng.int(60, 240), 'x', pc.ecid);
          follow.url = again;
          reqs.push(follow);
          continue;
        }
        reqs.push(req);
      } else if (hit.edge) {
        const edge = pc.edge as EdgeClient;
        const requestId = pc.rng.uuid();
        // The first identity call may go to the third-party ID domain; later calls use the hint.
        const host = edgeCalls === 0 && edge.web && pc.rng.chance(0.3) ? 'adobedc.demdex.net' : edge.host;
        const hintPath = edgeCalls === 0 ? '' : `/${edge.hint}`;
        edgeCalls++;
        const body = JSON.parse(JSON.stringify(hit.edge.body)) as Record<string, unknown>;
        reqs.push({
          t,
          capT: t,
          owner: pc.ecid,
          method: 'POST',
          url: `https://${host}/ee${hintPath}/v1/${hit.edge.path}?configId=${edge.configId}&requestId=${requestId}`,
          headers: edge.web
            ? [
                ['Content-Type', 'text/plain; charset=UTF-8'],
                ['Accept', '*/*'],
                ['Origin', pc.web?.origin ?? ''],
                ['Referer', pc.web?.pageUrl ?? ''],
                ['User-Agent', pc.ua],
              ]
            : [
                ['Content-Type', 'application/json'],
                ['accept', 'application/json'],
                ['Accept-Language', 'en-US'],
                ['User-Agent', pc.ua],
              ],
          body: {
            mime: edge.web ? 'text/plain;charset=UTF-8' : 'application/json',
            text: JSON.stringify(body),
          },
          resp: edgeResponse(pc, hit, requestId, t),
          initiator: hit.edge.path === 'collect' ? 'beacon' : edge.web ? 'fetch' : 'other',
          marks,
        });
      }
    }
  }
  return reqs;
}

/** Requests that are not Adobe telemetry but share the capture. */
export function noiseRequests(
  rng: Rng,
  platform: Platform,
  brand: Brand,
  ua: string,
  start: number,
  end: number,
): Req[] {
  const out: Req[] = [];
  const mk = (
    t: number,
    url: string,
    mime: string,
    status = 200,
    initiator: Req['initiator'] = 'other',
  ): Req => ({
    t,
    capT: t,
    owner: 'noise',
    method: 'GET',
    url,
    headers: [['User-Agent', ua]],
    resp: {
      status,
      statusText: status === 200 ? 'OK' : 'Not Modified',
      headers: [
        ['Date', new Date(t).toUTCString()],
        ['Content-Type', mime],
      ],
      mime,
      size: rng.int(400, 90_000),
    },
    initiator,
    marks: [],
  });
  if (platform === 'web') {
    out.push(
      mk(start - 1500, `https://www.${brand.domain}/watch/${rng.hex(6)}`, 'text/html', 200, 'document'),
    );
    out.push(
      mk(
        start - 1100,
        `https://assets.adobedtm.com/${rng.hex(12)}/${rng.hex(12)}/launch-${rng.hex(12)}.min.js`,
        'application/javascript',
        200,
        'script',
      ),
    );
    out.push(
      mk(
        start - 700,
        `https://dpm.demdex.net/id?d_visid_ver=5.5.0&d_fieldgroup=MC&d_rtbd=json&d_ver=2&d_orgid=${encodeURIComponent(brand.orgId)}&d_nsid=0&ts=${start - 700}`,
        'application/json',
        200,
        'script',
      ),
    );
  } else {
    out.push(
      mk(start - 900, `https://api.${brand.domain}/v2/config?platform=${platform}`, 'application/json'),
    );
    out.push(mk(start - 400, `https://api.${brand.domain}/v2/catalog/home`, 'application/json'));
  }
  const base = `https://cdn.${brand.domain}/hls/${rng.hex(8)}`;
  out.push(
    mk(
      start + 200,
      `${base}/master.m3u8`,
      'application/vnd.apple.mpegurl',
      200,
      platform === 'web' ? 'xhr' : 'media',
    ),
  );
  const segments = rng.int(3, 8);
  for (let i = 0; i < segments; i++) {
    const t = start + 600 + i * rng.int(4000, 9000);
    if (t >= end) break;
    out.push(mk(t, `${base}/720p/seg-${i + 1}.ts`, 'video/mp2t', 200, platform === 'web' ? 'xhr' : 'media'));
  }
  return out;
}
