/**
 * Write every spec's pass/fail fixtures under tests/<SPEC_ID>/{pass,fail}/ (deterministic):
 *   npm run spec:fixtures -- [SPEC_ID…]
 *
 * A fixture's expected outcome comes from its annotation, never from the validator: the simulator marks
 * the entry where it put the violation (`ruleid: CODE — why` in the entry's HAR `comment`), the log
 * `comment` says what the capture is, and `spec:test` then checks that exact entry. The validator is not
 * run here: a fixture it disagrees with is a finding for `spec:test` to report, not a seed to skip.
 *
 * Fail fixture: the first library in the spec's scope (catalog order) whose session the spec decides by
 * precedence and which can carry the fault, one fixed seed. Pass fixture: its twin — the same library,
 * seed and session shape without the fault. Scopes the simulator cannot reach are hand-built from
 * annotated example events (HANDMADE). Fixtures keep only what the rules read (Adobe session traffic and
 * the capture's first and last entries), one entry per line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { GoblinConfig } from '../config/index.js';
import { classify } from '../decode/classify.js';
import { needsResponseBody } from '../decode/index.js';
import { processFile } from '../ingest/process-file.js';
import type { Session } from '../session/index.js';
import { buildCapture, faultApplies, faultFor, LIBRARY_INFO, Rng, type Scenario } from '../simulate/index.js';
import type { HarObject, Library } from '../simulate/types.js';
import { checkFor } from '../validate/checks/index.js';
import { exampleEntries } from '../validate/example-har.js';
import { fileContext } from '../validate/files.js';
import { decide, buildPack, type RulePack } from '../validate/pack.js';
import type { Example } from '../validate/types.js';
import { loadSpecs } from './load.js';
import type { LoadedSpec } from './schema.js';
import { makeDirs } from '../util/files.js';

const root = resolve(import.meta.dirname, '../..');
const cfg = GoblinConfig.parse({});
const SEED = 7919;

/** Hand-built fail fixtures for scopes the simulator does not reach, written as annotated example events. */
const HANDMADE: Record<string, Omit<Example, 'title'> & { what: string }> = {
  // The simulator's ECID-less Analytics hits come from the appmeasurement page style only with no media.
  IDENTITY_MISSING_ECID_AA_WEB: {
    what: 'web AppMeasurement 2.x page views sent before the ECID service answered: no mid',
    protocol: 'aa',
    events: [
      {
        at: 0,
        type: 'page',
        params: { mid: null },
        fires: 'IDENTITY_MISSING_ECID',
        note: 'no mid on the first hit',
      },
      { at: 9000, type: 'page', params: { mid: null } },
    ],
  },
  // The simulator always sends s:user:mid on play heartbeats.
  IDENTITY_MISSING_ECID_HB: {
    what: 'legacy heartbeat play heartbeats without s:user:mid (identity not wired into the tracker)',
    protocol: 'heartbeat',
    events: [
      { at: 0, on: 'aa', type: 'ms_s' },
      { at: 100, type: 'start', ph: 0, params: { 's:user:mid': null } },
      { at: 200, type: 'aa_start', ph: 0, params: { 's:user:mid': null } },
      {
        at: 400,
        type: 'play',
        ph: 0,
        params: { 's:user:mid': null },
        fires: 'IDENTITY_MISSING_ECID',
        note: 'the first main play without s:user:mid',
      },
      { at: 10400, type: 'play', ph: 10, params: { 's:user:mid': null } },
      { at: 11000, type: 'complete', ph: 10, params: { 's:user:mid': null } },
      { at: 11100, type: 'end', ph: 10, params: { 's:user:mid': null } },
    ],
  },
  // The simulator's heartbeat values are always well typed.
  PARAM_TYPE_MISMATCH_HB: {
    what: 'a player writes "unknown" into the heartbeat long value l:stream:bitrate',
    protocol: 'heartbeat',
    events: [
      { at: 0, on: 'aa', type: 'ms_s' },
      { at: 100, type: 'start', ph: 0 },
      { at: 200, type: 'aa_start', ph: 0 },
      { at: 400, type: 'play', ph: 0 },
      {
        at: 10400,
        type: 'play',
        ph: 10,
        params: { 'l:stream:bitrate': 'unknown' },
        fires: 'PARAM_TYPE_MISMATCH',
        note: 'l:stream:bitrate=unknown is not numeric',
      },
      { at: 11000, type: 'complete', ph: 10 },
      { at: 11100, type: 'end', ph: 10 },
    ],
  },
  // The simulator's heartbeat starts always carry the content id.
  PARAM_MISSING_REQUIRED_HB: {
    what: 'a legacy heartbeat main start without the content id s:asset:video_id',
    protocol: 'heartbeat',
    events: [
      { at: 0, on: 'aa', type: 'ms_s' },
      {
        at: 100,
        type: 'start',
        ph: 0,
        params: { 's:asset:video_id': null },
        fires: 'PARAM_MISSING_REQUIRED',
        note: 'main start without s:asset:video_id',
      },
      { at: 200, type: 'aa_start', ph: 0 },
      { at: 400, type: 'play', ph: 0 },
      { at: 10400, type: 'play', ph: 10 },
      { at: 11000, type: 'complete', ph: 10 },
      { at: 11100, type: 'end', ph: 10 },
    ],
  },
  // The legacy timer is tick-aligned: the simulator never sends an early legacy first ping.
  CADENCE_EARLY_FIRST_PING_HB: {
    what: 'a legacy heartbeat double ping: a play heartbeat 150 ms after play, inside the 250 ms quantum',
    protocol: 'heartbeat',
    events: [
      { at: 0, on: 'aa', type: 'ms_s' },
      { at: 100, type: 'start', ph: 0 },
      { at: 200, type: 'aa_start', ph: 0 },
      { at: 400, type: 'play', ph: 0 },
      {
        at: 550,
        type: 'play',
        ph: 0,
        fires: 'CADENCE_EARLY_FIRST_PING',
        note: '150 ms after play; the scope allows 250 ms',
      },
      { at: 10550, type: 'play', ph: 10 },
      { at: 20550, type: 'play', ph: 20 },
      { at: 21000, type: 'complete', ph: 20 },
      { at: 21100, type: 'end', ph: 20 },
    ],
  },
};

