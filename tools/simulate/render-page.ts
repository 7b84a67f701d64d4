import type { CaptureCtx, MediaAsset } from './render-media.js';
import { aaHit, baseHeaders, edgeImplementation, edgeStateEntries, push } from './render-media.js';
import type { SimRequest } from './types.js';
import { base64Body, iso } from './wire.js';

export interface BodyPlan {
  mode: 'small' | 'none' | 'bench';
  /** bench: bytes per large body. */
  bigBytes: number;
}

const SMALL_JS =
  '!function(){"use strict";var e=window.__app||{};e.init=function(t){return t&&t.ready?t:null};window.__app=e}();';
const SMALL_CSS = 'body{margin:0;font-family:system-ui,sans-serif}.player{aspect-ratio:16/9;background:#000}';

function assetBody(
  ctx: CaptureCtx,
  plan: BodyPlan,
  kind: 'image' | 'media' | 'script' | 'css' | 'json' | 'html',
  text?: string,
) {
  const rng = ctx.rng;
  if (plan.mode === 'none') return undefined;
  if (kind === 'image' || kind === 'media') {
    const len = plan.mode === 'bench' ? Math.floor(plan.bigBytes * rng.float(0.6, 1.4)) : rng.int(40, 600);
    const t = base64Body(rng, len);
    return {
      mime: kind === 'image' ? 'image/jpeg' : 'video/mp2t',
      text: t,
      encoding: 'base64' as const,
      size: Math.floor((t.length * 3) / 4),
    };
  }
  const mime = {
    script: 'application/javascript',
    css: 'text/css',
    json: 'application/json',
    html: 'text/html',
  }[kind];
  const t =
    text ??
    (kind === 'script'
      ? SMALL_JS
      : kind === 'css'
        ? SMALL_CSS
        : kind === 'html'
          ? '<!doctype html><html><head><title>Watch</title></head><body><div class="player"></div></body></html>'
          : '{}');
  return { mime, text: t, size: t.length };
}

function get(
  ctx: CaptureCtx,
  sendAt: number,
  url: string,
  type: SimRequest['type'],
  body: ReturnType<typeof assetBody>,
  status = 200,
): SimRequest {
  const mime =
    body?.mime ??
    (type === 'image'
      ? 'image/jpeg'
      : type === 'media'
        ? 'video/mp2t'
        : type === 'script'
          ? 'application/javascript'
          : 'application/json');
  return push(ctx, {
    sendAt,
    method: 'GET',
    url,
    headers: baseHeaders(ctx),
    status,
    resHeaders: [
      ['Content-Type', mime],
      ['Cache-Control', 'max-age=3600'],
      ...(body ? ([['Content-Length', String(body.size)]] as [string, string][]) : []),
    ],
    resBody: body,
    resMime: mime,
    type,
    initiator: type === 'document' ? 'other' : 'parser',
  });
}

/** ECID service call. */
export function ecidCall(ctx: CaptureCtx, sendAt: number): void {
  const text = JSON.stringify({
    d_mid: ctx.ecid,
    id_sync_ttl: 604800,
    d_blob: 'RKhpRz8krg2tLO6pguXWp5olkAcUniQYPHaMWWgdJ3xzPWQmdj0y',
    dcs_region: 9,
    d_ottl: 7200,
    ibs: [],
    subdomain: ctx.cust.key,
    tid: 'f3Mt6Ruk',
  });
  push(ctx, {
    sendAt,
    method: 'GET',
    url: `https://dpm.demdex.net/id?d_visid_ver=5.5.0&d_fieldgroup=MC&d_rtbd=json&d_ver=2${ctx.platform === 'web' ? '' : `&d_mid=${ctx.ecid}`}&d_orgid=${encodeURIComponent(ctx.orgId)}&d_nsid=0&ts=${sendAt}`,
    headers: baseHeaders(ctx),
    status: 200,
    resHeaders: [['Content-Type', 'application/json;charset=utf-8']],
    resBody: { mime: 'application/json', text, size: text.length },
    resMime: 'application/json',
    type: 'xhr',
    initiator: 'script',
  });
}

