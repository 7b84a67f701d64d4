import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../../util/errors.js';
import type { CommandDef, CommandContext, ExitStatus } from '../command.js';
import { text } from '../values.js';

/** Open the configured store (it must exist) and give its connection and the lake's folder. */
async function withStore<T>(
  ctx: CommandContext,
  fn: (con: import('@duckdb/node-api').DuckDBConnection, lake: string) => Promise<T>,
): Promise<T> {
  const { resolve } = await import('node:path');
  const { existsSync } = await import('node:fs');
  const { openStore } = await import('../../store/index.js');
  const path = resolve(ctx.config.storage.db_file);
  if (!existsSync(path)) throw new UsageError(`no store at ${path}: run 'goblin ingest <folder>' first`);
  const store = await openStore(path);
  try {
    return await fn(store.con, resolve(ctx.config.storage.parquet_dir));
  } finally {
    store.close();
  }
}

export const commands: CommandDef[] = [
  {
    name: 'doctor',
    summary: 'Check that the store and the Parquet dataset agree (row counts per sdk × month); --fix repairs',
    usage: '[--fix] [--json]',
    help: [
      'Checks every part in storage/parquet/_manifest.jsonl is on disk, readable and holds the rows the manifest',
      'says; that no temporary or unlisted part is left; that no run still owes its export; and that the store and',
      'the dataset hold the same number of events per sdk × month. --fix removes temporaries and broken parts and',
      'rewrites every disagreeing partition from the store (the store is the source of truth).',
    ].join('\n'),
    options: {
      fix: { type: 'boolean', description: 'repair what it can (rebuild partitions from the store)' },
      json: { type: 'boolean', description: 'print the check as JSON' },
    },
    exits: {
      0: 'store and Parquet dataset agree (after --fix, when given)',
      1: 'they disagree (run again with --fix)',
    },
    async run(ctx): Promise<ExitStatus> {
      const { checkLake, fixLake } = await import('../../store/lake.js');
      return withStore(ctx, async (con, lake) => {
        let c = await checkLake(con, lake);
        const problems = (x: typeof c) =>
          x.mismatched.length + x.broken.length + x.unlisted.length + x.temps.length + x.pending_runs.length;
        const found = problems(c);
        const lines: string[] = [];
        for (const b of c.broken) lines.push(`broken part ${b.path}: ${b.problem}`);
        for (const u of c.unlisted) lines.push(`part not in the manifest: ${u}`);
        for (const t of c.temps) lines.push(`temporary part left by an interrupted export: ${t}`);
        for (const r of c.pending_runs) lines.push(`run ${r} did not finish its Parquet export`);
        for (const m of c.mismatched)
          lines.push(`sdk=${m.sdk}/month=${m.month}: ${m.store} events in the store, ${m.lake} in Parquet`);
        let fixed: string[] = [];
        if (found && ctx.values.fix) {
          fixed = await fixLake(con, lake, c);
          c = await checkLake(con, lake);
        }
        if (ctx.values.json) ctx.out(JSON.stringify({ found: lines, fixed, after: c }, null, 2));
        else {
          for (const l of lines) ctx.out(l);
          for (const l of fixed) ctx.out(`fixed: ${l}`);
          ctx.out(`${c.parts} Parquet part(s), ${c.rows} events in the dataset`);
        }
        const left = problems(c);
        if (left)
          return {
            code: EXIT_FINDINGS,
            reason: `${left} problem(s) between the store and the Parquet dataset${ctx.values.fix ? ' remain' : ' (run goblin doctor --fix)'}`,
          };
        return {
          code: EXIT_OK,
          reason: found ? `repaired ${found} problem(s); store and dataset agree` : 'store and dataset agree',
        };
      });
    },
  },
  {
    name: 'compact',
    summary:
      'Merge the Parquet parts of earlier ingests (and of other shards, --from) into as few parts as the memory bound allows',
    usage: '[--from DIR]…',
    help: [
      'Each ingest writes one part (several for a run past the part bound, 96 MB of events by default);',
      'compact rewrites them as one — or as several of at most that size each, rows sorted by sdk then time',
      'in each — then removes the parts it replaced. --from adds the parts of another dataset (the',
      'storage/parquet folder a shard of a matrix ingest uploaded): the merge step of docs/ingest.md "Sharding".',
      'Only Parquet is read, so the store is not needed to merge shards.',
    ].join('\n'),
    options: {
      from: {
        type: 'string',
        multiple: true,
        description: 'another Parquet dataset folder (with its _manifest.jsonl) to merge into this one',
        default: 'none',
        placeholder: 'DIR',
        value: text,
      },
    },
    exits: { 0: 'the parts are merged (one, unless the events exceed the bound)' },
    async run(ctx): Promise<ExitStatus> {
      const { resolve } = await import('node:path');
      const { existsSync } = await import('node:fs');
      const { compactLake, MANIFEST } = await import('../../store/lake.js');
      const { openStore } = await import('../../store/index.js');
      const from = ((ctx.values.from as string[] | undefined) ?? []).map((d) => resolve(d));
      for (const d of from)
        if (!existsSync(resolve(d, MANIFEST)))
          throw new UsageError(`${d} holds no ${MANIFEST}: give the storage/parquet folder of an ingest`);
      // Compact needs only a SQL engine over Parquet: an in-memory DuckDB, so it never waits on the store's lock.
      const db = await openStore(':memory:');
      try {
        const r = await compactLake(db.con, resolve(ctx.config.storage.parquet_dir), from);
        ctx.out(`${r.before} part(s) → ${r.after}: ${r.rows} events`);
        return { code: EXIT_OK, reason: `compacted to ${r.after} part(s)` };
      } finally {
        db.close();
      }
    },
  },
];