/** Keep a simulated capture's session traffic (families that form sessions) and its first and last entry. */
const SESSION_FAMILIES = new Set(['aa', 'heartbeat', 'media-collection', 'media-edge', 'edge']);
function minimize(har: HarObject, comment: string): HarObject {
  const entries = har.log.entries;
  const times = entries.map((e) => Date.parse(e.startedDateTime));
  const first = times.indexOf(Math.min(...times));
  const last = times.lastIndexOf(Math.max(...times));
  const cnames = { aa: [], heartbeat: [], 'media-collection': [], edge: [] };
  const kept = entries.filter((e, i) => {
    if (i === first || i === last || e.comment) return true;
    try {
      const u = new URL(e.request.url);
      return SESSION_FAMILIES.has(classify(u.host, u.pathname, cnames) ?? '');
    } catch {
      return false;
    }
  });
  const slim = kept.map((e) => {
    const keep = (hs: { name: string; value: string }[] | undefined, names: string[]) =>
      (hs ?? [])
        .filter((h) => names.includes(h.name.toLowerCase()))
        .map((h) => ({ name: h.name, value: h.value }));
    const req = e.request;
    const res = e.response;
    const body = needsResponseBody(req.method, req.url, res.status);
    return {
      startedDateTime: e.startedDateTime,
      time: e.time,
      request: {
        method: req.method,
        url: req.url,
        httpVersion: req.httpVersion,
        headers: keep(req.headers, ['user-agent', 'content-type']),
        queryString: [],
        ...(req.postData ? { postData: { mimeType: req.postData.mimeType, text: req.postData.text } } : {}),
      },
      response: {
        status: res.status,
        headers: keep(res.headers, ['location', 'content-type']),
        content: {
          size: res.content.size,
          mimeType: res.content.mimeType,
          ...(body && res.content.text !== undefined ? { text: res.content.text } : {}),
        },
      },
      ...(e.comment ? { comment: e.comment } : {}),
    };
  });
  return {
    log: {
      version: '1.2',
      creator: har.log.creator,
      comment,
      entries: slim as unknown as HarObject['log']['entries'],
    },
  } as HarObject;
}

