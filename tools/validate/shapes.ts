import type { Envelope } from '../envelope/index.js';

/**
 * The parameter names of a group of a session's events: the same names in the same order, and the same
 * beacon family. A session repeats a few shapes (a start, its pings, a pause…): the checks that judge
 * names (`params.name_invalid`, `params.type_mismatch`) or compare every value (`transport.event_duplicate`)
 * work out once per shape what they would otherwise look up per parameter of every event (~14 per event
 * on the bench, each a map lookup in each of those checks).
 */
export interface ParamShape {
  /** Dense per session, for per-shape arrays in the checks. */
  index: number;
  family: Envelope['family'];
  /** Names in `for…in` order, which is the order every per-parameter loop saw them in before. */
  keys: readonly string[];
}

/** How many earlier shapes an event is compared with before it starts a shape of its own. */
const CANDIDATES = 6;

/** Whether `p` holds exactly `keys`, in that order (no array built: a `for…in` compared name by name). */
function sameKeys(p: Envelope['params'], keys: readonly string[]): boolean {
  let i = 0;
  for (const k in p) if (keys[i++] !== k) return false;
  return i === keys.length;
}

/**
 * Each event's shape, by index. An event is compared with the previous event's shape and then with the
 * latest few others; one that matches none starts a new shape. Two shapes may hold the same names (a
 * session with more distinct shapes than candidates): checks must only rely on one shape's names being
 * each of its events' names, never on shapes being distinct.
 */
export function paramShapes(events: readonly Envelope[]): { shapes: ParamShape[]; shapeOf: ParamShape[] } {
  const shapes: ParamShape[] = [];
  const shapeOf: ParamShape[] = new Array(events.length);
  let last: ParamShape | null = null;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    let s: ParamShape | null = null;
    if (last && last.family === e.family && sameKeys(e.params, last.keys)) s = last;
    else
      for (let j = shapes.length - 1; j >= 0 && j >= shapes.length - CANDIDATES; j--) {
        const c = shapes[j];
        if (c !== last && c.family === e.family && sameKeys(e.params, c.keys)) {
          s = c;
          break;
        }
      }
    if (!s) shapes.push((s = { index: shapes.length, family: e.family, keys: Object.keys(e.params) }));
    shapeOf[i] = last = s;
  }
  return { shapes, shapeOf };
}
