import type { CommandContext, CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../../util/errors.js';
import { JSON_OPTION } from '../options.js';
import { int, num, text } from '../values.js';

const DICT_DIR = 'dictionary';
const DIR_OPTION = {
  type: 'string',
  description: 'the dictionary tree',
  default: DICT_DIR,
  placeholder: 'DIR',
  value: text,
} as const;

async function withStore<T>(
  ctx: CommandContext,
  f: (con: import('@duckdb/node-api').DuckDBConnection) => Promise<T>,
) {
  const { resolve } = await import('node:path');
  const { openStore } = await import('../../store/index.js');
  const store = await openStore(resolve(ctx.config.storage.db_file), {
    lake: resolve(ctx.config.storage.parquet_dir),
  });
  try {
    return await f(store.con);
  } finally {
    store.close();
  }
}

export const commands: CommandDef[] = [
  {
    name: 'dictionary induce',
    summary: 'Induce the parameter dictionary from the store into dictionary/<sdk>/<param>.yaml',
    usage: '[--dir DIR] [--json]',
    help: [
      'One YAML file per (sdk, parameter): type, unit, stats, stability, presence per (event type, version range),',
      'aliases (seeded from the cross-format map, confirmed/extended by value agreement), first/last seen, examples.',
      'Re-running on the same data changes nothing. `note` always survives; `locked: true` keeps type, unit,',
      'aliases, concept and presence as reviewed. Files of params no longer in the store are kept.',
    ].join('\n'),
    options: { dir: DIR_OPTION, ...JSON_OPTION },
    exits: { 0: 'dictionary induced' },
    async run(ctx) {
      const { resolve } = await import('node:path');
      const { induceDictionary } = await import('../../dictionary/index.js');
      const dir = resolve((ctx.values.dir as string) ?? DICT_DIR);
      const r = await withStore(ctx, (con) => induceDictionary(con, dir));
      if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
      else {
        ctx.out(
          `${r.entries} params from ${r.events} events in ${r.seconds.toFixed(2)} s: ${r.added.length} added, ${r.changed.length} changed, ${r.unchanged} unchanged, ${r.kept} kept (not in store)`,
        );
        for (const p of [...r.added.map((p) => `A ${p}`), ...r.changed.map((p) => `M ${p}`)].slice(0, 40))
          ctx.out(`  ${p}`);
      }
      return EXIT_OK;
    },
  },
  {
    name: 'dictionary diff',
    summary: 'Show, as a unified diff, what ingesting new HARs would change in the dictionary',
    usage: '<input…> [--dir DIR] [--stat]',
    help: 'Copies the store and its Parquet dataset to a temporary folder, ingests the inputs there, induces into a copy of the tree and diffs. Nothing in the repository or the store changes.',
    options: {
      dir: DIR_OPTION,
      stat: { type: 'boolean', description: 'list changed files (A/M/D) instead of the unified diff' },
    },
    exits: {
      0: 'nothing in the dictionary would change',
      1: 'ingesting the inputs would change the dictionary',
    },
    async run(ctx) {
      if (!ctx.positionals.length) throw new UsageError('give HAR files/folders to compare');
      const { cpSync, existsSync, mkdtempSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join, resolve } = await import('node:path');
      const { ingest } = await import('../../ingest/run.js');
      const { induceDictionary, diffTrees } = await import('../../dictionary/index.js');
      const dir = resolve((ctx.values.dir as string) ?? DICT_DIR);
      const tmp = mkdtempSync(join(tmpdir(), 'goblin-dict-diff-'));
      try {
        const db = resolve(ctx.config.storage.db_file);
        const tmpDb = join(tmp, 'storage', 'goblin.duckdb');
        if (existsSync(db)) {
          cpSync(db, tmpDb);
          if (existsSync(`${db}.wal`)) cpSync(`${db}.wal`, `${tmpDb}.wal`);
          // The store's events live in its Parquet dataset: the copy needs them too.
          const lake = resolve(ctx.config.storage.parquet_dir);
          if (existsSync(lake)) cpSync(lake, join(tmp, 'storage', 'parquet'), { recursive: true });
        }
        const config = {
          ...ctx.config,
          storage: {
            ...ctx.config.storage,
            base_dir: join(tmp, 'storage'),
            db_file: tmpDb,
            parquet_dir: join(tmp, 'storage', 'parquet'),
            quarantine_dir: join(tmp, 'storage', 'quarantine'),
          },
        };
        const { store } = await ingest({ inputs: ctx.positionals, config, quiet: ctx.quiet });
        const after = join(tmp, 'dictionary');
        if (existsSync(dir)) cpSync(dir, after, { recursive: true });
        try {
          await induceDictionary(store.con, after);
        } finally {
          store.close();
        }
        const d = diffTrees(dir, after);
        if (ctx.values.stat)
          for (const [k, l] of [
            ['A', d.added],
            ['M', d.changed],
            ['D', d.removed],
          ] as const)
            for (const p of l) ctx.out(`${k} dictionary/${p}`);
        else if (d.text) ctx.out(d.text);
        ctx.err(`${d.added.length} added, ${d.changed.length} changed, ${d.removed.length} removed`);
        return d.added.length + d.changed.length + d.removed.length ? EXIT_FINDINGS : EXIT_OK;
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'dictionary unknowns',
    summary: 'List stable parameters no spec or known mapping covers (the research queue)',
    usage: '[--json] [--min-sessions N] [--min-stability X] [--all] [--dir DIR]',
    help: 'A param is unknown when it is seen in ≥ --min-sessions sessions (default 20) with stability ≥ --min-stability (default 0.9), is not locked, and neither it nor an alias is named by a spec (requires.keys/dict, check params) or the alias seed. Customer-defined variables (eVars, props, custom context data/metadata) are left out unless --all.',
    options: {
      ...JSON_OPTION,
      'min-sessions': {
        type: 'string',
        description: 'sessions a parameter must be seen in',
        default: '20',
        placeholder: 'N',
        value: int(1),
      },
      'min-stability': {
        type: 'string',
        description: 'share of sessions with a stable type and presence',
        default: '0.9',
        placeholder: 'X',
        value: num(0, 1),
      },
      all: {
        type: 'boolean',
        description: 'include customer-defined variables (eVars, props, custom context data)',
      },
      dir: DIR_OPTION,
    },
    exits: { 0: 'listed the unknown parameters (none is not an error)' },
    async run(ctx) {
      const { resolve } = await import('node:path');
      const { unknownsFromDir } = await import('../../dictionary/index.js');
      const list = unknownsFromDir(
        resolve((ctx.values.dir as string) ?? DICT_DIR),
        resolve(ctx.config.validate.specs_dir),
        {
          minSessions: ctx.values['min-sessions'] as number | undefined,
          minStability: ctx.values['min-stability'] as number | undefined,
          includeCustom: Boolean(ctx.values.all),
        },
      );
      if (ctx.values.json) ctx.out(JSON.stringify(list, null, 2));
      else {
        for (const u of list)
          ctx.out(
            `${u.sdk.padEnd(9)} ${u.param.padEnd(44)} ${u.type.padEnd(8)} stability ${u.stability} · ${u.sessions} sessions`,
          );
        ctx.out(`${list.length} unknown stable params`);
      }
      return EXIT_OK;
    },
  },
];
