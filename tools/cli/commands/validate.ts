import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandContext, CommandDef, ExitStatus } from '../command.js';
import type { GateOptions } from '../gate.js';
import { RUN_OPTIONS } from '../options.js';
import type { GateSeverity } from '../values.js';
import { UsageError } from '../../util/errors.js';

/**
 * The last commit that touched the specs (null outside git). Asked for when a run starts and read when its
 * report is written: git answers while the workers run, not on the report's path (a blocking call there
 * took ~80 ms of the dense bench's `goblin run`).
 */
function specCommit(root: string, specsDir: string): Promise<string | null> {
  return new Promise((done) => {
    try {
      execFile(
        'git',
        ['log', '-1', '--format=%H', '--', specsDir],
        { cwd: root, encoding: 'utf8' },
        (err, stdout) => done(err ? null : stdout.trim() || null),
      );
    } catch {
      // A spawn Node refuses at once (E2BIG: an environment too large to pass on) throws here; nothing
      // awaits this promise until the report is written, so a rejection would end the run with exit 1.
      done(null);
    }
  });
}

/** --fail-on / --min-parse-rate, else the config's validate.fail_on / validate.min_parse_rate. */
export function gateOptions(ctx: CommandContext): GateOptions {
  return {
    failOn: (ctx.values['fail-on'] as GateSeverity | 'none' | undefined) ?? ctx.config.validate.fail_on,
    minParseRate: (ctx.values['min-parse-rate'] as number | undefined) ?? ctx.config.validate.min_parse_rate,
  };
}

/**
 * ingest (+ validation inside the workers) → exit status → output files; shared by `validate` and `run`.
 * With `learn` (goblin run) the workers also stage each session's learn row (LF votes, features), which
 * come back here in input order, named as the run's outputs name their captures.
 */
