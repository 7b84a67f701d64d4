import type { FailCode } from '../codes/catalog.js';
import { LIBRARY_INFO, aaTokenVersion, WEB_AA_TOKENS, type LibraryInfo } from './libraries.js';
import { toHar } from './exporters.js';
import type { CaptureCtx, Customer, MediaAsset, SessionRender } from './render-media.js';
import {
  aaMediaStart,
  heartbeatSettings,
  renderHeartbeat,
  renderMediaCollection,
  renderMediaEdge,
} from './render-media.js';
import {
  chatter,
  linkHit,
  longPostHit,
  pageOpen,
  pageView,
  segments,
  type BodyPlan,
  type PageFault,
} from './render-page.js';
import type { Rng } from './rng.js';
import { base64Body } from './wire.js';
import {
  applyTimelineFault,
  generateTimeline,
  TIMELINE_FAULTS,
  type MediaTimeline,
  type Needs,
} from './timeline.js';
import type { HarObject, MediaProtocol, Scenario, SimRequest, TruthRecord } from './types.js';

/** Fixed base epoch (2024-03-14T09:00:00Z): captures are placed at offsets from it, never at "now". */
export const BASE_EPOCH_MS = Date.UTC(2024, 2, 14, 9, 0, 0);

const CUSTOMERS: Customer[] = [
  { key: 'acme', site: 'www.acme.com', brand: 'Acme' },
  { key: 'globex', site: 'www.globex.tv', brand: 'Globex' },
  { key: 'initech', site: 'watch.initech.com', brand: 'Initech' },
  { key: 'umbrella', site: 'www.umbrella.video', brand: 'Umbrella' },
];
const SHOWS = [
  ['The Long Field', 'Drama'],
  ['Kitchen Nights', 'Food'],
  ['Orbit', 'Sci-Fi'],
  ['Market Watch', 'News'],
  ['Goal Line', 'Sports'],
];

type FaultWhere = 'timeline' | 'render' | 'page';
interface FaultRule {
  where: FaultWhere;
  protocols: (MediaProtocol | 'page')[];
  needs?: Needs;
  /** Extra scenario constraint. */
  ok?: (s: Scenario, lib: LibraryInfo) => boolean;
}

const ALL: MediaProtocol[] = ['heartbeat', 'media-collection', 'media-edge'];
const MCE: MediaProtocol[] = ['media-collection', 'media-edge'];
const AA_STYLES = new Set(['appmeasurement', 'aep-analytics', 'adbmobile4', 'roku-legacy', 'chromecast']);

