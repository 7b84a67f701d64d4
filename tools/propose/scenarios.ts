/**
 * Scenario suite for the autonomy loop: post-generation mutators that rewrite simulated HARs into
 * situations that need a rule change (an SDK version with a legitimately different ad-ping or main-ping
 * interval, a new stable parameter, a platform whose first ping comes early by design, heartbeat on a
 * first-party CNAME) and decoys that must NOT produce an accepted change (genuinely broken builds: pings
 * that stop mid-session, a playhead going backwards, randomly dropped pings, an undocumented interval, a
 * parameter present in only some sessions). The simulator itself is untouched.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCapture, LIBRARY_INFO, Rng, serializeHar, type Library } from '../simulate/index.js';
import type { GoblinConfig } from '../config/index.js';
import { processFile } from '../ingest/process-file.js';
import { fileContext } from '../validate/files.js';
import { annotate } from '../validate/annotate.js';
import type { Session } from '../session/index.js';
import type { Step } from '../validate/types.js';
import {
  addParam,
  moveEntry,
  readHar,
  replaceToken,
  setHost,
  setPlayhead,
  writeHar,
  type HarDoc,
} from './har-edit.js';
import { makeDirs } from '../util/files.js';

export interface MutateCtx {
  har: HarDoc;
  session: Session; // the capture's media session
  steps: Step[];
  rng: Rng;
  index: number; // which target capture (0-based)
}

export interface ScenarioDef {
  id: string;
  kind: 'real' | 'decoy';
  description: string;
  library: Library;
  /** Library version on the wire after the mutation (a new SDK release), when the situation is version-scoped. */
  newVersion?: string;
  captures?: number;
  mutate(ctx: MutateCtx): HarDoc;
}

const dropEntries = (har: HarDoc, drop: Set<number>): HarDoc => ({
  ...har,
  log: { ...har.log, entries: har.log.entries.filter((_e, i) => !drop.has(i)) },
});

/** Ad pings kept every `k`-th within each ad (1 s → k s for legacy heartbeat, 10 s → 10k s elsewhere). */
export function thinAdPings(ctx: MutateCtx, k: number, randomDrop = 0): HarDoc {
  const drop = new Set<number>();
  let n = 0;
  const hb = ctx.session.protocol === 'heartbeat';
  for (const s of ctx.steps) {
    if (s.type === 'adStart') n = 0;
    const adPing = hb ? s.asset === 'ad' && s.isPing && s.type === 'play' : s.inAd && s.type === 'ping';
    if (!adPing) continue;
    n++;
    if (randomDrop ? ctx.rng.chance(randomDrop) : n % k !== 0) drop.add(s.e.provenance.entry_index);
  }
  return dropEntries(ctx.har, drop);
}

/** Main-content pings kept every `k`-th within each uninterrupted run. */
export function thinContentPings(ctx: MutateCtx, k: number): HarDoc {
  const drop = new Set<number>();
  let n = 0;
  const hb = ctx.session.protocol === 'heartbeat';
  for (const s of ctx.steps) {
    const mainPing = hb
      ? s.asset === 'main' && s.isPing && s.type === 'play'
      : s.type === 'ping' && !s.inAd && !s.inBreak;
    if (!mainPing) {
      n = 0;
      continue;
    }
    n++;
    if (n % k !== 0) drop.add(s.e.provenance.entry_index);
  }
  return dropEntries(ctx.har, drop);
}

/** Pings stop after the first third of main content (a player that hangs): drop every later main ping but the last. */
export function stopPingsMidSession(ctx: MutateCtx): HarDoc {
  const hb = ctx.session.protocol === 'heartbeat';
  const pings = ctx.steps.filter((s) =>
    hb ? s.asset === 'main' && s.isPing && s.type === 'play' : s.type === 'ping' && !s.inAd && !s.inBreak,
  );
  const from = Math.floor(pings.length / 3);
  return dropEntries(ctx.har, new Set(pings.slice(from, -1).map((s) => s.e.provenance.entry_index)));
}

/** Add a parameter to every event of the given types. */
export function addParamTo(
  ctx: MutateCtx,
  types: string[],
  name: string,
  value: string | number | boolean,
): HarDoc {
  for (const e of ctx.session.events)
    if (types.includes(e.sequence.event_type))
      addParam(ctx.har.log.entries[e.provenance.entry_index], name, value);
  return ctx.har;
}

