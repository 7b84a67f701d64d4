import type { Envelope } from '../envelope/index.js';
import type { Session } from '../session/index.js';
import { annotate } from '../validate/annotate.js';
import type { Step } from '../validate/types.js';

/**
 * Spec-free, protocol-aware session signals (docs/learning.md, "Protocol-aware signals"): what a media
 * protocol looks like on the wire, measured without reading any spec, so the learning layer can rank a
 * fault that no rule names yet. Pure: a session (and the events of its capture) in, numbers out — it
 * can run in an ingest worker beside the decoder (see `sessionSignals`).
 *
 * Most signals are counts whose normal value is 0 (a gap over 1.5× the nominal interval, a backward
 * playhead jump, an event after the close): among peers they are either absent or rare, so the
 * novelty score's empirical tail (novelty.ts) gives them many bits only when they are unusual. Each
 * signal keeps a pointer to the event that set it (`at`), so an inbox row can say where to look.
 */

/** One line per signal: name → what it measures. The table in docs/learning.md is this list. */
export const SIGNALS = {
  gap_long_play: 'main-content ping gaps over 1.5× the nominal interval while playing',
  gap_long_pause: 'ping gaps over 1.5× the nominal interval while paused or buffering',
  gap_long_ad: 'ad ping gaps over 1.5× the nominal ad interval',
  gap_short_play: 'main-content ping gaps under 0.5× the nominal interval while playing',
  gap_short_ad: 'ad ping gaps under 0.5× the nominal ad interval',
  gap_max_play_x: 'largest main-content ping gap while playing ÷ nominal interval',
  gap_p90_play_x: '90th percentile of main-content ping gaps while playing ÷ nominal interval',
  first_ping_x: 'first main-content ping after play ÷ nominal interval (late or early first ping)',
  ph_frozen: 'windows of 3 pings while playing whose playhead advanced < 0.2 s per wall second',
  ph_fast: 'windows of 3 pings while playing whose playhead advanced > 1.8 s per wall second',
  ph_back: 'backward playhead jumps (> 1 s) not preceded by a pause, buffer or seek',
  ph_back_s: 'total size (s) of those backward jumps',
  ph_paused_adv: 'pings while paused whose playhead moved on by more than 1 s',
  ph_over_len: 'events whose playhead is beyond the asset length (+ 2 s) or negative',
  hb_dur_off:
    'heartbeat pings whose l:event:duration is off the wall-clock gap since the previous ping by > 50 %',
  player_errors: 'player error events in the session',
  start_extra: 'session starts beyond the first',
  start_missing: '1 when a media session has no session start',
  close_missing:
    '1 when a media session has no complete/end and the capture carries on for three ping intervals (30 s) after its last beacon',
  after_close:
    'events sent after the session complete/end (a trailing Media Collection / Edge ping excepted)',
  ad_open_end: 'ads still open at the end of the session',
  break_open_end: 'ad breaks still open at the end of the session',
  ad_outside_break: 'ad starts outside an open ad break (Media Collection / Edge)',
  nest_depth: 'deepest nesting of ad / break / chapter starts without their completes (normal ≤ 2)',
  chapter_overlap: 'chapter starts while a chapter is open',
  bookend_repeat:
    'a start or complete of a session / ad break / ad / chapter right after the same event, without its counterpart',
  ts_backwards: 'beacon timestamps earlier than an earlier event of the session',
  ts_equal: 'events of another type carrying the same client timestamp as the event before them',
  complete_unopened:
    'a complete of an ad break / ad / chapter with no start of that kind before it in the session',
  dup_events:
    'events repeating an earlier one (media: type, playhead and beacon time; page: the same call within 2 s, a pccr=true redirect retry excepted)',
  aa_unterminated:
    'Analytics GET hits whose query does not end with the AQE=1 end marker (or AQE=1&pccr=true): cut in transit',
  key_odd_name:
    'parameter names with whitespace, quotes, hyphens or other characters outside the usual key alphabet',
  rsid_odd:
    'hits whose report suite id has characters outside lower-case letters, digits, dot, comma, underscore, hyphen, or an empty entry in its comma-separated list',
  key_case_clash:
    'parameter names spelled with other letter case than another parameter of the session or a documented Analytics parameter (evar44 beside eVar1, pagename for pageName): keys are case-sensitive',
  value_nonfinite:
    'parameter values that are a script non-value (NaN, undefined, Infinity, [object Object]) instead of data',
  status_bad: 'beacons answered with a status outside 2xx/3xx (or with collection errors)',
  status_zero: 'beacons that got no response (status 0: blocked, aborted)',
  host_other_protocol:
    "beacons sent to another Adobe protocol's documented endpoint (an Analytics hit on the heartbeat host, a Media Collection call on *.hb.omtrdc.net)",
  http_plain: 'beacons sent over plain http',
  ecid_missing:
    '1 when the first event of the session (its start / first hit; legacy heartbeat: the first event after its start) carries no Experience Cloud ID',
  ecid_distinct: 'distinct ECIDs in the session beyond the first',
  ecid_foreign: '1 when the session ECID is not the one the capture’s other Adobe hits carry',
  ecid_aa_mismatch:
    '1 when the Analytics media-start hit nearest the media session carries another ECID than the session',
  aa_media_hits: 'Analytics media-start hits (pe=ms_s) in the capture within 2 min of the media session',
  hb_aa_markers: 'heartbeat aa_start markers in the session',
  aa_start_late_s: 'seconds the nearest Analytics media-start hit lies beyond 2 s of the media session start',
  aa_vsid_foreign:
    'Analytics media-start hits near the session whose a.media.vsid names another session (one not in the capture, or one another hit already names)',
} as const;
export type SignalName = keyof typeof SIGNALS;
export const SIGNAL_NAMES = Object.keys(SIGNALS) as SignalName[];