/** How each violation code is injected and where it applies. */
export const FAULT_RULES: Record<FailCode, FaultRule> = {
  CADENCE_CONTENT_PING_GAP: { where: 'timeline', protocols: ALL, needs: { longStretch: true } },
  CADENCE_AD_PING_GAP: { where: 'timeline', protocols: ALL, needs: { preroll: 'require', longAd: true } },
  CADENCE_PING_TOO_FREQUENT: { where: 'timeline', protocols: ALL, needs: { longStretch: true } },
  CADENCE_EARLY_FIRST_PING: { where: 'timeline', protocols: MCE, needs: { preroll: 'forbid' } },
  PLAYHEAD_DECREASING: { where: 'timeline', protocols: ALL, needs: { longStretch: true } },
  PLAYHEAD_STALLED: { where: 'timeline', protocols: ALL, needs: { longStretch: true } },
  PLAYHEAD_ADVANCED_WHILE_PAUSED: {
    where: 'timeline',
    protocols: ALL,
    needs: { pause: 'long', noSeek: true, noComplete: true },
  },
  PLAYHEAD_OUT_OF_RANGE: { where: 'render', protocols: ALL, needs: { vod: true } },
  SESSION_START_MISSING: { where: 'timeline', protocols: MCE, needs: { pause: 'any', noChapters: true } },
  SESSION_START_DUPLICATE: { where: 'timeline', protocols: ['heartbeat'] },
  SESSION_NOT_CLOSED: { where: 'timeline', protocols: ALL, needs: { closes: true } },
  EVENT_AFTER_CLOSE: { where: 'timeline', protocols: ALL, needs: { closes: true } },
  AD_NOT_CLOSED: { where: 'timeline', protocols: ALL, needs: { preroll: 'require' } },
  ADBREAK_NOT_CLOSED: {
    where: 'timeline',
    protocols: MCE,
    needs: { completes: true, postroll: true, vod: true },
  },
  AD_OUTSIDE_BREAK: { where: 'timeline', protocols: MCE, needs: { preroll: 'short' } },
  CHAPTER_OVERLAP: {
    where: 'timeline',
    protocols: ALL,
    needs: { chapterBoundary: true, vod: true, noSeek: true },
  },
  ILLEGAL_TRANSITION: { where: 'timeline', protocols: ALL, needs: { noChapters: true, closes: true } },
  TIMESTAMP_NOT_ASCENDING: { where: 'timeline', protocols: ALL, needs: { completes: true, vod: true } },
  ORCH_MISSING_AA_START: { where: 'render', protocols: ['heartbeat'] },
  ORCH_UNEXPECTED_CLIENT_AA_MEDIA: { where: 'render', protocols: MCE },
  HOST_UNEXPECTED: { where: 'render', protocols: ['heartbeat', 'media-collection'] },
  BEACON_TRUNCATED: { where: 'page', protocols: ['page'], ok: (_s, l) => l.pageStyle === 'appmeasurement' },
  BEACON_REJECTED: {
    where: 'page',
    protocols: ['page', 'media-collection'],
    ok: (s, l) =>
      s.protocol === 'media-collection' ||
      l.pageStyle === 'alloy' ||
      l.pageStyle === 'aep-edge' ||
      l.pageStyle === 'roku-aep',
  },
  EVENT_DUPLICATE: { where: 'page', protocols: ['page'], ok: (_s, l) => AA_STYLES.has(l.pageStyle) },
  RSID_INVALID: { where: 'page', protocols: ['page'], ok: (_s, l) => AA_STYLES.has(l.pageStyle) },
  PARAM_MISSING_REQUIRED: { where: 'render', protocols: MCE },
  PARAM_TYPE_MISMATCH: { where: 'render', protocols: MCE },
  PARAM_NAME_INVALID: {
    where: 'page',
    protocols: ['page', 'media-collection', 'media-edge'],
    ok: (s, l) => (s.protocol !== 'none' && s.protocol !== 'heartbeat' ? true : AA_STYLES.has(l.pageStyle)),
  },
  IDENTITY_MISSING_ECID: {
    where: 'page',
    protocols: ['page', 'media-collection', 'media-edge'],
    ok: (s, l) =>
      s.protocol === 'media-collection' ||
      (s.protocol === 'media-edge' && l.platform !== 'web') ||
      (s.protocol === 'none' && (l.pageStyle === 'appmeasurement' || l.pageStyle === 'aep-analytics')),
  },
  IDENTITY_MISMATCH: {
    where: 'render',
    protocols: ['heartbeat', 'media-edge'],
    ok: (s, l) => s.protocol === 'heartbeat' || l.platform !== 'web',
  },
};

/** Whether `code` can be injected into a scenario of this protocol/library. */
export function faultApplies(code: FailCode, s: Pick<Scenario, 'protocol' | 'library'>): boolean {
  const rule = FAULT_RULES[code];
  const lib = LIBRARY_INFO[s.library];
  const protoOk =
    s.protocol === 'none'
      ? rule.protocols.includes('page')
      : rule.protocols.includes(s.protocol) || rule.protocols.includes('page');
  if (!protoOk) return false;
  if (rule.ok) return rule.ok(s as Scenario, lib);
  if (rule.where === 'page') return true;
  return s.protocol !== 'none';
}

/** Faults that live on page/app hits (session: null) for this scenario. */
function isPageFault(code: FailCode, s: Scenario): boolean {
  const rule = FAULT_RULES[code];
  if (rule.where !== 'page') return false;
  if (s.protocol === 'none') return true;
  if (code === 'BEACON_REJECTED') return s.protocol !== 'media-collection';
  if (code === 'PARAM_NAME_INVALID') return s.protocol === 'heartbeat';
  if (code === 'IDENTITY_MISSING_ECID') return false;
  return true;
}

