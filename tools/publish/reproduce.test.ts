/**
 * The "Reproduce" command the site shows on session and inbox pages, run as a user would: in the
 * folder the run was made from, `npx goblin` resolving to this repository's CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { harDoc, hb, hbStart, pageView } from '../validate/testing/index.js';
import { assembleSiteData } from './site-data.js';

const REPO = resolve(import.meta.dirname, '../..');

/** A scratch project where `npx goblin` is this repository's CLI (as after `npm install weird-goblin`). */
function project(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-repro-'));
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(REPO, 'bin', 'goblin.js'), join(dir, 'node_modules', '.bin', 'goblin'));
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return dir;
}

const sh = (cwd: string, command: string) =>
  spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', timeout: 110_000 });

/** A heartbeat session whose playhead never moves (one PLAYHEAD_STALLED finding) and its page view. */
const stalled = (sid: string) =>
  harDoc([
    pageView(-1000),
    ...hbStart(0).map((e) => ({
      ...e,
      request: { ...e.request, url: e.request.url.replace(/sid=\d+/, `sid=${sid}`) },
    })),
    ...[10_400, 20_400, 30_400, 40_400].map((t) => hb(t, 'play', 0, { sid })),
    hb(41_000, 'complete', 0, { sid }),
    hb(41_100, 'end', 0, { sid }),
  ]);

function siteSession(dir: string, har: string) {
  const data = assembleSiteData({ root: REPO, runDir: join(dir, 'out', 'run'), cwd: dir, git: false });
  const s = data.sessions.find((x) => x.har === har && x.kind === 'media');
  expect(s, `session of ${har}`).toBeDefined();
  return s!;
}

describe('the Reproduce command on the site', () => {
  it('works for a member of a zip bundle (it said "input not found")', () => {
    const zip = zipSync({
      'cap-00088.har': new TextEncoder().encode(stalled('111')),
      'cap-00089.har': new TextEncoder().encode(stalled('222')),
    });
    const dir = project({ 'hars/bundles/bundle-03.zip': zip, 'hars/web/other.har': stalled('333') });
    expect(sh(dir, 'npx goblin run hars --quiet').status).toBe(0);
    const s = siteSession(dir, 'bundles/bundle-03.zip!/cap-00089.har');
    expect(s.command).toBe(
      `npx goblin run 'hars/bundles/bundle-03.zip!/cap-00089.har' --out out/repro && grep -F '"session":"222"' out/repro/sessions.jsonl out/repro/violations.jsonl`,
    );
    const r = sh(dir, s.command);
    expect(r.stderr).toContain('goblin run: exit 0');
    expect(r.status).toBe(0);
    // goblin's report comes first; grep's lines (file:row) close the output.
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('out/repro/'));
    expect(lines[0]).toMatch(
      /^out\/repro\/sessions\.jsonl:\{"har":"bundle-03\.zip!\/cap-00089\.har","session":"222",.*"verdict":"VIOLATION"/,
    );
    expect(lines.some((l) => /^out\/repro\/violations\.jsonl:.*"code":"PLAYHEAD_STALLED"/.test(l))).toBe(
      true,
    );
  });

  it('works for a single-file run (it doubled the path)', () => {
    const dir = project({ 'captures/roku/mc-roku.har': stalled('444') });
    expect(sh(dir, 'npx goblin run captures/roku/mc-roku.har --quiet').status).toBe(0);
    const s = siteSession(dir, 'mc-roku.har');
    expect(s.command.startsWith('npx goblin run captures/roku/mc-roku.har --out out/repro && ')).toBe(true);
    const r = sh(dir, s.command);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^out\/repro\/sessions\.jsonl:\{"har":"mc-roku\.har","session":"444"/m);
  });
});