/**
 * Counts of events the protocol defines as normal traffic (a player error is reported with the `error`
 * event): rare, but no violation, so they get the plain empirical tail and not the violation floor.
 */
export const EVENT_COUNT_SIGNALS: ReadonlySet<SignalName> = new Set(['player_errors']);

/** Signals that are continuous ratios around a nominal 1 (scored on their robust z, not a tail of counts). */
export const RATIO_SIGNALS: ReadonlySet<SignalName> = new Set([
  'gap_max_play_x',
  'gap_p90_play_x',
  'first_ping_x',
]);

export interface SignalPointer {
  /** HAR entry index of the event that set the signal (first or strongest occurrence). */
  entry_index: number;
  /** Seconds since the session's first event. */
  t_s: number;
  /** What was seen there, for the inbox row (`ping gap 31 s = 3.1× nominal in play`). */
  detail: string;
}

export interface SessionSignals {
  values: Record<SignalName, number>;
  at: Partial<Record<SignalName, SignalPointer>>;
  /** Parameter keys with their value class (`key=int`), digits folded, per event type: `type|key=class`. */
  keys: string[];
  /** The session declares downloaded (offline) content: pings 50 s apart. */
  downloaded: boolean;
  /** Per event type, the keys every event of that type carries (`type|key`, digits folded). */
  typeKeys: string[];
  /** Hosts the session's beacons went to. */
  hosts: string[];
  /** Event-type bigrams in send order (`a>b`), the session's event grammar. */
  bigrams: string[];
}

/**
 * Nominal ping intervals (s) by protocol: main content every 10 s everywhere; ads 1 s on legacy
 * heartbeat. Downloaded (offline) content is the exception: its pings are 50 s apart for content and
 * ads alike (wire-formats.md §4.6), so a 50 s gap there is the protocol, not a missing ping.
 */
export function nominalInterval(
  protocol: string,
  asset: 'main' | 'ad',
  adGaps: number[] = [],
  downloaded = false,
): number {
  if (downloaded) return 50;
  if (asset === 'main') return 10;
  if (protocol === 'heartbeat') return 1;
  // Media Collection / Edge: 10 s unless granular ad tracking (1 s) — read from the session's own median
  const med = adGaps.length ? [...adGaps].sort((a, b) => a - b)[Math.floor(adGaps.length / 2)] : 10;
  return med < 4 ? 1 : 10;
}

const STATE_OF: Record<string, 'play' | 'pause' | 'buffer'> = {
  playing: 'play',
  paused: 'pause',
  buffering: 'buffer',
  stalled: 'buffer',
};
const SEEKISH = new Set([
  'pause',
  'buffer',
  'stall',
  'seekStart',
  'seekComplete',
  'adBreakStart',
  'adBreakComplete',
  'adStart',
  'adComplete',
  'adSkip',
  'chapterStart',
  'chapterSkip',
  'resume',
  'sessionStart',
]);
const CLOSES = new Set(['sessionComplete', 'sessionEnd']);
const AA_MEDIA = new Set(['aaMediaStart']);

