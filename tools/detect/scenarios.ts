import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FAIL_CODES, type FailCode } from '../codes/catalog.js';
import {
  BASE_EPOCH_MS,
  buildCapture,
  faultApplies,
  randomScenario,
  Rng,
  serializeHar,
  type HarObject,
  type Library,
  type Scenario,
  type TruthRecord,
} from '../simulate/index.js';
import { makeDirs } from '../util/files.js';

/**
 * Post-generation "drop mutators": rewrite simulated HARs to inject what no spec names yet (novel
 * faults) or what an SDK release changes (drift). They edit the wire (query strings, JSON bodies), so
 * everything downstream — decode, sessions, validator — sees them as it would a real capture.
 */

type Entry = HarObject['log']['entries'][number];

export interface MediaBeacon {
  entry: Entry;
  index: number;
  protocol: 'heartbeat' | 'media-collection' | 'media-edge';
  /** Normalized-ish wire type: heartbeat `s:event:type`, MC `eventType`, Edge path kind. */
  type: string;
  sid: string | null;
  body: Record<string, unknown> | null;
}

function parseBody(e: Entry): Record<string, unknown> | null {
  const t = e.request.postData?.text;
  if (!t) return null;
  try {
    const v = JSON.parse(t);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

function writeBody(e: Entry, body: Record<string, unknown>): void {
  if (!e.request.postData) return;
  const text = JSON.stringify(body);
  e.request.postData.text = text;
  e.request.bodySize = Buffer.byteLength(text);
}

function query(url: string): URLSearchParams {
  return new URL(url).searchParams;
}

function setQuery(e: Entry, edit: (q: URLSearchParams) => void): void {
  const u = new URL(e.request.url);
  edit(u.searchParams);
  // keep Adobe's literal colons in heartbeat keys
  e.request.url = `${u.origin}${u.pathname}?${u.searchParams.toString().replace(/%3A/gi, ':')}`;
  e.request.queryString = [...u.searchParams.entries()].map(([name, value]) => ({ name, value }));
}

const edgeEvent = (body: Record<string, unknown> | null) =>
  ((body?.events as Record<string, unknown>[] | undefined)?.[0]?.xdm ?? null) as Record<
    string,
    unknown
  > | null;

/** Media beacons of a HAR in entry order. */
export function mediaBeacons(har: HarObject): MediaBeacon[] {
  const out: MediaBeacon[] = [];
  har.log.entries.forEach((entry, index) => {
    const url = entry.request.url;
    if (/\.hb\.omtrdc\.net\//.test(url) && url.includes('s:event:type')) {
      const q = query(url);
      out.push({
        entry,
        index,
        protocol: 'heartbeat',
        type: q.get('s:event:type') ?? '',
        sid: q.get('s:event:sid'),
        body: null,
      });
      return;
    }
    const mc = /\/api\/v1\/sessions(?:\/([^/?]+)\/events)?/.exec(url);
    if (mc && entry.request.method === 'POST') {
      const body = parseBody(entry);
      if (body && typeof body.eventType === 'string')
        out.push({
          entry,
          index,
          protocol: 'media-collection',
          type: body.eventType,
          sid: mc[1] ?? null,
          body,
        });
      return;
    }
    const edge = /\/va\/v1\/([A-Za-z]+)/.exec(url);
    if (edge && entry.request.method === 'POST') {
      const body = parseBody(entry);
      const mcol = edgeEvent(body)?.mediaCollection as Record<string, unknown> | undefined;
      out.push({
        entry,
        index,
        protocol: 'media-edge',
        type: edge[1],
        sid: typeof mcol?.sessionID === 'string' ? mcol.sessionID : null,
        body,
      });
    }
  });
  return out;
}

const isPing = (b: MediaBeacon) => (b.protocol === 'heartbeat' ? b.type === 'play' : b.type === 'ping');

export interface NovelTruth {
  har: string;
  session: string;
  mutator: string;
}

export interface Mutator {
  name: string;
  /** What it does, for reports. */
  note: string;
  /** Mutates the HAR in place; returns the media session ids it changed (empty: not applicable). */
  apply(har: HarObject, rng: Rng): string[];
}

function shiftTime(e: Entry, ms: number): void {
  e.startedDateTime = new Date(Date.parse(e.startedDateTime) + ms).toISOString();
}

/** Novel fault: a burst of player `error` events right after one content ping (network errors, never retried). */
export const errorBurst: Mutator = {
  name: 'error-burst',
  note: 'a burst of 6 player error events (MEDIA_ERR_NETWORK) after one content ping of one session',
  apply(har, rng) {
    const pings = mediaBeacons(har).filter((b) => isPing(b) && b.sid);
    if (!pings.length) return [];
    const at = pings[Math.floor(rng.next() * pings.length)];
    const clones: Entry[] = [];
    for (let k = 1; k <= 6; k++) {
      const e = structuredClone(at.entry) as Entry;
      shiftTime(e, 150 * k);
      if (at.protocol === 'heartbeat') {
        setQuery(e, (q) => {
          q.set('s:event:type', 'error');
          q.set('s:event:source', 'player');
          q.set('s:event:id', 'MEDIA_ERR_NETWORK');
          const ts = Number(q.get('l:event:ts'));
          if (Number.isFinite(ts)) q.set('l:event:ts', String(ts + 150 * k));
        });
      } else if (at.protocol === 'media-collection') {
        const b = structuredClone(at.body!) as Record<string, unknown>;
        b.eventType = 'error';
        b.errorDetails = { name: 'MEDIA_ERR_NETWORK', source: 'player' };
        const pt = b.playerTime as { ts?: number } | undefined;
        if (pt && typeof pt.ts === 'number') pt.ts += 150 * k;
        writeBody(e, b);
      } else {
        e.request.url = e.request.url.replace(/\/va\/v1\/[A-Za-z]+/, '/va/v1/error');
        const b = structuredClone(at.body!) as Record<string, unknown>;
        const x = edgeEvent(b);
        if (x) {
          x.eventType = 'media.error';
          const mcol = (x.mediaCollection ?? {}) as Record<string, unknown>;
          mcol.errorDetails = { name: 'MEDIA_ERR_NETWORK', source: 'player' };
          x.mediaCollection = mcol;
          if (typeof x.timestamp === 'string')
            x.timestamp = new Date(Date.parse(x.timestamp) + 150 * k).toISOString();
        }
        writeBody(e, b);
      }
      clones.push(e);
    }
    har.log.entries.splice(at.index + 1, 0, ...clones);
    return [at.sid!];
  },
};

/** Novel fault (heartbeat only): every ping reports `l:event:duration=0` (a broken SDK timer). */
export const zeroDuration: Mutator = {
  name: 'zero-duration',
  note: 'heartbeat l:event:duration is 0 on every beacon',
  apply(har) {
    const sids = new Set<string>();
    for (const b of mediaBeacons(har)) {
      if (b.protocol !== 'heartbeat') continue;
      setQuery(b.entry, (q) => q.set('l:event:duration', '0'));
      if (b.sid) sids.add(b.sid);
    }
    return [...sids];
  },
};

export const NOVEL_MUTATORS: Mutator[] = [errorBurst, zeroDuration];

/** Drift: an SDK release adds a new stable parameter to every media beacon. */
export function addStableParam(name = 'low_latency'): Mutator {
  return {
    name: `new-param:${name}`,
    note: `every media beacon carries a new parameter (${name})`,
    apply(har) {
      const sids = new Set<string>();
      for (const b of mediaBeacons(har)) {
        if (b.protocol === 'heartbeat') setQuery(b.entry, (q) => q.set(`s:sp:${name}`, 'true'));
        else if (b.protocol === 'media-collection' && b.body) {
          b.body.params = { ...((b.body.params as object) ?? {}), [`media.${name}`]: true };
          writeBody(b.entry, b.body);
        } else if (b.body) {
          const x = edgeEvent(b.body);
          if (!x) continue;
          const mcol = (x.mediaCollection ?? {}) as Record<string, unknown>;
          mcol[name] = true;
          x.mediaCollection = mcol;
          writeBody(b.entry, b.body);
        }
        if (b.sid) sids.add(b.sid);
      }
      return [...sids];
    },
  };
}

/** Drift: an SDK release pings main content half as often (every other content ping dropped: 10 s → 20 s). */
export const slowerPings: Mutator = {
  name: 'ping-interval-x2',
  note: 'main-content ping interval doubled (every other content ping dropped)',
  apply(har) {
    const drop = new Set<number>();
    const sids = new Set<string>();
    const bySid = new Map<string, number>();
    for (const b of mediaBeacons(har)) {
      if (!isPing(b) || !b.sid) continue;
      if (b.protocol === 'heartbeat' && query(b.entry.request.url).get('s:asset:type') === 'ad') continue;
      const n = (bySid.get(b.sid) ?? 0) + 1;
      bySid.set(b.sid, n);
      if (n % 2 === 0) (drop.add(b.index), sids.add(b.sid));
    }
    har.log.entries = har.log.entries.filter((_, i) => !drop.has(i));
    return [...sids];
  },
};

export interface DropOptions {
  outDir: string;
  seed: number;
  captures: number;
  /** Share of captures with one simulator (spec-covered) fault. Default 0.3. */
  faultRate?: number;
  /** Restrict scenarios to these libraries (default: any). */
  libraries?: Library[];
  /** Mutator applied to a share of captures (novel faults) … */
  mutator?: Mutator;
  mutateShare?: number;
  /** … or only to captures of these libraries (drift: every capture of the library). */
  mutateLibraries?: Library[];
}

export interface Drop {
  files: string[];
  truth: TruthRecord[];
  novel: NovelTruth[];
  scenarios: Scenario[];
}

/**
 * A drop of plain .har captures from the simulator (no zips/gz: mutators need the JSON), with the
 * simulator's truth plus the mutated sessions. Deterministic in `seed`.
 */
export function generateDrop(o: DropOptions): Drop {
  const rng = new Rng(o.seed);
  const codes = rng.shuffle(FAIL_CODES.map((c) => c.code as FailCode));
  const faultRate = o.faultRate ?? 0.3;
  const out: Drop = { files: [], truth: [], novel: [], scenarios: [] };
  makeDirs(o.outDir);
  let codeIdx = 0;
  for (let i = 0; i < o.captures; i++) {
    const crng = new Rng(((o.seed * 2654435761) ^ (i * 40503 + 1)) >>> 0);
    let built: { scenario: Scenario; rel: string; capture: ReturnType<typeof buildCapture> } | null = null;
    let lastError: unknown = null;
    for (let tries = 0; tries < 400 && !built; tries++) {
      const fault = crng.chance(faultRate) ? codes[codeIdx++ % codes.length] : null;
      const s = randomScenario(crng, fault, { compact: true });
      if (o.libraries && !o.libraries.includes(s.library)) continue;
      if (s.fault && !faultApplies(s.fault, s)) continue;
      s.startMs = BASE_EPOCH_MS + i * 3_600_000 + crng.int(0, 1_000_000);
      s.encoding = 'utf8';
      const rel = `${s.platform}/${s.library}/cap-${String(i).padStart(4, '0')}.har`;
      try {
        built = { scenario: s, rel, capture: buildCapture(s, crng, { harPath: rel }) };
      } catch (e) {
        // the simulator cannot place every fault in every generated session shape
        // ("could not place …"): draw another scenario
        lastError = e;
      }
    }
    if (!built)
      throw new Error(
        `no scenario for libraries ${o.libraries?.join(',')}${lastError ? ` (${(lastError as Error).message})` : ''}`,
      );
    const { scenario, rel } = built;
    const { har, truth } = built.capture;
    const mutate =
      o.mutator &&
      (o.mutateLibraries ? o.mutateLibraries.includes(scenario.library) : crng.chance(o.mutateShare ?? 0.08));
    if (mutate && o.mutator)
      for (const sid of o.mutator.apply(har, crng))
        out.novel.push({ har: rel, session: sid, mutator: o.mutator.name });
    const abs = join(o.outDir, rel);
    makeDirs(dirname(abs));
    writeFileSync(abs, serializeHar(har, { exporter: scenario.exporter, encoding: 'utf8' }));
    out.files.push(abs);
    out.truth.push(...truth);
    out.scenarios.push(scenario);
  }
  writeFileSync(join(o.outDir, 'truth.jsonl'), out.truth.map((t) => JSON.stringify(t)).join('\n') + '\n');
  writeFileSync(
    join(o.outDir, 'novel.jsonl'),
    out.novel.map((t) => JSON.stringify(t)).join('\n') + (out.novel.length ? '\n' : ''),
  );
  return out;
}
