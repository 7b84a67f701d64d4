/** `goblin schema check`: the repository's YAML files against their JSON Schemas' zod sources. */
import type { CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_NOT_CHECKED, EXIT_OK, EXIT_USAGE } from '../../util/errors.js';
import { JSON_OPTION } from '../options.js';

export const commands: CommandDef[] = [
  {
    name: 'schema check',
    summary: 'Validate specs, constitution.yaml, goblin.config.yaml and dictionary/ against their schemas',
    usage: '[file…] [--json]',
    help:
      'Without files: every spec, the constitution, the config and every dictionary file. Prints path:line: level message.\n' +
      'The pre-commit hook runs it on the staged files; a missing or wrong yaml-language-server modeline is reported too.',
    options: JSON_OPTION,
    exits: {
      0: 'every file is valid (warnings allowed)',
      1: 'a file does not match its schema',
      3: 'no given file is one a schema covers (nothing was checked)',
    },
    async run(ctx) {
      const { checkSchemaFiles, formatSchemaIssue } = await import('../../schemas/check.js');
      const r = checkSchemaFiles(process.cwd(), ctx.positionals);
      const errors = r.issues.filter((i) => i.level === 'error').length;
      if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
      else {
        for (const i of r.issues) ctx.out(formatSchemaIssue(i));
        for (const f of r.missing) ctx.err(`${f}: not found`);
        for (const f of r.unchecked) ctx.err(`${f}: no schema covers this file (not checked)`);
        ctx.out(`${r.checked.length} files checked: ${errors} errors, ${r.issues.length - errors} warnings`);
      }
      if (r.missing.length) return { code: EXIT_USAGE, reason: `input not found: ${r.missing.join(', ')}` };
      if (errors)
        return { code: EXIT_FINDINGS, reason: `${errors} schema error(s) in ${r.checked.length} file(s)` };
      if (!r.checked.length && r.unchecked.length)
        return {
          code: EXIT_NOT_CHECKED,
          reason: `input not checked: no schema covers ${r.unchecked.join(', ')}`,
        };
      return { code: EXIT_OK, reason: `${r.checked.length} file(s) valid` };
    },
  },
];