/** Opening traffic of a capture: document/app boot, tags, identity, first page/app hit. Returns the time after it. */
export function pageOpen(
  ctx: CaptureCtx,
  t0: number,
  plan: BodyPlan,
  pageHitFault: PageFault | null,
): number {
  const rng = ctx.rng;
  let t = t0;
  const style = ctx.lib.pageStyle;
  const cdn = `https://cdn.${ctx.cust.key}.com`;
  if (ctx.platform === 'web') {
    get(ctx, t, `https://${ctx.cust.site}/watch`, 'document', assetBody(ctx, plan, 'html'));
    t += rng.int(80, 200);
    get(
      ctx,
      t,
      `https://assets.adobedtm.com/${rng.hex(12)}/${rng.hex(12)}/launch-${rng.hex(12)}.min.js`,
      'script',
      assetBody(ctx, plan, 'script'),
    );
    get(
      ctx,
      t + rng.int(1, 20),
      `${cdn}/static/app.${rng.hex(8)}.css`,
      'stylesheet',
      assetBody(ctx, plan, 'css'),
    );
    get(
      ctx,
      t + rng.int(20, 60),
      `${cdn}/static/app.${rng.hex(8)}.js`,
      'script',
      assetBody(ctx, plan, 'script'),
    );
    t += rng.int(150, 400);
    for (let i = 0; i < rng.int(2, 5); i++)
      get(
        ctx,
        t + i * rng.int(5, 40),
        `${cdn}/img/poster-${rng.int(100, 999)}.jpg`,
        'image',
        assetBody(ctx, plan, 'image'),
      );
    if (style === 'appmeasurement') {
      if (!ctx.aaNoMid) ecidCall(ctx, t);
      t += rng.int(80, 250);
      pageView(ctx, t, 'watch', pageHitFault);
    } else {
      edgePageView(ctx, t, pageHitFault === 'BEACON_REJECTED');
    }
    t += rng.int(200, 800);
    if (rng.chance(0.3)) targetCall(ctx, t);
  } else {
    if (style === 'aep-analytics' || style === 'aep-edge' || style === 'roku-aep') {
      get(
        ctx,
        t,
        `https://assets.adobedtm.com/${rng.hex(12)}/${rng.hex(12)}/launch-${rng.hex(12)}-production.json`,
        'xhr',
        assetBody(
          ctx,
          plan,
          'json',
          '{"build.environment":"prod","experienceCloud.org":"' + ctx.orgId + '"}',
        ),
      );
      t += rng.int(100, 300);
    }
    if (style !== 'roku-aep' && style !== 'aep-edge') ecidCall(ctx, t);
    t += rng.int(50, 200);
    get(
      ctx,
      t,
      `https://api.${ctx.cust.key}.com/v2/home?platform=${ctx.platform}`,
      'xhr',
      assetBody(ctx, plan, 'json', '{"rails":[{"id":"featured","items":12}]}'),
    );
    t += rng.int(100, 400);
    for (let i = 0; i < rng.int(2, 4); i++)
      get(
        ctx,
        t + i * rng.int(10, 50),
        `${cdn}/img/tile-${rng.int(100, 999)}.jpg`,
        'image',
        assetBody(ctx, plan, 'image'),
      );
    if (style === 'aep-edge' || style === 'roku-aep') {
      if (style === 'roku-aep') edgeConsent(ctx, t);
      t += rng.int(30, 100);
      edgeAppEvent(ctx, t, 'application.launch', pageHitFault === 'BEACON_REJECTED');
      t += rng.int(200, 600);
      edgeAppEvent(ctx, t, 'web.webpagedetails.pageViews', false);
    } else {
      if (style === 'aep-analytics' || style === 'adbmobile4') {
        lifecycle(ctx, t);
        t += rng.int(100, 400);
      }
      pageView(ctx, t, 'Home', pageHitFault);
    }
    t += rng.int(300, 900);
  }
  return t;
}

export type PageFault =
  | 'BEACON_TRUNCATED'
  | 'EVENT_DUPLICATE'
  | 'RSID_INVALID'
  | 'PARAM_NAME_INVALID'
  | 'IDENTITY_MISSING_ECID'
  | 'BEACON_REJECTED';

