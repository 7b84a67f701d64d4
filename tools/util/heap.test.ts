import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectGarbage } from './heap.js';

describe('collectGarbage', () => {
  const g = globalThis as { gc?: () => void };
  const had = g.gc;
  afterEach(() => {
    g.gc = had;
  });

  it('does nothing where the process was not started with --expose-gc', () => {
    g.gc = undefined;
    expect(() => collectGarbage()).not.toThrow();
  });

  it('leaves a small heap to V8, and collects a large one', () => {
    const gc = vi.fn();
    g.gc = gc;
    const small = process.memoryUsage().heapUsed;
    collectGarbage();
    // vitest's own heap in a test process is well under the 128 MB floor
    expect(small).toBeLessThan(128 * 2 ** 20);
    expect(gc).not.toHaveBeenCalled();
    // ~160 MB of live numbers on the heap (the learning step holds ~200 MB of rows at ~12,000 captures)
    const rows = new Array<number>(20_000_000).fill(0.5);
    collectGarbage();
    expect(gc).toHaveBeenCalledTimes(1);
    expect(rows).toHaveLength(20_000_000);
  });
});
