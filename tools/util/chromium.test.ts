import { describe, expect, it } from 'vitest';
import { assertChromium, skipWithoutChromium } from './chromium.js';

const MISSING = '/nonexistent/chromium';

describe('browser tests and a missing chromium', () => {
  it('are skipped on a developer machine without chromium', () => {
    expect(skipWithoutChromium(MISSING, {})).toBe(true);
    expect(skipWithoutChromium(MISSING, { CI: 'false' })).toBe(true);
  });

  it('run — and fail with the fix — when CI is set (CI=true on GitHub and Forgejo, CI=1 elsewhere)', () => {
    expect(skipWithoutChromium(MISSING, { CI: 'true' })).toBe(false);
    expect(skipWithoutChromium(MISSING, { CI: '1' })).toBe(false);
    expect(() => assertChromium(MISSING)).toThrow(
      /chromium not found at \/nonexistent\/chromium.*apt-get install -y chromium/,
    );
  });
});