function lifecycle(ctx: CaptureCtx, t: number) {
  const d: Record<string, string> = {
    'a.AppID': `${ctx.appName} ${ctx.appVersion} (${ctx.appVersion.replace(/\./g, '')}0)`,
    'a.DailyEngUserEvent': 'DailyEngUserEvent',
    'a.DayOfWeek': String(new Date(t).getUTCDay() + 1),
    'a.DaysSinceFirstUse': String(ctx.rng.int(1, 300)),
    'a.DaysSinceLastUse': String(ctx.rng.int(0, 9)),
    'a.HourOfDay': String(new Date(t).getUTCHours()),
    'a.LaunchEvent': 'LaunchEvent',
    'a.Launches': String(ctx.rng.int(2, 90)),
    'a.OSVersion':
      ctx.platform === 'android' ? 'Android 14' : ctx.platform === 'tvos' ? 'tvOS 17.2' : 'iOS 17.2',
    'a.DeviceName':
      ctx.platform === 'android' ? 'Pixel 7' : ctx.platform === 'tvos' ? 'AppleTV14,1' : 'iPhone15,2',
    'a.Resolution': ctx.platform === 'android' ? '1080x2400' : '1179x2556',
    'a.RunMode': 'Application',
    'a.TimeSinceLaunch': '0',
    'a.internalaction': 'Lifecycle',
    'a.locale': 'en-US',
  };
  aaHit(ctx, { sendAt: t, pageName: d['a.AppID'], pe: 'lnk_o', pev2: 'ADBINTERNAL:Lifecycle', ctxData: d });
}

/** A page view / trackState hit, with page-level faults applied. */
export function pageView(ctx: CaptureCtx, t: number, name: string, fault: PageFault | null): void {
  const rng = ctx.rng;
  const web = ctx.lib.pageStyle === 'appmeasurement';
  const vars: [string, string][] = web
    ? [
        ['ch', 'video'],
        ['events', 'event1'],
        ['v1', name],
        ['c1', name],
        ['v5', ctx.platform],
      ]
    : [];
  if (fault === 'PARAM_NAME_INVALID') vars.push(['pagetype', 'errorPage']);
  const ctxData: Record<string, string> = web
    ? { 'page.section': 'video', 'page.template': 'watch' }
    : { 'a.AppID': `${ctx.appName} ${ctx.appVersion}` };
  if (fault === 'BEACON_TRUNCATED') {
    // a huge list var pushes the URL past 2047 chars; the browser/proxy cut it (no XHR POST fallback)
    const long = Array.from({ length: rng.int(200, 260) }, () => `sku-${rng.int(100000, 999999)}`).join(',');
    const req = aaHit(ctx, {
      sendAt: t,
      pageName: name,
      vars,
      ctxData,
      transport: 'get',
      extraTail: [['l1', long]],
    });
    if (req.url.length <= 2100) throw new Error('truncation fault needs a URL longer than 2047 characters');
    let cut = 2047;
    while (/%[0-9A-Fa-f]?$/.test(req.url.slice(0, cut))) cut--;
    req.url = req.url.slice(0, cut);
    req.mark = fault;
    ctx.notes.push('AA GET cut at 2047 characters (no AQE=1): long list variable, POST fallback disabled');
    return;
  }
  const req = aaHit(ctx, { sendAt: t, pageName: name, vars, ctxData });
  if (fault === 'PARAM_NAME_INVALID') req.mark = fault;
  if (fault === 'EVENT_DUPLICATE') {
    const d = rng.int(120, 700);
    const copy = { ...req, sendAt: t + d, seq: ctx.seq++, mark: fault };
    copy.url = req.url.replace(/\/s\d+(\?|$)/, `/s${rng.int(1, 9)}${rng.digits(13)}$1`);
    ctx.out.push(copy);
    ctx.notes.push(`page hit "${name}" fired twice ${d} ms apart (duplicate Tags rule)`);
  } else if (web && rng.chance(0.1) && req.method === 'GET') {
    // legacy infinite-redirect guard retry: identical hit plus pccr=true — not a duplicate
    const copy = { ...req, sendAt: t + rng.int(150, 600), seq: ctx.seq++ };
    copy.url = req.url.replace('&AQE=1', '&pccr=true&AQE=1');
    ctx.out.push(copy);
  }
}