function uaFor(platform: Scenario['platform'], exporter: Scenario['exporter'], rng: Rng): string {
  switch (platform) {
    case 'web':
      if (exporter === 'firefox' || exporter === 'firebug')
        return 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
      if (exporter === 'safari')
        return 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
      return rng.chance(0.3)
        ? 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80'
        : 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
    case 'android':
      return rng.pick([
        'Mozilla/5.0 (Linux; U; Android 14; en-US; Pixel 7 Build/UQ1A.240205.004)',
        'Mozilla/5.0 (Linux; U; Android 13; en-US; SM-S911B Build/TP1A.220624.014)',
      ]);
    case 'ios':
      return rng.pick([
        'Mozilla/5.0 (iPhone; CPU OS 17_2 like Mac OS X; en-US)',
        'Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X; en-US)',
      ]);
    case 'tvos':
      return 'Mozilla/5.0 (Apple TV; CPU OS 17_2 like Mac OS X; en-US)';
    case 'roku':
      return rng.pick(['Roku/DVP-12.5 (12.5.0.4178-46)', 'Roku/DVP-14.5 (14.5.0.4126-46)']);
    case 'chromecast':
      return 'Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 CrKey/1.56.500000';
  }
}

export interface BuildOptions {
  /** Path of the HAR relative to the corpus root (truth `har`). */
  harPath?: string;
}

export interface CaptureResult {
  har: HarObject;
  truth: TruthRecord[];
  /** The simulated requests in capture order (for tests). */
  requests: SimRequest[];
}

