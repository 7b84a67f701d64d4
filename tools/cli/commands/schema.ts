/** `goblin schema check`: the repository's YAML files against their JSON Schemas' zod sources. */
import type { CommandDef } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../../util/errors.js';

/** Exit 3 (as semgrep/trivy): the inputs were not checked, here because no schema covers them. */
const EXIT_NOT_CHECKED = 3;

export const commands: CommandDef[] = [
  {
    name: 'schema check',
    summary: 'Validate specs, constitution.yaml, goblin.config.yaml and dictionary/ against their schemas',
    usage: '[file…] [--json]',
    help:
      'Without files: every spec, the constitution, the config and every dictionary file. Prints path:line: level message.\n' +
      'Exit 0 valid, 1 invalid files, 2 a file not found, 3 no given file has a schema. The pre-commit hook runs it on staged files.',
    options: { json: { type: 'boolean' } },
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
      if (r.missing.length) return EXIT_USAGE;
      if (errors) return EXIT_FINDINGS;
      if (!r.checked.length && r.unchecked.length) return EXIT_NOT_CHECKED;
      return EXIT_OK;
    },
  },
];
