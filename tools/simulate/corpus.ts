import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import type { FailCode } from '../codes/catalog.js';
import { BASE_EPOCH_MS, buildCapture } from './capture.js';
import { faultApplies, FAULT_CODES } from './faults.js';
import { serializeHar } from './exporters.js';
import { LIBRARY_INFO, MEDIA_COMBOS } from './libraries.js';
import { Rng } from '../util/rng.js';
import type { Exporter, Library, Platform, Protocol, Scenario, TruthRecord } from './types.js';
import { makeDirs } from '../util/files.js';

export interface CorpusOptions {
  outDir: string;
  seed: number;
  /** Number of captures (HAR files, zip members included). */
  sessions: number;
  faultRate?: number;
  /**
   * default: varied files, zips, broken files. bench: body-heavy (few beacons per MB, few dates).
   * dense: beacon-dense captures with modest bodies, spread over several years of dates (a QA team's archive).
   */
  profile?: 'default' | 'bench' | 'dense';
  /** bench/dense: average response-body bytes per HAR (default 450 000 / 60 000). */
  bodyBytes?: number;
  onProgress?: (done: number, total: number) => void;
  /** Shorter captures (bundled examples). */
  compact?: boolean;
  /** Explicit scenarios (in order) instead of random ones; `sessions` is then ignored. */
  scenarios?: Scenario[];
}

export interface CorpusResult {
  files: number;
  hars: number;
  gz: number;
  zips: number;
  zipMembers: number;
  broken: number;
  faults: number;
  mediaSessions: number;
  pageSessions: number;
  bytes: number;
  byExporter: Record<string, number>;
  byCode: Record<string, number>;
}

const BROWSER_EXPORTERS: Exporter[] = [
  'chrome',
  'chrome',
  'chrome',
  'firefox',
  'safari',
  'firebug',
  'chrome-har-capturer',
];
const PROXY_EXPORTERS: Exporter[] = ['charles', 'charles', 'browsermob', 'fiddler'];

export function pickExporter(rng: Rng, platform: Platform): Exporter {
  if (platform === 'web') return rng.chance(0.12) ? rng.pick(PROXY_EXPORTERS) : rng.pick(BROWSER_EXPORTERS);
  if (platform === 'chromecast') return rng.chance(0.5) ? 'chrome' : rng.pick(PROXY_EXPORTERS);
  return rng.pick(PROXY_EXPORTERS);
}

const PAGE_ONLY: { platform: Platform; library: Library }[] = [
  { platform: 'web', library: 'web-appmeasurement-2' },
  { platform: 'web', library: 'web-alloy-2' },
  { platform: 'android', library: 'android-aep-analytics-3' },
  { platform: 'ios', library: 'ios-aep-analytics-5' },
  { platform: 'tvos', library: 'tvos-aep-analytics-5' },
  { platform: 'android', library: 'android-adbmobile-4' },
  { platform: 'roku', library: 'roku-adbmobile-2' },
];