/** One capture: a few page/app hits, 0–2 media sessions, unrelated traffic; at most one fault. */
export function buildCapture(scenario: Scenario, rngIn: Rng, opts: BuildOptions = {}): CaptureResult {
  const harPath = opts.harPath ?? scenario.name ?? 'capture.har';
  const rng = rngIn.fork(1);
  const lib = LIBRARY_INFO[scenario.library];
  if (lib.platform !== scenario.platform)
    throw new Error(`library ${scenario.library} is not a ${scenario.platform} library`);
  if (lib.protocol !== scenario.protocol && !(scenario.protocol === 'none'))
    throw new Error(`library ${scenario.library} does not speak ${scenario.protocol}`);
  const fault = scenario.fault ?? null;
  if (fault && !faultApplies(fault, scenario))
    throw new Error(`fault ${fault} does not apply to ${scenario.library}/${scenario.protocol}`);
  const cust = rng.pick(CUSTOMERS);
  const protocol = scenario.protocol;
  const media = protocol !== 'none';
  const pageFault = fault && isPageFault(fault, scenario) ? (fault as PageFault) : null;
  const ecid = rng.digits(38);
  const ctx: CaptureCtx = {
    rng,
    lib,
    platform: scenario.platform,
    cust,
    ecid,
    altEcid: rng.digits(38),
    orgId: `${rng.HEX(24)}@AdobeOrg`,
    rsid: rng.chance(0.2) ? `${cust.key}prod,${cust.key}global` : `${cust.key}prod`,
    aaHost:
      lib.pageStyle === 'appmeasurement' && rng.chance(0.5)
        ? `smetrics.${cust.site.replace(/^(www|watch)\./, '')}`
        : `${cust.key}.sc.omtrdc.net`,
    aaToken: lib.aaToken ?? 'JS-2.23.0-LDQM',
    hbHost: `${cust.key}.hb.omtrdc.net`,
    mcHost: `${cust.key}.hb-api.omtrdc.net`,
    edgeHost: 'edge.adobedc.net',
    edgeHint: rng.pick(['or2', 'va6', 'irl1']),
    configId: rng.uuid(),
    ua: uaFor(scenario.platform, scenario.exporter, rng),
    appName: `${cust.brand} TV`,
    appVersion: rng.pick(lib.appVersions),
    tzOffsetMin: rng.pick([-60, 0, 240, 300, 420]),
    out: [],
    seq: 0,
    edgeIdentityKnown: false,
    aaid: `${rng.HEX(16)}-${rng.HEX(16)}`,
    fid: `${rng.HEX(16)}-${rng.HEX(16)}`,
    notes: [],
  };
  if (lib.id === 'web-appmeasurement-2') ctx.aaToken = rng.pick(WEB_AA_TOKENS);
  if (pageFault === 'RSID_INVALID') {
    ctx.aaRsidOverride = rng.pick(['%rsid%', 'Acme Prod', '']);
    ctx.notes.push(
      `report suite "${ctx.aaRsidOverride}" on every Analytics hit (unresolved Tags data element)`,
    );
  }
  if (pageFault === 'IDENTITY_MISSING_ECID') {
    ctx.aaNoMid = true;
    ctx.notes.push('no mid on Analytics hits: the ECID service never answered (ad blocker)');
  }
  const plan: BodyPlan = { mode: scenario.bodies ?? 'small', bigBytes: 0 };
  const t0 = scenario.startMs ?? BASE_EPOCH_MS;
  const pageFaultForOpen =
    pageFault === 'IDENTITY_MISSING_ECID' || pageFault === 'RSID_INVALID' ? null : pageFault;
  let t = pageOpen(ctx, t0, plan, pageFaultForOpen);
  const compact = Boolean(scenario.compact);

  const truth: TruthRecord[] = [];
  let faultRecord: TruthRecord | null = null;
  let lastMediaEnd = t;
  let trailingMs = rng.int(5000, compact ? 20000 : 60000);
  const nMedia = media ? Math.max(0, Math.min(2, scenario.mediaSessions ?? 1)) : 0;
  const webLike = scenario.platform === 'web';
  if (protocol === 'heartbeat') heartbeatSettings(ctx, t - rng.int(100, 300));

  // pick the media session that carries a session-level fault
  const sessFault = fault && !pageFault ? fault : null;
  const faultSession = nMedia > 0 ? nMedia - 1 : -1;

  for (let k = 0; k < nMedia; k++) {
    t += rng.int(3000, compact ? 6000 : 15000);
    if (rng.chance(0.5)) linkHit(ctx, t - rng.int(400, 1200), 'play_button');
    const asset = makeAsset(rng, cust, scenario, k);
    const last = k === nMedia - 1;
    const mine = k === faultSession ? sessFault : null;
    const rule = mine ? FAULT_RULES[mine] : null;
    const needs: Needs = { ...(rule?.needs ?? {}) };
    let close: 'complete' | 'end' | 'cutoff' | 'idle-end' = rng.chance(0.45) ? 'complete' : 'end';
    if (last && scenario.cutOff && !mine) close = 'cutoff';
    if (scenario.resumeAfterIdle && k === 0 && protocol !== 'heartbeat' && !mine) close = 'idle-end';
    if (needs.completes) close = 'complete';
    const content = needs.vod || scenario.content === 'vod' ? 'vod' : 'live';
    let startMs = t;
    if (content === 'live' && scenario.crossMidnight && !mine) {
      // move the session so that the stream passes midnight (UTC second-of-day playhead wraps)
      const day = Math.floor(t / 86400000) * 86400000 + 86400000;
      startMs = day - rng.int(40, 90) * 1000;
      t = startMs;
    }
    let tl: MediaTimeline | null = null;
    let note: string | null = null;
    for (let attempt = 0; attempt < 12; attempt++) {
      const cand = generateTimeline(
        {
          protocol: protocol as MediaProtocol,
          roku: lib.roku,
          content,
          startMs,
          withAds: scenario.withAds,
          withChapters: scenario.withChapters || Boolean(needs.chapterBoundary),
          close,
          needs,
          compact,
        },
        rng.fork(attempt + 10 * k),
      );
      if (mine && FAULT_TIMELINE(mine)) {
        note = applyTimelineFault(cand, mine, rng, { protocol: protocol as MediaProtocol, roku: lib.roku });
        if (!note) continue;
      }
      tl = cand;
      break;
    }
    if (!tl)
      throw new Error(
        `could not place ${mine} in a ${scenario.library} session ${JSON.stringify(scenario)} ${close}`,
      );
    const sid = protocol === 'heartbeat' ? rng.digits(lib.roku ? 20 : 22) : rng.hex(64);
    const s: SessionRender = { sid, asset, tl, fault: mine, notes: [] };
    if (mine === 'ORCH_UNEXPECTED_CLIENT_AA_MEDIA') {
      const aaLib: LibraryInfo =
        scenario.platform === 'web'
          ? LIBRARY_INFO['web-appmeasurement-2']
          : scenario.platform === 'roku'
            ? LIBRARY_INFO['roku-adbmobile-2']
            : scenario.platform === 'tvos'
              ? LIBRARY_INFO['tvos-aep-analytics-5']
              : scenario.platform === 'ios'
                ? LIBRARY_INFO['ios-aep-analytics-5']
                : scenario.platform === 'chromecast'
                  ? LIBRARY_INFO['chromecast-adbmobile-3']
                  : LIBRARY_INFO['android-aep-analytics-3'];
      const sub: CaptureCtx = { ...ctx, lib: aaLib, aaToken: aaLib.aaToken ?? 'JS-2.23.0-LDQM' };
      aaMediaStart(sub, tl.events[0].sendAt + rng.int(150, 2000), asset, {
        sid: null,
        lengthS: tl.lengthS,
        contentType: tl.content,
      });
      ctx.seq = sub.seq;
      s.notes.push(
        'client-side AA media start (pe=ms_s) sent next to the Media Collection/Edge session (leftover Media module)',
      );
    }
    renderSession(ctx, protocol as MediaProtocol, s);
    if (mine && !note) note = s.notes.join('; ') || describeRenderFault(mine);
    else if (mine && s.notes.length) note = `${note}; ${s.notes.join('; ')}`;
    const evs = tl.events;
    const first = evs[0].sendAt;
    const lastEv = evs[evs.length - 1].sendAt;
    segments(ctx, first, lastEv, plan, asset, compact ? 8 : 400);
    chatter(ctx, first, lastEv, plan, compact ? 0.5 : 2);
    if (rng.chance(0.3))
      linkHit(ctx, first + Math.floor((lastEv - first) / 2), rng.pick(['share', 'add_to_list', 'cc_on']));
    truth.push({
      type: 'session',
      har: harPath,
      session: sid,
      kind: 'media',
      protocol: protocol as MediaProtocol,
      platform: scenario.platform,
      sdk: protocol === 'heartbeat' ? 'heartbeat' : protocol === 'media-collection' ? 'hb-api' : 'edge',
      sdk_version: lib.mediaVersion as string,
      app_version: ctx.appVersion,
      cut_off: tl.close === 'cutoff',
    });
    if (mine) faultRecord = { type: 'fault', har: harPath, session: sid, code: mine, note: note ?? mine };
    t = lastEv;
    lastMediaEnd = lastEv;
    if (tl.close === 'idle-end') {
      // the user comes back after the SDK closed the idle session: a resumed session follows
      const lastPh = evs[evs.length - 1].ph;
      t += rng.int(60_000, 400_000);
      const rl = generateTimeline(
        {
          protocol: protocol as MediaProtocol,
          roku: lib.roku,
          content: tl.content,
          startMs: t,
          withAds: false,
          withChapters: false,
          close: 'end',
          resumeFromPh: lastPh,
          compact,
        },
        rng.fork(99),
      );
      const rsid = rng.hex(64);
      renderSession(ctx, protocol as MediaProtocol, {
        sid: rsid,
        asset,
        tl: rl,
        fault: null,
        resume: true,
        notes: [],
      });
      const rf = rl.events[0].sendAt;
      const rlast = rl.events[rl.events.length - 1].sendAt;
      segments(ctx, rf, rlast, plan, asset, compact ? 4 : 200);
      truth.push({
        type: 'session',
        har: harPath,
        session: rsid,
        kind: 'media',
        protocol: protocol as MediaProtocol,
        platform: scenario.platform,
        sdk: protocol === 'media-collection' ? 'hb-api' : 'edge',
        sdk_version: lib.mediaVersion as string,
        app_version: ctx.appVersion,
        cut_off: false,
      });
      t = rlast;
      lastMediaEnd = rlast;
    }
    if (mine === 'SESSION_NOT_CLOSED' || mine === 'EVENT_AFTER_CLOSE')
      trailingMs = Math.max(trailingMs, rng.int(45000, 90000));
    if (last && close === 'cutoff' && tl.close === 'cutoff') trailingMs = rng.int(1500, 9000);
  }

  // trailing traffic: more page/app hits and chatter (none after a cut-off beyond a few seconds)
  const cut = truth.some((r) => r.type === 'session' && r.cut_off);
  const end = lastMediaEnd + trailingMs;
  if (!cut) {
    t = lastMediaEnd + rng.int(800, 3000);
    pageView(ctx, t, webLike ? 'browse' : 'Show Detail', null);
    if (webLike && lib.pageStyle === 'appmeasurement' && rng.chance(0.15))
      longPostHit(ctx, t + rng.int(2000, 5000));
    if (webLike && lib.pageStyle === 'appmeasurement' && rng.chance(0.25))
      linkHit(ctx, end - rng.int(200, 1500), 'partner', 'e');
    else if (rng.chance(0.4)) linkHit(ctx, end - rng.int(200, 1500), 'nav_home');
  }
  chatter(ctx, lastMediaEnd + 200, end, plan, compact ? 2 : 6);
  if (!cut) {
    // make sure the capture really goes on until `end`
    chatter(ctx, end - 100, end, plan, 600);
  }
  if (nMedia === 0) {
    // page/app-only capture: browse a little longer
    let tt = t + rng.int(2000, 8000);
    for (let i = 0; i < rng.int(1, 3); i++, tt += rng.int(4000, 20000))
      pageView(ctx, tt, webLike ? `article-${i + 1}` : `Screen ${i + 2}`, null);
    chatter(ctx, t, tt, plan, 8);
  }
  if (pageFault)
    faultRecord = {
      type: 'fault',
      har: harPath,
      session: null,
      code: pageFault,
      note: ctx.notes.join('; ') || pageFault,
    };
  if (fault && !faultRecord) throw new Error(`fault ${fault} was not placed`);

  // page/app session truth
  const style = lib.pageStyle;
  const edgePages = style === 'alloy' || style === 'aep-edge' || style === 'roku-aep';
  truth.unshift({
    type: 'session',
    har: harPath,
    session: ecid,
    kind: scenario.platform === 'web' ? 'page' : 'app',
    protocol: edgePages ? 'edge' : 'aa',
    platform: scenario.platform,
    sdk: edgePages ? 'edge' : 'aa',
    sdk_version: edgePages ? (lib.mediaVersion as string) : aaTokenVersion(ctx.aaToken),
    app_version: scenario.platform === 'web' ? null : ctx.appVersion,
    cut_off: false,
  });
  if (faultRecord) truth.push(faultRecord);

  // bench bodies: scale the large bodies so the capture averages the requested size
  const reqs = ctx.out;
  if (plan.mode === 'bench') scaleBenchBodies(reqs, rng, scenario.bodyBytes ?? 450_000);

  // capture times: send order, network latency, optional proxy bursts; distinct and ascending
  reqs.sort((a, b) => a.sendAt - b.sendAt || a.seq - b.seq);
  // a proxy burst boundary could split a double-fired hit by seconds: keep duplicates in one burst
  const bursts = (scenario.proxyBursts ?? false) && fault !== 'EVENT_DUPLICATE';
  const period = rng.int(2000, 6000);
  const phase = rng.int(0, period);
  let prev = -Infinity;
  for (const r of reqs) {
    let at = r.sendAt + rng.int(2, 35);
    if (bursts && (r.mediaSession || r.url.includes('/b/ss/')))
      at = Math.ceil((r.sendAt - phase) / period) * period + phase + rng.int(0, 3);
    at = Math.max(at, prev + 1);
    r.capturedAt = at;
    prev = at;
  }
  const exporter = scenario.exporter;
  const har = toHar(
    reqs,
    {
      exporter,
      sparse: scenario.sparse ?? false,
      shuffle: scenario.shuffleEntries ?? false,
      encoding: scenario.encoding ?? 'utf8',
      pageTitle: `${cust.brand} — Watch`,
      pageUrl: scenario.platform === 'web' ? `https://${cust.site}/watch` : `${cust.brand} app`,
    },
    rng,
  );
  return { har, truth, requests: reqs };
}