/** Value class of a parameter value (the "shape" of its type, not the value). */
export function valueClass(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'num';
  const s = String(v);
  if (s === '') return 'empty';
  // Each test runs only where its first character or length allows it: every parameter of every event
  // is classed (2.3 M values on the dense bench), and most are tokens that failed four regexes before.
  const c = s.charCodeAt(0);
  if (c === 45 /* - */ || c === 46 /* . */ || (c >= 48 && c <= 57)) {
    if (/^-?\d+$/.test(s)) return 'intstr';
    if (/^-?\d*\.\d+$/.test(s)) return 'numstr';
  }
  if ((s.length === 4 || s.length === 5) && /^(true|false)$/i.test(s)) return 'boolstr';
  if (/[\s<>{}"'`\\]/.test(s)) return 'text';
  return 'token';
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * The signals of one session. `captureEvents` are every decoded event of its HAR (for the Analytics
 * hits around a media session and the capture's ECID); without them those signals read 0.
 *
 * Each pass is a function of its own on purpose: V8 re-optimises a function whenever a new object shape
 * reaches it, and as one 540-line function this was compiled 7 times per worker at 0.1–0.4 s each
 * (docs/measured.md, "Worker compile time").
 */
export function sessionSignals(
  session: Session,
  captureEvents: readonly Envelope[] = [],
  steps?: readonly Step[],
): SessionSignals {
  const ev = session.events;
  const media = session.kind === 'media';
  const out = new SignalSink(ev.length ? (ev[0].beacon_ts_ms ?? ev[0].ts_ms) : 0);
  if (media) {
    const st = steps ?? annotate(session).steps;
    const mainNom = cadenceSignals(out, session, st);
    playheadSignals(out, session, st);
    bookendSignals(out, session, st, captureEvents, mainNom);
    clockSignals(out, st);
  }
  const values = out.values;

  for (const e of ev)
    if (e.sequence.event_type === 'error') {
      values.player_errors++;
      out.mark('player_errors', e, 'player error event');
    }
  transportSignals(out, session);
  identitySignals(out, session, captureEvents);
  if (media) aaMediaSignals(out, session, captureEvents);
  const { keys, typeKeys } = keySignals(out, session);
  const bigrams = new Set<string>();
  for (let i = 1; i < ev.length; i++)
    bigrams.add(`${ev[i - 1].sequence.event_type}>${ev[i].sequence.event_type}`);
  const hosts = [...new Set(ev.map((e) => `${e.family}@${hostShape(e.network.host)}`))];
  return {
    values,
    at: out.at,
    downloaded: media && isDownloaded(session),
    keys,
    typeKeys,
    hosts,
    bigrams: [...bigrams],
  };
}

/**
 * What the signal passes fill: each signal's count, and where it was seen first (or, for the gap and
 * short-gap signals, strongest). Passes run in a fixed order, so `at` keeps the same key order.
 */
class SignalSink {
  readonly values = Object.fromEntries(SIGNAL_NAMES.map((n) => [n, 0])) as Record<SignalName, number>;
  readonly at: SessionSignals['at'] = {};
  constructor(private readonly t0: number) {}
  mark(n: SignalName, e: Envelope, detail: string, strength = 0, best?: { v: number }): void {
    if (best) {
      if (strength < best.v) return;
      best.v = strength;
    } else if (this.at[n]) return;
    this.at[n] = {
      entry_index: e.provenance.entry_index,
      t_s: r1(((e.beacon_ts_ms ?? e.ts_ms) - this.t0) / 1000),
      detail,
    };
  }
}

/**
 * Cadence: ping gaps by state, relative to the nominal interval; legacy heartbeat durations; the first
 * content ping. Returns the nominal main-content interval.
 */
function cadenceSignals(out: SignalSink, session: Session, st: readonly Step[]): number {
  const values = out.values;
  const gaps: {
    asset: 'main' | 'ad';
    state: 'play' | 'pause' | 'buffer' | 'ad';
    s: number;
    e: Envelope;
    /** Legacy heartbeat flushes the current state early when the state changes (wire-formats.md §3.4). */
    flush: boolean;
    /** From the last ad ping (or the ad start) to the ad's complete: only a long one is a missed ping. */
    tail?: boolean;
  }[] = [];
  let prev: Step | null = null;
  for (const s of st) {
    // the ad's own play (its state change to playing) keeps the cadence the ad start began
    if (!s.isPing && s.type === 'play' && s.asset === 'ad' && prev?.asset === 'ad') continue;
    if (!s.isPing) {
      // an ad's complete or skip closes its last ping interval: over 1.5× nominal, a ping was missed (legacy
      // heartbeat flushes on the state change, so its tail says nothing)
      if ((s.type === 'adComplete' || s.type === 'adSkip') && prev && prev.asset === 'ad')
        gaps.push({ asset: 'ad', state: 'ad', s: (s.t - prev.t) / 1000, e: s.e, flush: false, tail: true });
      // a non-ping event restarts the cadence (state change, seek); an ad start starts the ad's own:
      // its first ping is due one ad interval later
      prev = s.type === 'adStart' ? { ...s, asset: 'ad' } : null;
      continue;
    }
    if (prev && prev.asset === s.asset) {
      const state = s.asset === 'ad' ? 'ad' : (STATE_OF[s.stateBefore] ?? 'play');
      const next = st[s.i + 1];
      const flush = session.protocol === 'heartbeat' && (!next || !next.isPing || next.type !== s.type);
      gaps.push({ asset: s.asset, state, s: (s.t - prev.t) / 1000, e: s.e, flush });
    }
    prev = s;
  }
  const downloaded = isDownloaded(session);
  const adNom = nominalInterval(
    session.protocol,
    'ad',
    gaps.filter((g) => g.asset === 'ad').map((g) => g.s),
    downloaded,
  );
  const mainNom = nominalInterval(session.protocol, 'main', [], downloaded);
  const playGaps: number[] = [];
  const bestLong = { v: 0 };
  const bestShort = { v: 0 };
  for (const g of gaps) {
    const nom = g.asset === 'ad' ? adNom : mainNom;
    const x = g.s / nom;
    const where = g.state === 'ad' ? 'in an ad' : `in ${g.state}`;
    if (g.state === 'play') playGaps.push(x);
    if (x > 1.5 && !(g.tail && session.protocol === 'heartbeat')) {
      const n: SignalName =
        g.state === 'ad' ? 'gap_long_ad' : g.state === 'play' ? 'gap_long_play' : 'gap_long_pause';
      values[n]++;
      out.mark(
        n,
        g.e,
        `ping gap ${r1(g.s)} s = ${r1(x)}× nominal ${where}`,
        x,
        n === 'gap_long_play' ? bestLong : undefined,
      );
    } else if (x < 0.5 && (g.state === 'play' || g.state === 'ad') && !g.flush && !g.tail) {
      const n: SignalName = g.state === 'ad' ? 'gap_short_ad' : 'gap_short_play';
      values[n]++;
      out.mark(
        n,
        g.e,
        `ping gap ${r1(g.s)} s = ${r1(x)}× nominal ${where}`,
        1 / Math.max(x, 1e-3),
        n === 'gap_short_play' ? bestShort : undefined,
      );
    }
  }
  if (playGaps.length) {
    const sorted = [...playGaps].sort((a, b) => a - b);
    values.gap_max_play_x = sorted[sorted.length - 1];
    values.gap_p90_play_x = sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))];
  } else values.gap_max_play_x = values.gap_p90_play_x = 1;
  if (session.protocol === 'heartbeat') {
    let prevPing: Step | null = null;
    for (const s of st) {
      if (!s.isPing) continue;
      const d = s.e.sequence.delta_s;
      if (prevPing && d !== null) {
        const gap = (s.t - prevPing.t) / 1000;
        if (gap > 0.5 && Math.abs(d - gap) > 0.5 * gap) {
          values.hb_dur_off++;
          out.mark('hb_dur_off', s.e, `l:event:duration ${r1(d)} s for a ${r1(gap)} s gap`);
        }
      }
      prevPing = s;
    }
  }
  // first main-content ping after the first play
  const play = st.findIndex((s) => s.type === 'play' && s.asset === 'main' && !s.inAd);
  values.first_ping_x = 1;
  if (play >= 0)
    for (let i = play + 1; i < st.length; i++) {
      const s = st[i];
      if (s.inAd || s.asset !== 'main' || !s.isPing) continue;
      const d = (s.t - st[play].t) / 1000;
      values.first_ping_x = d / mainNom;
      if (d / mainNom < 0.5 || d / mainNom > 1.5)
        out.mark(
          'first_ping_x',
          s.e,
          `first content ping ${r1(d)} s after play = ${r1(d / mainNom)}× nominal`,
        );
      break;
    }

  return mainNom;
}

/**
 * Playhead: advance per wall second over windows of 3 pings while playing, backwards and paused moves, out
 * of range.
 */
function playheadSignals(out: SignalSink, session: Session, st: readonly Step[]): void {
  const values = out.values;
  // ---- playhead: advance per wall second over windows of 3 pings while playing ----
  const cp = st.filter(
    (s) =>
      s.isPing &&
      s.asset === 'main' &&
      !s.inAd &&
      !s.inBreak &&
      s.stateBefore === 'playing' &&
      s.playhead !== null,
  );
  for (let i = 2; i < cp.length; i++) {
    const a = cp[i - 2];
    const b = cp[i];
    // the window must be uninterrupted: no other event between its pings
    if (st.slice(a.i + 1, b.i).some((s) => !s.isPing)) continue;
    const dt = (b.t - a.t) / 1000;
    if (dt < 2) continue;
    const rate = ((b.playhead as number) - (a.playhead as number)) / dt;
    if (Math.abs(rate) > 50) continue; // live second-of-day wrap, resets
    if (rate < 0.2 && rate >= -0.05) {
      values.ph_frozen++;
      out.mark(
        'ph_frozen',
        b.e,
        `playhead ${r1(b.playhead as number)} s advanced ${r1(rate * dt)} s in ${r1(dt)} s of play`,
      );
    } else if (rate > 1.8) {
      values.ph_fast++;
      out.mark('ph_fast', b.e, `playhead advanced ${r1(rate * dt)} s in ${r1(dt)} s of play (${r1(rate)}×)`);
    }
  }
  let lastPh: number | null = null;
  let seekish = false;
  for (const s of st) {
    if (SEEKISH.has(s.type) || s.inAd || s.asset === 'ad') {
      seekish = true;
      if (s.asset === 'ad' || s.inAd) continue;
    }
    if (s.playhead === null) continue;
    if (lastPh !== null && s.playhead < lastPh - 1 && !seekish && Math.abs(s.playhead - lastPh) < 80_000) {
      values.ph_back++;
      values.ph_back_s += lastPh - s.playhead;
      out.mark(
        'ph_back',
        s.e,
        `playhead went back ${r1(lastPh - s.playhead)} s (${r1(lastPh)} → ${r1(s.playhead)}) with no pause, buffer or seek before it`,
      );
    }
    if (
      s.isPing &&
      s.stateBefore === 'paused' &&
      lastPh !== null &&
      s.playhead > lastPh + 1 &&
      s.type !== 'play'
    ) {
      values.ph_paused_adv++;
      out.mark('ph_paused_adv', s.e, `playhead moved ${r1(s.playhead - lastPh)} s while paused`);
    }
    lastPh = s.playhead;
    seekish = SEEKISH.has(s.type);
  }
  const len = annotateLength(session);
  for (const s of st) {
    if (s.playhead === null || s.asset === 'ad' || s.inAd) continue;
    if (s.playhead < 0 || (len !== null && len > 0 && s.playhead > len + 2 && len < 80_000)) {
      values.ph_over_len++;
      out.mark('ph_over_len', s.e, `playhead ${r1(s.playhead)} s outside 0…${len ?? '?'} s`);
    }
  }
}

/**
 * Bookends and nesting: extra starts, events after the close, ads outside breaks, the start/complete
 * grammar, a missing start or close.
 */
function bookendSignals(
  out: SignalSink,
  session: Session,
  st: readonly Step[],
  captureEvents: readonly Envelope[],
  mainNom: number,
): void {
  const values = out.values;
  const ev = session.events;
  // ---- bookends and nesting ----
  let starts = 0;
  let closedAt = -1;
  let ended = false;
  let ad = 0;
  let brk = 0;
  let chap = 0;
  st.forEach((s, i) => {
    const ty = s.type;
    if (ty === 'sessionStart') {
      starts++;
      if (starts > 1) {
        values.start_extra++;
        out.mark('start_extra', s.e, `session start #${starts}`);
      }
    }
    // after sessionComplete a Media Collection / Edge ping timer that fires once more is not playback,
    // nor is the sessionEnd; after sessionEnd anything but a new start is (specs/README.md D-2)
    const afterEnd = ended && ty !== 'sessionStart';
    const afterComplete =
      !ended && closedAt >= 0 && !CLOSES.has(ty) && !(s.isPing && session.protocol !== 'heartbeat');
    if (afterEnd || afterComplete) {
      values.after_close++;
      out.mark('after_close', s.e, `${ty} sent after the session closed`);
    }
    if (CLOSES.has(ty) && closedAt < 0) closedAt = i;
    if (ty === 'sessionEnd') ended = true;
    else if (ty === 'sessionStart') ended = false;
    if (ty === 'adBreakStart') brk++;
    if (ty === 'adBreakComplete') brk = Math.max(0, brk - 1);
    if (ty === 'adStart') {
      if (session.protocol !== 'heartbeat' && brk === 0) {
        values.ad_outside_break++;
        out.mark('ad_outside_break', s.e, 'ad start outside an ad break');
      }
      ad++;
    }
    if (ty === 'adComplete' || ty === 'adSkip') ad = Math.max(0, ad - 1);
    if (ty === 'chapterStart') {
      if (chap > 0) {
        values.chapter_overlap++;
        out.mark('chapter_overlap', s.e, 'chapter start while a chapter is open');
      }
      chap++;
    }
    if (ty === 'chapterComplete' || ty === 'chapterSkip') chap = Math.max(0, chap - 1);
    const depth = ad + brk + chap;
    if (depth > values.nest_depth) {
      values.nest_depth = depth;
      if (depth > 2) out.mark('nest_depth', s.e, `${depth} nested ad/break/chapter starts`);
    }
  });
  // the bookend grammar: a start or complete repeated with no counterpart in between
  const lastBookend = new Map<string, string>();
  for (const s of st) {
    const m = /^(session|adBreak|ad|chapter)(Start|Complete)$/.exec(s.type);
    if (!m) continue;
    if (m[2] === 'Complete' && !lastBookend.has(m[1])) {
      values.complete_unopened++;
      out.mark('complete_unopened', s.e, `${s.type} with no ${m[1]} start before it`);
    }
    if (lastBookend.get(m[1]) === m[2]) {
      values.bookend_repeat++;
      out.mark(
        'bookend_repeat',
        s.e,
        `${s.type} twice in a row with no ${m[2] === 'Start' ? 'complete' : 'start'} between`,
      );
    }
    lastBookend.set(m[1], m[2]);
  }
  if (!starts) {
    values.start_missing = 1;
    if (ev[0]) out.mark('start_missing', ev[0], 'no session start');
  }
  // a capture that stops within three ping intervals (30 s) of the session's last beacon may have cut
  // the close off: only a session that goes silent while the capture carries on is left open (the
  // SESSION_NOT_CLOSED check abstains the same way)
  const lastSeen = ev.length ? ev[ev.length - 1].ts_ms : 0;
  // a loop, not Math.max(...): a capture of ~100 k beacons overflows the call stack with a spread
  let captureEnd = lastSeen;
  for (const e of captureEvents) if (e.ts_ms > captureEnd) captureEnd = e.ts_ms;
  const cutOff = captureEvents.length > 0 && captureEnd - lastSeen < 3 * mainNom * 1000;
  if (closedAt < 0 && !cutOff) {
    values.close_missing = 1;
    if (ev.length) out.mark('close_missing', ev[ev.length - 1], 'no session complete/end');
  }
  values.ad_open_end = ad;
  values.break_open_end = brk;
  if (ad && ev.length) out.mark('ad_open_end', ev[ev.length - 1], `${ad} ad(s) never completed`);
  if (brk && ev.length) out.mark('break_open_end', ev[ev.length - 1], `${brk} ad break(s) never completed`);
}

/** Client clocks: equal client timestamps on different events, beacon times that go backwards. */
function clockSignals(out: SignalSink, st: readonly Step[]): void {
  const values = out.values;
  let lastT = -Infinity;
  let prevClient: Envelope | null = null;
  for (const s of st) {
    // client timestamps must be unique and ≥ 1 ms apart (wire-formats.md §5.5 and §7); repeats of the same
    // event are dup_events, and capture times (no client timestamp) may tie
    const c = s.e.beacon_ts_ms;
    if (
      c !== null &&
      prevClient?.beacon_ts_ms === c &&
      prevClient.sequence.event_type !== s.e.sequence.event_type
    ) {
      values.ts_equal++;
      out.mark(
        'ts_equal',
        s.e,
        `${s.type} carries the same client timestamp as the ${prevClient.sequence.event_type} before it`,
      );
    }
    if (c !== null) prevClient = s.e;
    if (s.t < lastT) {
      values.ts_backwards++;
      out.mark(
        'ts_backwards',
        s.e,
        `beacon time ${r1((lastT - s.t) / 1000)} s earlier than the event before`,
      );
    }
    lastT = Math.max(lastT, s.t);
  }
}

/**
 * Every session: duplicate hits, unterminated Analytics GETs, hosts of another protocol, plain http, bad
 * statuses.
 */
function transportSignals(out: SignalSink, session: Session): void {
  const values = out.values;
  const ev = session.events;
  const media = session.kind === 'media';
  // ---- every session: duplicates, status codes, identity, parameter shapes ----
  // a media beacon repeated with the same playhead and time, batch index included (media sessions only)
  if (media)
    for (const e of repeatedBeacons(ev, true)) {
      values.dup_events++;
      out.mark('dup_events', e, `${e.sequence.event_type} repeated with the same playhead and time`);
    }
  const lastHit = new Map<string, number>();
  for (const e of ev) {
    if (!media && e.family === 'aa') {
      // a page call fired twice: same type and page within 2 s
      const k = `${e.sequence.event_type}|${e.dims.pageName ?? e.params.pageName ?? ''}|${e.params.pe ?? ''}`;
      const t = e.beacon_ts_ms ?? e.ts_ms;
      const prevT = lastHit.get(k);
      // `pccr=true` marks AppMeasurement's re-send of a hit whose first answer was a cookie redirect
      // (wire-formats.md §2.4, the infinite-redirect guard): the same hit twice on purpose, not a duplicate
      if (prevT !== undefined && t - prevT < 2000 && !isRedirectRetry(e)) {
        values.dup_events++;
        out.mark('dup_events', e, `${e.sequence.event_type} repeated ${t - prevT} ms after the same hit`);
      }
      lastHit.set(k, t);
      const q = e.raw.query;
      if (e.network.method === 'GET' && q && q.length > 200 && !AQE_END.test(q)) {
        values.aa_unterminated++;
        out.mark(
          'aa_unterminated',
          e,
          `Analytics hit of ${q.length} characters without the AQE=1 end marker`,
        );
      }
    }
    const owner = endpointOf(e.network.host);
    if (owner && !(ENDPOINT_FAMILIES[owner] as readonly string[]).includes(e.family)) {
      values.host_other_protocol++;
      out.mark(
        'host_other_protocol',
        e,
        `${e.family} beacon sent to ${e.network.host}, the ${owner} endpoint`,
      );
    }
    if (e.network.protocol === 'http') {
      values.http_plain++;
      out.mark('http_plain', e, `${e.family} beacon sent over plain http to ${e.network.host}`);
    }
    const code = e.network.status;
    if (code === 0) {
      values.status_zero++;
      out.mark('status_zero', e, 'beacon got no response (status 0)');
    } else if (code >= 400 || e.network.errors.length) {
      values.status_bad++;
      out.mark(
        'status_bad',
        e,
        `beacon answered ${code}${e.network.errors.length ? ` (${e.network.errors.slice(0, 2).join(', ')})` : ''}`,
      );
    }
  }
}

/**
 * Identity: the first event without an ECID, several ECIDs in one session, an ECID other hits of the
 * capture do not use.
 */
function identitySignals(out: SignalSink, session: Session, captureEvents: readonly Envelope[]): void {
  const values = out.values;
  const ev = session.events;
  const media = session.kind === 'media';
  // legacy heartbeat may send its very first start before the ECID is known (wire-formats.md §3.2,
  // `s:user:mid`); it carries it from the first play heartbeat on
  const first =
    session.protocol === 'heartbeat' && ev[0]?.sequence.event_type === 'sessionStart'
      ? (ev.find((e) => e.sequence.event_type !== 'sessionStart') ?? ev[0])
      : ev[0];
  if (first && !first.actor.ecid) {
    values.ecid_missing = 1;
    out.mark('ecid_missing', first, `first event (${first.sequence.event_type}) without an ECID`);
  }
  const ecids = [...new Set(ev.map((e) => e.actor.ecid).filter((x): x is string => !!x))];
  values.ecid_distinct = Math.max(0, ecids.length - 1);
  if (ecids.length > 1) {
    const e = ev.find((x) => x.actor.ecid && x.actor.ecid !== ecids[0]);
    if (e) out.mark('ecid_distinct', e, `${ecids.length} different ECIDs in one session`);
  }
  if (ecids.length) {
    const others = new Map<string, number>();
    // a Set, not ev.includes per capture event: that was sessions × capture events × session events
    const own = new Set(ev);
    for (const e of captureEvents)
      if (e.actor.ecid && e.session_id !== (media ? session.key : '\u0000') && !own.has(e))
        others.set(e.actor.ecid, (others.get(e.actor.ecid) ?? 0) + 1);
    if (others.size && !ecids.some((x) => others.has(x))) {
      values.ecid_foreign = 1;
      out.mark(
        'ecid_foreign',
        ev.find((x) => x.actor.ecid)!,
        'session ECID differs from the ECID of the capture’s other hits',
      );
    }
  }
}

/**
 * A media session's Analytics media-start hits: how many, whose session they name, their ECID and their
 * delay.
 */
function aaMediaSignals(out: SignalSink, session: Session, captureEvents: readonly Envelope[]): void {
  const values = out.values;
  const ev = session.events;
  // the Analytics hits are placed by when the capture saw them, so the session is too: a client clock
  // (or a proxy) that runs behind the capture must not read as a late media-start hit
  const c0 = ev.length ? ev[0].ts_ms : 0;
  const tMin = c0 - 120_000;
  const tMax = (ev.length ? ev[ev.length - 1].ts_ms : c0) + 120_000;
  let nearest: Envelope | null = null;
  for (const e of captureEvents)
    if (AA_MEDIA.has(e.sequence.event_type) && e.ts_ms >= tMin && e.ts_ms <= tMax) {
      values.aa_media_hits++;
      out.mark('aa_media_hits', e, `Analytics ${e.sequence.event_type} hit beside the media session`);
      if (!nearest || Math.abs(e.ts_ms - c0) < Math.abs(nearest.ts_ms - c0)) nearest = e;
      const vsid = Object.entries(e.params).find(([k]) => /media\.vsid$/i.test(k))?.[1];
      // one media-start hit per session: a hit naming another session counts when that session is
      // not in the capture, or is already named by another hit (a player that kept the old id)
      if (
        vsid &&
        session.protocol === 'heartbeat' &&
        String(vsid) !== session.key &&
        (!captureHasSession(captureEvents, String(vsid), session.key) ||
          vsidNamed(captureEvents, String(vsid)) > 1)
      ) {
        values.aa_vsid_foreign++;
        out.mark(
          'aa_vsid_foreign',
          e,
          `media-start hit names session ${String(vsid).slice(0, 16)}, not this one`,
        );
      }
    }
  // the media-start hit and the media session are one viewer: one ECID across a session's Analytics
  // and media calls (wire-formats.md §7)
  const own = ev.find((e) => e.actor.ecid)?.actor.ecid;
  if (nearest?.actor.ecid && own && nearest.actor.ecid !== own) {
    values.ecid_aa_mismatch = 1;
    out.mark(
      'ecid_aa_mismatch',
      nearest,
      'the Analytics media-start hit carries another ECID than the media session',
    );
  }
  if (nearest) {
    const late = Math.abs(nearest.ts_ms - c0) / 1000 - 2;
    if (late > 0) {
      values.aa_start_late_s = r1(late);
      out.mark(
        'aa_start_late_s',
        nearest,
        `Analytics media-start hit ${r1(late + 2)} s from the media session start`,
      );
    }
  }
  for (const e of ev) if (e.sequence.event_type === 'aaStart') values.hb_aa_markers++;
}

/**
 * The beacons that repeat an earlier one of `ev`: same time, and type, playhead and asset type (and the
 * batch index, with `subIndex`) reading the same, as a `type|playhead|time|…` key would compare them
 * (`null` and `"null"` alike). Events are grouped by time and compared field by field only when a time
 * repeats, which it rarely does: a key string per event cost more than the rest of the learn row's
 * duplicate counts.
 */
export function repeatedBeacons(ev: readonly Envelope[], subIndex = false): Envelope[] {
  const same = (a: Envelope, b: Envelope) =>
    `${a.sequence.event_type}` === `${b.sequence.event_type}` &&
    `${a.sequence.playhead_s}` === `${b.sequence.playhead_s}` &&
    `${a.sequence.asset_type}` === `${b.sequence.asset_type}` &&
    (!subIndex || `${a.provenance.sub_index}` === `${b.provenance.sub_index}`);
  const byTime = new Map<number, Envelope[]>();
  const out: Envelope[] = [];
  for (const e of ev) {
    const t = e.beacon_ts_ms ?? e.ts_ms;
    const seen = byTime.get(t);
    if (!seen) byTime.set(t, [e]);
    else if (seen.some((o) => same(o, e))) out.push(e);
    else seen.push(e);
  }
  return out;
}

/**
 * Parameter keys: `type|key=class` in first-seen order, odd names, non-finite values, report suites, case
 * clashes, and per event type the keys every event carries.
 */
function keySignals(out: SignalSink, session: Session): { keys: string[]; typeKeys: string[] } {
  const values = out.values;
  const ev = session.events;
  // `type|key=class` in first-seen order; looked up through nested maps so that the common case (a pair
  // seen on an earlier event) builds no string
  const keys: string[] = [];
  const keySeen = new Map<string, Map<string, Set<string>>>();
  // Two triples can spell the same text only when an event type holds a `|` (a class never holds `=`,
  // so the text splits at the type's end and at its last `=`). No normalised type does today; should one,
  // each text is checked against the ones kept, as it always was before (that check cost as much as the
  // rest of this function on dense sessions).
  const keyText = ev.some((e) => e.sequence.event_type.includes('|')) ? new Set<string>() : null;
  const addKey = (ty: string, key: string, cls: string) => {
    let byKey = keySeen.get(ty);
    if (!byKey) keySeen.set(ty, (byKey = new Map()));
    let classes = byKey.get(key);
    if (!classes) byKey.set(key, (classes = new Set()));
    if (classes.has(cls)) return;
    classes.add(cls);
    const k = `${ty}|${key}=${cls}`;
    if (keyText) {
      if (keyText.has(k)) return;
      keyText.add(k);
    }
    keys.push(k);
  };
  const odd = new Set<string>();
  // per event type, the (digit-folded) keys every event of that type carries; and each key's spelling
  const typeKeySets = new Map<string, Set<string>>();
  const spellings = new Map<string, string>();
  const clashed = new Set<string>();
  // A key's spelling checks give nothing new once made for it (on an Analytics event, or on another one:
  // only Analytics keys are compared with the protocol's spelling), so each is made once per session.
  const checkedAa = new Set<string>();
  const checkedOther = new Set<string>();
  for (const e of ev) {
    const ty = e.sequence.event_type;
    // one pass over the parameters (a media beacon carries dozens): names are judged once per process
    const folded = new Set<string>();
    for (const k in e.params) {
      const v = e.params[k];
      const info = keyInfo(k);
      if (info.odd && !odd.has(k)) {
        odd.add(k);
        values.key_odd_name++;
        out.mark('key_odd_name', e, `parameter name ${JSON.stringify(k)} on ${ty}`);
      }
      addKey(ty, info.folded, valueClass(v));
      if (typeof v === 'string' && NON_VALUES.has(v.trim())) {
        values.value_nonfinite++;
        out.mark('value_nonfinite', e, `${k}=${v} on ${ty}`);
      }
      folded.add(info.folded);
    }
    if (e.actor.rsid !== null) {
      const ok = rsidOk(e.actor.rsid);
      if (!ok) {
        values.rsid_odd++;
        out.mark('rsid_odd', e, `report suite ${JSON.stringify(e.actor.rsid)}`);
      }
      addKey(ty, '@rsid', `${valueClass(e.actor.rsid)}${ok ? '' : '!'}`);
    }
    const mine = typeKeySets.get(ty);
    if (!mine) typeKeySets.set(ty, folded);
    else for (const k of mine) if (!folded.has(k)) mine.delete(k);
    const checked = e.family === 'aa' ? checkedAa : checkedOther;
    for (const k of folded) {
      if (checked.has(k)) continue;
      checked.add(k);
      const low = keyInfo(k).low;
      const doc = e.family === 'aa' ? AA_PARAMS.get(low) : undefined;
      if (doc && doc !== k && !clashed.has(low)) {
        clashed.add(low);
        values.key_case_clash++;
        out.mark('key_case_clash', e, `Analytics parameter ${k} where the protocol spells it ${doc}`);
      }
      const other = spellings.get(low);
      if (other === undefined) spellings.set(low, k);
      else if (other !== k && !clashed.has(low)) {
        clashed.add(low);
        values.key_case_clash++;
        out.mark('key_case_clash', e, `parameter ${k} on ${ty} where the session also sends ${other}`);
      }
    }
  }
  const typeKeys: string[] = [];
  for (const [ty, ks] of typeKeySets) for (const k of ks) typeKeys.push(`${ty}|${k}`);
  return { keys, typeKeys };
}

/**
 * Adobe-owned endpoints and the wire families each serves (wire-formats.md §1): an Analytics hit on a
 * heartbeat host, or a Media Collection call on the heartbeat host, is a tracking-server mix-up. First
 * party CNAMEs and unknown hosts belong to no protocol here and are never counted.
 */
const ENDPOINTS: [RegExp, keyof typeof ENDPOINT_FAMILIES][] = [
  [/\.hb-api\.omtrdc\.net$/, 'Media Collection API'],
  [/\.hb\.omtrdc\.net$/, 'legacy heartbeat'],
  [/(\.sc\d*\.omtrdc\.net|\.2o7\.net|\.data\.adobedc\.net)$/, 'Analytics'],
  [/^(edge|edge-int|server|adobedc\.demdex)\.(adobedc|demdex)\.net$/, 'Edge'],
];
const ENDPOINT_FAMILIES = {
  'Media Collection API': ['media-collection'],
  'legacy heartbeat': ['heartbeat', 'heartbeat-settings'],
  Analytics: ['aa'],
  Edge: ['edge', 'media-edge'],
} as const satisfies Record<string, readonly string[]>;
function endpointOf(host: string): keyof typeof ENDPOINT_FAMILIES | null {
  const h = host.toLowerCase();
  for (const [re, owner] of ENDPOINTS) if (re.test(h)) return owner;
  return null;
}

/**
 * A report suite list: comma-separated ids of lower-case letters, digits, dot, underscore, hyphen, none
 * empty.
 */
const rsidOk = (r: string) => /^[a-z0-9._-]+(,[a-z0-9._-]+)*$/.test(r);

/**
 * Analytics query parameters whose spelling has upper-case letters (wire-formats.md §2.4; digits folded
 * to #), by their lower-case form: a hit that sends `pagename` sends a parameter the collector ignores.
 */
const AA_PARAMS = new Map(
  ['pageName', 'pageType', 'purchaseID', 'AQB', 'AQE', 'eVar#', 'prop#', 'hier#', 'list#'].map((k) => [
    k.toLowerCase(),
    k,
  ]),
);

/**
 * What a parameter name says whatever its value: an odd spelling, its digit-folded form, its lower
 * case. Memoized per process: the same few hundred names repeat on every beacon of a drop. Bounded, so
 * a drop of generated names cannot grow it without limit.
 */
const KEY_INFO = new Map<string, { odd: boolean; folded: string; low: string }>();
export function keyInfo(k: string): { odd: boolean; folded: string; low: string } {
  let info = KEY_INFO.get(k);
  if (!info) {
    if (KEY_INFO.size >= 50_000) KEY_INFO.clear();
    info = { odd: !/^[A-Za-z0-9_.:#@$[\]]+$/.test(k), folded: k.replace(/\d+/g, '#'), low: k.toLowerCase() };
    KEY_INFO.set(k, info);
  }
  return info;
}

/** What a script writes when it stringifies a value it does not have. */
const NON_VALUES = new Set(['NaN', 'undefined', 'Infinity', '-Infinity', '[object Object]']);

/** The end marker of an Analytics GET, optionally followed by the redirect guard the retry appends. */
const AQE_END = /(^|&)AQE=1(&pccr=true)?$/;

/** An Analytics hit re-sent after a cookie redirect (`pccr=true`). */
function isRedirectRetry(e: Envelope): boolean {
  return String(e.params.pccr ?? '') === 'true' || /(^|&)pccr=true(&|$)/.test(e.raw.query ?? '');
}

/** Whether the session declares downloaded (offline) content, in any protocol's spelling. */
function isDownloaded(session: Session): boolean {
  for (const e of session.events) {
    if (e.params._downloaded === true) return true;
    for (const [k, v] of Object.entries(e.params))
      if (/(^|[.:])(media\.downloaded|isDownloaded)$/.test(k) && String(v) === 'true') return true;
    if (e.sequence.event_type === 'sessionStart') break;
  }
  return false;
}

/** How many Analytics media-start hits of the capture name this session id in `a.media.vsid`. */
function vsidNamed(events: readonly Envelope[], id: string): number {
  let n = 0;
  for (const e of events)
    if (
      AA_MEDIA.has(e.sequence.event_type) &&
      Object.entries(e.params).some(([k, v]) => /media\.vsid$/i.test(k) && String(v) === id)
    )
      n++;
  return n;
}

/** Whether another media session of the capture carries this id (a second session's own hit). */
function captureHasSession(events: readonly Envelope[], id: string, self: string): boolean {
  // the media-start hit itself carries the id it names: only media beacons say a session exists
  return id !== self && events.some((e) => e.session_id === id && e.family !== 'aa');
}

/**
 * A host without its customer-specific first label and digits: `hooli.d1.sc.omtrdc.net` →
 * `*.d#.sc.omtrdc.net`, so a host kind new to the peers stands out and a new customer does not.
 */
export function hostShape(host: string): string {
  // Every beacon of a session asks, and a drop has few hosts: once per host per process (bounded).
  let shape = HOST_SHAPES.get(host);
  if (shape === undefined) {
    const labels = host.toLowerCase().split('.');
    const tail = labels.length > 2 ? ['*', ...labels.slice(1)] : labels;
    shape = tail.join('.').replace(/\d+/g, '#');
    if (HOST_SHAPES.size >= 10_000) HOST_SHAPES.clear();
    HOST_SHAPES.set(host, shape);
  }
  return shape;
}
const HOST_SHAPES = new Map<string, string>();

function annotateLength(session: Session): number | null {
  const start = session.events.find((e) => e.sequence.event_type === 'sessionStart');
  if (start?.asset.length_s) return start.asset.length_s;
  const p = start?.params ?? {};
  for (const k of ['l:asset:length', 'media.length', 'mediaCollection.sessionDetails.length']) {
    const v = Number(p[k]);
    if (Number.isFinite(v) && v > 0) return v;
  }
  return null;
}