async function validateInputs(ctx: CommandContext, outDir: string, opts: { learn?: boolean } = {}) {
  const { ingest } = await import('../../ingest/run.js');
  const { collectRun, pendingRunOutputs, publishRunOutputs, writeRunOutputs } =
    await import('../../validate/report.js');
  const { assertUsablePack, loadRulePack } = await import('../../validate/pack.js');
  const { loadSpecs } = await import('../../spec/index.js');
  const { displayNames, inputRoots } = await import('../../har/inputs.js');
  const { runGate } = await import('../gate.js');
  const root = process.cwd();
  const specsDir = ctx.config.validate.specs_dir;
  // Read once here and sent to the workers and the learning process, which check them again but do not
  // parse the YAML again.
  const specs = loadSpecs(resolve(root, specsDir), root);
  const pack = loadRulePack(resolve(root, specsDir), root, specs);
  assertUsablePack(pack, specsDir);
  const gateOpts = gateOptions(ctx);
  const commit = specCommit(root, specsDir);
  // The learning step reads only the learn rows the workers staged. It runs in a process of its own,
  // started now so it loads its modules and the specs while the workers run; it learns while DuckDB loads
  // the store and this process writes the report (tools/detect/learn-process.ts) — or, for a large run,
  // once the store is closed (tools/detect/learn-bounds.ts: the two memory peaks must not add up).
  const learnCfg = ctx.config.learn;
  const learning = opts.learn
    ? (await import('../../detect/learn-process.js')).startLearnStep(
        { root, specsDir, outDir, specs, maxSessions: learnCfg.max_sessions },
        pack,
      )
    : null;
  const { stagedBytes } = await import('../../ingest/staging.js');
  // Decided once the workers are done: the bytes of learn rows they staged when past
  // `learn.alongside_store_max_bytes` (the step then waits for the store), else null.
  let learnAfterStore: number | null | undefined;
  const learnsAfterStore = (dir: string): number | null => {
    if (learnAfterStore === undefined) {
      const bytes = learning ? stagedBytes(dir, 'learn_session') : 0;
      learnAfterStore = bytes > learnCfg.alongside_store_max_bytes ? bytes : null;
    }
    return learnAfterStore;
  };
  type Summary = Awaited<ReturnType<typeof ingest>>['summary'];
  type Inputs = Awaited<ReturnType<typeof ingest>>['inputs'];
  // The store names captures by their root-relative path; the run's outputs by the input-relative name
  // (what the reproduce commands and the learning layer resolve against the inputs).
  const named = (sofar: Summary, expanded: Inputs) => {
    const name = displayNames(expanded, root);
    return {
      name,
      ing: {
        ...sofar,
        quarantined: sofar.quarantined.map((q) => ({ ...q, path: name(q.path) })),
        messages: sofar.messages.map((m) => {
          const i = m.indexOf(': ');
          return i > 0 ? `${name(m.slice(0, i))}${m.slice(i)}` : m;
        }),
      },
    };
  };
  /**
   * The report and the gate read only what the workers staged and counted, never the store: they are
   * written while DuckDB loads it (docs/ingest.md, "The store phase under `goblin run`"), into a pending
   * folder that becomes the run's outputs only once the store committed.
   */
  const writeReport = (sofar: Summary, expanded: Inputs, specsAt: string | null) => {
    const { name, ing } = named(sofar, expanded);
    // Named as the outputs name captures while read: nothing is renamed or copied afterwards (copies were
    // garbage the parent never collected while DuckDB stored).
    const rows = collectRun(sofar.staging_dir, name);
    const status = runGate(
      {
        ...ing,
        files_read: ing.files_seen - ing.files_skipped_unchanged,
        media: rows.tally.media,
      },
      rows.findings,
      gateOpts,
    );
    const out = writeRunOutputs({
      rows,
      outDir: pending,
      input: ctx.positionals.join(' '),
      inputs: inputRoots(ctx.positionals, root),
      ingest: ing,
      specCount: pack.specs.length,
      commit: specsAt,
      gate: {
        ...status,
        fail_on: gateOpts.failOn,
        min_parse_rate: gateOpts.minParseRate,
      },
    });
    return { status, ...out };
  };
  const pending = pendingRunOutputs(outDir);
  let report: ReturnType<typeof writeReport> | null = null;
  // A report that cannot be written (a full disk, an unwritable --out) fails the command once the store
  // has its captures and the lake its part: thrown inside `whileStoring` it would leave the part unpublished.
  let reportError: unknown = null;
  let stagingDir: string | null = null;
  try {
    const {
      summary: stored,
      store,
      inputs: expanded,
    } = await ingest({
      inputs: ctx.positionals,
      config: ctx.config,
      shard: ctx.values.shard as string | undefined,
      workers: (ctx.values.workers as number | undefined) || undefined,
      quiet: ctx.quiet,
      validate: { specsDir, learn: opts.learn === true, specs },
      keepStaging: true,
      whileStoring: async (sofar, files) => {
        stagingDir = sofar.staging_dir;
        if (learnsAfterStore(sofar.staging_dir) === null) await learning?.begin(sofar.staging_dir, files);
        try {
          report = writeReport(sofar, files, await commit);
        } catch (e) {
          reportError = e ?? new Error('the report could not be written');
        }
      },
      // The learning process keeps a core busy from here on: DuckDB takes the other, one query after the
      // other, and the report shares them. A run that learns after the store leaves DuckDB both.
      storeSerially: (dir) => learning !== null && learnsAfterStore(dir) === null,
    });
    // Closing checkpoints the store (~0.2 s): done while the learning process finishes (a small run), or
    // before it begins (a large one).
    store.close();
    // A large run learns only now, DuckDB's memory given back (the learning process is already loaded).
    const after = learnsAfterStore(stored.staging_dir);
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
    const afterNote =
      after === null
        ? ''
        : `${mb(after)} of learn rows > learn.alongside_store_max_bytes (${mb(learnCfg.alongside_store_max_bytes)})`;
    // (Not when the report failed: the command fails, and `done()` below stops the idle process.)
    if (after !== null && reportError === null) {
      if (!ctx.quiet) ctx.err(`learning layer: learning now that the store is closed (${afterNote})`);
      await learning?.begin(stored.staging_dir, expanded);
    }
    const { ing } = named(stored, expanded);
    // The learning process reads the staged learn rows: the folder goes once it is done.
    const learned = (await learning?.done()) ?? null;
    const learnMessage =
      learned && after !== null ? `${learned}; learnt after the store closed: ${afterNote}` : learned;
    if (reportError !== null) throw reportError;
    const written = report as ReturnType<typeof writeReport> | null;
    if (!written) throw new Error('the run stored its captures but wrote no report');
    publishRunOutputs(pending, outDir);
    return { ing, pack, learnMessage, ...written };
  } catch (e) {
    learning?.abort();
    throw e;
  } finally {
    // A report that failed to write still waits for the learning process before the folder goes.
    await learning?.done();
    if (stagingDir) rmSync(stagingDir, { recursive: true, force: true });
    // A run that failed leaves no report of itself (the outputs of the run before stay as they were).
    rmSync(pending, { recursive: true, force: true });
  }
}

const RUN_EXITS = {
  0: 'ran and read the inputs, whatever it found (findings below --fail-on, or no gate)',
  1: 'findings of active specs at or above --fail-on',
  3: 'input not checked: parse success below --min-parse-rate, or no Adobe beacon in the HAR files read',
} as const;