/** One entry per line: small diffs, and an entry's `comment` reads next to its URL. */
export function fixtureText(har: HarObject): string {
  const { entries, ...log } = har.log;
  const head = JSON.stringify({ log: { ...log, entries: [] } });
  const body = entries.map((e) => JSON.stringify(e)).join(',\n');
  return `${head.slice(0, -3)}\n${body}\n]}}\n`;
}

function scenarioFor(
  lib: (typeof LIBRARY_INFO)[Library],
  fault?: Scenario['fault'],
  shape?: Scenario['shape'],
): Scenario {
  return {
    platform: lib.platform as Scenario['platform'],
    protocol: lib.protocol as Scenario['protocol'],
    library: lib.id,
    content: 'vod',
    withAds: false,
    withChapters: false,
    fault,
    shape,
    exporter: 'chrome',
    compact: true,
    bodies: 'none',
    encoding: 'utf8',
  };
}

/** The capture's sessions as the pipeline fingerprints them (no validation). */
function sessionsOf(har: HarObject, dir: string): Session[] {
  const f = join(dir, 'probe.har');
  writeFileSync(f, JSON.stringify(har));
  return processFile({ abs: f, rel: 'probe.har', size: 0, mtimeMs: 0 }, fileContext(cfg)).flatMap(
    (p) => p.capture?.sessions ?? [],
  );
}

/** Whether the spec decides its check for the session (scope and precedence: no check runs). */
function decides(pack: RulePack, spec: LoadedSpec['spec'], s: Session): boolean {
  const check = checkFor(spec.assert[0].check)?.id;
  return decide(pack, s).some((d) => d.checkId === check && d.winner?.spec.spec.id === spec.id);
}

function writeFixture(rel: string, text: string): void {
  const abs = join(root, rel);
  makeDirs(dirname(abs));
  writeFileSync(abs, text);
}

/**
 * A check the simulator cannot produce: its spec's fixtures are its own doc examples — the first that
 * fires (fail, annotated from its `fires` rows) and the first that passes — written by a person, not
 * confirmed by the validator.
 */
function fromExamples(
  s: LoadedSpec['spec'],
  examples: Example[],
  failRel: string,
  passRel: string,
): string[] {
  const fail = examples.find((e) => e.events.some((x) => x.fires));
  const pass = examples.find((e) => !e.abstains && !e.events.some((x) => x.fires));
  const log: string[] = [];
  if (fail) {
    writeFixture(failRel, handmade(s, { ...fail, what: fail.title }, 'doc example'));
    log.push(`${s.id} fail: doc example "${fail.title}"`);
  } else log.push(`${s.id} fail: NO FIXTURE (no simulator fault and no doc example that fires)`);
  if (pass) {
    writeFixture(passRel, handmade(s, { ...pass, what: pass.title }, 'doc example', 'pass'));
    log.push(`${s.id} pass: doc example "${pass.title}"`);
  } else log.push(`${s.id} pass: NO FIXTURE (no simulator fault and no passing doc example)`);
  return log;
}

function handmade(
  s: LoadedSpec['spec'],
  h: (typeof HANDMADE)[string],
  how = 'hand-built',
  kind: 'pass' | 'fail' = 'fail',
): string {
  const ex: Example = { title: h.what, ...h };
  const entries = exampleEntries(ex);
  ex.events.forEach((ev, i) => {
    if (ev.fires) entries[i].comment = `ruleid: ${ev.fires} — ${ev.note ?? h.what}`;
    // In a passing example a noted entry is a trap the rule must not fall for.
    else if (kind === 'pass' && ev.note) entries[i].comment = `ok: ${s.fail_codes[0]} — ${ev.note}`;
  });
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'goblin-handmade', version: '1.0' },
      comment: `${s.id} ${kind} fixture (${how}): ${h.what}.`,
      entries,
    },
  } as unknown as HarObject;
  return fixtureText(har);
}

