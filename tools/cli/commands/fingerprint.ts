import type { CommandContext, CommandDef } from '../command.js';
import { EXIT_OK, UsageError } from '../../util/errors.js';
import { JSON_OPTION } from '../options.js';
import { num } from '../values.js';

const THRESHOLD = {
  type: 'string',
  description: 'Jaccard similarity at which two session shapes join one cluster',
  default: '0.85',
  placeholder: 'J',
  value: num(0, 1),
} as const;

async function shapesFrom(ctx: CommandContext) {
  const { existsSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join, resolve } = await import('node:path');
  const { loadSessionShapes } = await import('../../fingerprint/session-shapes.js');
  if (!ctx.positionals.length) {
    const { openStore } = await import('../../store/index.js');
    const db = resolve(ctx.config.storage.db_file);
    if (!existsSync(db)) throw new UsageError(`no store at ${db}: run 'goblin ingest' first or pass inputs`);
    const store = await openStore(db, { lake: resolve(ctx.config.storage.parquet_dir) });
    try {
      return await loadSessionShapes(store.con);
    } finally {
      store.close();
    }
  }
  // Inputs given: ingest them into a throwaway store.
  const { ingest } = await import('../../ingest/run.js');
  const tmp = mkdtempSync(join(tmpdir(), 'goblin-fp-'));
  try {
    const config = {
      ...ctx.config,
      storage: {
        ...ctx.config.storage,
        base_dir: join(tmp, 'storage'),
        db_file: join(tmp, 'storage', 'goblin.duckdb'),
        parquet_dir: join(tmp, 'storage', 'parquet'),
        quarantine_dir: join(tmp, 'storage', 'quarantine'),
      },
    };
    const { store } = await ingest({ inputs: ctx.positionals, config, quiet: ctx.quiet });
    try {
      return await loadSessionShapes(store.con);
    } finally {
      store.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export const commands: CommandDef[] = [
  {
    name: 'fingerprint clusters',
    summary:
      'Cluster session shapes (MinHash + LSH) into SDK builds; --write commits dictionary/_shapes.yaml',
    usage: '[<input…>] [--write] [--json] [--threshold J]',
    help: [
      'Per session: the parameter keys in at least half its events (or on its start), customer variables and explicit',
      'version fields left out → MinHash (128) → LSH (32 bands) → union-find with an exact Jaccard check.',
      'Prints each cluster with size, dominant platform/sdk/version and the keys that separate it from its nearest',
      'neighbour; clusters under 2 sessions are novel. The written model gives sessions without an explicit library',
      'version their cluster id as virtual version at ingest (specs can scope to it with scope.cluster).',
    ].join('\n'),
    options: {
      write: { type: 'boolean', description: 'write the model to dictionary/_shapes.yaml' },
      ...JSON_OPTION,
      threshold: THRESHOLD,
    },
    exits: { 0: 'clusters printed (and written with --write)' },
    async run(ctx) {
      const { resolve } = await import('node:path');
      const { buildShapeModel, writeShapeModel } = await import('../../fingerprint/shape.js');
      const shapes = await shapesFrom(ctx);
      const { model } = buildShapeModel(shapes, {
        threshold: ctx.values.threshold as number | undefined,
      });
      if (ctx.values.json) ctx.out(JSON.stringify(model, null, 2));
      else {
        for (const c of model.clusters) {
          const v = c.dominant_version
            ? `${c.dominant_version} (${Math.round(c.version_share * 100)}%)`
            : 'no explicit version';
          ctx.out(
            `${c.id}  ${c.sdk}/${c.platform}  ${String(c.sessions).padStart(5)} sessions  ${c.keys.length} keys  ${v}${c.novel ? '  NOVEL' : ''}`,
          );
          if (c.separating.length) ctx.out(`    vs ${c.nearest}: ${c.separating.join(' ')}`);
        }
        ctx.out(
          `${model.clusters.length} clusters over ${shapes.length} sessions (${model.clusters.filter((c) => c.novel).length} novel)`,
        );
      }
      if (ctx.values.write) {
        const path = resolve('dictionary', '_shapes.yaml');
        ctx.err(writeShapeModel(path, model) ? `wrote ${path}` : `${path} unchanged`);
      }
      return EXIT_OK;
    },
  },
  {
    name: 'fingerprint eval',
    summary:
      'Purity/recall of version recovery from shapes (explicit versions hidden) on the store or on inputs',
    usage: '[<input…>] [--json]',
    options: { ...JSON_OPTION, threshold: THRESHOLD },
    exits: { 0: 'evaluation printed' },
    async run(ctx) {
      const { evaluateShapes } = await import('../../fingerprint/eval.js');
      const shapes = await shapesFrom(ctx);
      const r = evaluateShapes(shapes, {
        threshold: ctx.values.threshold as number | undefined,
      });
      if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
      else {
        ctx.out(
          `${r.sessions} versioned sessions · ${r.versions} versions · ${r.clusters} clusters (${r.novel} novel)`,
        );
        ctx.out(
          `purity ${r.purity} · recall ${r.recall} · held-out recovery ${r.recovery.accuracy} (${r.recovery.correct}/${r.recovery.held_out}; ${Object.entries(
            r.recovery.by_method,
          )
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`,
        );
        for (const v of r.per_version)
          ctx.out(
            `  ${v.version.padEnd(28)} ${String(v.sessions).padStart(5)} sessions in ${v.clusters} cluster(s) · recovered ${v.recovered}`,
          );
      }
      return EXIT_OK;
    },
  },
];
