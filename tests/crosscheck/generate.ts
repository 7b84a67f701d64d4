// Independent cross-check corpus: labelled HAR captures of Adobe media and page telemetry, generated from
// the public wire formats and the fail-code definitions alone (see tests/crosscheck/README.md).
//
//   npx tsx tests/crosscheck/generate.ts --out DIR [--seed N] [--sessions 300] [--fault-rate 0.5]
//        [--override protocol:platform:version:setting]… [--protocols heartbeat,media-edge]
//
// Exit codes: 0 written, 2 usage error.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  allocateMediaFaults,
  allocatePageFaults,
  allocateTraps,
  type PageSlot,
  type SessionSlot,
} from './allocate.js';
import { buildCapture, type CaptureSpec } from './capture.js';
import { baseLibraries, PROTOCOL_PLATFORMS, rawForNewVersion } from './catalog.js';
import {
  EXPORTERS,
  PROTOCOLS,
  PROXY_EXPORTERS,
  type MediaLib,
  type Protocol,
  type TruthLine,
} from './model.js';
import type { PageKind } from './page-faults.js';
import { Rng } from './prng.js';
import { comparableCore } from './version.js';

export interface GenerateOptions {
  /** Write the corpus here (HAR files under `{platform}/{protocol}/`, plus `truth.jsonl`). */
  out?: string;
  seed?: number;
  sessions?: number;
  faultRate?: number;
  /** `protocol:platform:library-version:setting`, setting one of `content_interval_s=N`, `ad_interval_s=N`,
   *  `start_param=KEY=VALUE`, `share=0..1` (share of that platform's sessions for a version the corpus
   *  does not have yet). */
  overrides?: string[];
  protocols?: Protocol[];
}

export interface GeneratedFile {
  path: string;
  bytes: Buffer;
  /** Session key of each HAR entry, in entry order. */
  owners: string[];
}

export interface GenerateResult {
  files: GeneratedFile[];
  truth: TruthLine[];
  truthText: string;
}

export class UsageError extends Error {}

const PROTOCOL_WEIGHTS: [Protocol, number][] = [
  ['heartbeat', 0.3],
  ['media-collection', 0.35],
  ['media-edge', 0.35],
];

/** Apply `--override` settings to the library catalog; versions it does not know are added. */
export function applyOverrides(libs: MediaLib[], overrides: string[]): MediaLib[] {
  const out = libs.map((l) => ({
    ...l,
    startParams: { ...l.startParams },
    overrideNotes: [...l.overrideNotes],
  }));
  for (const spec of overrides) {
    const parts = spec.split(':');
    if (parts.length < 4)
      throw new UsageError(`--override ${spec}: expected protocol:platform:version:setting`);
    const [protocol, platform, version] = parts;
    const setting = parts.slice(3).join(':');
    if (!(PROTOCOLS as readonly string[]).includes(protocol))
      throw new UsageError(`--override ${spec}: unknown protocol ${protocol}`);
    const pairs = PROTOCOL_PLATFORMS[protocol as Protocol];
    if (!pairs.some(([p]) => p === platform))
      throw new UsageError(`--override ${spec}: no ${protocol} SDK on ${platform}`);
    let lib = out.find(
      (l) =>
        l.protocol === protocol &&
        l.platform === platform &&
        (l.raw === version || comparableCore(l.raw) === version),
    );
    if (!lib) {
      const template = out.find(
        (l) => l.protocol === protocol && l.platform === platform && l.share === undefined,
      );
      if (!template) throw new UsageError(`--override ${spec}: no library to derive ${version} from`);
      const hash = new Rng(`hash:${protocol}:${platform}:${version}`).hex(6);
      lib = {
        ...template,
        raw: rawForNewVersion(protocol as Protocol, template.platform, version, hash),
        startParams: {},
        overrideNotes: [],
        share: 0.5,
      };
      out.push(lib);
    }
    const eq = setting.indexOf('=');
    if (eq < 0) throw new UsageError(`--override ${spec}: setting needs name=value`);
    const name = setting.slice(0, eq);
    const value = setting.slice(eq + 1);
    if (name === 'content_interval_s' || name === 'ad_interval_s' || name === 'share') {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0 || (name === 'share' && n > 1)) {
        throw new UsageError(
          `--override ${spec}: ${name} must be a positive number${name === 'share' ? ' ≤ 1' : ''}`,
        );
      }
      if (name === 'content_interval_s') lib.contentIntervalS = n;
      else if (name === 'ad_interval_s') lib.adIntervalS = n;
      else if (lib.share !== undefined) lib.share = n;
      else
        throw new UsageError(`--override ${spec}: share only applies to a version the corpus does not have`);
    } else if (name === 'start_param') {
      const kv = value.indexOf('=');
      if (kv <= 0) throw new UsageError(`--override ${spec}: start_param needs KEY=VALUE`);
      lib.startParams[value.slice(0, kv)] = value.slice(kv + 1);
    } else throw new UsageError(`--override ${spec}: unknown setting ${name}`);
    lib.overrideNotes.push(setting);
  }
  return out;
}

