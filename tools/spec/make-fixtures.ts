/**
 * Regenerate every spec's pass/fail fixtures under tests/<SPEC_ID>/{pass,fail}/ (deterministic):
 *   npx tsx tools/spec/make-fixtures.ts [SPEC_ID…]
 * Fixtures come from the simulator (a scenario inside the spec's scope, with and without the spec's
 * fault), kept only when the real validator agrees: a pass fixture yields none of the spec's codes, a
 * fail fixture at least one finding from the spec itself. Scopes the simulator cannot reach get
 * hand-built captures (tools/validate/testing.ts builders).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { GoblinConfig } from '../config/index.js';
import { LIBRARY_INFO, Rng, buildCapture, faultApplies, type Scenario } from '../simulate/index.js';
import type { HarObject, Library } from '../simulate/types.js';
import { classify } from '../decode/classify.js';
import { aaMediaStart, harDoc, hb, hbStart, pageView, type RawEntry } from '../validate/example-har.js';

import { librarySemver } from '../validate/scope.js';
import { buildPack } from '../validate/pack.js';
import { validateFiles } from '../validate/files.js';
import { loadSpecs } from './load.js';
import type { LoadedSpec } from './schema.js';

const root = resolve(import.meta.dirname, '../..');
const cfg = GoblinConfig.parse({});

/** Drop one query parameter from a captured request (names here hold only letters, ':' and '.'). */
function withoutParam(e: RawEntry, name: string): RawEntry {
  const re = new RegExp(`&${name.split('.').join('\\.')}=[^&]*`);
  return { ...e, request: { ...e.request, url: e.request.url.replace(re, '') } };
}

const closeHb = (at: number, ph: number): RawEntry[] => [hb(at, 'complete', ph), hb(at + 100, 'end', ph)];
const HANDMADE: Record<string, { fail?: () => RawEntry[] }> = {
  // Web AppMeasurement page view sent before the ECID service answered: no mid.
  AA_WEB_ECID: {
    fail: () => [
      pageView(0).request.url.includes('mid=') ? withoutParam(pageView(0), 'mid') : pageView(0),
      pageView(9000),
    ],
  },
  // Legacy heartbeat play heartbeats without s:user:mid (identity not wired into the tracker).
  HB_ECID_ON_PLAY: {
    fail: () => [
      aaMediaStart(0),
      hb(100, 'start', 0, { mid: null }),
      hb(200, 'aa_start', 0, { mid: null }),
      hb(400, 'play', 0, { mid: null }),
      hb(10400, 'play', 10, { mid: null }),
      ...closeHb(11000, 10).map((e) => withoutParam(e, 's:user:mid')),
    ],
  },
  // A non-numeric long value (a player that writes "unknown" into l:stream:bitrate).
  HB_PARAM_TYPES: {
    fail: () => [
      ...hbStart(0),
      hb(10400, 'play', 10, { extra: '&l:stream:bitrate=unknown' }),
      ...closeHb(11000, 10),
    ],
  },
  // Main start without the content id.
  HB_REQUIRED_PARAMS: {
    fail: () => [
      aaMediaStart(0),
      withoutParam(hb(100, 'start', 0), 's:asset:video_id'),
      hb(200, 'aa_start', 0),
      hb(400, 'play', 0),
      hb(10400, 'play', 10),
      ...closeHb(11000, 10),
    ],
  },
  // The simulator never sends an early legacy first ping (the legacy timer is tick-aligned); build one.
  HB_CADENCE_FIRST_PING: {
    fail: () => [
      ...hbStart(0),
      hb(550, 'play', 0),
      hb(10550, 'play', 10),
      hb(20550, 'play', 20),
      hb(21000, 'complete', 20),
      hb(21100, 'end', 20),
    ],
  },
};

/**
 * Keep what the rules read: Adobe entries, plus the capture's first and last entries (the capture span
 * decides SESSION_NOT_CLOSED). Timings, cookies and response bodies of other traffic go.
 */
function minimize(har: HarObject): HarObject {
  const entries = har.log.entries;
  const times = entries.map((e) => Date.parse(e.startedDateTime));
  const first = times.indexOf(Math.min(...times));
  const last = times.lastIndexOf(Math.max(...times));
  const cnames = { aa: [], heartbeat: [], 'media-collection': [], edge: [] };
  const kept = entries.filter((e, i) => {
    if (i === first || i === last) return true;
    try {
      const u = new URL(e.request.url);
      return classify(u.host, u.pathname, cnames) !== null;
    } catch {
      return false;
    }
  });
  const slim = kept.map((e) => {
    const { timings: _t, cookies: _c, ...rest } = e as unknown as Record<string, unknown>;
    const keep = (hs: unknown, names: string[]) =>
      ((hs as { name: string; value: string }[]) ?? []).filter((h) => names.includes(h.name.toLowerCase()));
    const r0 = rest.request as Record<string, unknown>;
    const s0 = rest.response as Record<string, unknown>;
    const req = {
      ...r0,
      cookies: [],
      queryString: [],
      headers: keep(r0.headers, ['user-agent', 'content-type']),
    };
    const res = { ...s0, cookies: [], headers: keep(s0.headers, ['location', 'content-type']) };
    const own = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('_')));
    return { ...own, request: req, response: res };
  });
  return { log: { ...har.log, entries: slim as unknown as HarObject['log']['entries'] } };
}

