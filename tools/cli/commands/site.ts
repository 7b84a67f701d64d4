import type { CommandDef } from '../command.js';
import { EXIT_OK } from '../../util/errors.js';

export const commands: CommandDef[] = [
  {
    name: 'site build',
    summary:
      'Build the static spec site (specs, dictionary, codes, findings, sessions, inbox, evidence) into site/dist',
    usage: '[--run DIR] [--out DIR] [--base /path/] [--data-only]',
    help: [
      'Reads specs/, dictionary/, evidence/, constitution.yaml, git history and the last validation run',
      '(--run, else $GOBLIN_RUN_DIR, else out/run: violations.jsonl, sessions.jsonl, summary.json,',
      'summary.prev.json, timelines.jsonl, spec-test.json, inbox.jsonl), writes site/src/data/generated/',
      'and builds the Astro site into --out (default site/dist). No network; Astro telemetry is off.',
      '--base sets the URL prefix when the site is not served from / (e.g. GitHub Pages project sites).',
      'Serve it with any static server, e.g. `python3 -m http.server -d site/dist`.',
    ].join('\n'),
    options: {
      run: { type: 'string' },
      out: { type: 'string' },
      root: { type: 'string' },
      base: { type: 'string' },
      'data-dir': { type: 'string' },
      'data-only': { type: 'boolean' },
    },
    async run(ctx) {
      const { buildSite, optionsFromFlags } = await import('../../publish/site-build.js');
      const r = await buildSite({ ...optionsFromFlags(ctx.values), log: ctx.quiet ? undefined : ctx.err });
      ctx.out(
        `site built in ${(r.ms.total / 1000).toFixed(1)} s: ${r.counts.specs} specs, ${r.counts.dictionary} dictionary entries, ${r.counts.findings} findings, ${r.counts.sessions} sessions (${r.counts.timelines} timelines) → ${r.outDir}`,
      );
      return EXIT_OK;
    },
  },
];
