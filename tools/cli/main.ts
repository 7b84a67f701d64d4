import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, withRulePack } from '../config/index.js';
import { EXIT_USAGE, UsageError } from '../util/errors.js';
import type { CommandDef } from './command.js';

const COMMANDS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'commands');
const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  config: { type: 'string' },
} as const;

/** Every module in commands/ contributes `commands`; discovery keeps stages independent of one registry. */
export async function loadCommands(): Promise<CommandDef[]> {
  const files = readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  const all: CommandDef[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(COMMANDS_DIR, f)).href)) as { commands?: CommandDef[] };
    all.push(...(mod.commands ?? []));
  }
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

function topHelp(commands: CommandDef[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'goblin — telemetry spec engineer for Adobe beacons in HAR captures',
    '',
    'Usage: goblin <command> [options]   (goblin <command> --help for details)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options: --config FILE (default goblin.config.yaml), --quiet, --help',
    'Exit codes: 0 ok, 1 findings or failure, 2 usage or input error.',
  ].join('\n');
}

function commandHelp(c: CommandDef): string {
  const opts = Object.entries(c.options ?? {}).map(
    ([k, v]) => `  --${k}${v.type === 'string' ? ' VALUE' : ''}`,
  );
  return [
    `goblin ${c.name} — ${c.summary}`,
    '',
    `Usage: goblin ${c.name} ${c.usage}`,
    ...(c.help ? ['', c.help] : []),
    ...(opts.length ? ['', 'Options:', ...opts] : []),
    '  --config FILE, --quiet, --help',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const commands = await loadCommands();
  // Longest command name that prefixes argv wins (`spec lint` before `spec`).
  const match = commands
    .filter((c) => {
      const parts = c.name.split(' ');
      return parts.every((p, i) => argv[i] === p);
    })
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)[0];
  if (!match) {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      console.log(topHelp(commands));
      return argv.length === 0 ? EXIT_USAGE : 0;
    }
    const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length) {
      console.log(topHelp(group));
      return argv.includes('--help') || argv.includes('-h') ? 0 : EXIT_USAGE;
    }
    console.error(`goblin: unknown command '${argv[0]}'. Run 'goblin --help'.`);
    return EXIT_USAGE;
  }
  const rest = argv.slice(match.name.split(' ').length);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...(match.options ?? {}) },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    console.error(`goblin ${match.name}: ${(e as Error).message}\n\n${commandHelp(match)}`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    console.log(commandHelp(match));
    return 0;
  }
  try {
    const loaded = withRulePack(loadConfig(parsed.values.config as string | undefined), process.cwd());
    const config = loaded.config;
    if (loaded.fallback && !parsed.values.quiet)
      console.error(`goblin: no ${'specs/'} here — using the rule pack at ${config.validate.specs_dir}`);
    return await match.run({
      values: parsed.values,
      positionals: parsed.positionals,
      config,
      quiet: Boolean(parsed.values.quiet),
      out: (l) => console.log(l),
      err: (l) => console.error(l),
    });
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`goblin ${match.name}: ${e.message}`);
      return EXIT_USAGE;
    }
    console.error(`goblin ${match.name}: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
