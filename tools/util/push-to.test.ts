import { describe, expect, it } from 'vitest';
import { pushTo } from './push-to.js';

describe('pushTo', () => {
  it('groups values under their keys in the order they came, appending to one list per key (no copy per value)', () => {
    const groups = new Map<string, number[]>();
    const protocols = ['heartbeat', 'edge', 'heartbeat', 'aa', 'edge', 'heartbeat'];
    protocols.forEach((p, i) => pushTo(groups, p, i));
    expect([...groups.entries()]).toEqual([
      ['heartbeat', [0, 2, 5]],
      ['edge', [1, 4]],
      ['aa', [3]],
    ]);
    const list = groups.get('edge')!;
    pushTo(groups, 'edge', 6);
    expect(groups.get('edge')).toBe(list);
    expect(list).toEqual([1, 4, 6]);
  });
});
