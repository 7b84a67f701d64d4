import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { GoblinConfig } from './schema.js';
import { UsageError } from '../util/errors.js';

export const DEFAULT_CONFIG_FILE = 'goblin.config.yaml';

/** Load and validate the config; a missing file means all defaults. Paths stay relative to `root`. */
export function loadConfig(file?: string, root = process.cwd()): GoblinConfig {
  const path = resolve(root, file ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(path)) {
    if (file) throw new UsageError(`config file not found: ${path}`);
    return GoblinConfig.parse({});
  }
  const raw = YAML.parse(readFileSync(path, 'utf8')) ?? {};
  const parsed = GoblinConfig.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new UsageError(`invalid config ${path}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
