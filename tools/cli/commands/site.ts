import type { CommandDef } from '../command.js';
import { EXIT_OK, UsageError } from '../../util/errors.js';
import { int, pattern, text } from '../values.js';

export const commands: CommandDef[] = [
  {
    name: 'site build',
    summary:
      'Build the static spec site (specs, dictionary, codes, findings, sessions, quarantine, inbox, evidence) into site/dist',
    usage: '[--run DIR] [--out DIR] [--base /path/] [--data-only]',
    help: [
      'Reads specs/, dictionary/, evidence/, constitution.yaml, git history and the last validation run',
      '(--run, else $GOBLIN_RUN_DIR, else out/run: violations.jsonl, sessions.jsonl, summary.json,',
      'summary.prev.json, timelines.jsonl, quarantine.jsonl, spec-test.json, inbox.jsonl), writes',
      'site/src/data/generated/ and builds the Astro site into --out. No network; Astro telemetry is off.',
      'Every link is relative: open site/dist/index.html straight from disk, or `goblin site serve`.',
    ].join('\n'),
    options: {
      run: {
        type: 'string',
        description: 'the validation run to publish',
        default: '$GOBLIN_RUN_DIR, else out/run',
        placeholder: 'DIR',
        value: text,
      },
      out: {
        type: 'string',
        description: 'folder the static site is built into',
        default: 'site/dist',
        placeholder: 'DIR',
        value: text,
      },
      root: {
        type: 'string',
        description: 'repository whose specs, dictionary and evidence are published',
        default: 'the Goblin repository',
        placeholder: 'DIR',
        value: text,
      },
      base: {
        type: 'string',
        description: 'URL prefix Astro builds for (links stay relative, so any prefix works)',
        default: '$GOBLIN_SITE_BASE, else /',
        placeholder: '/path/',
        value: pattern(/^\//, 'a path starting with /'),
      },
      'data-dir': {
        type: 'string',
        description: 'where site-data.json and search-index.json are written',
        default: 'site/src/data/generated',
        placeholder: 'DIR',
        value: text,
      },
      'data-only': { type: 'boolean', description: 'write the site data, skip the Astro build' },
    },
    exits: { 0: 'site built' },
    async run(ctx) {
      const { buildSite, optionsFromFlags } = await import('../../publish/site-build.js');
      const r = await buildSite({ ...optionsFromFlags(ctx.values), log: ctx.quiet ? undefined : ctx.err });
      ctx.out(
        `site built in ${(r.ms.total / 1000).toFixed(1)} s: ${r.counts.specs} specs, ${r.counts.dictionary} dictionary entries, ${r.counts.findings} findings, ${r.counts.sessions} sessions (${r.counts.timelines} timelines) → ${r.outDir}`,
      );
      return EXIT_OK;
    },
  },
  {
    name: 'site serve',
    summary: 'Serve the built site on 127.0.0.1 until interrupted (Ctrl-C)',
    usage: '[--dir DIR] [--port N]',
    help: 'The site also opens straight from disk (file://); serving it gives the usual http:// URLs.',
    options: {
      dir: {
        type: 'string',
        description: 'the built site',
        default: 'site/dist',
        placeholder: 'DIR',
        value: text,
      },
      port: {
        type: 'string',
        description: 'TCP port on 127.0.0.1 (0 = any free port)',
        default: '4321',
        placeholder: 'N',
        value: int(0, 65535),
      },
    },
    exits: { 0: 'served until interrupted' },
    async run(ctx) {
      const { existsSync } = await import('node:fs');
      const { join, resolve } = await import('node:path');
      const { serveStatic } = await import('../../publish/static-server.js');
      const dir = resolve((ctx.values.dir as string | undefined) ?? 'site/dist');
      if (!existsSync(join(dir, 'index.html')))
        throw new UsageError(`no built site at ${dir} (run 'goblin site build' first)`);
      let server;
      try {
        server = await serveStatic(dir, (ctx.values.port as number | undefined) ?? 4321);
      } catch (e) {
        throw new UsageError(`cannot listen: ${(e as Error).message}`);
      }
      ctx.out(`serving ${dir} at ${server.url}/ (Ctrl-C stops)`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      return { code: EXIT_OK, reason: 'served until interrupted' };
    },
  },
];
