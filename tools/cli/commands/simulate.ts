import { EXIT_OK, UsageError } from '../../util/errors.js';
import type { CommandDef } from '../command.js';
import { int, num, oneOf, text } from '../values.js';

export const commands: CommandDef[] = [
  {
    name: 'simulate',
    summary:
      'Write a deterministic corpus of simulated HAR captures (Adobe page + media beacons) with truth.jsonl',
    usage:
      '--out DIR --seed N --sessions K [--profile default|bench|dense] [--fault-rate F] [--body-bytes B]',
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
      out: {
        type: 'string',
        description: 'folder the captures and truth.jsonl are written to',
        required: true,
        placeholder: 'DIR',
        value: text,
      },
      seed: {
        type: 'string',
        description: 'random seed (same seed, same bytes)',
        default: '1',
        placeholder: 'N',
        value: int(0),
      },
      sessions: {
        type: 'string',
        description: 'captures to write',
        required: true,
        placeholder: 'K',
        value: int(1),
      },
      profile: {
        type: 'string',
        description:
          'corpus shape: default (varied files, zips, broken files), bench (large bodies) or dense (many beacons, several years of dates)',
        default: 'default',
        placeholder: 'NAME',
        value: oneOf('default', 'bench', 'dense'),
      },
      'fault-rate': {
        type: 'string',
        description: 'share of captures with an injected fault',
        default: '0.35',
        placeholder: 'F',
        value: num(0, 1),
      },
      'body-bytes': {
        type: 'string',
        description: 'response body bytes per page entry (bench profile)',
        default: 'profile default',
        placeholder: 'B',
        value: int(1000),
      },
    },
    exits: { 0: 'corpus written' },
    async run(ctx) {
      const out = ctx.values.out as string | undefined;
      if (!out) throw new UsageError('--out DIR is required');
      const seed = (ctx.values.seed as number | undefined) ?? 1;
      const sessions = ctx.values.sessions as number | undefined;
      if (sessions === undefined) throw new UsageError('--sessions K is required');
      const profile = (ctx.values.profile as 'default' | 'bench' | 'dense' | undefined) ?? 'default';
      const faultRate = (ctx.values['fault-rate'] as number | undefined) ?? 0.35;
      const bodyBytes = ctx.values['body-bytes'] as number | undefined;
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
      return EXIT_OK;
    },
  },
];
