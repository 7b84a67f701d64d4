// One capture: the media session(s), the page/app traffic around them and unrelated requests, timed the
// way the exporting tool saw them, written as a HAR file, plus its truth lines.

import { gzipSync } from 'node:zlib';
import type { AaClient } from './analytics.js';
import { BRANDS, BROWSER_UA, DEVICE_UA, PLAYER_NAMES, pageAnalyticsTokens, type Browser } from './catalog.js';
import { familyOf, type Code } from './codes.js';
import { encodeEdge } from './encode-edge.js';
import { encodeHeartbeat } from './encode-hb.js';
import { encodeMediaCollection } from './encode-mc.js';
import { findIndex, isAdTick, isMediaEvent } from './evtools.js';
import type { FaultCtx, MediaVariant } from './faults.js';
import { buildHar, serializeHar } from './har.js';
import {
  PROXY_EXPORTERS,
  type Ev,
  type Exporter,
  type MediaLib,
  type Platform,
  type Protocol,
  type Req,
  type TruthLine,
  type TruthSession,
} from './model.js';
import type { PageKind, PageVariant } from './page-faults.js';
import {
  aaActionHit,
  aaExitBeacon,
  aaLifecycleHit,
  aaLongHit,
  aaStateHit,
  edgeLinkClick,
  edgePageView,
  noiseRequests,
  renderPageHits,
  type EdgeClient,
  type PageCtx,
  type PageHit,
} from './page.js';
import { buildPlan, makeContent, type Content, type Needs, type Plan } from './plan.js';
import type { Rng } from './prng.js';
import { renderApi } from './render-api.js';
import { renderHb } from './render-hb.js';
import { wirePlayhead, type SessionCtx } from './session-ctx.js';
import { EXPLICIT_TRAPS, mergeNeeds } from './traps.js';
import { comparableCore } from './version.js';

export interface SessionSpec {
  index: number;
  protocol: Protocol;
  platform: Platform;
  lib: MediaLib;
  faults: MediaVariant[];
  traps: string[];
  /** Two sessions of one capture: the first ends after 30 min idle, the second resumes it. */
  pairRole?: 'idle' | 'resumed';
}

export interface CaptureSpec {
  index: number;
  sessions: SessionSpec[];
  exporter: Exporter;
  pageFaults: PageVariant[];
  pageTraps: string[];
  gz: boolean;
  pretty: boolean;
}

export interface BuiltCapture {
  path: string;
  bytes: Buffer;
  truth: TruthLine[];
  /** Session key of every HAR entry, in entry order ('noise' for unrelated requests). */
  owners: string[];
}

const BROWSERS: readonly Exporter[] = ['chrome', 'edge', 'firefox', 'safari'];
const ZONE_ORDER = ['start', 'content', 'ad', 'playhead', 'ads', 'close', 'chapter', 'stamp', 'attr'];

export function sessionNeeds(spec: SessionSpec): Needs {
  let needs: Needs = {};
  for (const v of spec.faults) {
    const merged = mergeNeeds(needs, v.needs?.(spec.lib) ?? {});
    if (!merged) throw new Error(`cross-check generator: contradicting needs in session ${spec.index}`);
    needs = merged;
  }
  for (const name of spec.traps) {
    const def = EXPLICIT_TRAPS.find((t) => t.name === name);
    if (!def) continue;
    const merged = mergeNeeds(needs, def.needs);
    if (!merged) throw new Error(`cross-check generator: contradicting trap needs in session ${spec.index}`);
    needs = merged;
  }
  if (spec.pairRole === 'idle') needs = { ...needs, idle: true, vod: true, noBreaks: true };
  if (spec.pairRole === 'resumed') needs = { ...needs, resume: true, vod: true };
  return needs;
}

function pageKindOf(protocol: Protocol, platform: Platform): PageKind {
  const app = platform !== 'web';
  if (protocol === 'media-edge') return app ? 'edge-app' : 'edge-web';
  return app ? 'aa-app' : 'aa-web';
}

