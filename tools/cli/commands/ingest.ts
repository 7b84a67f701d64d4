import type { CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK } from '../../util/errors.js';
import type { IngestSummary } from '../../ingest/run.js';

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
  ];
}

export const commands: CommandDef[] = [
  {
    name: 'ingest',
    summary: 'Ingest HAR files/folders/globs (.har, .har.gz, .zip) into the DuckDB store and Parquet dataset',
    usage: '<input…> [--shard i/n] [--workers N] [--json]',
    help: [
      'Decodes Adobe Analytics, Video Heartbeat, Media Collection and Edge beacons into the canonical envelope.',
      'Re-ingesting an unchanged file is a no-op (path/size/mtime, then content hash). Broken files go to the',
      'quarantine table with their reason; one bad entry never sinks a file, one bad file never sinks a batch.',
      "--shard i/n ingests only this runner's share of the files (stable hash of the relative path).",
    ].join('\n'),
    options: { shard: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' } },
    async run(ctx) {
      const { ingest } = await import('../../ingest/run.js');
      const { summary, store } = await ingest({
        inputs: ctx.positionals,
        config: ctx.config,
        shard: ctx.values.shard as string | undefined,
        workers: ctx.values.workers ? Number(ctx.values.workers) : undefined,
        quiet: ctx.quiet,
      });
      store.close();
      if (ctx.values.json) ctx.out(JSON.stringify(summary, null, 2));
      else for (const l of formatIngestSummary(summary)) ctx.out(l);
      return summary.files_parsed === 0 && summary.files_seen - summary.files_skipped_unchanged > 0
        ? EXIT_FINDINGS
        : EXIT_OK;
    },
  },
  {
    name: 'stats',
    summary: 'Summarise what the store holds: files, quarantine, beacons, sessions, fingerprints, findings',
    usage: '[--json]',
    options: { json: { type: 'boolean' } },
    async run(ctx) {
      const { storeStats, formatStats } = await import('../../store/stats.js');
      const stats = await storeStats(ctx.config);
      if (ctx.values.json) ctx.out(JSON.stringify(stats, null, 2));
      else for (const l of formatStats(stats)) ctx.out(l);
      return EXIT_OK;
    },
  },
];
