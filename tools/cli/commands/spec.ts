import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../../util/errors.js';
import { int, text } from '../values.js';
import { makeDirs } from '../../util/files.js';

export const commands: CommandDef[] = [
  {
    name: 'spec lint',
    summary: 'Check every spec against the DSL schema, the check parameters and constitution.yaml',
    usage: '[--no-fixtures] [--base REF]',
    help: 'Prints path:line: level [rule] message. A spec breaking a constitutional clause names the clause.',
    options: {
      'no-fixtures': { type: 'boolean', description: 'do not require every spec to name pass/fail fixtures' },
      base: {
        type: 'string',
        description:
          'git ref the change merges into: a spec that is new or whose rule changed relative to it must be experimental or shadow',
        default: 'none: no lifecycle check',
        placeholder: 'REF',
        value: text,
      },
    },
    exits: { 0: 'no spec has an error (warnings allowed)', 1: 'a spec has an error' },
    async run(ctx) {
      const { lintSpecs, formatIssue } = await import('../../spec/lint.js');
      const r = lintSpecs({
        specsDir: ctx.config.validate.specs_dir,
        constitution: ctx.config.validate.constitution,
        root: process.cwd(),
        requireFixtures: !ctx.values['no-fixtures'],
        base: ctx.values.base as string | undefined,
      });
      for (const i of r.issues) ctx.out(formatIssue(i));
      const errors = r.issues.filter((i) => i.level === 'error').length;
      ctx.out(`${r.specs.length} specs, ${errors} errors, ${r.issues.length - errors} warnings`);
      return errors ? EXIT_FINDINGS : EXIT_OK;
    },
  },
  {
    name: 'spec test',
    summary:
      'Lint, run every spec fixture, replay the known-good corpus (known-fps.csv) and verify citations',
    usage: '[--known-good DIR…] [--report FILE] [--no-sim] [--base REF] [--record-fps]',
    help: 'The pre-push check (npm run spec:test). Writes out/spec-test.json for the site.\nBy default a fault-free simulated corpus (fixed seed) joins the known-good corpus; --no-sim skips it.',
    options: {
      'known-good': {
        type: 'string',
        multiple: true,
        description:
          'extra folder of known-good captures to replay (no finding allowed beyond known-fps.csv)',
        default: 'the pass fixtures and the simulated corpus',
        placeholder: 'DIR',
        value: text,
      },
      report: {
        type: 'string',
        description: 'where the JSON report is written',
        default: 'out/spec-test.json',
        placeholder: 'FILE',
        value: text,
      },
      'no-sim': { type: 'boolean', description: 'skip the simulated fault-free corpus' },
      base: {
        type: 'string',
        description:
          'git ref the change merges into: new or changed specs must start experimental or shadow (CI: origin/main)',
        default: 'none: no lifecycle check',
        placeholder: 'REF',
        value: text,
      },
      'record-fps': {
        type: 'boolean',
        description: 'append the known-good findings no row allows yet to tests/known-fps.csv, for review',
      },
      'sim-sessions': {
        type: 'string',
        description: 'captures in the simulated fault-free corpus',
        default: '60',
        placeholder: 'N',
        value: int(1),
      },
    },
    exits: {
      0: 'lint, fixtures, known-good replay and citations all passed',
      1: 'a spec, fixture, replay or citation failed',
    },
    async run(ctx) {
      const { runSpecTests } = await import('../../spec/test-runner.js');
      const knownGood = [...((ctx.values['known-good'] as string[] | undefined) ?? [])];
      if (!ctx.values['no-sim']) {
        const { cleanCorpus } = await import('../../spec/clean-corpus.js');
        knownGood.push(await cleanCorpus((ctx.values['sim-sessions'] as number | undefined) ?? 60));
      }
      const { report, lines } = await runSpecTests({
        root: process.cwd(),
        config: ctx.config,
        knownGood,
        base: ctx.values.base as string | undefined,
        recordFps: Boolean(ctx.values['record-fps']),
      });
      for (const l of lines) ctx.out(l);
      const path = resolve((ctx.values.report as string) ?? 'out/spec-test.json');
      makeDirs(dirname(path));
      writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
      ctx.out(report.ok ? 'spec:test passed' : 'spec:test FAILED');
      return report.ok ? EXIT_OK : EXIT_FINDINGS;
    },
  },
  {
    name: 'spec explain',
    summary:
      'Show which spec decided each check for a session (a HAR file, or a session id in the store), and why',
    usage: '<har-file | session-id> [--session KEY]',
    options: {
      session: {
        type: 'string',
        description: 'the session key inside the HAR',
        default: 'every session of the file',
        placeholder: 'KEY',
        value: text,
      },
    },
    exits: { 0: 'explained the session(s)' },
    async run(ctx) {
      const file = ctx.positionals[0];
      if (!file) throw new UsageError('give a HAR file or a session id');
      const { explain } = await import('../../spec/explain.js');
      const lines = await explain(file, ctx.config, ctx.values.session as string | undefined);
      for (const l of lines) ctx.out(l);
      return EXIT_OK;
    },
  },
  {
    name: 'spec schema',
    summary: 'Export JSON Schemas (spec, envelope, constitution, dictionary entry) to schemas/',
    usage: '[--check]',
    options: { check: { type: 'boolean', description: 'write nothing; exit 1 when a schema file is stale' } },
    exits: { 0: 'schemas written or up to date', 1: '--check: a schema file is stale' },
    async run(ctx) {
      const { exportSchemas } = await import('../../spec/json-schema.js');
      const stale = exportSchemas(process.cwd(), Boolean(ctx.values.check));
      if (ctx.values.check) {
        for (const s of stale) ctx.out(`stale: ${s}`);
        return stale.length ? EXIT_FINDINGS : EXIT_OK;
      }
      ctx.out(stale.length ? `wrote ${stale.join(', ')}` : 'schemas up to date');
      return EXIT_OK;
    },
  },
];