interface BuiltSession {
  spec: SessionSpec;
  ctx: SessionCtx;
  plan: Plan;
  evs: Ev[];
  reqs: Req[];
  notes: Map<string, string>;
  expected: Code[];
  traps: Set<string>;
  tail?: 'long';
  window: [number, number];
}

function appVersionFor(rng: Rng, platform: Platform, brandKey: string): string | null {
  if (rng.chance(0.08)) return null;
  if (platform === 'web') return `${brandKey}-web-${rng.int(3, 6)}.${rng.int(0, 9)}.${rng.int(0, 20)}`;
  return `${rng.int(2, 7)}.${rng.int(0, 12)}.${rng.int(0, 9)}`;
}

function autoTraps(s: BuiltSession, contentMs: number, adMs: number): void {
  const { evs, plan, ctx, traps } = s;
  const protocol = ctx.protocol;
  if (protocol === 'heartbeat') {
    for (let i = 0; i < evs.length; i++) {
      const ev = evs[i];
      if (!ev.flush) continue;
      for (let j = i - 1; j >= 0; j--) {
        const p = evs[j];
        if (!isMediaEvent(p)) continue;
        if (p.type === ev.type && p.asset === ev.asset) {
          if (ev.t - p.t < 0.5 * (ev.asset === 'ad' ? adMs : contentMs)) traps.add('hb_flush_ping');
        }
        break;
      }
    }
    if (evs.some((e) => e.type === 'hb:settings')) traps.add('hb_settings_call');
  }
  if (plan.phases.length > 1 && plan.phases[1].k === 'break') traps.add('preroll');
  if (adMs >= 10_000 && evs.some((e) => isAdTick(protocol, e))) traps.add('ad_ping_10s');
  if (evs.some((e) => e.info?.contentStartResend)) traps.add('content_start_play_resend');
  if (plan.phases.some((p) => p.k === 'pause' && p.dur >= 30)) traps.add('long_pause');
  for (const p of plan.phases)
    if (p.k === 'seek') traps.add(p.to < p.from ? 'seek_backward' : 'seek_forward');
  if (ctx.content.live) {
    traps.add('live_second_of_day');
    const main = evs.filter((e) => isMediaEvent(e) && (protocol !== 'heartbeat' || e.asset === 'main'));
    for (let i = 1; i < main.length; i++) {
      if (wirePlayhead(ctx, main[i - 1].ph) - wirePlayhead(ctx, main[i].ph) > 80_000)
        traps.add('live_midnight_wrap');
    }
  }
  if (protocol !== 'heartbeat') {
    // Any event restarts the ping timer, so two pings can be further apart than the interval when an
    // event (bitrate change, chapter, ad boundary) sits between them.
    const media = evs.filter(isMediaEvent);
    let prevPing: Ev | undefined;
    let between = false;
    for (const e of media) {
      if (e.type === 'ping') {
        const limit = 1.5 * (e.asset === 'ad' ? adMs : contentMs);
        if (prevPing && between && prevPing.asset === e.asset && e.t - prevPing.t > limit) {
          traps.add(e.asset === 'ad' ? 'ad_ping_timer_reset_by_event' : 'ping_timer_reset_by_event');
        }
        prevPing = e;
        between = false;
      } else if (e.type === 'adBreakStart' || e.type === 'adBreakComplete') prevPing = undefined;
      else between = true;
    }
  }
  if (protocol === 'media-collection') traps.add('mc_float_playhead');
  if (protocol === 'media-edge' && ctx.edgeHint) traps.add('edge_location_hint');
  if (ctx.content.streamType === 'audio') traps.add('audio_content');
  if (evs.some((e) => e.type === 'adSkip')) traps.add('ad_skip');
  if (plan.resume) traps.add('resume_session');
  if (plan.phases.some((p) => p.k === 'idle')) traps.add('idle_close');
  if (plan.downloaded) traps.add('downloaded_content');
  if (ctx.aa && ctx.aa.server.startsWith('smetrics.') && evs.some((e) => e.type.startsWith('aa:'))) {
    traps.add('first_party_cname');
  }
}

