// What the viewer does in one media session, independent of the protocol that reports it: a list of
// phases (startup, play, pause, buffering, seek, ad break, chapter boundary, ...) in wall-clock seconds.
// The renderers turn a plan into protocol events with each SDK's timers.

import { ADVERTISERS, SHOWS } from './catalog.js';
import type { AdInfo, ChapterInfo, PodInfo } from './model.js';
import type { Rng } from './prng.js';

export interface Content {
  id: string;
  name: string;
  show: string;
  genre: string;
  season: string;
  episode: string;
  contentType: 'vod' | 'live' | 'linear';
  live: boolean;
  /** Declared length in seconds (live: 86 400, the documented default). */
  length: number;
  streamType: 'video' | 'audio';
  /** Hash the legacy pod/chapter ids are built from (MD5 of the content id in the SDKs). */
  idHash: string;
}

export interface AdPlan {
  ad: AdInfo;
  /** Seconds of the ad that play before it completes or is skipped. */
  played: number;
  skip?: boolean;
  /** The ad buffers `dur` seconds after `at` seconds. */
  stall?: { at: number; dur: number };
}

export type Phase =
  | { k: 'startup'; dur: number; buffer: boolean }
  | { k: 'play'; dur: number; freeze?: { after: number; dur: number } }
  | { k: 'pause'; dur: number }
  | { k: 'buffer'; dur: number }
  | { k: 'seek'; from: number; to: number; via: 'pause' | 'buffer'; dur: number }
  | { k: 'break'; pod: PodInfo; ads: AdPlan[] }
  | { k: 'chapter'; end?: ChapterInfo; start?: ChapterInfo }
  | { k: 'bitrate'; bitrate: number }
  | { k: 'error'; id: string }
  | { k: 'idle' };

export interface Plan {
  t0: number;
  startPh: number;
  phases: Phase[];
  close: 'complete' | 'complete+end' | 'end' | 'none';
  resume: boolean;
  downloaded: boolean;
}

/** Preconditions a fault variant or a trap needs from the plan. */
export interface Needs {
  preroll?: boolean;
  noPreroll?: boolean;
  noBreaks?: boolean;
  minAds?: number;
  longAdS?: number;
  shortAdsMaxS?: number;
  midroll?: boolean;
  adStall?: boolean;
  chapters?: boolean;
  noChapters?: boolean;
  pauseS?: number;
  longPlayS?: number;
  vod?: boolean;
  live?: boolean;
  liveMidnight?: boolean;
  watchToEnd?: boolean;
  close?: Plan['close'];
  startupBufferS?: number;
  seek?: 'backward' | 'forward';
  noSeek?: boolean;
  resume?: boolean;
  /** Resumed session: the playhead the previous session stopped at. */
  resumeAt?: number;
  downloaded?: boolean;
  idle?: boolean;
}

export function makeContent(rng: Rng, needs: Needs): Content {
  const [show, genre] = rng.pick(SHOWS);
  const vodOnly =
    needs.vod ||
    needs.watchToEnd ||
    needs.midroll ||
    needs.seek ||
    needs.chapters ||
    needs.resume ||
    needs.downloaded;
  const live = needs.live || needs.liveMidnight ? true : vodOnly ? false : rng.chance(0.2);
  const contentType = live ? rng.pick(['live', 'live', 'linear'] as const) : 'vod';
  let length = 86_400;
  if (!live) {
    // Sessions that must reach the end get shorter content so the capture stays small.
    length = needs.watchToEnd
      ? rng.int(75, 360)
      : rng.pick([rng.int(90, 600), rng.int(600, 1800), rng.int(1200, 3600)]);
    if (needs.longPlayS) length = Math.max(length, needs.longPlayS + (needs.watchToEnd ? 40 : 400));
  }
  const season = rng.int(1, 6);
  const episode = rng.int(1, 12);
  return {
    id: rng.chance(0.5) ? `ep-${rng.digits(4)}` : rng.digits(6),
    name: `${show} ${live ? 'Live' : `S${season}E${episode}`}`,
    show,
    genre,
    season: String(season),
    episode: String(episode),
    contentType,
    live,
    length,
    streamType: rng.chance(0.07) && !live ? 'audio' : 'video',
    idHash: rng.hex(32),
  };
}

