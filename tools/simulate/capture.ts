import type { FailCode } from '../codes/catalog.js';
import { LIBRARY_INFO, aaTokenVersion, WEB_AA_TOKENS, type LibraryInfo } from './libraries.js';
import { toHar } from './exporters.js';
import { faultApplies, faultFor, isPageFault } from './faults.js';
import type { CaptureCtx, Customer, MediaAsset, SessionRender } from './render-media.js';
import {
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
import type { Rng } from '../util/rng.js';
import { base64Body } from './wire.js';
import { generateTimeline, type MediaTimeline, type Needs } from './timeline.js';
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
  const pageFault = fault && isPageFault(fault, scenario) ? (fault as PageFault) : null;
  const ctx = captureContext(scenario, rng, lib, cust);
  // Page faults carried by every Analytics hit are set up on the context; the others ride one page hit.
  const prepare = pageFault ? faultFor(pageFault).prepare : undefined;
  if (prepare) prepare(ctx);
  const plan: BodyPlan = { mode: scenario.bodies ?? 'small', bigBytes: 0 };
  const t0 = scenario.startMs ?? BASE_EPOCH_MS;
  const t = pageOpen(ctx, t0, plan, prepare ? null : pageFault);
  const media = renderMediaSessions(ctx, scenario, {
    t,
    harPath,
    plan,
    fault: fault && !pageFault ? fault : null,
  });
  const { truth } = media;
  let faultRecord = media.faultRecord;
  trailingTraffic(ctx, scenario, plan, media);
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
    session: ctx.ecid,
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
  placeCaptureTimes(reqs, rng, (scenario.proxyBursts ?? false) && !(fault && faultFor(fault).noBursts));
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

/** Everything the capture's requests share: customer, identities, hosts, user agent, app version. */
function captureContext(scenario: Scenario, rng: Rng, lib: LibraryInfo, cust: Customer): CaptureCtx {
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
  return ctx;
}

interface MediaResult {
  truth: TruthRecord[];
  faultRecord: TruthRecord | null;
  /** Time after the last media event, and the last media event itself. */
  t: number;
  lastMediaEnd: number;
  /** How long the capture goes on after the last media event. */
  trailingMs: number;
}

/** The capture's media sessions (0–2), the one at fault last; each with its segments, chatter and truth. */
function renderMediaSessions(
  ctx: CaptureCtx,
  scenario: Scenario,
  o: { t: number; harPath: string; plan: BodyPlan; fault: FailCode | null },
): MediaResult {
  const { rng, lib, cust } = ctx;
  const { harPath, plan } = o;
  const protocol = scenario.protocol;
  const compact = Boolean(scenario.compact);
  const truth: TruthRecord[] = [];
  const r: MediaResult = { truth, faultRecord: null, t: o.t, lastMediaEnd: o.t, trailingMs: 0 };
  r.trailingMs = rng.int(5000, compact ? 20000 : 60000);
  const nMedia = protocol !== 'none' ? Math.max(0, Math.min(2, scenario.mediaSessions ?? 1)) : 0;
  if (protocol === 'heartbeat') heartbeatSettings(ctx, r.t - rng.int(100, 300));
  // the last media session carries a session-level fault
  const faultSession = nMedia > 0 ? nMedia - 1 : -1;
  for (let k = 0; k < nMedia; k++) {
    r.t += rng.int(3000, compact ? 6000 : 15000);
    if (rng.chance(0.5)) linkHit(ctx, r.t - rng.int(400, 1200), 'play_button');
    const asset = makeAsset(rng, cust, scenario, k);
    const last = k === nMedia - 1;
    const mine = k === faultSession ? o.fault : null;
    const placed = faultyTimeline(ctx, scenario, { k, last, mine, startMs: r.t });
    r.t = placed.startMs;
    const { tl } = placed;
    let note = placed.note;
    const sid = protocol === 'heartbeat' ? rng.digits(lib.roku ? 20 : 22) : rng.hex(64);
    const def = mine ? faultFor(mine) : null;
    const s: SessionRender = { sid, asset, tl, fault: mine, notes: [], markStart: Boolean(def?.marksStart) };
    def?.beforeRender?.(ctx, s, scenario);
    renderSession(ctx, protocol as MediaProtocol, s);
    if (mine && !note) note = s.notes.join('; ') || def?.describe || mine;
    else if (mine && s.notes.length) note = `${note}; ${s.notes.join('; ')}`;
    const evs = tl.events;
    const first = evs[0].sendAt;
    const lastEv = evs[evs.length - 1].sendAt;
    segments(ctx, first, lastEv, plan, asset, compact ? 8 : 400);
    chatter(ctx, first, lastEv, plan, compact ? 0.5 : 2);
    if (rng.chance(0.3))
      linkHit(ctx, first + Math.floor((lastEv - first) / 2), rng.pick(['share', 'add_to_list', 'cc_on']));
    truth.push(sessionTruth(harPath, scenario, sid, lib, ctx, tl.close === 'cutoff'));
    if (mine) r.faultRecord = { type: 'fault', har: harPath, session: sid, code: mine, note: note ?? mine };
    r.t = lastEv;
    r.lastMediaEnd = lastEv;
    if (tl.close === 'idle-end') {
      const end = resumedSession(ctx, scenario, { t: r.t, tl, asset, plan, harPath, truth });
      r.t = end;
      r.lastMediaEnd = end;
    }
    if (def?.captureGoesOn) r.trailingMs = Math.max(r.trailingMs, rng.int(45000, 90000));
    if (last && placed.close === 'cutoff' && tl.close === 'cutoff') r.trailingMs = rng.int(1500, 9000);
  }
  return r;
}

const PLACEMENT_TRIES = 24;

/** A clean timeline for media session k, then (for the session at fault) the fault's timeline edit. */
function faultyTimeline(
  ctx: CaptureCtx,
  scenario: Scenario,
  o: { k: number; last: boolean; mine: FailCode | null; startMs: number },
): { tl: MediaTimeline; note: string | null; startMs: number; close: string } {
  const { rng, lib } = ctx;
  const { k, last, mine } = o;
  const protocol = scenario.protocol;
  const def = mine ? faultFor(mine) : null;
  const needs: Needs = { ...(def?.needs ?? (last && !o.mine ? scenario.shape : undefined) ?? {}) };
  let close: 'complete' | 'end' | 'cutoff' | 'idle-end' = rng.chance(0.45) ? 'complete' : 'end';
  if (last && scenario.cutOff && !mine) close = 'cutoff';
  if (scenario.resumeAfterIdle && k === 0 && protocol !== 'heartbeat' && !mine) close = 'idle-end';
  if (needs.completes) close = 'complete';
  const content = needs.vod || scenario.content === 'vod' ? 'vod' : 'live';
  let startMs = o.startMs;
  if (content === 'live' && scenario.crossMidnight && !mine) {
    // move the session so that the stream passes midnight (UTC second-of-day playhead wraps)
    const day = Math.floor(startMs / 86400000) * 86400000 + 86400000;
    startMs = day - rng.int(40, 90) * 1000;
  }
  // Twelve tries placed every fault of every corpus up to 12,000 captures. The 24,000-capture dense corpus
  // of seed 98 met a live session starting at 23:51:42 UTC: its playheads (second of day) run into the
  // midnight wrap, where a drop cannot be told from the wrap and the fault never fits. Past the twelve, a
  // live session starts two hours later (the day's first hours, far from the wrap), each try from a
  // random stream of its own: every corpus that needed at most twelve tries is byte-identical.
  for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
    if (attempt === 12 && content === 'live') startMs += 2 * 3_600_000;
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
        compact: Boolean(scenario.compact),
        // Chromecast 3.x is not among the SDKs documented with a 10 s ad default: the documented 1 s.
        adIntervalMs: lib.platform === 'chromecast' ? 1000 : undefined,
      },
      rng.fork(attempt < 12 ? attempt + 10 * k : 1_000_000 + 1_000 * k + attempt),
    );
    if (def?.inject) {
      const r = def.inject(cand, rng, { protocol: protocol as MediaProtocol, roku: lib.roku });
      if (!r) continue;
      // Mark where the violation shows: renderers copy the mark onto that event's request.
      for (const e of r.at) e.mark = mine!;
      return { tl: cand, note: r.note, startMs, close };
    }
    return { tl: cand, note: null, startMs, close };
  }
  throw new Error(
    `could not place ${mine} in a ${scenario.library} session ${JSON.stringify(scenario)} ${close}`,
  );
}