export function buildCapture(root: Rng, spec: CaptureSpec): BuiltCapture {
  const rng = root.fork(`capture:${spec.index}`);
  const primary = spec.sessions[0];
  const { platform, protocol } = primary;
  const web = platform === 'web';
  const brand = rng.pick(BRANDS);
  const tz = rng.pick([-60, -120, 0, 300, 240, 360, 420, 480, -330, -540, -600]);
  const ecid = rng.digits(38);
  const otherEcid = rng.digits(38);
  const exporter = spec.exporter;
  const browser: Browser = (
    BROWSERS.includes(exporter) ? exporter : rng.pick(['chrome', 'firefox', 'safari', 'edge'])
  ) as Browser;
  const ua = web ? BROWSER_UA[browser] : rng.pick(DEVICE_UA[platform as Exclude<Platform, 'web'>]);
  const pageUrl = `https://www.${brand.domain}/watch/${rng.pick(['harbor-lights', 'orbit-9', 'matchday', 'paper-cranes', 'quiet-rivers'])}-${rng.hex(6)}`;
  const webInfo = web ? { pageUrl, origin: `https://www.${brand.domain}` } : undefined;
  const explicit = new Set(spec.sessions.flatMap((s) => s.traps));

  const day = Date.UTC(2024, 1, 1) + rng.int(0, 515) * 86_400_000;
  const base = explicit.has('live_midnight_wrap')
    ? day + 86_400_000 - rng.int(40_000, 100_000)
    : day + rng.int(0, 86_000_000);

  // Analytics client shared by page hits and heartbeat-era media calls.
  const noAnalytics = explicit.has('no_analytics_in_capture');
  const aaStyle: AaClient['style'] = web
    ? 'web'
    : platform === 'chromecast'
      ? 'chromecast'
      : platform === 'roku'
        ? 'roku'
        : protocol === 'heartbeat'
          ? 'adbmobile'
          : 'aep';
  const tokens =
    protocol === 'media-edge'
      ? web
        ? ['JS-2.22.3-LBWB', 'JS-2.23.0-LDQM']
        : platform === 'roku'
          ? ['BS-2.2.7']
          : pageAnalyticsTokens({ ...primary.lib, protocol: 'media-collection' })
      : pageAnalyticsTokens(primary.lib);
  const aaServer = rng.pick([
    `smetrics.${brand.domain}`,
    `${brand.ns}.sc.omtrdc.net`,
    `${brand.ns}.d1.sc.omtrdc.net`,
  ]);
  const multiSuite = spec.pageTraps.includes('rsid_encoded_comma') || rng.chance(0.2);
  const rsidPath = multiSuite
    ? `${brand.rsid}${spec.pageTraps.includes('rsid_encoded_comma') ? '%2C' : ','}${brand.rsidGlobal}`
    : brand.rsid;
  const aaClient: AaClient | null =
    tokens.length > 0
      ? {
          style: aaStyle,
          token: rng.pick(tokens),
          server: aaServer,
          rsidPath,
          hitSource: web ? (rng.chance(0.3) ? '10' : '1') : rng.chance(0.2) ? '10' : '0',
          scheme: 'https',
          ua,
          pageUrl: webInfo?.pageUrl,
          origin: webInfo?.origin,
          tzOffsetMin: tz,
        }
      : null;
  const edgeClient: EdgeClient | null =
    protocol === 'media-edge'
      ? {
          host: rng.chance(0.3) ? `edge.${brand.domain}` : 'edge.adobedc.net',
          hint: rng.pick(['or2', 'va6', 'irl1', 'ind1', 'jpn3', 'sgp3', 'aus3']),
          configId: brand.datastream,
          implName: primary.lib.implName,
          version: primary.lib.raw,
          web,
        }
      : null;

  // ---------------------------------------------------------------- media sessions
  const built: BuiltSession[] = [];
  let nextT0 = base;
  let carried: { content: Content; ph: number } | undefined;
  for (const [k, ss] of spec.sessions.entries()) {
    const srng = rng.fork(`session:${k}`);
    let needs = sessionNeeds(ss);
    if (ss.pairRole === 'resumed' && carried) needs = { ...needs, resumeAt: Math.floor(carried.ph) };
    const content =
      ss.pairRole === 'resumed' && carried ? carried.content : makeContent(srng.fork('content'), needs);
    const downloaded = Boolean(needs.downloaded);
    const t0 = downloaded ? nextT0 - srng.int(2, 20) * 3_600_000 : nextT0;
    const plan = buildPlan(srng.fork('plan'), content, t0, needs);
    if (ss.traps.includes('ad_skip')) {
      const br = plan.phases.find((p) => p.k === 'break');
      if (br && br.k === 'break') {
        const last = br.ads[br.ads.length - 1];
        last.skip = true;
        last.played = Math.max(3, Math.floor(last.ad.length / 2));
      }
    }
    const sid = ss.protocol === 'heartbeat' ? srng.digits(srng.int(19, 22)) : srng.hex(64);
    const ctx: SessionCtx = {
      rng: srng.fork('encode'),
      protocol: ss.protocol,
      platform: ss.platform,
      lib: ss.lib,
      brand,
      sid,
      ecid,
      content,
      appVersion: appVersionFor(srng, ss.platform, brand.key),
      playerName: srng.pick(PLAYER_NAMES[ss.platform]),
      channel: web
        ? `www.${brand.domain}`
        : `${brand.title} ${ss.platform === 'ios' ? 'iOS' : ss.platform === 'tvos' ? 'tvOS' : ss.platform[0].toUpperCase() + ss.platform.slice(1)}`,
      ua,
      web: webInfo,
      hosts: {
        hb: `${brand.ns}.hb.omtrdc.net`,
        mc: `${brand.ns}.hb-api.omtrdc.net`,
        edge: edgeClient?.host ?? 'edge.adobedc.net',
        aaTracking: aaClient?.server ?? `${brand.ns}.sc.omtrdc.net`,
      },
      edgeHint: edgeClient?.hint ?? null,
      configId: brand.datastream,
      aa: aaClient ? { ...aaClient } : null,
      rsid: brand.rsid,
      customMetadata: srng.chance(0.3)
        ? {
            [srng.pick(['tier', 'affiliate', 'contentOwner'])]: srng.pick([
              'premium',
              'Sample affiliate',
              'studio_7',
            ]),
          }
        : {},
      livePlayheads: content.live,
    };
    const contentMs = (downloaded ? 50 : ss.lib.contentIntervalS) * 1000;
    const adMs = ss.lib.adIntervalS * 1000;
    const fctx: FaultCtx = {
      rng: srng.fork('faults'),
      protocol: ss.protocol,
      platform: ss.platform,
      lib: ss.lib,
      content,
      plan,
      sid,
      ecid,
      otherEcid,
      otherSid: ss.protocol === 'heartbeat' ? srng.digits(21) : srng.hex(64),
      brand,
      rsid: brand.rsid,
      contentMs,
      adMs,
      hbHost: `${brand.ns}.hb.omtrdc.net`,
      wire: (ph) =>
        ss.protocol === 'heartbeat' || ss.protocol === 'media-edge'
          ? Math.floor(wirePlayhead(ctx, ph))
          : wirePlayhead(ctx, ph),
      capture: {},
    };
    const faults = ss.faults.slice().sort((a, b) => ZONE_ORDER.indexOf(a.zone) - ZONE_ORDER.indexOf(b.zone));
    for (const v of faults) v.plan?.(plan, fctx);

    const evs =
      ss.protocol === 'heartbeat'
        ? renderHb(srng.fork('render'), plan, {
            contentMs,
            adMs,
            analyticsFirst: ss.platform !== 'roku',
            settingsCall: (ss.platform === 'web' || ss.platform === 'roku') && srng.chance(0.7),
          })
        : renderApi(srng.fork('render'), plan, {
            contentMs,
            adMs,
            contentStartResend: ss.lib.contentStartResend,
          });
    if (plan.resume && ss.protocol !== 'heartbeat') evs[0].info = { ...(evs[0].info ?? {}), resume: true };
    if (plan.resume && ss.protocol === 'heartbeat') {
      const ms = evs.find((e) => e.type === 'aa:ms_s');
      if (ms) ms.info = { ...(ms.info ?? {}), resume: true };
    }
    if (downloaded) evs[0].info = { ...(evs[0].info ?? {}), downloaded: true };

    // Traps that change the rendered events.
    if (ss.traps.includes('hb_start_without_mid')) {
      const start = evs.find((e) => e.type === 'start' && e.asset === 'main');
      if (start) start.mid = null;
    }
    if (ss.traps.includes('ping_after_session_complete')) {
      const done = evs[evs.length - 1];
      evs.push({ ...done, t: done.t + srng.int(3000, 9000), type: 'ping', tick: true, marks: [] });
    }
    if (ss.traps.includes('equal_capture_timestamps')) {
      const i = findIndex(
        evs,
        (e, j) => j > 0 && isMediaEvent(e) && isMediaEvent(evs[j - 1]) && e.t - evs[j - 1].t <= 60,
      );
      if (i > 0) evs[i].sameCaptureAsPrev = true;
    }

    const notes = new Map<string, string>();
    const expected: Code[] = [];
    for (const v of faults) {
      let note: string;
      try {
        note = v.apply(evs, fctx);
      } catch (err) {
        const phases = plan.phases.map((p) => (p.k === 'play' ? `play(${p.dur.toFixed(0)})` : p.k)).join(' ');
        throw new Error(
          `capture ${spec.index} ${ss.protocol}/${ss.platform} ${v.id}: ${(err as Error).message} [${phases}]`,
        );
      }
      for (const code of [v.code, ...(v.also ?? [])]) {
        notes.set(code, note);
        expected.push(code);
      }
    }
    if (downloaded) {
      const last = evs[evs.length - 1];
      last.sendT = nextT0 + srng.int(2000, 8000);
    }
    const reqs =
      ss.protocol === 'heartbeat'
        ? encodeHeartbeat(ctx, evs)
        : ss.protocol === 'media-collection'
          ? encodeMediaCollection(ctx, evs, downloaded)
          : encodeEdge(ctx, evs, downloaded);
    // Send order: a double-fired call goes out after the calls queued behind it.
    reqs.sort((a, b) => a.t - b.t);
    const session: BuiltSession = {
      spec: ss,
      ctx,
      plan,
      evs,
      reqs,
      notes,
      expected,
      traps: new Set(ss.traps),
      tail: fctx.capture.tail,
      window: [reqs[0].t, reqs[reqs.length - 1].t],
    };
    autoTraps(session, contentMs, adMs);
    built.push(session);
    const lastEv = evs[evs.length - 1];
    carried = { content, ph: lastEv.ph };
    nextT0 = session.window[1] + srng.int(60_000, 600_000);
  }

  // ---------------------------------------------------------------- page / app traffic
  const first = Math.min(...built.map((b) => b.window[0]));
  const last = Math.max(...built.map((b) => b.window[1]));
  const pageStart = first - rng.int(4000, 40_000);
  const cut = explicit.has('capture_cut_off');
  const longTail = built.some((b) => b.tail === 'long');
  const pageReqs: Req[] = [];
  const pageTraps = new Set(spec.pageTraps);
  let pageSession: TruthSession | undefined;
  let pageNotes = new Map<string, string>();
  let pageExpected: Code[] = [];
  if (!noAnalytics) {
    const pc: PageCtx = {
      rng: rng.fork('page'),
      kind: protocol === 'media-edge' ? 'edge' : 'aa',
      platform,
      brand,
      ecid,
      ua,
      web: webInfo,
      aa: aaClient ? { ...aaClient } : undefined,
      edge: edgeClient ?? undefined,
      tzOffsetMin: tz,
      appName: brand.title,
      appVersion: built[0].ctx.appVersion && !web ? built[0].ctx.appVersion : web ? null : '1.0.0',
    };
    const hits: PageHit[] = [];
    const tailTimes: number[] = [];
    if (longTail) tailTimes.push(last + rng.int(1000, 3000), last + rng.int(40_000, 110_000));
    else if (!cut && rng.chance(0.55)) tailTimes.push(last + rng.int(3000, 60_000));
    if (pc.kind === 'aa') {
      if (web) {
        const pv = aaStateHit(
          pc,
          pageStart,
          `video:${built[0].ctx.content.show.toLowerCase().replace(/ /g, '-')}`,
        );
        if (pageTraps.has('pccr_retry')) pv.pccrRedirect = true;
        hits.push(pv);
        if (pageTraps.has('aa_long_post')) hits.push(aaLongHit(pc, pageStart + rng.int(2000, 6000)));
        hits.push(aaActionHit(pc, first - rng.int(300, 2500), 'video:play'));
        for (const t of tailTimes) hits.push(aaStateHit(pc, t, 'video:next'));
        if (pageTraps.has('exit_link_beacon') && !cut)
          hits.push(aaExitBeacon(pc, last + rng.int(1500, 9000)));
      } else {
        if (aaStyle === 'aep' || aaStyle === 'adbmobile') hits.push(aaLifecycleHit(pc, pageStart));
        hits.push(aaStateHit(pc, pageStart + rng.int(800, 3000), 'Home'));
        hits.push(aaActionHit(pc, first - rng.int(300, 2000), 'play_button'));
        for (const t of tailTimes) hits.push(aaStateHit(pc, t, 'Show Detail'));
      }
    } else {
      hits.push(edgePageView(pc, pageStart, 'home', true));
      if (web) hits.push(edgeLinkClick(pc, first - rng.int(300, 2500), 'Play trailer', false));
      else hits.push(edgePageView(pc, pageStart + rng.int(800, 3000), 'Show Detail', false));
      for (const t of tailTimes) hits.push(edgePageView(pc, t, 'next', false));
      if (web && !cut && rng.chance(0.4)) {
        hits.push(edgeLinkClick(pc, last + rng.int(1500, 9000), 'Outbound', true));
        pageTraps.add('web_sdk_send_beacon');
      }
    }
    pageNotes = new Map();
    pageExpected = [];
    for (const v of spec.pageFaults) {
      const note = v.apply(hits, pc);
      pageNotes.set(v.code, note);
      pageExpected.push(v.code);
    }
    pageReqs.push(...renderPageHits(pc, hits));
    if (aaClient && aaClient.server.startsWith('smetrics.') && pc.kind === 'aa')
      pageTraps.add('first_party_cname');
    if (edgeClient && edgeClient.host !== 'edge.adobedc.net') pageTraps.add('first_party_cname');
    const pageRaw = pc.kind === 'aa' ? (aaClient as AaClient).token : (edgeClient as EdgeClient).version;
    pageSession = {
      type: 'session',
      har: '',
      session: ecid,
      kind: 'page',
      protocol: pc.kind,
      platform,
      sdk: pc.kind,
      sdk_version_raw: pageRaw,
      sdk_version: comparableCore(pageRaw),
      // Edge app events carry no app version; Analytics app hits carry it in a.AppID.
      app_version: pc.kind === 'aa' ? pc.appVersion : null,
      traps: [],
    };
  }
  const noise = noiseRequests(rng.fork('noise'), platform, brand, ua, pageStart, cut ? last : last + 60_000);

  // ---------------------------------------------------------------- capture clock
  const all: Req[] = [...built.flatMap((b) => b.reqs), ...pageReqs, ...noise].sort((a, b) => a.t - b.t);
  const proxy = PROXY_EXPORTERS.includes(exporter);
  const offset = proxy ? (rng.chance(0.5) ? rng.int(1000, 3000) : rng.int(40, 400)) : 0;
  const lastCap = new Map<string, number>();
  const equalCapOwners = new Set<string>();
  for (const req of all) {
    const prev = lastCap.get(req.owner);
    let cap = req.t + offset + (proxy ? rng.int(5, 200) : rng.int(1, 25));
    if (req.sameCaptureAsPrev && prev !== undefined) cap = prev;
    else if (prev !== undefined && cap < prev) cap = prev + rng.int(0, 2);
    if (prev !== undefined && cap === prev) equalCapOwners.add(req.owner);
    req.capT = cap;
    lastCap.set(req.owner, cap);
  }
  const ordered = all.slice().sort((a, b) => a.capT - b.capT);

  // ---------------------------------------------------------------- files and truth
  const dir = `${platform}/${protocol}`;
  const file = `${String(spec.index).padStart(4, '0')}-${exporter}.har${spec.gz ? '.gz' : ''}`;
  const harPath = `${dir}/${file}`;
  const har = buildHar(
    {
      rng: rng.fork('har'),
      exporter,
      tzOffsetMin: tz,
      pageTitle: web ? pageUrl : brand.title,
      pageStart: ordered[0].capT,
    },
    ordered,
  );
  const text = serializeHar(har, exporter, spec.pretty);
  const bytes = spec.gz ? gzipSync(Buffer.from(text, 'utf8'), { level: 9 }) : Buffer.from(text, 'utf8');

  const truth: TruthLine[] = [];
  const sessionsSummary = built
    .map(
      (b) =>
        `${b.ctx.protocol} ${b.ctx.platform} ${b.ctx.lib.raw}${b.spec.faults.length ? ` (${b.expected.join(', ')})` : ''}`,
    )
    .join('; ');
  truth.push({
    type: 'capture',
    har: harPath,
    exporter,
    notes: `${exporter} export, ${exporter === 'mitmproxy' ? 'indented' : spec.pretty ? 'pretty' : 'minified'}${spec.gz ? ', gzip' : ''}; ${sessionsSummary}; ${
      noAnalytics ? 'no Analytics traffic; ' : ''
    }capture clock ${offset >= 1000 ? `${offset} ms behind the client` : 'in step with the client'}`,
  });
  for (const b of built) {
    if (offset >= 1000) b.traps.add('proxy_delay');
    if (equalCapOwners.has(b.ctx.sid)) b.traps.add('equal_capture_timestamps');
    else b.traps.delete('equal_capture_timestamps');
    for (const note of b.ctx.lib.overrideNotes) b.traps.add(`override:${note}`);
    truth.push({
      type: 'session',
      har: harPath,
      session: b.ctx.sid,
      kind: 'media',
      protocol: b.ctx.protocol,
      platform: b.ctx.platform,
      sdk:
        b.ctx.protocol === 'heartbeat'
          ? 'heartbeat'
          : b.ctx.protocol === 'media-collection'
            ? 'hb-api'
            : 'edge',
      sdk_version_raw: b.ctx.lib.raw,
      sdk_version: comparableCore(b.ctx.lib.raw),
      app_version: b.ctx.appVersion,
      traps: [...b.traps].sort(),
    });
  }
  if (pageSession) {
    if (offset >= 1000) pageTraps.add('proxy_delay');
    if (equalCapOwners.has(ecid)) pageTraps.add('equal_capture_timestamps');
    pageSession.har = harPath;
    pageSession.traps = [...pageTraps].sort();
    truth.push(pageSession);
  }
  const owners = ordered.map((r) => r.owner);
  const faultsOf: { owner: string; expected: Code[]; notes: Map<string, string> }[] = [
    ...built.map((b) => ({ owner: b.ctx.sid, expected: b.expected, notes: b.notes })),
    ...(pageSession ? [{ owner: ecid, expected: pageExpected, notes: pageNotes }] : []),
  ];
  for (const f of faultsOf) {
    for (const code of [...new Set(f.expected)]) {
      const idx = ordered.findIndex((r) => r.owner === f.owner && r.marks.includes(code));
      if (idx < 0)
        throw new Error(`cross-check generator: ${harPath}: ${code} lost its request in ${f.owner}`);
      truth.push({
        type: 'fault',
        har: harPath,
        session: f.owner,
        code,
        family: familyOf(code),
        entry_index: idx,
        note: f.notes.get(code) ?? '',
      });
    }
  }
  return { path: harPath, bytes, truth, owners };
}