/** A random scenario; with `fault`, one the fault applies to. */
export function randomScenario(
  rng: Rng,
  fault: FailCode | null,
  opts: { bench?: boolean; compact?: boolean } = {},
): Scenario {
  for (let tries = 0; tries < 200; tries++) {
    const media = rng.chance(0.85);
    let platform: Platform;
    let protocol: Protocol;
    let library: Library;
    if (media) {
      const c = rng.pick(MEDIA_COMBOS.filter((m) => m.protocol !== 'none'));
      ({ platform, protocol, library } = c);
    } else {
      const c = rng.pick(PAGE_ONLY);
      platform = c.platform;
      library = c.library;
      protocol = 'none';
    }
    if (fault && !faultApplies(fault, { protocol, library })) continue;
    const exporter = pickExporter(rng, platform);
    const s: Scenario = {
      platform,
      protocol,
      library,
      content: rng.chance(0.3) ? 'live' : 'vod',
      withAds: rng.chance(0.55),
      withChapters: rng.chance(0.35),
      exporter,
      mediaSessions: protocol === 'none' ? 0 : rng.chance(0.18) ? 2 : 1,
      cutOff: !fault && rng.chance(0.1),
      crossMidnight: false,
      resumeAfterIdle: !fault && protocol !== 'heartbeat' && protocol !== 'none' && rng.chance(0.04),
      proxyBursts:
        (exporter === 'charles' || exporter === 'browsermob' || exporter === 'fiddler') && rng.chance(0.3),
      bodies: opts.bench ? 'bench' : 'small',
      encoding:
        exporter === 'fiddler'
          ? rng.weighted([
              ['utf8', 3],
              ['utf8-bom', 4],
              ['utf16le-bom', 2],
            ] as const)
          : rng.weighted([
              ['utf8', 20],
              ['utf8-bom', 2],
              ['utf16le-bom', 1],
            ] as const),
      shuffleEntries: rng.chance(
        exporter === 'browsermob' || exporter === 'chrome-har-capturer' ? 0.35 : 0.06,
      ),
      sparse: rng.chance(0.15),
      compact: opts.compact,
    };
    if (fault) s.fault = fault;
    return s;
  }
  throw new Error(`no scenario for ${fault}`);
}