function makeAd(rng: Rng, position: number, length: number): AdInfo {
  return {
    id: `ad-${rng.digits(5)}`,
    name: `${rng.pick(ADVERTISERS)} ${rng.pick(['Spring', 'Launch', 'Brand', 'Promo', 'Holiday'])} ${length}s`,
    length,
    position,
    sid: rng.digits(22),
  };
}

function makeBreak(rng: Rng, index: number, offset: number, needs: Needs): Phase {
  const count = Math.max(needs.minAds ?? 1, rng.int(1, 3));
  const ads: AdPlan[] = [];
  for (let i = 0; i < count; i++) {
    let length = rng.pick([6, 10, 15, 15, 20, 30]);
    if (needs.shortAdsMaxS !== undefined) length = Math.min(length, needs.shortAdsMaxS);
    if (needs.longAdS && i === 0) length = Math.max(length, needs.longAdS + rng.int(0, 15));
    ads.push({ ad: makeAd(rng, i + 1, length), played: length });
  }
  if (needs.adStall) ads[0].stall = { at: Math.min(3, ads[0].played - 2), dur: rng.float(4, 9) };
  return {
    k: 'break',
    pod: { index, name: index === 0 ? 'preroll' : `midroll-${index}`, offset, idHash: '' },
    ads,
  };
}

export function secondOfDay(ms: number): number {
  return Math.floor((ms % 86_400_000) / 1000);
}