export function makeFixtures(only: string[] = []): string[] {
  const { specs } = loadSpecs(join(root, 'specs'), root);
  const pack = buildPack(specs, []);
  const tmp = mkdtempSync(join(tmpdir(), 'goblin-fixtures-'));
  const log: string[] = [];
  for (const ls of specs) {
    const s = ls.spec;
    if (only.length && !only.includes(s.id)) continue;
    const [passRel] = s.tests.pass;
    const [failRel] = s.tests.fail;
    if (!passRel || !failRel) {
      log.push(`${s.id}: needs one pass and one fail path under tests: in the spec`);
      continue;
    }
    rmSync(join(root, 'tests', s.id), { recursive: true, force: true });
    const code = s.fail_codes[0];
    const check = checkFor(s.assert[0].check);
    if (!check?.fault) {
      log.push(...fromExamples(s, check?.doc.examples ?? [], failRel, passRel));
      continue;
    }
    const hand = HANDMADE[s.id];
    const shape = faultFor(code).needs ?? {};
    let twinOf: (typeof LIBRARY_INFO)[Library] | null = null;
    if (hand) {
      writeFixture(failRel, handmade(s, hand));
      log.push(`${s.id} fail: hand-built`);
    } else
      for (const lib of Object.values(LIBRARY_INFO)) {
        if (!faultApplies(code, { protocol: lib.protocol as Scenario['protocol'], library: lib.id }))
          continue;
        let cap;
        try {
          cap = buildCapture(scenarioFor(lib, code), new Rng(SEED), { harPath: failRel });
        } catch {
          continue; // this library cannot carry the fault
        }
        const fault = cap.truth.find((t) => t.type === 'fault');
        const target = sessionsOf(cap.har, tmp).find((x) =>
          fault?.session ? x.key === fault.session : x.kind !== 'media',
        );
        if (!fault || !target || !decides(pack, s, target)) continue;
        const marked = cap.requests.flatMap((r, i) => (r.mark ? [i] : []));
        for (const i of marked)
          cap.har.log.entries[i].comment = `ruleid: ${cap.requests[i].mark} — ${fault.note}`;
        writeFixture(
          failRel,
          fixtureText(minimize(cap.har, `${s.id} fail fixture: simulated ${lib.id} capture; ${fault.note}.`)),
        );
        log.push(
          `${s.id} fail: ${lib.id}, ${marked.length} annotated entr${marked.length === 1 ? 'y' : 'ies'}`,
        );
        twinOf = lib;
        break;
      }
    if (!hand && !twinOf) log.push(`${s.id} fail: NO SIMULATED CAPTURE in scope that this spec decides`);
    // The pass fixture: the fail fixture's twin (same library, seed and session shape, no fault), or for a
    // hand-built fail fixture the first clean simulated capture in scope that the spec decides.
    for (const lib of twinOf ? [twinOf] : Object.values(LIBRARY_INFO)) {
      const twin = buildCapture(scenarioFor(lib, undefined, shape), new Rng(SEED), { harPath: passRel });
      const decided = sessionsOf(twin.har, tmp).some((x) => decides(pack, s, x));
      if (!decided) continue;
      const what = twinOf
        ? `the fail fixture's twin (simulated ${lib.id}, same seed and session shape) without the fault`
        : `a clean simulated ${lib.id} capture in scope`;
      writeFixture(
        passRel,
        fixtureText(
          minimize(twin.har, `${s.id} pass fixture: ${what}; the spec must judge it and find nothing.`),
        ),
      );
      log.push(`${s.id} pass: ${lib.id}`);
      twinOf = lib;
      break;
    }
    if (!twinOf) log.push(`${s.id} pass: NO SIMULATED CAPTURE in scope that this spec decides`);
  }
  rmSync(tmp, { recursive: true, force: true });
  return log;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  for (const l of makeFixtures(process.argv.slice(2))) console.log(l);
}