/** The first main-content ping comes `delayS` after the first main play. */
export function earlyFirstPing(ctx: MutateCtx, delayS: number): HarDoc {
  const hb = ctx.session.protocol === 'heartbeat';
  const first = ctx.steps.findIndex((s) => s.type === 'play' && s.asset === 'main' && !s.inAd && !s.inBreak);
  if (first < 0) return ctx.har;
  const ping = ctx.steps
    .slice(first + 1)
    .find((s) => (hb ? s.type === 'play' && s.asset === 'main' : s.type === 'ping'));
  if (!ping) return ctx.har;
  moveEntry(ctx.har.log.entries[ping.e.provenance.entry_index], ctx.steps[first].t + delayS * 1000);
  return ctx.har;
}

export function heartbeatToCname(ctx: MutateCtx, host: string): HarDoc {
  for (const e of ctx.session.events)
    if (e.family === 'heartbeat') setHost(ctx.har.log.entries[e.provenance.entry_index], host);
  return ctx.har;
}

export function playheadBackwards(ctx: MutateCtx): HarDoc {
  const hb = ctx.session.protocol === 'heartbeat';
  const pings = ctx.steps.filter(
    (s) =>
      (hb ? s.asset === 'main' && s.type === 'play' : s.type === 'ping' && !s.inAd && !s.inBreak) &&
      s.playhead !== null,
  );
  const mid = pings[Math.floor(pings.length / 2)];
  if (mid && mid.playhead! > 20)
    setPlayhead(ctx.har.log.entries[mid.e.provenance.entry_index], mid.playhead! - 15);
  return ctx.har;
}

export const SCENARIOS: ScenarioDef[] = [
  {
    id: 'hb-android-ad-10s',
    kind: 'real',
    description:
      'Android heartbeat 2.3 turns granular ad tracking off: ad pings every 10 s (pack expects 1 s)',
    library: 'android-media-sdk-2',
    newVersion: 'android-2.3.1.240-a1b2c3',
    mutate: (c) => thinAdPings(c, 10),
  },
  {
    id: 'hb-web-ad-10s',
    kind: 'real',
    description: 'VHL JS 2.3 without granular ad tracking: ad pings every 10 s',
    library: 'web-vhl-js-2',
    newVersion: 'js-2.3.0.250-77aa10',
    mutate: (c) => thinAdPings(c, 10),
  },
  {
    id: 'edge-web-main-30s',
    kind: 'real',
    description: 'Web SDK 2.21 configured with streamingMedia.mainPingInterval 30: main pings every 30 s',
    library: 'web-alloy-2',
    newVersion: '2.21.0',
    mutate: (c) => thinContentPings(c, 3),
  },
  {
    id: 'edge-android-main-20s',
    kind: 'real',
    description: 'AEP Android Edge Media 3.4 configured with a 20 s main ping interval',
    library: 'android-aep-edge-media-3',
    newVersion: '3.4.0+3.1.0',
    mutate: (c) => thinContentPings(c, 2),
  },
  {
    id: 'edge-roku-main-20s',
    kind: 'real',
    description: 'Roku AEP SDK 1.4 app throttled to a 20 s main ping interval',
    library: 'roku-aep-1',
    newVersion: '1.4.0',
    mutate: (c) => thinContentPings(c, 2),
  },
  {
    id: 'edge-ios-main-30s',
    kind: 'real',
    description: 'AEP iOS Edge Media 5.2 configured with a 30 s main ping interval',
    library: 'ios-aep-edge-media-5',
    newVersion: '5.2.0+5.1.0',
    mutate: (c) => thinContentPings(c, 3),
  },
  {
    id: 'mc-web-new-param',
    kind: 'real',
    description:
      'Media JS 3.2 starts sending the standard metadata media.pass.mvpd on sessionStart (a new stable parameter)',
    library: 'web-media-js-3',
    newVersion: 'js-3.2.0',
    mutate: (c) =>
      addParamTo(c, ['sessionStart'], 'media.pass.mvpd', ['comcast', 'dish', 'sling'][c.index % 3]),
  },
  {
    id: 'hb-android-new-param',
    kind: 'real',
    description:
      'Android heartbeat 2.4 adds the standard metadata s:meta:a.media.pass.mvpd to the session start',
    library: 'android-media-sdk-2',
    newVersion: 'android-2.4.0.300-d4e5f6',
    mutate: (c) =>
      addParamTo(c, ['sessionStart'], 's:meta:a.media.pass.mvpd', ['comcast', 'dish'][c.index % 2]),
  },
  {
    id: 'cc-first-ping-early',
    kind: 'real',
    description: 'Chromecast receivers send the first content ping ~1.5 s after play by design',
    library: 'chromecast-adbmobile-3',
    mutate: (c) => earlyFirstPing(c, 1.4 + 0.2 * (c.index % 3)),
  },
  {
    id: 'tvos-first-ping-early',
    kind: 'real',
    description: 'tvOS AEP Media sends the first content ping ~1.5 s after play',
    library: 'tvos-aep-media-5',
    mutate: (c) => earlyFirstPing(c, 1.3 + 0.2 * (c.index % 3)),
  },
  {
    id: 'hb-web-cname',
    kind: 'real',
    description: 'Heartbeat pings go to the first-party CNAME hb.metrics.example-tv.com',
    library: 'web-vhl-js-2',
    mutate: (c) => heartbeatToCname(c, 'hb.metrics.example-tv.com'),
  },
  // ---- decoys: genuinely broken builds; no accepted change may come out of these
  {
    id: 'decoy-mc-pings-stop',
    kind: 'decoy',
    description: 'Media JS build whose pings stop a third into playback (player hang)',
    library: 'web-media-js-3',
    newVersion: 'js-3.3.0',
    mutate: (c) => stopPingsMidSession(c),
  },
  {
    id: 'decoy-mc-playhead-back',
    kind: 'decoy',
    description: 'iOS AEP Media build whose playhead jumps back 15 s mid-play',
    library: 'ios-aep-media-5',
    newVersion: 'ios-media-5.1.0',
    mutate: (c) => playheadBackwards(c),
  },
  {
    id: 'decoy-hb-random-drops',
    kind: 'decoy',
    description: 'Android heartbeat build that randomly loses half its ad pings (network drops)',
    library: 'android-media-sdk-2',
    newVersion: 'android-2.5.0.100-ffffff',
    mutate: (c) => thinAdPings(c, 1, 0.5),
  },
  {
    id: 'decoy-edge-main-undocumented-80s',
    kind: 'decoy',
    description: 'Web SDK build whose main pings come every 80 s (outside the documented 10–50 s range)',
    library: 'web-alloy-2',
    newVersion: '2.22.0',
    mutate: (c) => thinContentPings(c, 8),
  },
  {
    id: 'decoy-mc-flaky-param',
    kind: 'decoy',
    description: 'A debug parameter present in only some sessions of one build',
    library: 'web-media-js-3',
    newVersion: 'js-3.4.0',
    mutate: (c) => (c.index % 3 === 0 ? addParamTo(c, ['sessionStart'], 'media.debugBuild', 'yes') : c.har),
  },
];

