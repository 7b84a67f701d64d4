import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { GoblinConfig } from './schema.js';
import { UsageError } from '../util/errors.js';

export const DEFAULT_CONFIG_FILE = 'goblin.config.yaml';
/** The Goblin repository this code runs from (its own rule pack lives here). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Rules are repo files: run from a folder without `specs/` (e.g. `npx --prefix <goblin> goblin run ./drop`),
 * and the pack of the Goblin repository itself is used instead of silently validating against nothing.
 * Returns the config with absolute rule paths, and whether the fallback happened.
 */
export function withRulePack(cfg: GoblinConfig, root: string): { config: GoblinConfig; fallback: boolean } {
  const specs = cfg.validate.specs_dir;
  if (isAbsolute(specs) || existsSync(resolve(root, specs)) || resolve(root) === PACKAGE_ROOT)
    return { config: cfg, fallback: false };
  return {
    config: {
      ...cfg,
      validate: {
        ...cfg.validate,
        specs_dir: resolve(PACKAGE_ROOT, specs),
        constitution: isAbsolute(cfg.validate.constitution)
          ? cfg.validate.constitution
          : resolve(PACKAGE_ROOT, cfg.validate.constitution),
      },
    },
    fallback: true,
  };
}

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