function dayDir(ms: number) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Writes a deterministic corpus of HAR captures plus truth.jsonl. */
export function simulateCorpus(o: CorpusOptions): CorpusResult {
  const rng = new Rng(o.seed);
  const profile = o.profile ?? 'default';
  const dense = profile === 'dense';
  const bench = profile === 'bench' || dense;
  const faultRate = o.faultRate ?? 0.35;
  const total = o.scenarios ? o.scenarios.length : o.sessions;
  // dense: captures spread evenly over ~3 years so the dataset spans many dates and months.
  const spacingMs = dense
    ? Math.max(3_450_000 * 2, Math.floor((3 * 365 * 86_400_000) / Math.max(1, total)))
    : 3_450_000 * 2;
  const truth: TruthRecord[] = [];
  const res: CorpusResult = {
    files: 0,
    hars: 0,
    gz: 0,
    zips: 0,
    zipMembers: 0,
    broken: 0,
    faults: 0,
    mediaSessions: 0,
    pageSessions: 0,
    bytes: 0,
    byExporter: {},
    byCode: {},
  };
  makeDirs(o.outDir);
  const write = (rel: string, buf: Buffer | Uint8Array) => {
    const p = join(o.outDir, rel);
    makeDirs(dirname(p));
    writeFileSync(p, buf);
    res.files++;
    res.bytes += buf.length;
  };
  // fault codes cycle through a shuffled list so a moderate corpus covers all of them
  const codes = rng.shuffle([...FAULT_CODES]);
  let codeIdx = 0;
  // zip bundles (default profile): a few groups of 2–4 captures
  const zipEvery = bench ? Infinity : 40;
  let pendingZip: { name: string; data: Uint8Array }[] = [];
  let zipNo = 0;
  const fixedMtime = new Date(BASE_EPOCH_MS);
  const flushZip = () => {
    if (!pendingZip.length) return;
    const rel = `bundles/bundle-${String(++zipNo).padStart(2, '0')}.zip`;
    const files: Record<string, [Uint8Array, { mtime: Date; level: 6 }]> = {};
    for (const f of pendingZip) files[f.name] = [f.data, { mtime: fixedMtime, level: 6 }];
    write(rel, zipSync(files));
    res.zips++;
    for (const t of truth) if (t.har.startsWith(`__zip__/`)) t.har = `${rel}!/${t.har.slice(8)}`;
    pendingZip = [];
  };
  let midnightDone = false;
  for (let i = 0; i < total; i++) {
    const crng = new Rng(((o.seed * 2654435761) ^ (i * 40503 + 1)) >>> 0);
    const withFault = !o.scenarios && crng.chance(faultRate);
    const fault = withFault ? codes[codeIdx++ % codes.length] : null;
    const scenario = o.scenarios
      ? { ...o.scenarios[i] }
      : randomScenario(crng, fault, { bench, compact: o.compact });
    if (!o.scenarios && !fault && !midnightDone && scenario.protocol !== 'none' && i >= 3) {
      scenario.content = 'live';
      scenario.crossMidnight = true;
      scenario.cutOff = false;
      midnightDone = true;
    }
    if (bench) scenario.bodyBytes = o.bodyBytes ?? (dense ? 60_000 : 450_000);
    const startMs = BASE_EPOCH_MS + i * spacingMs + crng.int(0, 3_000_000);
    scenario.startMs = startMs;
    const stem = `cap-${String(i).padStart(5, '0')}`;
    const inZip =
      !bench && i % zipEvery === 7
        ? true
        : pendingZip.length > 0 && pendingZip.length < 3 && crng.chance(0.6);
    const gz = !inZip && crng.chance(bench ? 0.04 : 0.15);
    const lib = LIBRARY_INFO[scenario.library];
    const rel = inZip
      ? `__zip__/${stem}.har`
      : `${lib.platform}/${scenario.library}/${dayDir(startMs)}/${stem}.har${gz ? '.gz' : ''}`;
    const { har, truth: tr } = buildCapture(scenario, crng, { harPath: rel });
    const buf = serializeHar(har, { exporter: scenario.exporter, encoding: scenario.encoding ?? 'utf8' });
    truth.push(...tr);
    res.hars++;
    res.byExporter[scenario.exporter] = (res.byExporter[scenario.exporter] ?? 0) + 1;
    for (const t of tr) {
      if (t.type === 'fault') {
        res.faults++;
        res.byCode[t.code] = (res.byCode[t.code] ?? 0) + 1;
      } else if (t.type === 'session') {
        if (t.kind === 'media') res.mediaSessions++;
        else res.pageSessions++;
      }
    }
    if (inZip) {
      pendingZip.push({ name: `${stem}.har`, data: buf });
      res.zipMembers++;
      if (pendingZip.length >= 3) flushZip();
    } else if (gz) {
      write(rel, gzipSync(buf, { level: bench ? 1 : 6 }));
      res.gz++;
    } else {
      write(rel, buf);
    }
    o.onProgress?.(i + 1, total);
  }
  flushZip();
  // deliberately broken files
  const brokenRng = new Rng(o.seed ^ 0xbadf00d);
  const sample = JSON.stringify(
    {
      log: {
        version: '1.2',
        creator: { name: 'WebInspector', version: '537.36' },
        entries: [
          {
            startedDateTime: new Date(BASE_EPOCH_MS).toISOString(),
            request: { method: 'GET', url: 'https://acme.hb.omtrdc.net/?s:event:type=play' },
          },
        ],
      },
    },
    null,
    2,
  );
  const broken: [string, Buffer, 'truncated-json' | 'not-a-har' | 'lfs-pointer' | 'empty'][] = [
    [
      'web/uploads/session-export-partial.har',
      Buffer.from(sample.slice(0, Math.floor(sample.length * 0.6))),
      'truncated-json',
    ],
    [
      'android/uploads/app-config.har',
      Buffer.from(JSON.stringify({ name: 'player-config', items: [{ key: 'ads', value: true }] })),
      'not-a-har',
    ],
    [
      'roku/uploads/large-capture.har',
      Buffer.from(
        `version https://git-lfs.github.com/spec/v1\noid sha256:${brokenRng.hex(64)}\nsize ${brokenRng.int(10_000_000, 90_000_000)}\n`,
      ),
      'lfs-pointer',
    ],
    ['ios/uploads/empty.har', Buffer.alloc(0), 'empty'],
  ];
  for (const [rel, buf, reason] of broken) {
    write(rel, buf);
    truth.push({ type: 'broken', har: rel, reason });
    res.broken++;
  }
  writeFileSync(join(o.outDir, 'truth.jsonl'), truth.map((t) => JSON.stringify(t)).join('\n') + '\n');
  return res;
}
