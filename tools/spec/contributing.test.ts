/**
 * CONTRIBUTING.md's "Add a check" and "Add a spec", followed step by step in a throwaway copy of the repo
 * with the same commands a contributor types, for a small real rule (Analytics truncates `pageName` at
 * 100 bytes). The copy is a git repository, so the test also counts what the recipes touched.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'goblin-contributing-'));
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
const recipe = readFileSync(join(root, 'CONTRIBUTING.md'), 'utf8');

/** The commands a recipe section shows, in order. */
function commands(section: string): string[] {
  const body = recipe.split(/^## /m).find((s) => s.startsWith(section))!;
  return [...body.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].trim().split('\n'));
}

const CHECK = `import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';

export const pageNameTooLong = defineCheck({
  id: 'params.page_name_too_long',
  family: 'params',
  codes: [
    {
      code: 'PARAM_PAGE_NAME_TOO_LONG',
      severity: 'warning',
      definition: 'an Analytics pageName longer than 100 bytes (Analytics keeps only the first 100)',
    },
  ],
  protocols: ['aa'],
  params: z.object({ max_bytes: z.number().int().positive().default(100) }).strict(),
  relaxes: { max_bytes: 'up' },
  evidence: { needs: 'Analytics hits with a pageName' },
  doc: {
    text: 'An Analytics hit whose pageName is longer than max_bytes [100] bytes: reports truncate it.',
    examples: [
      {
        title: 'a page name built from the full breadcrumb',
        protocol: 'aa',
        events: [
          { at: 0, type: 'page' },
          { at: 5000, type: 'page', params: { pageName: 'x'.repeat(120) }, fires: 'PARAM_PAGE_NAME_TOO_LONG' },
        ],
      },
      { title: 'short page names', protocol: 'aa', events: [{ at: 0, type: 'page' }] },
    ],
  },
  run(a, _v, p) {
    const hits: Hit[] = [];
    for (const e of a.session.events) {
      const name = e.params.pageName;
      if (typeof name === 'string' && Buffer.byteLength(name) > p.max_bytes)
        hits.push({
          code: 'PARAM_PAGE_NAME_TOO_LONG',
          event: e,
          message: \`pageName of \${Buffer.byteLength(name)} bytes; Analytics keeps \${p.max_bytes}\`,
          expected: \`≤ \${p.max_bytes} bytes\`,
          observed: \`\${Buffer.byteLength(name)} bytes\`,
        });
    }
    return { status: 'ran', hits };
  },
});
`;

const SPEC = `# yaml-language-server: $schema=../../schemas/spec.schema.json
id: PARAM_PAGE_NAME_TOO_LONG
title: Analytics page names fit in 100 bytes
status: experimental
version: 0.1.0
since: '2026-12-01'
family: params
scope:
  protocol:
    - aa
assert:
  - check: params.page_name_too_long
fail_codes:
  - PARAM_PAGE_NAME_TOO_LONG
severity: warning
tests:
  pass:
    - tests/PARAM_PAGE_NAME_TOO_LONG/pass/clean.har
  fail:
    - tests/PARAM_PAGE_NAME_TOO_LONG/fail/param_page_name_too_long.har
`;

describe('CONTRIBUTING.md recipes', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adding a check touches its folder plus generated files; adding its spec touches the spec and its fixtures', () => {
    for (const p of [
      'bin', // npm scripts run the CLI through its launcher
      'tools',
      'specs',
      'tests',
      'schemas',
      'evidence',
      'docs', // specs cite sections of docs/reference/wire-formats.md; the verifier reads them from the tree
      'constitution.yaml',
      'goblin.config.yaml',
      'package.json',
      'tsconfig.json',
      'vitest.config.ts',
      '.prettierrc.json',
      '.prettierignore',
      '.gitignore',
    ])
      cpSync(join(root, p), join(dir, p), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const git = (...a: string[]) => run('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...a]);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'before');
    const npm = (line: string) => {
      // `npm run X -- args` runs the script's command with the args; npx lines run as they are.
      const words = line.split(/\s+/);
      if (words[0] === 'npx') return run('npx', words.slice(1));
      const scripts = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts as Record<
        string,
        string
      >;
      const args = words.includes('--') ? words.slice(words.indexOf('--') + 1) : [];
      return run('npx', [...scripts[words[2]].split(' '), ...args]);
    };

    const [scaffold, gen, vitest] = commands('Add a check');
    expect(scaffold).toBe(
      'npm run rules:new -- PARAM_PAGE_NAME_TOO_LONG params --severity warning --protocols aa',
    );
    npm(scaffold);
    const folder = 'tools/validate/checks/params/page_name_too_long';
    expect(readFileSync(join(dir, folder, 'check.ts'), 'utf8')).toContain("id: 'params.page_name_too_long'");
    writeFileSync(join(dir, folder, 'check.ts'), CHECK); // step 2: the rule itself
    npm(gen);
    expect(npm(vitest)).toMatch(/Tests\s+\d+ passed/);
    const checkFiles = git('status', '--porcelain', '-uall')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3))
      .sort();
    expect(checkFiles).toEqual(
      [
        'schemas/spec.schema.json',
        'specs/README.md',
        'tools/codes/catalog.ts',
        `${folder}/README.md`,
        `${folder}/check.test.ts`,
        `${folder}/check.ts`,
        'tools/validate/checks/index.ts',
      ].sort(),
    );
    expect(readFileSync(join(dir, 'tools/codes/catalog.ts'), 'utf8')).toMatch(
      /code: 'PARAM_PAGE_NAME_TOO_LONG'[\s\S]*\] as const satisfies/,
    );
    git('add', '-A');
    git('commit', '-qm', 'check');

    const [fixtures, specTest] = commands('Add a spec');
    writeFileSync(join(dir, 'specs/params/PARAM_PAGE_NAME_TOO_LONG.yaml'), SPEC); // step 1
    npm(fixtures);
    const fail = readFileSync(
      join(dir, 'tests/PARAM_PAGE_NAME_TOO_LONG/fail/param_page_name_too_long.har'),
      'utf8',
    );
    expect(fail).toMatch(
      /"comment":"ruleid: PARAM_PAGE_NAME_TOO_LONG — a page name built from the full breadcrumb"/,
    );
    const out = npm(`${specTest} -- --no-sim --base main`);
    expect(out).toMatch(/^PARAM_PAGE_NAME_TOO_LONG\s+ok\s+1\/1\s+1\/1\s+ok$/m);
    expect(out).toMatch(/spec:test passed/);
    const specFiles = git('status', '--porcelain', '-uall')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3))
      .sort();
    expect(specFiles).toEqual([
      'specs/params/PARAM_PAGE_NAME_TOO_LONG.yaml',
      'tests/PARAM_PAGE_NAME_TOO_LONG/fail/param_page_name_too_long.har',
      'tests/PARAM_PAGE_NAME_TOO_LONG/pass/clean.har',
    ]);
  }, 600_000);
});
