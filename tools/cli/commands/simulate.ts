import { UsageError } from '../../util/errors.js';
import type { CommandDef } from '../command.js';

function intFlag(v: unknown, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min} (got '${String(v)}')`);
  return n;
}

export const commands: CommandDef[] = [
  {
    name: 'simulate',
    summary:
      'Write a deterministic corpus of simulated HAR captures (Adobe page + media beacons) with truth.jsonl',
    usage: '--out DIR --seed N --sessions K [--profile default|bench] [--fault-rate F] [--body-bytes B]',
    help: [
      'Each capture is one app/page visit: page/app hits, 0–2 media sessions (heartbeat, Media Collection or',
      'Media Edge), unrelated traffic; at most one injected fault. Files are nested by platform/library/day, some',
      'gzipped, a few zipped (default profile), plus broken files; truth.jsonl lists sessions, faults and broken files.',
      '',
      'Examples:',
      '  goblin simulate --out /tmp/sim --seed 1 --sessions 50',
      '  goblin simulate --out /tmp/bench --seed 7 --sessions 2000 --profile bench',
    ].join('\n'),
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      sessions: { type: 'string' },
      profile: { type: 'string' },
      'fault-rate': { type: 'string' },
      'body-bytes': { type: 'string' },
    },
    async run(ctx) {
      const out = ctx.values.out;
      if (typeof out !== 'string' || !out) throw new UsageError('--out DIR is required');
      const seed = intFlag(ctx.values.seed ?? '1', 'seed', 0) as number;
      const sessions = intFlag(ctx.values.sessions, 'sessions', 1);
      if (sessions === undefined) throw new UsageError('--sessions K is required');
      const profile = ctx.values.profile ?? 'default';
      if (profile !== 'default' && profile !== 'bench')
        throw new UsageError(`--profile must be default or bench (got '${String(profile)}')`);
      let faultRate = 0.35;
      if (ctx.values['fault-rate'] !== undefined) {
        faultRate = Number(ctx.values['fault-rate']);
        if (!Number.isFinite(faultRate) || faultRate < 0 || faultRate > 1)
          throw new UsageError('--fault-rate must be a number in [0, 1]');
      }
      const bodyBytes = intFlag(ctx.values['body-bytes'], 'body-bytes', 1000);
      const [{ simulateCorpus }, { createProgress }] = await Promise.all([
        import('../../simulate/index.js'),
        import('../progress.js'),
      ]);
      const progress = createProgress({
        label: 'simulate',
        total: sessions,
        unit: 'captures',
        quiet: ctx.quiet,
      });
      const t0 = performance.now();
      const r = simulateCorpus({
        outDir: out,
        seed,
        sessions,
        faultRate,
        profile,
        bodyBytes,
        onProgress: () => progress.tick(),
      });
      const s = (performance.now() - t0) / 1000;
      progress.done();
      ctx.out(
        `${r.hars} captures (${r.gz} .har.gz, ${r.zipMembers} in ${r.zips} zip, ${r.broken} broken files), ${r.mediaSessions} media sessions, ${r.faults} faults; ` +
          `${(r.bytes / 1e6).toFixed(1)} MB in ${s.toFixed(1)} s → ${out} (truth.jsonl)`,
      );
      return 0;
    },
  },
];
