import { z } from 'zod';
import type { Envelope, ParamValue } from '../../../../envelope/index.js';
import { defineCheck } from '../../../types.js';
import type { AnnotatedSession, CaptureView, Hit } from '../../../types.js';
import type { ParamShape } from '../../../shapes.js';
import type { Session } from '../../../../session/index.js';
import { ALL } from '../../protocols.js';
import { aaPages } from '../shared.js';

const CACHE_BUSTERS = new Set(['requestId', '_id', 'pccr', 'r']);
/** Family, method, host and path (the AA `s{random}` cache-buster aside): the signature's prefix. */
function endpoint(e: Envelope): string {
  const path = e.family === 'aa' ? e.network.path.replace(AA_RANDOM, '') : e.network.path;
  return `${e.family}|${e.network.method}|${e.network.host}|${path}`;
}

function signature(e: Envelope): string {
  const keys = Object.keys(e.params).filter(counted).sort();
  return `${endpoint(e)}|${keys.map((k) => `${k}=${String(e.params[k])}`).join('&')}`;
}

export const eventDuplicate = defineCheck({
  id: 'transport.event_duplicate',
  family: 'transport',
  renamedFrom: ['transport.duplicate'],
  codes: [
    {
      code: 'EVENT_DUPLICATE',
      severity: 'warning',
      definition:
        'the same beacon (same family and parameters, cache-busters and request ids aside) is sent twice within 1 s; the legacy `pccr=true` retry is not a duplicate',
    },
  ],
  protocols: ALL,
  params: z.object({ window_s: z.number().default(1) }).strict(),
  relaxes: { window_s: 'down' },
  evidence: { needs: 'both copies of the beacon in the capture' },
  fault: { where: 'page', protocols: ['page'], ok: (_s, l) => aaPages(l), noBursts: true },
  doc: {
    text: [
      'The same beacon (same family and parameters; cache-busters and request ids — AA `s{random}` path part,',
      'Edge `requestId`, XDM `_id` — aside) twice within `window_s` [1] s of capture time; an AA retry carrying',
      '`pccr=true` is not a duplicate. Reports at most 10 events.',
    ].join('\n'),
    examples: [
      {
        title: 'a duplicate Tags rule fires the page view twice 400 ms apart',
        protocol: 'aa',
        events: [
          { at: 0, type: 'page' },
          { at: 400, type: 'page', fires: 'EVENT_DUPLICATE' },
        ],
      },
      {
        title:
          'two tag rules call the media module: pe=ms_s twice 200 ms apart belongs to the heartbeat session',
        protocol: 'heartbeat',
        events: [
          { at: 0, on: 'aa', type: 'ms_s' },
          { at: 100, type: 'start', ph: 0 },
          {
            at: 200,
            on: 'aa',
            type: 'ms_s',
            fires: 'EVENT_DUPLICATE',
            note: 'the same media start (same a.media.vsid) sent again: the media session is judged, not the page',
          },
          { at: 400, type: 'play', ph: 0 },
        ],
      },
      {
        title: 'the legacy redirect-guard retry carries pccr=true',
        protocol: 'aa',
        events: [
          { at: 0, type: 'page' },
          { at: 400, type: 'page', params: { pccr: 'true' } },
        ],
      },
    ],
  },
  run(a, v, p) {
    const hits: Hit[] = [];
    const windowMs = p.window_s * 1000;
    const { beacons, shapes } = ownBeacons(a, v);
    // Each beacon is compared with the latest earlier beacon of the same signature. Building the full
    // signature (every parameter, sorted) for every beacon was a third of the validator's time; when the
    // beacons are in time order only the few earlier beacons of the same endpoint inside the window can
    // be that one, so only those are compared. Out-of-order sessions keep the plain map.
    const sorted = beacons.every((e, i) => i === 0 || beacons[i - 1].ts_ms <= e.ts_ms);
    const prevOf = sorted ? windowedPrev(windowMs, beacons, shapes, a.shapes.length) : latestPrev();
    for (let i = 0; i < beacons.length; i++) {
      const e = beacons[i];
      const prev = prevOf(e, i);
      const retry = e.params.pccr === 'true' || e.params.pccr === true;
      // Elements of one batched request (a downloaded batch) are not the beacon sent twice.
      const sameRequest = prev !== undefined && prev.provenance.entry_index === e.provenance.entry_index;
      if (prev && !retry && !sameRequest && e.ts_ms - prev.ts_ms <= windowMs)
        hits.push({
          code: 'EVENT_DUPLICATE',
          event: e,
          since: prev,
          message: `the same ${e.family} ${e.sequence.event_type} beacon sent twice within ${e.ts_ms - prev.ts_ms} ms`,
          expected: 'sent once',
          observed: 'sent twice',
        });
      if (hits.length >= 10) break;
    }
    return { status: 'ran', hits };
  },
});

/** The earlier beacon `e` (the `i`-th of the session's beacons) repeats, if any. */
type PrevOf = (e: Envelope, i: number) => Envelope | undefined;

/** The latest earlier beacon with the same signature, whenever it was sent (any order). */
function latestPrev(): PrevOf {
  const last = new Map<string, Envelope>();
  return (e) => {
    const sig = signature(e);
    const prev = last.get(sig);
    last.set(sig, e);
    return prev;
  };
}

/**
 * For beacons in time order: the latest earlier beacon with the same signature if it is inside the
 * window, else undefined — the same answer as `latestPrev` wherever the check can fire, because an older
 * match is further away in time. Only the beacons inside the window are looked at, newest first: those
 * of the same endpoint (field by field, no signature or endpoint string built) are compared value by
 * value. A beacon with nothing inside the window (a heartbeat ping every 10 s) costs one comparison.
 * Two beacons of one shape (`shapes[i]`, the session's own beacons) hold the same names, so only their
 * counted values are compared, in an order that puts the name that last told two beacons apart first:
 * beacons of a session differ in a few names (event type, playhead, time), and nearly every comparison
 * is with a beacon that is not a duplicate.
 */
