import { describe, expect, it } from 'vitest';
import { StringPool } from './string-pool.js';

describe('StringPool', () => {
  it('hands back the text it was given first, equal to what it is asked', () => {
    const pool = new StringPool();
    const first = ['pageView', 'ping'].join('|');
    expect(pool.one(first)).toBe('pageView|ping');
    expect(pool.one(['pageView', 'ping'].join('|'))).toBe(first);
  });

  it('replaces texts in a list and in the named fields, and leaves every other value as it was', () => {
    const pool = new StringPool();
    const list: unknown[] = ['a', 1, null, 'b', { c: 'c' }];
    pool.inList(list);
    pool.inList('not a list');
    pool.inList(undefined);
    expect(list).toEqual(['a', 1, null, 'b', { c: 'c' }]);
    const row: Record<string, unknown> = { code: 'X', entry_index: 4, expected: null, message: 'm' };
    pool.inFields(row, ['code', 'entry_index', 'expected', 'missing']);
    // No key added, none reordered (violations.jsonl is JSON.stringify of the row).
    expect(JSON.stringify(row)).toBe('{"code":"X","entry_index":4,"expected":null,"message":"m"}');
  });
});
