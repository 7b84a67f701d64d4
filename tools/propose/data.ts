/**
 * Where proposals, judges and shadow replays get their sessions: a HAR folder (validated in-process) or
 * the DuckDB store (replayed with `capturesFromStore`). Both give captures plus the HAR file each came
 * from (fixtures are cut from the original file), and a dataset hash that reports are pinned to.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { processFile } from '../ingest/process-file.js';
import type { Capture, Session } from '../session/index.js';
import { fileContext } from '../validate/files.js';
import { sha256Hex } from '../util/hash.js';
import { pushTo } from '../util/push-to.js';

export interface SourcedCapture {
  capture: Capture;
  /** Absolute path of the HAR the capture came from, when it is still on disk. */
  file: string | null;
}

export interface Corpus {
  captures: SourcedCapture[];
  /** sha256 over the sorted (path, content hash) list of the HARs read. */
  datasetHash: string;
  source: string;
  notes: string[];
}

export function harsUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(har|har\.gz|zip)$/i.test(n)) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Stratum of a media/page session: protocol / platform / sdk / library version. */
export function stratumOf(s: {
  protocol: string;
  platform: string;
  sdk: string;
  sdk_version: string | null;
}): string {
  return `${s.protocol}/${s.platform}/${s.sdk}/${s.sdk_version ?? 'unknown'}`;
}

/**
 * Stratified sample: every stratum keeps at least `minPerStratum` captures (or all it has), the rest of
 * `max` is shared in proportion; deterministic (sorted by capture path).
 */
export function stratifiedSample<T extends { key: string; stratum: string }>(
  items: T[],
  max: number,
  minPerStratum = 3,
): T[] {
  if (items.length <= max) return items;
  const by = new Map<string, T[]>();
  for (const it of [...items].sort((a, b) => a.key.localeCompare(b.key))) pushTo(by, it.stratum, it);
  const out = new Set<T>();
  for (const list of by.values()) list.slice(0, minPerStratum).forEach((x) => out.add(x));
  const left = Math.max(0, max - out.size);
  for (const list of by.values()) {
    const share = Math.floor((left * list.length) / items.length);
    list.slice(minPerStratum, minPerStratum + share).forEach((x) => out.add(x));
  }
  return [...out];
}

/** Read every HAR under the folders/files (in-process decode, no store), optionally sampled by stratum. */
export function corpusFromHars(
  inputs: string[],
  cfg: GoblinConfig,
  opts: { root?: string; max?: number } = {},
): Corpus {
  const root = opts.root ?? process.cwd();
  const files = inputs.flatMap((i) => {
    const abs = resolve(root, i);
    return existsSync(abs) && statSync(abs).isDirectory() ? harsUnder(abs) : existsSync(abs) ? [abs] : [];
  });
  const ctx = fileContext(cfg);
  const captures: SourcedCapture[] = [];
  const hashes: string[] = [];
  const notes: string[] = [];
  for (const abs of files) {
    const st = statSync(abs);
    const rel = relative(root, abs);
    hashes.push(`${rel}:${sha256Hex(readFileSync(abs))}`);
    for (const p of processFile({ abs, rel, size: st.size, mtimeMs: st.mtimeMs }, ctx)) {
      if (p.capture) captures.push({ capture: p.capture, file: /\.zip$/i.test(abs) ? null : abs });
      else if (p.quarantine.length) notes.push(`${rel}: quarantined (${p.quarantine[0].reason})`);
    }
  }
  let kept = captures;
  if (opts.max && captures.length > opts.max) {
    const items = captures.map((c) => ({
      key: c.capture.har,
      stratum: stratumOf(
        c.capture.sessions.find((s) => s.kind === 'media') ??
          c.capture.sessions[0] ??
          ({
            protocol: 'unknown',
            platform: 'unknown',
            sdk: 'unknown',
            sdk_version: null,
          } as never),
      ),
      c,
    }));
    kept = stratifiedSample(items, opts.max).map((x) => x.c);
    notes.push(`stratified sample: ${kept.length} of ${captures.length} captures`);
  }
  return {
    captures: kept,
    datasetHash: sha256Hex(hashes.sort().join('\n')),
    source: inputs.join(', '),
    notes,
  };
}

/** Sessions from the DuckDB store: a stratified sample of HARs by protocol/platform/sdk/version. */
export async function corpusFromStore(
  dbFile: string,
  opts: { root?: string; max?: number; hashes?: string[]; lake?: string } = {},
): Promise<Corpus> {
  const root = opts.root ?? process.cwd();
  const { openStore, queryRows } = await import('../store/index.js');
  const { capturesFromStore } = await import('../validate/replay.js');
  const abs = resolve(root, dbFile);
  if (!existsSync(abs)) throw new Error(`no store at ${dbFile}: run 'goblin ingest' first`);
  const store = await openStore(abs, opts.lake ? { lake: resolve(root, opts.lake) } : {});
  try {
    const rows = await queryRows<{ har_hash: string; har_path: string; stratum: string }>(
      store.con,
      `SELECT har_hash, any_value(har_path) AS har_path,
              min(coalesce(protocol,'?') || '/' || coalesce(platform,'?') || '/' || coalesce(sdk,'?') || '/' || coalesce(sdk_version,'unknown')) AS stratum
       FROM session GROUP BY har_hash ORDER BY har_hash`,
    );
    const wanted = opts.hashes ? rows.filter((r) => opts.hashes!.includes(r.har_hash)) : rows;
    const sample = stratifiedSample(
      wanted.map((r) => ({ key: r.har_path, stratum: r.stratum, r })),
      opts.max ?? 400,
    );
    const hashes = sample.map((s) => s.r.har_hash);
    const pathOf = new Map(sample.map((s) => [s.r.har_hash, s.r.har_path]));
    const captures: SourcedCapture[] = [];
    if (hashes.length)
      for await (const c of capturesFromStore(store.con, { hashes })) {
        const p = pathOf.get(c.harHash) ?? c.har;
        const f = resolve(root, p);
        captures.push({ capture: c, file: existsSync(f) ? f : null });
      }
    return {
      captures,
      datasetHash: sha256Hex(
        rows
          .map((r) => r.har_hash)
          .sort()
          .join('\n'),
      ),
      source: `store ${dbFile}`,
      notes:
        sample.length < wanted.length ? [`stratified sample: ${sample.length} of ${wanted.length} HARs`] : [],
    };
  } finally {
    store.close();
  }
}