export const commands: CommandDef[] = [
  {
    name: 'validate',
    summary:
      'Validate HAR inputs (or every capture in the store) against the spec pack; write the output files',
    usage:
      '<input…> [--out DIR] [--fail-on error|warning] [--shard i/n] [--workers N]  |  --store [--out DIR]',
    help: [
      'Writes violations.jsonl/.csv, sessions.jsonl, timelines.jsonl, quarantine.jsonl/.csv, summary.json and',
      'report.md into --out. --store re-validates every capture already ingested (e.g. after a spec change) and',
      "refreshes the store's findings. Inputs: files, folders, globs, archive.zip!/member.har.",
    ].join('\n'),
    options: {
      ...RUN_OPTIONS,
      store: { type: 'boolean', description: 're-validate the captures in the store instead of HAR inputs' },
    },
    exits: RUN_EXITS,
    async run(ctx): Promise<ExitStatus> {
      const outDir = (ctx.values.out as string) ?? 'out/run';
      if (ctx.values.store) {
        if (ctx.positionals.length) throw new UsageError('give HAR inputs or --store, not both');
        const { validateStore } = await import('../../validate/from-store.js');
        const { summary, status } = await validateStore({
          config: ctx.config,
          outDir,
          commit: await specCommit(process.cwd(), ctx.config.validate.specs_dir),
          gate: gateOptions(ctx),
        });
        if (ctx.values.json) ctx.out(JSON.stringify(summary, null, 2));
        else
          ctx.out(
            `${summary.findings} findings in ${summary.sessions.total} stored sessions (${summary.sessions.violation} violating); outputs in ${outDir}/`,
          );
        return status;
      }
      if (!ctx.positionals.length) throw new UsageError('give HAR inputs (files, folders, globs) or --store');
      const r = await validateInputs(ctx, outDir);
      if (ctx.values.json) ctx.out(JSON.stringify(r.summary, null, 2));
      else
        ctx.out(
          `${r.summary.findings} findings in ${r.summary.sessions.total} sessions (${r.summary.sessions.violation} violating); ${r.quarantine.length} quarantined file(s)/entries; outputs in ${outDir}/`,
        );
      return r.status;
    },
  },
  {
    name: 'run',
    summary:
      'Ingest + validate + report in one go, printing violations by platform/SDK with likely root causes',
    usage: '<input…> [--out DIR] [--fail-on error|warning] [--min-parse-rate R] [--shard i/n] [--workers N]',
    help: [
      'The main job: `goblin run examples/hars`. Outputs as for `goblin validate`, plus the learning layer',
      '(labels, anomalies, inbox.jsonl). Inputs: files, folders, globs, archive.zip!/member.har.',
      'Exit 0 whatever was found unless --fail-on is given: CI gates pass --fail-on error.',
    ].join('\n'),
    options: RUN_OPTIONS,
    exits: RUN_EXITS,
    async run(ctx): Promise<ExitStatus> {
      if (!ctx.positionals.length)
        throw new UsageError('give HAR inputs (files, folders, globs), e.g. examples/hars');
      const outDir = (ctx.values.out as string) ?? 'out/run';
      const r = await validateInputs(ctx, outDir, { learn: true });
      if (ctx.values.json) {
        ctx.out(JSON.stringify(r.summary, null, 2));
        return r.status;
      }
      const { formatIngestSummary } = await import('./ingest.js');
      const { platformTable, rootCauses, topSessionLines } = await import('../../publish/run-report.js');
      const { quarantineLines } = await import('../../publish/quarantine.js');
      for (const l of formatIngestSummary(r.ing)) ctx.out(l);
      if (r.quarantine.length) {
        ctx.out('');
        ctx.out(`Quarantined (${r.quarantine.length}): not read, with the reason`);
        for (const l of quarantineLines(r.quarantine)) ctx.out(l);
      }
      const s = r.summary;
      ctx.out('');
      ctx.out(
        `sessions ${s.sessions.total}: ${s.sessions.pass} PASS · ${s.sessions.violation} VIOLATION · ${s.sessions.abstain} ABSTAIN · coverage ${(100 * s.coverage).toFixed(1)}% · ${s.findings} findings`,
      );
      ctx.out('');
      ctx.out('Violations by platform / SDK version');
      for (const l of platformTable(r.findings, r.tally)) ctx.out(`  ${l}`);
      ctx.out('');
      ctx.out('Likely root causes');
      for (const rc of rootCauses(r.findings, r.tally).slice(0, 15))
        ctx.out(
          `  ${rc.code.padEnd(32)} ${String(rc.findings).padStart(5)} in ${String(rc.sessions).padStart(4)} sessions · ${rc.where} — ${rc.cause}`,
        );
      if (r.findings.length) {
        ctx.out('');
        ctx.out(
          'Top sessions: findings with their message and where they point (entry = index in log.entries)',
        );
        for (const l of topSessionLines(r.findings, r.tally)) ctx.out(l);
      }
      ctx.out('');
      ctx.out(
        `outputs: ${outDir}/report.md, violations.jsonl/.csv, sessions.jsonl, timelines.jsonl, quarantine.jsonl/.csv, summary.json`,
      );
      // learning layer (labels, anomalies, triage → inbox.jsonl, learn.duckdb) over the rows the workers
      // staged: no input is decoded a second time. It ran while the store loaded; it never fails the run.
      if (r.learnMessage) ctx.out(r.learnMessage);
      return r.status;
    },
  },
];
