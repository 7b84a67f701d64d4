import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, withRulePack } from '../config/index.js';
import { EXIT_NOT_CHECKED, EXIT_USAGE, UsageError, type ExitCode } from '../util/errors.js';
import type { CommandDef, ExitStatus, OptionDef, OptionSpec, OptionValue } from './command.js';
import { guardStdout, stdoutLine } from './stdout.js';
import { text } from './values.js';

const COMMANDS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'commands');
export const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h', description: 'show this help and exit' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress bars or notes on stderr' },
  config: {
    type: 'string',
    description: 'configuration file (every key optional; see tools/config/schema.ts)',
    default: 'goblin.config.yaml',
    placeholder: 'FILE',
  },
} as const satisfies OptionSpec;

/** The exit code meanings every command shares. */
const SHARED_EXITS: Partial<Record<ExitCode, string>> = {
  2: 'usage error, or an input was not found',
  3: 'the command failed before it could finish (the reason is printed)',
};

type CommandModule = { commands?: CommandDef[] };

/** The modules in `dir` that contribute commands (file names, sorted): every `.ts` file but the tests. */
export function commandModuleFiles(dir = COMMANDS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
}

/**
 * The precompiled CLI (tools/cli/bundle.ts) cannot list commands/ at run time, the bundle lives elsewhere:
 * its generated entry hands over one loader per module, listed when it was built.
 */
let bundledModules: (() => Promise<CommandModule>)[] | null = null;
export function setCommandModules(loaders: (() => Promise<CommandModule>)[]): void {
  bundledModules = loaders;
}

/** Every module in commands/ contributes `commands`; discovery keeps stages independent of one registry. */
export async function loadCommands(): Promise<CommandDef[]> {
  const loaders =
    bundledModules ??
    commandModuleFiles().map(
      (f) => () => import(pathToFileURL(join(COMMANDS_DIR, f)).href) as Promise<CommandModule>,
    );
  const all: CommandDef[] = [];
  for (const load of loaders) all.push(...((await load()).commands ?? []));
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
    'Exit codes: 0 ran and read its inputs · 1 findings at or above --fail-on (or what the command checks for)',
    '            2 usage error or input not found · 3 input not checked (see docs/cli.md#exit-codes)',
  ].join('\n');
}

function optionLines(spec: OptionSpec): string[] {
  const heads = Object.entries(spec).map(([k, v]) => {
    const value = v.type === 'string' ? ` ${v.placeholder ?? 'VALUE'}` : '';
    return `  ${v.short ? `-${v.short}, ` : ''}--${k}${value}${v.multiple ? ' …' : ''}`;
  });
  const width = Math.min(34, Math.max(...heads.map((h) => h.length)));
  return Object.values(spec).map((v: OptionDef, i) => {
    const extra = [
      v.value && v.value !== text ? v.value.describe : '',
      v.required ? 'required' : v.default !== undefined ? `default ${v.default}` : '',
      v.multiple ? 'repeatable' : '',
    ].filter(Boolean);
    const text_ = [v.description, ...extra].join(' · ');
    return heads[i].length > width
      ? `${heads[i]}\n${' '.repeat(width + 2)}${text_}`
      : `${heads[i].padEnd(width)}  ${text_}`;
  });
}

export function exitsOf(c: CommandDef): [string, string][] {
  const all = { ...SHARED_EXITS, ...c.exits };
  return Object.entries(all).sort((a, b) => Number(a[0]) - Number(b[0])) as [string, string][];
}

export function commandHelp(c: CommandDef): string {
  return [
    `goblin ${c.name} — ${c.summary}`,
    '',
    `Usage: goblin ${c.name} ${c.usage}`,
    ...(c.help ? ['', c.help] : []),
    '',
    'Options:',
    ...optionLines({ ...(c.options ?? {}), ...GLOBAL_OPTIONS }),
    '',
    'Exit codes:',
    ...exitsOf(c).map(([k, v]) => `  ${k}  ${v}`),
  ].join('\n');
}

