import type { z } from 'zod';
import type { GoblinConfig } from '../config/index.js';
import type { ExitCode } from '../util/errors.js';

/** How a string option's value is checked and converted (tools/cli/values.ts builds these). */
export interface ValueType<T = unknown> {
  /** What a valid value is, for errors: `--workers must be <describe> (got 'abc')`. */
  describe: string;
  /** Parses the raw string; the parsed value replaces it in `ctx.values`. */
  schema: z.ZodType<T>;
}

/** One command-line option: what it does, its default, and how its value is checked. */
export interface OptionDef {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** One line for `--help`: what the option does. */
  description: string;
  /** The default as `--help` shows it (every string option has one, or is `required`). */
  default?: string;
  /** The command cannot run without it: a missing value exits 2 before `run`. */
  required?: boolean;
  /** Value placeholder in `--help` (default VALUE, or what `value` describes). */
  placeholder?: string;
  /** Checks and converts the value before `run` (string options); a bad value exits 2 with its reason. */
  value?: ValueType;
}

export type OptionSpec = Record<string, OptionDef>;

export type OptionValue = string | boolean | number | string[] | boolean[] | number[] | undefined;

export interface CommandContext {
  values: Record<string, OptionValue>;
  positionals: string[];
  config: GoblinConfig;
  quiet: boolean;
  /** Human output (stdout). Quietly dropped once stdout is closed (`goblin run … | head`). */
  out: (line: string) => void;
  /** Diagnostics (stderr). */
  err: (line: string) => void;
}

/** What a command ended with and which rule set the code: printed as the command's last line. */
export interface ExitStatus {
  code: ExitCode;
  reason: string;
}

/**
 * A CLI command. Modules in tools/cli/commands/ export `commands: CommandDef[]`; keep them light
 * (heavy stages are imported inside `run`) so `goblin --help` stays fast.
 */
export interface CommandDef {
  /** Space-separated path, e.g. `ingest` or `spec lint`. */
  name: string;
  summary: string;
  /** Usage line(s) after `goblin <name>`, e.g. `<input…> [--out DIR]`. */
  usage: string;
  /** Longer help: what it reads and writes, examples. */
  help?: string;
  options?: OptionSpec;
  /**
   * What each exit code means for this command (2 = usage error is shared by all). Shown by `--help`
   * and used as the last line when `run` returns a bare code.
   */
  exits: Partial<Record<ExitCode, string>>;
  run(ctx: CommandContext): Promise<ExitCode | ExitStatus>;
}