function FAULT_TIMELINE(code: FailCode): boolean {
  return TIMELINE_FAULTS.has(code);
}

function describeRenderFault(code: FailCode): string {
  return (
    (
      {
        PLAYHEAD_OUT_OF_RANGE:
          'content length declared in minutes (or live playhead as epoch seconds): playhead runs past length + 2 s',
        ORCH_MISSING_AA_START:
          'no Analytics pe=ms_s hit for the heartbeat session (AppMeasurement media module not loaded)',
        HOST_UNEXPECTED: 'media beacons on the wrong host / plain http while SSL is declared',
        PARAM_MISSING_REQUIRED:
          'sessionStart without a required parameter (media.id / sessionDetails.channel)',
        PARAM_TYPE_MISMATCH: 'media.length sent as a string / non-integer Edge playhead',
        PARAM_NAME_INVALID: 'custom metadata key outside ^[a-zA-Z0-9_.]+$',
        IDENTITY_MISSING_ECID: 'sessionStart without ECID (visitor.marketingCloudUserId / identityMap.ECID)',
        IDENTITY_MISMATCH: 'ECID differs between the AA media start hit and the heartbeat session',
        BEACON_REJECTED: 'collection server refused a media call',
      } as Partial<Record<FailCode, string>>
    )[code] ?? code
  );
}

