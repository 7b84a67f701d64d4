import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The per-repo PII salt: created once, git-ignored, so equal ids hash equal across runs of one repo. */
export function loadOrCreateSalt(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const salt = randomBytes(24).toString('hex');
  writeFileSync(path, `${salt}\n`, { mode: 0o600 });
  return salt;
}
