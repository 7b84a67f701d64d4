import type { CommandDef, ExitStatus } from '../command.js';
import { EXIT_OK, UsageError } from '../../util/errors.js';
import type { IngestSummary } from '../../ingest/run.js';
import type { QuarantineRecord } from '../../validate/outputs.js';
import { RUN_OPTIONS } from '../options.js';

export function formatIngestSummary(s: IngestSummary): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const fam = Object.entries(s.beacons_by_family)
    .sort((a, b) => b[1] - a[1])
    .map(([f, n]) => `${f} ${n}`)
    .join(' · ');
  const q = Object.entries(s.quarantine_by_reason)
    .map(([r, n]) => `${r} ${n}`)
    .join(' · ');
  const mb = s.bytes / 1e6;
  const rate = (n: number) => (n / Math.max(s.seconds, 1e-9)).toFixed(0);
  return [
    `files seen ${s.files_seen} · parsed ${s.files_parsed} · quarantined ${s.files_quarantined} · LFS pointers ${s.lfs_pointers} · unchanged (skipped) ${s.files_skipped_unchanged}`,
    `quarantine by reason: ${q || 'none'} (${s.entries_quarantined} single entries)`,
    `entries ${s.entries} · Adobe beacons ${s.beacons}${fam ? ` (${fam})` : ''}`,
    `sessions ${s.sessions} · new HARs stored ${s.new_hars_stored} · events exported to Parquet ${s.events_exported}`,
    `parse success ${pct(s.parse_success_rate)} · ${s.seconds.toFixed(1)} s · ${rate(s.files_seen - s.files_skipped_unchanged)} files/s · ${(mb / Math.max(s.seconds, 1e-9)).toFixed(1)} MB/s · ${rate(s.beacons)} beacons/s`,
    ...s.messages.slice(0, 20).map((m) => `note: ${m}`),
    ...(s.messages.length > 20 ? [`note: … and ${s.messages.length - 20} more`] : []),
  ];
}

export const commands: CommandDef[] = [
  {
    name: 'ingest',
    summary:
      'Ingest HAR files/folders/globs (.har, .har.gz, .harz, .zip) into the DuckDB store and Parquet dataset',
    usage: '<input…> [--shard i/n] [--workers N] [--min-parse-rate R] [--json]',
    help: [
      'Decodes Adobe Analytics, Video Heartbeat, Media Collection and Edge beacons into the canonical envelope.',
      'A file whose path, size and mtime are stored is skipped (an archive only when it was read whole, a file',
      'that could not be read never); one read again stores nothing twice (content hash). Broken files go to the',
      'quarantine table with their reason; one bad entry never sinks a file, one bad file never sinks a batch.',
      "`goblin stats --quarantine` names them. --shard i/n ingests only this runner's share of the files.",
    ].join('\n'),
    options: {
      shard: RUN_OPTIONS.shard,
      workers: RUN_OPTIONS.workers,
      'min-parse-rate': RUN_OPTIONS['min-parse-rate'],
      json: { type: 'boolean', description: 'print the ingest summary as JSON' },
    },
    exits: {
      0: 'ingested, or nothing new to read (unchanged files are skipped)',
      3: 'input not checked: parse success below --min-parse-rate, or no Adobe beacon in the HAR files read',
    },
    async run(ctx): Promise<ExitStatus> {
      if (!ctx.positionals.length) throw new UsageError('give HAR inputs (files, folders, globs)');
      const { ingest } = await import('../../ingest/run.js');
      const { notChecked, nothingRead } = await import('../gate.js');
      const { quarantineLines } = await import('../../publish/quarantine.js');
      const { summary, store } = await ingest({
        inputs: ctx.positionals,
        config: ctx.config,
        shard: ctx.values.shard as string | undefined,
        workers: (ctx.values.workers as number | undefined) || undefined,
        quiet: ctx.quiet,
      });
      store.close();
      if (ctx.values.json) ctx.out(JSON.stringify(summary, null, 2));
      else {
        for (const l of formatIngestSummary(summary)) ctx.out(l);
        for (const l of quarantineLines(summary.quarantined)) ctx.out(l);
      }
      const read = summary.files_seen - summary.files_skipped_unchanged;
      const minParseRate =
        (ctx.values['min-parse-rate'] as number | undefined) ?? ctx.config.validate.min_parse_rate;
      return (
        notChecked({ ...summary, files_read: read }, minParseRate) ?? {
          code: EXIT_OK,
          reason:
            read === 0
              ? nothingRead(summary.files_skipped_unchanged)
              : `ingested ${read} HAR file(s): ${summary.beacons} beacons, parse success ${(100 * summary.parse_success_rate).toFixed(1)}%`,
        }
      );
    },
  },
  {
    name: 'stats',
    summary: 'Summarise what the store holds: files, quarantine, beacons, sessions, fingerprints, findings',
    usage: '[--quarantine] [--json]',
    help: '--quarantine names every quarantined file and entry with its reason, position (entry index) and detail.',
    options: {
      quarantine: { type: 'boolean', description: 'list every quarantined file and entry with its reason' },
      json: { type: 'boolean', description: 'print JSON instead of text' },
    },
    exits: { 0: 'printed what the store holds' },
    async run(ctx) {
      if (ctx.values.quarantine) {
        const { resolve } = await import('node:path');
        const { existsSync } = await import('node:fs');
        const { CURRENT_QUARANTINE, openStore, queryRows } = await import('../../store/index.js');
        const { quarantineLines, sortQuarantine } = await import('../../publish/quarantine.js');
        const path = resolve(ctx.config.storage.db_file);
        if (!existsSync(path))
          throw new UsageError(`no store at ${path}: run 'goblin ingest <folder>' first`);
        const store = await openStore(path, { lake: resolve(ctx.config.storage.parquet_dir) });
        let rows: QuarantineRecord[];
        try {
          rows = sortQuarantine(
            await queryRows<QuarantineRecord>(
              store.con,
              `SELECT scope, path, entry_index::INT AS entry_index, url, reason, detail FROM ${CURRENT_QUARANTINE} q`,
            ),
          );
        } finally {
          store.close();
        }
        if (ctx.values.json) ctx.out(JSON.stringify(rows, null, 2));
        else {
          ctx.out(`${rows.length} quarantined file(s) and entries`);
          for (const l of quarantineLines(rows, Number.MAX_SAFE_INTEGER)) ctx.out(l);
        }
        return EXIT_OK;
      }
      const { storeStats, formatStats } = await import('../../store/stats.js');
      const stats = await storeStats(ctx.config);
      if (ctx.values.json) ctx.out(JSON.stringify(stats, null, 2));
      else for (const l of formatStats(stats)) ctx.out(l);
      return EXIT_OK;
    },
  },
];