export function linkHit(ctx: CaptureCtx, t: number, action: string, kind: 'o' | 'e' = 'o'): void {
  const web = ctx.lib.pageStyle === 'appmeasurement';
  if (web) {
    aaHit(ctx, {
      sendAt: t,
      pageName: 'watch',
      pe: `lnk_${kind}`,
      pev1: kind === 'e' ? 'https://partner.example.org/' : undefined,
      pev2: action,
      vars: [['events', 'event7']],
      transport: kind === 'e' ? 'beacon' : undefined,
    });
  } else if (ctx.lib.pageStyle === 'alloy') {
    edgeLink(ctx, t, action);
  } else if (ctx.lib.pageStyle === 'aep-edge' || ctx.lib.pageStyle === 'roku-aep') {
    edgeAppEvent(ctx, t, 'web.webinteraction.linkClicks', false);
  } else {
    aaHit(ctx, {
      sendAt: t,
      pageName: `${ctx.appName} ${ctx.appVersion}`,
      pe: 'lnk_o',
      pev2: `AMACTION:${action}`,
      ctxData: { 'a.action': action },
    });
  }
}

/** A long web hit that AppMeasurement sends as XHR POST (URL > 2047). */
export function longPostHit(ctx: CaptureCtx, t: number): void {
  const rng = ctx.rng;
  const products = Array.from(
    { length: 60 },
    () => `;SKU-${rng.int(10000, 99999)};1;${rng.int(5, 99)}.99`,
  ).join(',');
  aaHit(ctx, {
    sendAt: t,
    pageName: 'checkout:review',
    vars: [
      ['products', products],
      ['events', 'scCheckout'],
    ],
  });
}

function edgePageView(ctx: CaptureCtx, t: number, reject: boolean) {
  const rng = ctx.rng;
  const rid = rng.uuid();
  const first = !ctx.edgeIdentityKnown;
  const body = {
    events: [
      {
        xdm: {
          eventType: 'web.webpagedetails.pageViews',
          _id: rng.uuid(),
          timestamp: iso(t),
          web: {
            webPageDetails: { URL: `https://${ctx.cust.site}/watch`, name: 'watch', pageViews: { value: 1 } },
            webReferrer: { URL: '' },
          },
          device: { screenHeight: 1080, screenWidth: 1920, screenOrientation: 'landscape' },
          environment: { type: 'browser', browserDetails: { viewportWidth: 1440, viewportHeight: 789 } },
          placeContext: {
            localTime: iso(t - ctx.tzOffsetMin * 60000).replace('Z', '+00:00'),
            localTimezoneOffset: ctx.tzOffsetMin,
          },
          implementationDetails: edgeImplementation(ctx),
        },
      },
    ],
    ...(first ? { query: { identity: { fetch: ['ECID'] } } } : {}),
    meta: {
      state: {
        domain: ctx.cust.site.replace(/^www\./, ''),
        cookiesEnabled: true,
        entries: edgeStateEntries(ctx),
      },
    },
  };
  const cfg = reject ? rng.uuid() : ctx.configId;
  const res = reject
    ? {
        type: 'https://ns.adobe.com/aep/errors/EXEG-0003-400',
        status: 400,
        title: 'Invalid datastream ID',
        detail: `The datastream ID '${cfg}' could not be found.`,
        report: { requestId: rid },
      }
    : {
        requestId: rid,
        handle: [
          { payload: [{ id: ctx.ecid, namespace: { code: 'ECID' } }], type: 'identity:result' },
          {
            payload: [{ scope: 'EdgeNetwork', hint: ctx.edgeHint, ttlSeconds: 1800 }],
            type: 'locationHint:result',
          },
          {
            payload: [
              { key: `kndctr_${ctx.orgId.replace('@', '_')}_cluster`, value: ctx.edgeHint, maxAge: 1800 },
            ],
            type: 'state:store',
          },
        ],
      };
  const text = JSON.stringify(res);
  push(ctx, {
    sendAt: t,
    method: 'POST',
    url: `https://${first && rng.chance(0.3) ? 'adobedc.demdex.net' : ctx.edgeHost}/ee/v1/interact?configId=${cfg}&requestId=${rid}`,
    headers: baseHeaders(ctx, [['Content-Type', 'text/plain; charset=UTF-8']]),
    body: { mime: 'text/plain; charset=UTF-8', text: JSON.stringify(body) },
    status: reject ? 400 : 200,
    resHeaders: [['Content-Type', reject ? 'application/problem+json' : 'application/json;charset=utf-8']],
    resBody: { mime: 'application/json', text, size: text.length },
    resMime: 'application/json',
    type: 'fetch',
    initiator: 'script',
    ...(reject ? { mark: 'BEACON_REJECTED' } : {}),
  });
  if (reject)
    ctx.notes.push('Web SDK page view answered 400 EXEG-0003-400 (datastream id of the staging property)');
  ctx.edgeIdentityKnown = true;
}