function renderSession(ctx: CaptureCtx, protocol: MediaProtocol, s: SessionRender) {
  if (protocol === 'heartbeat') renderHeartbeat(ctx, s);
  else if (protocol === 'media-collection') renderMediaCollection(ctx, s);
  else renderMediaEdge(ctx, s);
  if (s.fault === 'HOST_UNEXPECTED')
    s.notes.push(
      protocol === 'heartbeat'
        ? 'heartbeats over plain http while h:sc:ssl=1'
        : '/api/v1/sessions sent to the *.hb.omtrdc.net heartbeat host',
    );
  if (s.fault === 'PARAM_MISSING_REQUIRED')
    s.notes.push(
      protocol === 'media-collection'
        ? 'sessionStart without media.id'
        : 'sessionStart without sessionDetails.channel',
    );
  if (s.fault === 'PARAM_TYPE_MISMATCH')
    s.notes.push(
      protocol === 'media-collection'
        ? 'media.length sent as a string'
        : 'mediaCollection.playhead sent with decimals',
    );
  if (s.fault === 'PARAM_NAME_INVALID') s.notes.push('custom metadata key with a hyphen/space');
  if (s.fault === 'IDENTITY_MISSING_ECID')
    s.notes.push(
      protocol === 'media-collection'
        ? 'sessionStart without visitor.marketingCloudUserId'
        : 'media events without identityMap.ECID',
    );
  if (s.fault === 'IDENTITY_MISMATCH' && protocol === 'heartbeat')
    s.notes.push('AA ms_s hit carries a different mid than the heartbeat s:user:mid');
  if (s.fault === 'ORCH_MISSING_AA_START')
    s.notes.push('no Analytics pe=ms_s hit for the heartbeat session (media module not loaded)');
  if (s.fault === 'PLAYHEAD_OUT_OF_RANGE')
    s.notes.push(
      s.tl.content === 'vod'
        ? `length declared in minutes (${Math.round(s.tl.lengthS / 60)}) for a ${s.tl.lengthS} s video`
        : 'live playhead sent as epoch seconds',
    );
}