export function buildPlan(rng: Rng, content: Content, t0: number, needs: Needs): Plan {
  const phases: Phase[] = [];
  const vod = !content.live;
  let startPh = vod ? 0 : secondOfDay(t0);
  if (needs.resume && vod)
    startPh = needs.resumeAt ?? rng.int(60, Math.max(61, Math.min(content.length - 150, 900)));

  phases.push({
    k: 'startup',
    dur: needs.startupBufferS ?? rng.float(0.25, 2.2),
    buffer: needs.startupBufferS !== undefined || rng.chance(0.3),
  });

  const breaksAllowed = !needs.noBreaks;
  const preroll = breaksAllowed && (needs.preroll || (!needs.noPreroll && rng.chance(0.4)));
  // Pod index 0 is the pre-roll; mid-rolls count from 1 whether or not a pre-roll played.
  let breakIndex = 1;
  if (preroll) {
    const pre = makeBreak(rng, 0, 0, needs);
    if (pre.k === 'break') pre.pod.idHash = content.idHash;
    phases.push(pre);
  }

  const chapters = needs.chapters || (!needs.noChapters && vod && rng.chance(0.15));
  let chapterIndex = 0;
  let openChapter: ChapterInfo | undefined;
  const newChapter = (offset: number): ChapterInfo => ({
    index: ++chapterIndex,
    name: `Act ${chapterIndex}`,
    offset,
    length: rng.int(120, 600),
    sid: rng.digits(22),
  });
  if (chapters) {
    openChapter = newChapter(startPh);
    phases.push({ k: 'chapter', start: openChapter });
  }

  let ph = startPh;
  let budget = needs.watchToEnd && vod ? Infinity : rng.int(45, 300) + (needs.longPlayS ?? 0);
  let longDone = !needs.longPlayS;
  let pauseDone = !needs.pauseS;
  let midrollDone = !needs.midroll;
  let seekDone = !needs.seek;
  let stallAdDone = !needs.adStall || preroll;
  let segments = 0;

  for (;;) {
    // VOD never plays past its end unless the session is meant to reach it.
    const remaining = !vod
      ? budget
      : needs.watchToEnd
        ? content.length - ph
        : Math.min(budget, content.length - 8 - ph);
    if (remaining <= 0.5) break;
    let seg = Math.min(remaining, rng.int(15, 110));
    if (!longDone && remaining >= (needs.longPlayS ?? 0)) {
      seg = Math.max(seg, needs.longPlayS ?? 0);
      longDone = true;
    }
    // Leave room for the interludes the session still needs (pause, mid-roll, seek, stalled ad).
    const pending = [pauseDone, midrollDone, seekDone, stallAdDone].filter((d) => !d).length;
    if (pending > 0 && remaining - seg < 20) seg = Math.max(5, remaining - 20);
    // Keep a short tail from becoming its own sub-second phase.
    else if (remaining - seg < 4) seg = remaining;
    phases.push({ k: 'play', dur: seg });
    segments++;
    ph += seg;
    budget -= seg;
    if (
      !vod
        ? budget <= 0.5
        : needs.watchToEnd
          ? content.length - ph <= 0.5
          : budget <= 0.5 || content.length - 8 - ph <= 0.5
    )
      break;

    // One interlude between play phases.
    if (!pauseDone) {
      phases.push({ k: 'pause', dur: (needs.pauseS ?? 10) + rng.float(2, 15) });
      pauseDone = true;
      continue;
    }
    if (!midrollDone && vod && breaksAllowed) {
      phases.push(makeBreak(rng, breakIndex++, Math.floor(ph), needs));
      midrollDone = true;
      stallAdDone = true;
      continue;
    }
    if (!stallAdDone && breaksAllowed) {
      phases.push(makeBreak(rng, breakIndex++, Math.floor(ph), needs));
      stallAdDone = true;
      continue;
    }
    if (!seekDone && vod) {
      const to =
        needs.seek === 'backward'
          ? Math.max(0, Math.floor(ph - rng.int(15, Math.max(16, Math.min(90, ph)))))
          : Math.floor(Math.min(content.length - 20, ph + rng.int(30, 120)));
      phases.push({
        k: 'seek',
        from: Math.floor(ph),
        to,
        via: rng.chance(0.5) ? 'pause' : 'buffer',
        dur: rng.float(0.8, 4),
      });
      ph = to;
      seekDone = true;
      continue;
    }
    if (chapters && openChapter && segments % 2 === 0) {
      const next = newChapter(Math.floor(ph));
      phases.push({ k: 'chapter', end: openChapter, start: next });
      openChapter = next;
      continue;
    }
    const r = rng.next();
    if (r < 0.17) phases.push({ k: 'pause', dur: rng.float(3, 45) });
    else if (r < 0.3) phases.push({ k: 'buffer', dur: rng.float(0.8, 6) });
    else if (r < 0.4 && vod && !needs.noSeek && !needs.watchToEnd) {
      const backward = rng.chance(0.5) && ph > 30;
      const to = backward
        ? Math.floor(ph - rng.int(10, Math.min(60, Math.floor(ph) - 5)))
        : Math.floor(Math.min(content.length - 30, ph + rng.int(20, 90)));
      if (to > 0 && to !== Math.floor(ph) && to < content.length - 25) {
        phases.push({
          k: 'seek',
          from: Math.floor(ph),
          to,
          via: rng.chance(0.5) ? 'pause' : 'buffer',
          dur: rng.float(0.8, 3),
        });
        ph = to;
      }
    } else if (r < 0.48 && vod && breaksAllowed && ph > 60 && breakIndex < 4 && !needs.noPreroll) {
      const b = makeBreak(rng, breakIndex++, Math.floor(ph), needs);
      if (b.k === 'break') b.pod.idHash = content.idHash;
      phases.push(b);
    } else if (r < 0.56)
      phases.push({ k: 'bitrate', bitrate: rng.pick([1_200_000, 2_500_000, 4_500_000, 6_000_000]) });
    else if (r < 0.58)
      phases.push({ k: 'error', id: rng.pick(['MEDIA_ERR_NETWORK', 'MEDIA_ERR_DECODE', 'ERR-4001']) });
  }
  for (const p of phases) if (p.k === 'break') p.pod.idHash = content.idHash;

  if (needs.idle) phases.push({ k: 'idle' });
  else if (openChapter && rng.chance(0.7)) phases.push({ k: 'chapter', end: openChapter });

  let close: Plan['close'];
  if (needs.close) close = needs.close;
  else if (needs.idle) close = 'end';
  else if (needs.watchToEnd && vod) close = rng.chance(0.5) ? 'complete+end' : 'complete';
  else close = 'end';
  return {
    t0,
    startPh,
    phases,
    close,
    resume: Boolean(needs.resume),
    downloaded: Boolean(needs.downloaded),
  };
}
