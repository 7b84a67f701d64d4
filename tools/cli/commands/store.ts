import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../../util/errors.js';
import type { CommandDef, CommandContext, ExitStatus } from '../command.js';
import { text } from '../values.js';

/** Open the configured store (it must exist) and give its connection and the lake's folder. */
async function withStore<T>(
  ctx: CommandContext,
  fn: (con: import('@duckdb/node-api').DuckDBConnection, lake: string, notes: string[]) => Promise<T>,
): Promise<T> {
  const { resolve } = await import('node:path');
  const { existsSync } = await import('node:fs');
  const { openStore } = await import('../../store/index.js');
  const path = resolve(ctx.config.storage.db_file);
  if (!existsSync(path)) throw new UsageError(`no store at ${path}: run 'goblin ingest <folder>' first`);
  const lake = resolve(ctx.config.storage.parquet_dir);
  const store = await openStore(path, { lake });
  try {
    return await fn(store.con, lake, store.notes);
  } finally {
    store.close();
  }
}

export const commands: CommandDef[] = [
  {
    name: 'doctor',
    summary:
      'Check that every capture the store holds has all its events in the Parquet dataset; --fix repairs',
    usage: '[--fix] [--json]',
    help: [
      "The store's events live in the Parquet dataset alone. Checks every part in storage/parquet/_manifest.jsonl",
      'is on disk, readable and holds the rows the manifest says; that no temporary or unlisted part is left; and',
      'that every capture the store holds has as many events in the dataset as it had beacons. --fix removes',
      'temporaries, broken and unlisted parts, and makes the store forget every capture whose events are no',
      'longer all there, so the next ingest of its files reads it again.',
    ].join('\n'),
    options: {
      fix: {
        type: 'boolean',
        description: 'repair what it can (drop broken parts, forget captures whose events are gone)',
      },
      json: { type: 'boolean', description: 'print the check as JSON' },
    },
    exits: {
      0: 'store and Parquet dataset agree (after --fix, when given)',
      1: 'they disagree (run again with --fix)',
    },
    async run(ctx): Promise<ExitStatus> {
      const { checkLake, fixLake } = await import('../../store/lake.js');
      return withStore(ctx, async (con, lake, notes) => {
        let c = await checkLake(con, lake);
        const problems = (x: typeof c) =>
          x.missing.length + x.broken.length + x.unlisted.length + x.temps.length;
        const found = problems(c);
        const lines: string[] = notes.map((n) => `note: ${n}`);
        for (const b of c.broken) lines.push(`broken part ${b.path}: ${b.problem}`);
        for (const u of c.unlisted) lines.push(`part not in the manifest: ${u}`);
        for (const t of c.temps) lines.push(`temporary part left by an interrupted export: ${t}`);
        for (const m of c.missing)
          lines.push(`${m.path}: ${m.store} events stored for it, ${m.lake} in the Parquet dataset`);
        if (c.foreign)
          lines.push(
            `note: the dataset holds the events of ${c.foreign} capture(s) this store does not know (merged from another dataset)`,
          );
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
      'Only Parquet is read: --from merges into a dataset that has no store (a store reads every part of its',
      "dataset as its own events). Without --from, compact holds the configured store's lock so no ingest",
      'writes the dataset meanwhile.',
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
      const lake = resolve(ctx.config.storage.parquet_dir);
      const dbFile = resolve(ctx.config.storage.db_file);
      // A store reads every listed part as its own events: other datasets' parts merged into its dataset
      // would count captures it never stored, and ingesting those captures later would store them twice.
      if (from.length && existsSync(dbFile))
        throw new UsageError(
          `--from merges other datasets into one that has no store of its own; ${dbFile} reads ${lake} as its events. Merge into another folder (a --config whose storage holds no store), as docs/ingest.md "Sharding" shows`,
        );
      // The store's events live in the dataset: compact holds the store's lock where there is a store, so
      // an ingest cannot publish a part while the manifest is rewritten. Without one (the merge step of a
      // sharded ingest) an in-memory DuckDB is the SQL engine over Parquet.
      const db = existsSync(dbFile) ? await openStore(dbFile, { lake }) : await openStore(':memory:');
      try {
        const r = await compactLake(db.con, lake, from);
        ctx.out(`${r.before} part(s) → ${r.after}: ${r.rows} events`);
        return { code: EXIT_OK, reason: `compacted to ${r.after} part(s)` };
      } finally {
        db.close();
      }
    },
  },
];