function sessionTruth(
  harPath: string,
  scenario: Scenario,
  sid: string,
  lib: LibraryInfo,
  ctx: CaptureCtx,
  cutOff: boolean,
  sdk?: 'hb-api' | 'edge',
): TruthRecord {
  const protocol = scenario.protocol as MediaProtocol;
  return {
    type: 'session',
    har: harPath,
    session: sid,
    kind: 'media',
    protocol,
    platform: scenario.platform,
    sdk:
      sdk ?? (protocol === 'heartbeat' ? 'heartbeat' : protocol === 'media-collection' ? 'hb-api' : 'edge'),
    sdk_version: lib.mediaVersion as string,
    app_version: ctx.appVersion,
    cut_off: cutOff,
  };
}

/** The user comes back after the SDK closed the idle session: a resumed session follows. Returns its end. */
function resumedSession(
  ctx: CaptureCtx,
  scenario: Scenario,
  o: {
    t: number;
    tl: MediaTimeline;
    asset: MediaAsset;
    plan: BodyPlan;
    harPath: string;
    truth: TruthRecord[];
  },
): number {
  const { rng, lib } = ctx;
  const protocol = scenario.protocol as MediaProtocol;
  const compact = Boolean(scenario.compact);
  const evs = o.tl.events;
  const lastPh = evs[evs.length - 1].ph;
  const t = o.t + rng.int(60_000, 400_000);
  const rl = generateTimeline(
    {
      protocol,
      roku: lib.roku,
      content: o.tl.content,
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
  renderSession(ctx, protocol, { sid: rsid, asset: o.asset, tl: rl, fault: null, resume: true, notes: [] });
  const rf = rl.events[0].sendAt;
  const rlast = rl.events[rl.events.length - 1].sendAt;
  segments(ctx, rf, rlast, o.plan, o.asset, compact ? 4 : 200);
  o.truth.push(
    sessionTruth(
      o.harPath,
      scenario,
      rsid,
      lib,
      ctx,
      false,
      protocol === 'media-collection' ? 'hb-api' : 'edge',
    ),
  );
  return rlast;
}

/** Page/app hits and chatter after the media (none after a cut-off beyond a few seconds). */
function trailingTraffic(ctx: CaptureCtx, scenario: Scenario, plan: BodyPlan, m: MediaResult): void {
  const { rng, lib } = ctx;
  const webLike = scenario.platform === 'web';
  const compact = Boolean(scenario.compact);
  const cut = m.truth.some((r) => r.type === 'session' && r.cut_off);
  const end = m.lastMediaEnd + m.trailingMs;
  let t = m.t;
  if (!cut) {
    t = m.lastMediaEnd + rng.int(800, 3000);
    pageView(ctx, t, webLike ? 'browse' : 'Show Detail', null);
    if (webLike && lib.pageStyle === 'appmeasurement' && rng.chance(0.15))
      longPostHit(ctx, t + rng.int(2000, 5000));
    if (webLike && lib.pageStyle === 'appmeasurement' && rng.chance(0.25))
      linkHit(ctx, end - rng.int(200, 1500), 'partner', 'e');
    else if (rng.chance(0.4)) linkHit(ctx, end - rng.int(200, 1500), 'nav_home');
  }
  chatter(ctx, m.lastMediaEnd + 200, end, plan, compact ? 2 : 6);
  if (!cut) {
    // make sure the capture really goes on until `end`
    chatter(ctx, end - 100, end, plan, 600);
  }
  if (scenario.protocol === 'none' || (scenario.mediaSessions ?? 1) <= 0) {
    // page/app-only capture: browse a little longer
    let tt = t + rng.int(2000, 8000);
    for (let i = 0; i < rng.int(1, 3); i++, tt += rng.int(4000, 20000))
      pageView(ctx, tt, webLike ? `article-${i + 1}` : `Screen ${i + 2}`, null);
    chatter(ctx, t, tt, plan, 8);
  }
}

/** Capture times: send order, network latency, optional proxy bursts; distinct and ascending. */
function placeCaptureTimes(reqs: SimRequest[], rng: Rng, bursts: boolean): void {
  reqs.sort((a, b) => a.sendAt - b.sendAt || a.seq - b.seq);
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
}

function renderSession(ctx: CaptureCtx, protocol: MediaProtocol, s: SessionRender) {
  if (protocol === 'heartbeat') renderHeartbeat(ctx, s);
  else if (protocol === 'media-collection') renderMediaCollection(ctx, s);
  else renderMediaEdge(ctx, s);
  const note = s.fault ? faultFor(s.fault).note?.(protocol, s) : null;
  if (note) s.notes.push(note);
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