export function generate(options: GenerateOptions = {}): GenerateResult {
  const seed = options.seed ?? 1;
  const sessions = options.sessions ?? 300;
  const faultRate = options.faultRate ?? 0.5;
  if (!Number.isInteger(sessions) || sessions < 1)
    throw new UsageError('--sessions must be a positive integer');
  if (!(faultRate >= 0 && faultRate <= 1)) throw new UsageError('--fault-rate must be between 0 and 1');
  const protocols = options.protocols ?? [...PROTOCOLS];
  for (const p of protocols)
    if (!(PROTOCOLS as readonly string[]).includes(p)) throw new UsageError(`unknown protocol ${p}`);
  const libs = applyOverrides(baseLibraries(), options.overrides ?? []);
  const root = new Rng(`crosscheck:${seed}`);

  // Which protocol, platform and library each media session uses.
  const weights = PROTOCOL_WEIGHTS.filter(([p]) => protocols.includes(p));
  const slots: SessionSlot[] = [];
  for (let i = 0; i < sessions; i++) {
    const r = root.fork(`spec:${i}`);
    const protocol = r.weighted(weights);
    const platform = r.weighted(PROTOCOL_PLATFORMS[protocol]);
    let lib = r.pick(
      libs.filter((l) => l.protocol === protocol && l.platform === platform && l.share === undefined),
    );
    // Versions an override introduced take their share without moving anyone else's draws.
    for (const drift of libs.filter(
      (l) => l.protocol === protocol && l.platform === platform && l.share !== undefined,
    )) {
      if (root.fork(`drift:${i}:${drift.raw}`).chance(drift.share ?? 0)) lib = drift;
    }
    slots.push({ index: i, protocol, platform, lib, reserved: false, faults: [], traps: [] });
  }

  // A few captures hold a session that idles out and the session that resumes it.
  const pairStarts = new Set<number>();
  const wantPairs = sessions >= 40 ? Math.max(1, Math.round(sessions / 100)) : 0;
  for (const i of root.fork('pairs').shuffle(slots.map((s) => s.index))) {
    if (pairStarts.size >= wantPairs) break;
    const a = slots[i];
    const b = slots[i + 1];
    if (!b || a.protocol === 'heartbeat' || a.reserved || b.reserved || pairStarts.has(i - 1)) continue;
    Object.assign(b, { protocol: a.protocol, platform: a.platform, lib: a.lib });
    a.reserved = true;
    b.reserved = true;
    pairStarts.add(i);
  }

  const mediaCounts = allocateMediaFaults(root.fork('faults'), slots, faultRate);
  allocateTraps(root.fork('traps'), slots);

  // Captures, exporters and page-level faults/traps.
  const webCycle = root.fork('exporters:web').shuffle(EXPORTERS);
  const appCycle = root.fork('exporters:app').shuffle(PROXY_EXPORTERS);
  let webN = 0;
  let appN = 0;
  let aaWebN = 0;
  let aaAppN = 0;
  const specs: CaptureSpec[] = [];
  const pageSlots: PageSlot[] = [];
  for (let i = 0; i < sessions; i++) {
    const s = slots[i];
    const members = pairStarts.has(i) ? [s, slots[i + 1]] : [s];
    if (pairStarts.has(i - 1)) continue;
    const c = root.fork(`capture-spec:${specs.length}`);
    const web = s.platform === 'web';
    const exporter = web ? webCycle[webN++ % webCycle.length] : appCycle[appN++ % appCycle.length];
    const kind: PageKind =
      s.protocol === 'media-edge' ? (web ? 'edge-web' : 'edge-app') : web ? 'aa-web' : 'aa-app';
    const pageTraps: string[] = [];
    if (kind === 'aa-web') {
      const t = ['pccr_retry', 'aa_long_post', 'exit_link_beacon', '', ''][aaWebN++ % 5];
      if (t) pageTraps.push(t);
    }
    if (kind === 'aa-app' && aaAppN++ % 3 === 0 && s.platform !== 'chromecast')
      pageTraps.push('rsid_encoded_comma');
    const spec: CaptureSpec = {
      index: specs.length,
      sessions: members.map((m, k) => ({
        index: m.index,
        protocol: m.protocol,
        platform: m.platform,
        lib: m.lib,
        faults: m.faults,
        traps: m.traps,
        pairRole: members.length === 2 ? (k === 0 ? 'idle' : 'resumed') : undefined,
      })),
      exporter,
      pageFaults: [],
      pageTraps,
      gz: c.chance(0.25),
      pretty: c.chance(0.5),
    };
    specs.push(spec);
    pageSlots.push({
      capture: spec.index,
      kind,
      withHeartbeat: s.protocol === 'heartbeat',
      hasPage: !members.some((m) => m.traps.includes('no_analytics_in_capture')),
      faults: spec.pageFaults,
    });
  }
  const faulted = Math.min(slots.filter((s) => !s.reserved).length, Math.round(sessions * faultRate));
  allocatePageFaults(root.fork('page-faults'), pageSlots, mediaCounts, faulted);

  const files: GeneratedFile[] = [];
  const truth: TruthLine[] = [];
  for (const spec of specs) {
    const built = buildCapture(root, spec);
    files.push({ path: built.path, bytes: built.bytes, owners: built.owners });
    truth.push(...built.truth);
  }
  const truthText = truth.map((l) => JSON.stringify(l)).join('\n') + '\n';
  if (options.out) {
    for (const f of files) {
      const target = join(options.out, f.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.bytes);
    }
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, 'truth.jsonl'), truthText);
  }
  return { files, truth, truthText };
}

