/**
 * Attach a markdown report as the CI job summary: `npx tsx tools/pr/ci-summary.ts out/replay/report.md`.
 * Uses @actions/core (GITHUB_STEP_SUMMARY, which Forgejo runners and act also set); without it
 * (a local run) the report goes to stdout. A missing report is a note, not a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as core from '@actions/core';

const MAX = 1024 * 1024 - 4096; // GitHub's step-summary limit is 1 MiB

export async function attachSummary(files: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parts: string[] = [];
  for (const f of files) {
    if (!existsSync(f)) {
      parts.push(`> ⚠️ no report at \`${f}\``);
      continue;
    }
    parts.push(readFileSync(f, 'utf8'));
  }
  let text = parts.join('\n\n---\n\n');
  if (Buffer.byteLength(text) > MAX) text = `${text.slice(0, MAX)}\n\n… (truncated)\n`;
  if (!env.GITHUB_STEP_SUMMARY) {
    process.stdout.write(text + '\n');
    return 0;
  }
  await core.summary.addRaw(text, true).write();
  return 0;
}

/** Post or edit the one CI comment (`<!-- goblin:ci -->`) on a PR, using the forge settings in goblin.config.yaml. */
export async function commentOnPr(number: number, files: string[]): Promise<void> {
  const { loadConfig } = await import('../config/index.js');
  const { forgeFromConfig } = await import('./forge.js');
  const cfg = loadConfig();
  const forge = forgeFromConfig(cfg.forge);
  const body = [
    '<!-- goblin:ci -->',
    ...files.map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : `_no report at ${f}_`)),
  ].join('\n\n');
  await forge.upsertMarkedComment(number, '<!-- goblin:ci -->', body.slice(0, 60_000));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const ci = args.indexOf('--comment');
  const pr = ci >= 0 ? Number(args[ci + 1]) : NaN;
  const files = args.filter((_, i) => ci < 0 || (i !== ci && i !== ci + 1));
  if (Number.isInteger(pr) && pr > 0)
    await commentOnPr(pr, files).catch((e: Error) => console.error(`PR comment skipped: ${e.message}`));
  if (!files.length) {
    console.error('usage: tsx tools/pr/ci-summary.ts <report.md…>');
    process.exit(2);
  }
  process.exitCode = await attachSummary(files);
}
