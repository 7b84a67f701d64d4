/**
 * Debian's chromium for the browser tests (never a downloaded browser). Outside CI a machine without it
 * skips those tests; with `CI` set they run and fail, because a skipped browser test would let CI pass
 * without ever checking a page (.ci/run and the workflows install chromium with apt).
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.GOBLIN_CHROMIUM ?? '/usr/bin/chromium';

const inCi = (env: NodeJS.ProcessEnv) => !!env.CI && !['0', 'false'].includes(env.CI.toLowerCase());

/** Skip browser tests? Only when chromium is missing and this is not CI. */
export function skipWithoutChromium(path = CHROMIUM_PATH, env = process.env): boolean {
  return !existsSync(path) && !inCi(env);
}

/** Call first in a browser test: a missing chromium fails it with the fix, not with a launch stack. */
export function assertChromium(path = CHROMIUM_PATH): void {
  if (!existsSync(path))
    throw new Error(
      `chromium not found at ${path}; browser tests fail instead of skipping when CI is set. ` +
        'Install it (apt-get install -y chromium) or point GOBLIN_CHROMIUM at it.',
    );
}
