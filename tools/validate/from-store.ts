import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { NdjsonWriter } from '../ingest/staging.js';
import type { IngestSummary } from '../ingest/run.js';
import { CURRENT_HAR_FILE, CURRENT_QUARANTINE, currentFiles, openStore, queryRows } from '../store/index.js';
import { EXIT_NOT_CHECKED, UsageError } from '../util/errors.js';
import { loadDictionaryTypes } from '../dictionary/files.js';
import { assertUsablePack, loadRulePack } from './pack.js';
import { capturesFromStore } from './replay.js';
import { collectRun, writeRunOutputs } from './report.js';
import { validateCapture } from './validate.js';
import type { Finding, QuarantineRecord, Summary } from './outputs.js';
import { runGate, type GateOptions } from '../cli/gate.js';
import type { ExitStatus } from '../cli/command.js';
import { makeDirs } from '../util/files.js';

/**
 * `goblin validate --store`: re-validate every capture already in the store with the current pack
 * (after a spec change, without the HARs at hand), refresh the store's findings and verdicts, and write
 * the usual outputs.
 */
export async function validateStore(opts: {
  config: GoblinConfig;
  outDir: string;
  root?: string;
  commit?: string | null;
  /** The exit rule (default: no gate, parse rate 0.95), recorded in summary.json as a run records it. */
  gate?: GateOptions;
}): Promise<{ summary: Summary; findings: Finding[]; status: ExitStatus }> {
  const root = opts.root ?? process.cwd();
  const cfg = opts.config;
  const db = resolve(root, cfg.storage.db_file);
  if (!existsSync(db)) throw new UsageError(`no store at ${db}: run 'goblin ingest <folder>' first`);
  const pack = loadRulePack(resolve(root, cfg.validate.specs_dir), root);
  assertUsablePack(pack, cfg.validate.specs_dir);
  const dictDir = resolve(root, 'dictionary');
  const dictionary = existsSync(dictDir) ? loadDictionaryTypes(dictDir) : undefined;
  const staging = resolve(root, cfg.storage.base_dir, 'staging', `store-${Date.now()}`);
  makeDirs(staging);
  const w = {
    violation: new NdjsonWriter(join(staging, 'violation-store.ndjson')),
    session_verdict: new NdjsonWriter(join(staging, 'session_verdict-store.ndjson')),
    session_row: new NdjsonWriter(join(staging, 'session_row-store.ndjson')),
    timeline: new NdjsonWriter(join(staging, 'timeline-store.ndjson')),
  };
  const store = await openStore(db, { lake: resolve(root, cfg.storage.parquet_dir) });
  try {
    // Every capture, a batch of them per query, streamed a chunk of rows at a time (`capturesFromStore`).
    // A part damaged inside fails the replay, which stops (exit 3) and says what to do. The events each
    // capture and family had are counted on the way, not by further scans of the dataset.
    const held = new Map<string, number>();
    const byFamily = new Map<string, number>();
    for await (const c of capturesFromStore(store.con)) {
      held.set(c.harHash, c.events.length);
      for (const e of c.events) byFamily.set(e.family, (byFamily.get(e.family) ?? 0) + 1);
      const r = validateCapture(c, pack, { cnames: cfg.hosts.cname_allowlist, dictionary });
      for (const f of r.findings) w.violation.write({ ...f, har_hash: c.harHash });
      for (const s of r.sessions) {
        w.session_row.write(s);
        w.session_verdict.write({
          har: s.har,
          har_hash: c.harHash,
          session: s.session,
          verdict: s.verdict,
          conformance: s.conformance,
          rules: s.rules,
          codes: s.codes,
        });
      }
      for (const t of r.timelines) w.timeline.write(t);
    }
    for (const x of Object.values(w)) x.close();
    // Captures the store holds whose events its Parquet dataset does not hold whole (a part missing or
    // unreadable): a replay without them would pass what it never read.
    const unreadPaths = (
      await queryRows<{ hash: string; path: string; beacons: number }>(
        store.con,
        `SELECT hash, min(path) AS path, max(beacons)::INT AS beacons FROM har_file
         WHERE status = 'parsed' AND beacons > 0 GROUP BY hash ORDER BY path`,
      )
    )
      .filter((r) => held.get(r.hash) !== r.beacons)
      .map((r) => r.path);
    const unread = { n: unreadPaths.length, example: unreadPaths[0] ?? null };
    // Replace the store's findings and verdicts with the re-validation.
    const { loadStaging } = await import('../ingest/load.js');
    await loadStaging(store.con, staging);
    const files = await currentFiles(store.con);
    const reasons = Object.fromEntries(
      (
        await queryRows<{ reason: string; n: number }>(
          store.con,
          `SELECT reason, count(*)::INT AS n FROM ${CURRENT_QUARANTINE} q GROUP BY 1`,
        )
      ).map((r) => [r.reason, Number(r.n)]),
    );
    // By count, then name, as an ingest's summary orders them.
    const fam = Object.fromEntries(
      [...byFamily].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    );
    const entries = Number(
      (
        await queryRows<{ n: number }>(
          store.con,
          `SELECT coalesce(sum(entries), 0)::BIGINT::DOUBLE AS n FROM ${CURRENT_HAR_FILE} h`,
        )
      )[0].n,
    );
    const ingest = {
      files_seen: files.seen,
      files_parsed: files.parsed,
      files_quarantined: files.quarantined,
      quarantine_by_reason: reasons,
      entries,
      beacons: Object.values(fam).reduce((a, b) => a + b, 0),
      beacons_by_family: fam,
      lfs_pointers: files.lfsPointers,
      parse_success_rate: files.parseSuccessRate,
    } as unknown as IngestSummary;
    const quarantine = await queryRows<QuarantineRecord>(
      store.con,
      `SELECT scope, path, entry_index::INT AS entry_index, url, reason, detail FROM ${CURRENT_QUARANTINE} q`,
    );
    const gateOpts = opts.gate ?? { failOn: 'none', minParseRate: 0.95 };
    const rows = collectRun(staging);
    // A store with no capture checks nothing: never the pass an empty replay would otherwise be.
    const status: ExitStatus =
      ingest.files_seen === 0
        ? {
            code: EXIT_NOT_CHECKED,
            reason: `input not checked: the store ${cfg.storage.db_file} holds no capture (goblin ingest <folder> first)`,
          }
        : unread.n > 0
          ? {
              code: EXIT_NOT_CHECKED,
              reason: `input not checked: ${unread.n} stored capture(s) have no events in the Parquet dataset (${unread.example}${unread.n > 1 ? ', …' : ''}; ${store.notes.find((n) => n.startsWith('left out')) ?? 'a part is missing'}) — run goblin doctor --fix, then ingest their files again`,
            }
          : runGate(
              { ...ingest, files_read: ingest.files_seen, media: rows.tally.media },
              rows.findings,
              gateOpts,
            );
    const out = writeRunOutputs({
      rows,
      quarantine,
      outDir: opts.outDir,
      input: `store ${cfg.storage.db_file}`,
      ingest,
      specCount: pack.specs.length,
      commit: opts.commit ?? null,
      gate: { ...status, fail_on: gateOpts.failOn, min_parse_rate: gateOpts.minParseRate },
    });
    return { summary: out.summary, findings: out.findings, status };
  } finally {
    store.close();
    rmSync(staging, { recursive: true, force: true });
  }
}