const USAGE = `usage: npx tsx tests/crosscheck/generate.ts --out DIR [--seed N] [--sessions 300] [--fault-rate 0.5]
                 [--override protocol:platform:version:setting]... [--protocols heartbeat,media-collection,media-edge]`;

export function parseArgs(argv: string[]): GenerateOptions {
  const opts: GenerateOptions = { overrides: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--out':
        opts.out = value();
        break;
      case '--seed':
        opts.seed = Number(value());
        if (!Number.isInteger(opts.seed)) throw new UsageError('--seed must be an integer');
        break;
      case '--sessions':
        opts.sessions = Number(value());
        break;
      case '--fault-rate':
        opts.faultRate = Number(value());
        break;
      case '--override':
        opts.overrides?.push(value());
        break;
      case '--protocols':
        opts.protocols = value()
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean) as Protocol[];
        break;
      case '-h':
      case '--help':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  if (!opts.out) throw new UsageError(`--out is required\n${USAGE}`);
  return opts;
}

function main(): void {
  const started = Date.now();
  let opts: GenerateOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
    const result = generate(opts);
    const media = result.truth.filter((l) => l.type === 'session' && l.kind === 'media').length;
    const faults = result.truth.filter((l) => l.type === 'fault').length;
    process.stderr.write(
      `crosscheck: ${result.files.length} captures, ${media} media sessions, ${faults} faults → ${opts.out} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
