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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error('usage: tsx tools/pr/ci-summary.ts <report.md…>');
    process.exit(2);
  }
  process.exitCode = await attachSummary(files);
}