/**
 * Write the scenario's target captures (simulated, then mutated) under `dir`. Returns the files written.
 */
export function writeScenario(def: ScenarioDef, dir: string, cfg: GoblinConfig, seed = 7): string[] {
  makeDirs(dir);
  const lib = LIBRARY_INFO[def.library];
  const files: string[] = [];
  const n = def.captures ?? 8;
  for (let i = 0; i < n; i++) {
    const rng = new Rng(seed * 1000 + i * 17 + def.id.length);
    const cap = buildCapture(
      {
        platform: lib.platform as never,
        protocol: lib.protocol as never,
        library: def.library,
        content: 'vod',
        withAds: true,
        withChapters: false,
        exporter: 'chrome',
        compact: false,
        bodies: 'none',
        encoding: 'utf8',
      },
      rng,
      { harPath: `${def.id}-${i}.har` },
    );
    const file = join(dir, `${def.id}-${i}.har`);
    writeFileSync(file, serializeHar(cap.har, { exporter: 'chrome', encoding: 'utf8' }));
    const st = { abs: file, rel: `${def.id}-${i}.har`, size: 0, mtimeMs: 0 };
    const processed = processFile(st, fileContext(cfg))[0];
    const session = processed?.capture?.sessions.find((s) => s.kind === 'media');
    let har = readHar(file);
    if (session)
      har = def.mutate({ har, session, steps: annotate(session).steps, rng: rng.fork(9), index: i });
    if (def.newVersion && lib.mediaVersion) har = replaceToken(har, lib.mediaVersion, def.newVersion);
    writeHar(file, har);
    files.push(file);
  }
  return files;
}