function windowedPrev(
  windowMs: number,
  beacons: Envelope[],
  shapes: (ParamShape | undefined)[],
  nShapes: number,
): PrevOf {
  const recent: number[] = [];
  const counts = new Map<Envelope, number>();
  // Per shape of the session: its counted names, in the order `sameValues` compares them.
  const orders: (string[] | undefined)[] = new Array(nShapes);
  const countedNames = (shape: ParamShape): string[] => (orders[shape.index] ??= shape.keys.filter(counted));
  const same = (i: number, j: number): boolean => {
    const a = shapes[i];
    const b = shapes[j];
    if (a === undefined || b === undefined) return sameParams(beacons[i], beacons[j], counts);
    if (a === b) return sameValues(beacons[i], beacons[j], countedNames(a));
    // Two shapes: as many counted names, or no duplicate (the same names in another order can be one).
    return countedNames(a).length === countedNames(b).length && sameParams(beacons[i], beacons[j], counts);
  };
  return (e, j) => {
    let prev: Envelope | undefined;
    for (let r = recent.length - 1; r >= 0 && e.ts_ms - beacons[recent[r]].ts_ms <= windowMs; r--) {
      const i = recent[r];
      if (sameEndpoint(beacons[i], e) && same(i, j)) {
        prev = beacons[i];
        break;
      }
    }
    recent.push(j);
    return prev;
  };
}

/**
 * `String(x) === String(y)` (the signature compares values as text) without making text of numbers:
 * two values of one type that are not `===` differ as text too, unless both are NaN.
 */
function sameValue(x: ParamValue | undefined, y: ParamValue | undefined): boolean {
  if (x === y) return true;
  if (typeof x !== typeof y) return String(x) === String(y);
  return typeof x === 'number' && Number.isNaN(x) && Number.isNaN(y);
}

/** Counted values equal, `order` holding the shape's counted names; the name that differs moves first. */
function sameValues(a: Envelope, b: Envelope, order: string[]): boolean {
  for (let n = 0; n < order.length; n++) {
    const k = order[n];
    if (!sameValue(a.params[k], b.params[k])) {
      if (n > 0) ((order[n] = order[0]), (order[0] = k));
      return false;
    }
  }
  return true;
}

/** `endpoint(a) === endpoint(b)` without building either string. */
function sameEndpoint(a: Envelope, b: Envelope): boolean {
  if (a.family !== b.family || a.network.method !== b.network.method || a.network.host !== b.network.host)
    return false;
  const p = a.network.path;
  const q = b.network.path;
  return p === q || (a.family === 'aa' && p.replace(AA_RANDOM, '') === q.replace(AA_RANDOM, ''));
}

const AA_RANDOM = /\/s\d+$/;
const COUNTED = new Map<string, boolean>();
const counted = (k: string) => {
  let c = COUNTED.get(k);
  if (c === undefined) {
    c = !CACHE_BUSTERS.has(k) && !k.endsWith('._id') && !k.endsWith('.requestId');
    if (COUNTED.size < 10_000) COUNTED.set(k, c);
  }
  return c;
};

/**
 * The signature's parameter part, compared in place: same names and values, cache-busters aside.
 * `counts` remembers each beacon's number of counted parameters (it is compared with several).
 */
function sameParams(a: Envelope, b: Envelope, counts: Map<Envelope, number>): boolean {
  let n = 0;
  for (const k in a.params) {
    if (!counted(k)) continue;
    n++;
    if (!(k in b.params)) return false;
    if (!sameValue(a.params[k], b.params[k])) return false;
  }
  let m = counts.get(b);
  if (m === undefined) {
    m = 0;
    for (const k in b.params) if (counted(k)) m++;
    counts.set(b, m);
  }
  return n === m;
}

/**
 * The beacons a session answers for, with the shape of each that is the session's own. A heartbeat
 * session owns the Analytics media hits of its playback (`pe=ms_s`/`msa_s`/`m_s` carrying its id in
 * `a.media.vsid`): a duplicated media start is that session's fault, not the page's. The page session
 * leaves those hits to it, so one fault is one finding.
 */
function ownBeacons(
  a: AnnotatedSession,
  v: CaptureView,
): { beacons: Envelope[]; shapes: (ParamShape | undefined)[] } {
  const session = a.session;
  const owned = (e: Envelope) =>
    e.family === 'aa' && e.session_id !== null && v.heartbeatSids.has(e.session_id);
  if (session.protocol === 'aa') {
    const beacons: Envelope[] = [];
    const shapes: ParamShape[] = [];
    session.events.forEach((e, i) => {
      if (!owned(e)) (beacons.push(e), shapes.push(a.shapeOf[i]));
    });
    return { beacons, shapes };
  }
  if (session.protocol !== 'heartbeat') return { beacons: session.events, shapes: a.shapeOf };
  const aa = v.capture.events.filter((e) => owned(e) && e.session_id === session.key);
  if (aa.length === 0) return { beacons: session.events, shapes: a.shapeOf };
  const both = [
    ...session.events.map((e, i) => ({ e, shape: a.shapeOf[i] as ParamShape | undefined })),
    ...aa.map((e) => ({ e, shape: undefined })),
  ].sort(
    (x, y) =>
      x.e.ts_ms - y.e.ts_ms ||
      x.e.provenance.entry_index - y.e.provenance.entry_index ||
      x.e.provenance.sub_index - y.e.provenance.sub_index,
  );
  return { beacons: both.map((x) => x.e), shapes: both.map((x) => x.shape) };
}