function makeAsset(rng: Rng, cust: Customer, s: Scenario, k: number): MediaAsset {
  const [show, genre] = rng.pick(SHOWS);
  const season = String(rng.int(1, 6));
  const episode = String(rng.int(1, 12));
  return {
    id:
      s.content === 'live'
        ? `live-${cust.key}-${rng.int(1, 9)}`
        : `ep-${rng.int(1000, 9999)}${k ? `-${k}` : ''}`,
    name: s.content === 'live' ? `${cust.brand} ${genre} Live` : `${show} S${season}E${episode}`,
    show,
    season,
    episode,
    genre,
    channel:
      s.platform === 'web'
        ? cust.site
        : `${cust.brand} TV ${s.platform === 'ios' ? 'iOS' : s.platform === 'tvos' ? 'tvOS' : s.platform[0].toUpperCase() + s.platform.slice(1)}`,
    network: `${cust.brand} Network`,
    rating: rng.pick(['TV-PG', 'TV-14', 'TV-MA']),
  };
}

function scaleBenchBodies(reqs: SimRequest[], rng: Rng, target: number) {
  const big = reqs.filter(
    (r) => r.resBody?.encoding === 'base64' && (r.type === 'media' || r.type === 'image'),
  );
  if (!big.length) return;
  const goal = target * rng.float(0.5, 1.5);
  const per = Math.max(2000, Math.floor(goal / big.length));
  for (const r of big) {
    const text = base64Body(rng, (per * rng.float(0.6, 1.4) * 4) / 3);
    r.resBody = { ...r.resBody!, text, size: Math.floor((text.length * 3) / 4) };
  }
}
