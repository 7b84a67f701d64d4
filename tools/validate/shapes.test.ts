import { describe, expect, it } from 'vitest';
import type { Envelope } from '../envelope/index.js';
import { paramShapes } from './shapes.js';

/** Only `family` and `params` matter to shapes. */
const ev = (params: Envelope['params'], family: Envelope['family'] = 'media-collection') =>
  ({ family, params }) as Envelope;

describe('paramShapes', () => {
  it('events with the same names in the same order share one shape; names in another order do not', () => {
    const events = [
      ev({ eventType: 'play', 'playerTime.playhead': 0, 'playerTime.ts': 1 }),
      ev({ eventType: 'ping', 'playerTime.playhead': 10, 'playerTime.ts': 2 }),
      ev({ 'playerTime.playhead': 20, eventType: 'ping', 'playerTime.ts': 3 }),
      ev({ eventType: 'ping', 'playerTime.playhead': 30, 'playerTime.ts': 4 }),
    ];
    const { shapes, shapeOf } = paramShapes(events);
    expect(shapes.map((s) => s.keys)).toEqual([
      ['eventType', 'playerTime.playhead', 'playerTime.ts'],
      ['playerTime.playhead', 'eventType', 'playerTime.ts'],
    ]);
    expect(shapeOf.map((s) => s.index)).toEqual([0, 0, 1, 0]);
  });

  it('a name more or fewer, or the same names in another beacon family, is another shape', () => {
    const events = [
      ev({ a: 1, b: 2 }),
      ev({ a: 1, b: 2, c: 3 }),
      ev({ a: 1 }),
      ev({ a: 1, b: 2 }, 'media-edge'),
      ev({ a: 1, b: 2 }),
    ];
    const { shapeOf } = paramShapes(events);
    expect(shapeOf.map((s) => s.index)).toEqual([0, 1, 2, 3, 0]);
    expect(shapeOf[3].family).toBe('media-edge');
  });

  it('names that look like integers keep the order a for…in loop sees them in', () => {
    const { shapes } = paramShapes([ev({ b: 1, 10: 'x', a: 2, 2: 'y' })]);
    expect(shapes[0].keys).toEqual(['2', '10', 'b', 'a']);
  });

  it('a session with more distinct shapes than are compared still gives every event its own names', () => {
    // 12 shapes taking turns: beyond the candidates compared, an event starts a new (duplicate) shape.
    const events = Array.from({ length: 60 }, (_, i) => {
      const p: Envelope['params'] = { eventType: 'ping' };
      for (let k = 0; k <= i % 12; k++) p[`customMetadata.k${k}`] = k;
      return ev(p);
    });
    const { shapes, shapeOf } = paramShapes(events);
    events.forEach((e, i) => expect(shapeOf[i].keys).toEqual(Object.keys(e.params)));
    expect(shapes.every((s, i) => s.index === i)).toBe(true);
  });

  it('an empty session has no shapes', () => {
    expect(paramShapes([])).toEqual({ shapes: [], shapeOf: [] });
  });
});