function inScope(spec: LoadedSpec['spec'], lib: (typeof LIBRARY_INFO)[Library]): boolean {
  const sc = spec.scope;
  const pageProto =
    lib.pageStyle === 'alloy' || lib.pageStyle === 'aep-edge' || lib.pageStyle === 'roku-aep' ? 'edge' : 'aa';
  const protos = [lib.protocol === 'none' ? null : lib.protocol, pageProto].filter(Boolean) as string[];
  if (sc.protocol && !sc.protocol.some((p) => protos.includes(p))) return false;
  if (sc.platform && !sc.platform.includes(lib.platform as never)) return false;
  if (sc.version) {
    const usesPage = sc.protocol?.every((p) => p === 'aa' || p === 'edge');
    const v = librarySemver(
      usesPage
        ? lib.aaToken
          ? lib.aaToken.replace(/^[A-Z]+-?/, '')
          : null
        : ((lib.mediaVersion as string) ?? null),
    );
    const aep =
      lib.aaToken && /^(AND|IOS|TOS)/.test(lib.aaToken)
        ? `${Number(lib.aaToken.slice(4, 6))}.${Number(lib.aaToken.slice(6, 8))}.${Number(lib.aaToken.slice(8, 10))}`
        : null;
    const ver = aep ?? v;
    if (!ver || !semver.satisfies(ver, sc.version)) return false;
  }
  return true;
}

function scenarioFor(lib: (typeof LIBRARY_INFO)[Library], fault?: Scenario['fault']): Scenario {
  return {
    platform: lib.platform as Scenario['platform'],
    protocol: lib.protocol as Scenario['protocol'],
    library: lib.id,
    content: 'vod',
    withAds: true,
    withChapters: true,
    fault,
    exporter: 'chrome',
    compact: true,
    bodies: 'none',
    encoding: 'utf8',
  };
}

export function makeFixtures(only: string[] = []): string[] {
  const { specs } = loadSpecs(join(root, 'specs'), root);
  const pack = buildPack(specs, []);
  const log: string[] = [];
  for (const ls of specs) {
    const s = ls.spec;
    if (only.length && !only.includes(s.id)) continue;
    const libs = (Object.values(LIBRARY_INFO) as (typeof LIBRARY_INFO)[Library][]).filter((l) =>
      inScope(s, l),
    );
    for (const kind of ['pass', 'fail'] as const) {
      const target = s.tests[kind][0];
      if (!target) continue;
      const abs = join(root, target);
      rmSync(dirname(abs), { recursive: true, force: true });
      mkdirSync(dirname(abs), { recursive: true });
      const check = () => {
        const r = validateFiles([target], pack, cfg, root);
        return kind === 'pass'
          ? !r.findings.some((f) => (s.fail_codes as string[]).includes(f.code))
          : r.findings.some((f) => f.spec === s.id && (s.fail_codes as string[]).includes(f.code));
      };
      let ok = false;
      const hand = kind === 'fail' ? HANDMADE[s.id]?.fail : undefined;
      if (hand) {
        writeFileSync(abs, harDoc(hand()));
        ok = check();
      }
      const code = s.fail_codes[0];
      for (const lib of libs) {
        if (ok) break;
        if (
          kind === 'fail' &&
          !faultApplies(code, { protocol: lib.protocol as Scenario['protocol'], library: lib.id })
        )
          continue;
        for (let seed = 1; seed <= 25 && !ok; seed++) {
          let cap;
          try {
            cap = buildCapture(
              scenarioFor(lib, kind === 'fail' ? code : undefined),
              new Rng(seed * 7919 + s.id.length),
              { harPath: target },
            );
          } catch {
            break; // this library cannot carry the fault
          }
          if (kind === 'fail' && !cap.truth.some((t) => t.type === 'fault')) continue;
          writeFileSync(abs, JSON.stringify(minimize(cap.har)));
          ok = check();
          if (ok) log.push(`${s.id} ${kind}: ${lib.id} seed ${seed}`);
        }
      }
      if (!ok) {
        rmSync(abs, { force: true });
        log.push(`${s.id} ${kind}: NO FIXTURE (no simulated scenario in scope satisfies it)`);
      } else if (hand) log.push(`${s.id} ${kind}: hand-built`);
    }
  }
  return log;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  for (const l of makeFixtures(process.argv.slice(2))) console.log(l);
}
