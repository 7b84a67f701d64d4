import type { ParseArgsConfig } from 'node:util';
import type { GoblinConfig } from '../config/index.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  config: GoblinConfig;
  quiet: boolean;
  /** Human output (stdout). */
  out: (line: string) => void;
  /** Diagnostics (stderr). */
  err: (line: string) => void;
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
  /** Longer help: options and examples. */
  help?: string;
  options?: OptionSpec;
  run(ctx: CommandContext): Promise<number>;
}