function edgeLink(ctx: CaptureCtx, t: number, action: string) {
  const rng = ctx.rng;
  const body = {
    events: [
      {
        xdm: {
          eventType: 'web.webinteraction.linkClicks',
          _id: rng.uuid(),
          timestamp: iso(t),
          web: { webInteraction: { name: action, type: 'other', linkClicks: { value: 1 } } },
          implementationDetails: edgeImplementation(ctx),
        },
      },
    ],
    meta: {
      state: {
        domain: ctx.cust.site.replace(/^www\./, ''),
        cookiesEnabled: true,
        entries: edgeStateEntries(ctx),
      },
    },
  };
  push(ctx, {
    sendAt: t,
    method: 'POST',
    url: `https://${ctx.edgeHost}/ee/${ctx.edgeHint}/v1/collect?configId=${ctx.configId}&requestId=${rng.uuid()}`,
    headers: baseHeaders(ctx, [['Content-Type', 'text/plain; charset=UTF-8']]),
    body: { mime: 'text/plain; charset=UTF-8', text: JSON.stringify(body) },
    status: 204,
    resHeaders: [],
    resMime: 'text/plain',
    type: 'ping',
    initiator: 'script',
  });
}

function edgeConsent(ctx: CaptureCtx, t: number) {
  const rng = ctx.rng;
  const body = {
    query: { consent: { operation: 'update' } },
    consent: [{ standard: 'Adobe', version: '2.0', value: { collect: { val: 'y' } } }],
    xdm: {
      identityMap: { ECID: [{ id: ctx.ecid, primary: false, authenticatedState: 'ambiguous' }] },
      implementationDetails: edgeImplementation(ctx),
    },
  };
  const text = JSON.stringify({
    requestId: rng.uuid(),
    handle: [{ payload: [{ collect: { val: 'y' } }], type: 'consent:preferences' }],
  });
  push(ctx, {
    sendAt: t,
    method: 'POST',
    url: `https://${ctx.edgeHost}/ee/v1/privacy/set-consent?configId=${ctx.configId}&requestId=${rng.uuid()}`,
    headers: baseHeaders(ctx, [
      ['Content-Type', 'application/json'],
      ['accept', 'application/json'],
    ]),
    body: { mime: 'application/json', text: JSON.stringify(body) },
    status: 200,
    resHeaders: [['Content-Type', 'application/json;charset=utf-8']],
    resBody: { mime: 'application/json', text, size: text.length },
    resMime: 'application/json',
    type: 'xhr',
    initiator: 'other',
  });
}

function edgeAppEvent(ctx: CaptureCtx, t: number, eventType: string, reject: boolean) {
  const rng = ctx.rng;
  const rid = rng.uuid();
  const body: Record<string, unknown> = {
    xdm: {
      identityMap: { ECID: [{ id: ctx.ecid, authenticatedState: 'ambiguous', primary: false }] },
      implementationDetails: edgeImplementation(ctx),
    },
    events: [
      {
        xdm: {
          eventType,
          _id: rng.uuid(),
          timestamp: iso(t),
          ...(eventType === 'web.webpagedetails.pageViews'
            ? { web: { webPageDetails: { name: 'Home', pageViews: { value: 1 } } } }
            : {}),
          ...(eventType === 'application.launch'
            ? {
                application: { name: ctx.appName, version: ctx.appVersion, launches: { value: 1 } },
                environment: { type: 'application', operatingSystem: ctx.platform },
              }
            : {}),
        },
      },
    ],
  };
  if (ctx.platform !== 'roku')
    body.meta = {
      konductorConfig: { streaming: { enabled: true, recordSeparator: '\u0000', lineFeed: '\n' } },
    };
  const cfg = reject ? rng.uuid() : ctx.configId;
  const res = reject
    ? {
        type: 'https://ns.adobe.com/aep/errors/EXEG-0003-400',
        status: 400,
        title: 'Invalid datastream ID',
        report: { requestId: rid },
      }
    : {
        requestId: rid,
        handle: [
          {
            payload: [{ scope: 'EdgeNetwork', hint: ctx.edgeHint, ttlSeconds: 1800 }],
            type: 'locationHint:result',
          },
        ],
      };
  const text = JSON.stringify(res);
  push(ctx, {
    sendAt: t,
    method: 'POST',
    url: `https://${ctx.edgeHost}/ee/v1/interact?configId=${cfg}&requestId=${rid}`,
    headers: baseHeaders(ctx, [
      ['Content-Type', 'application/json'],
      ['accept', 'application/json'],
    ]),
    body: { mime: 'application/json', text: JSON.stringify(body) },
    status: reject ? 400 : 200,
    resHeaders: [['Content-Type', reject ? 'application/problem+json' : 'application/json;charset=utf-8']],
    resBody: { mime: 'application/json', text, size: text.length },
    resMime: 'application/json',
    type: 'xhr',
    initiator: 'other',
    ...(reject ? { mark: 'BEACON_REJECTED' } : {}),
  });
  if (reject) ctx.notes.push(`Edge ${eventType} answered 400 EXEG-0003-400 (wrong datastream id)`);
}