/** Check and convert option values with their declared value types (zod); the first bad one is a usage error. */
export function checkValues(spec: OptionSpec, values: Record<string, unknown>): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = { ...(values as Record<string, OptionValue>) };
  for (const [name, def] of Object.entries(spec)) {
    const raw = values[name];
    if (raw === undefined && def.required) throw new UsageError(`--${name} is required`);
    if (raw === undefined || def.type !== 'string') continue;
    const list = Array.isArray(raw) ? (raw as string[]) : [raw as string];
    const parsed = list.map((v) => {
      if (v === '' && !def.value) throw new UsageError(`--${name} needs a value (got '')`);
      if (!def.value) return v;
      const r = def.value.schema.safeParse(v);
      if (!r.success) throw new UsageError(`--${name} must be ${def.value.describe} (got '${v}')`);
      return r.data;
    });
    out[name] = (Array.isArray(raw) ? parsed : parsed[0]) as OptionValue;
  }
  return out;
}

function parseOptions(spec: OptionSpec): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(spec).map(([k, v]) => [
      k,
      { type: v.type, ...(v.short ? { short: v.short } : {}), ...(v.multiple ? { multiple: true } : {}) },
    ]),
  );
}

/** The command's last line: the exit code and the rule that set it. */
function exitLine(name: string, s: ExitStatus): string {
  return `goblin ${name}: exit ${s.code} — ${s.reason}`;
}

export async function main(argv: string[]): Promise<number> {
  const stdout = guardStdout(process.stdout);
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
      stdoutLine(stdout, topHelp(commands));
      if (argv.length) return 0;
      console.error('goblin: exit 2 — no command given');
      return EXIT_USAGE;
    }
    const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length) {
      stdoutLine(stdout, topHelp(group));
      if (argv.includes('--help') || argv.includes('-h')) return 0;
      console.error(`goblin ${argv[0]}: exit 2 — name a subcommand (${group.map((c) => c.name).join(', ')})`);
      return EXIT_USAGE;
    }
    console.error(`goblin: exit 2 — unknown command '${argv[0]}' (run 'goblin --help')`);
    return EXIT_USAGE;
  }
  const rest = argv.slice(match.name.split(' ').length);
  const spec: OptionSpec = { ...(match.options ?? {}), ...GLOBAL_OPTIONS };
  const finish = (s: ExitStatus): number => {
    console.error(exitLine(match.name, s));
    return s.code;
  };
  let values: Record<string, OptionValue>;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: rest,
      options: parseOptions(spec),
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      stdoutLine(stdout, commandHelp(match));
      return 0;
    }
    values = checkValues(spec, parsed.values);
    positionals = parsed.positionals;
  } catch (e) {
    console.error(`Run 'goblin ${match.name} --help' for the options.`);
    return finish({ code: EXIT_USAGE, reason: `usage error: ${(e as Error).message}` });
  }
  try {
    let loaded;
    try {
      loaded = withRulePack(loadConfig(values.config as string | undefined), process.cwd());
    } catch (e) {
      throw e instanceof UsageError ? e : new UsageError(`cannot read the config: ${(e as Error).message}`);
    }
    const config = loaded.config;
    if (loaded.fallback && !values.quiet)
      console.error(`goblin: no ${'specs/'} here — using the rule pack at ${config.validate.specs_dir}`);
    const r = await match.run({
      values,
      positionals,
      config,
      quiet: Boolean(values.quiet),
      out: (l) => stdoutLine(stdout, l),
      err: (l) => console.error(l),
    });
    const status: ExitStatus =
      typeof r === 'number'
        ? { code: r, reason: exitsOf(match).find(([k]) => Number(k) === r)?.[1] ?? 'done' }
        : r;
    return finish(status);
  } catch (e) {
    if (e instanceof UsageError) {
      // Multi-line usage errors (an invalid config) print their details before the exit line.
      const [first, ...more] = e.message.split('\n');
      for (const l of more) console.error(l);
      return finish({ code: EXIT_USAGE, reason: first });
    }
    const err = e as Error;
    console.error(`goblin ${match.name}: ${process.env.GOBLIN_DEBUG ? (err.stack ?? err) : err.message}`);
    if (!process.env.GOBLIN_DEBUG) console.error('(set GOBLIN_DEBUG=1 for the stack trace)');
    return finish({ code: EXIT_NOT_CHECKED, reason: `failed: ${err.message.split('\n')[0]}` });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