function targetCall(ctx: CaptureCtx, t: number) {
  const rng = ctx.rng;
  const text = JSON.stringify({
    status: 200,
    requestId: rng.uuid(),
    client: ctx.cust.key,
    id: { tntId: `${rng.hex(32)}.35_0` },
    execute: { pageLoad: { options: [] } },
  });
  push(ctx, {
    sendAt: t,
    method: 'POST',
    url: `https://${ctx.cust.key}.tt.omtrdc.net/rest/v1/delivery?client=${ctx.cust.key}&sessionId=${rng.hex(32)}&version=2.11.4`,
    headers: baseHeaders(ctx, [['Content-Type', 'text/plain']]),
    body: {
      mime: 'text/plain',
      text: JSON.stringify({ requestId: rng.uuid(), context: { channel: 'web' }, execute: { pageLoad: {} } }),
    },
    status: 200,
    resHeaders: [['Content-Type', 'application/json;charset=UTF-8']],
    resBody: { mime: 'application/json', text, size: text.length },
    resMime: 'application/json',
    type: 'xhr',
    initiator: 'script',
  });
}

/** Video segments while the player plays (every ~6 s of wall time between from and to). */
export function segments(
  ctx: CaptureCtx,
  from: number,
  to: number,
  plan: BodyPlan,
  asset: MediaAsset,
  max: number,
): void {
  const rng = ctx.rng;
  const host = `https://vod.${ctx.cust.key}-cdn.com`;
  get(
    ctx,
    from + rng.int(5, 60),
    `${host}/hls/${asset.id}/master.m3u8`,
    'xhr',
    assetBody(ctx, plan, 'json', '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2500000\n720p.m3u8\n'),
  );
  let n = 0;
  for (let t = from + rng.int(100, 400); t < to && n < max; t += rng.int(5800, 6200), n++) {
    get(
      ctx,
      t,
      `${host}/hls/${asset.id}/720p/seg-${String(n).padStart(5, '0')}.ts`,
      'media',
      assetBody(ctx, plan, 'media'),
    );
  }
}

/** Unrelated app/site traffic between from and to. */
export function chatter(ctx: CaptureCtx, from: number, to: number, plan: BodyPlan, density: number): void {
  const rng = ctx.rng;
  const span = Math.max(0, to - from);
  const n = Math.max(0, Math.round((span / 60000) * density));
  for (let i = 0; i < n; i++) {
    const t = from + rng.int(0, Math.max(1, span));
    const k = rng.int(0, 3);
    if (k === 0)
      get(
        ctx,
        t,
        `https://api.${ctx.cust.key}.com/v2/recommendations?after=${rng.int(1, 99)}`,
        'xhr',
        assetBody(ctx, plan, 'json', '{"items":[{"id":"ep-1002"},{"id":"ep-1003"}]}'),
      );
    else if (k === 1)
      get(
        ctx,
        t,
        `https://cdn.${ctx.cust.key}.com/img/thumb-${rng.int(100, 999)}.jpg`,
        'image',
        assetBody(ctx, plan, 'image'),
      );
    else if (k === 2)
      get(ctx, t, `https://fonts.gstatic.com/s/inter/v13/${rng.hex(10)}.woff2`, 'font', undefined);
    else
      get(
        ctx,
        t,
        `https://www.googletagmanager.com/gtag/js?id=G-${rng.HEX(8)}`,
        'script',
        assetBody(ctx, plan, 'script'),
      );
  }
}
