/**
 * The scheduled doc-rot crawl, end to end: a repo whose specs cite pages of a local documentation site,
 * a bare remote and a fake forge. First crawl caches the pages (committed); the site then changes one
 * page and drops another; `goblin research crawl --seeds-from-config --pr` re-verifies the affected
 * citations against the pages as they are now and opens one PR through the PR bot's git/forge code.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import { main } from '../cli/main.js';
import { FakeForge } from '../pr/testing/fake-forge.js';
import { sh } from '../pr/testing/repo.js';
import { DOC_ROT_BRANCH, DOC_ROT_LABEL } from './rot-pr.js';
import type { RotReport } from './rot.js';
import { testConfig } from './testing/config.js';
import { startDocSite, type DocSite } from './testing/docsite.js';

const TOKEN = 'doc-rot-token';

describe('scheduled crawl: doc rot → report → pull request', () => {
  let site: DocSite;
  let forge: FakeForge;
  let clone: string;
  let bare: string;
  let out: string;
  const u = (p: string) => `${site.origin}${p}`;

  const goblin = async (...argv: string[]) => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(String(l)));
    const err = vi.spyOn(console, 'error').mockImplementation((l: string) => void lines.push(String(l)));
    const cwd = process.cwd();
    process.chdir(clone);
    process.env.GOBLIN_FORGE_TOKEN = TOKEN;
    try {
      return { code: await main([...argv, '--quiet']), out: lines.join('\n') };
    } finally {
      process.chdir(cwd);
      delete process.env.GOBLIN_FORGE_TOKEN;
      log.mockRestore();
      err.mockRestore();
    }
  };

  beforeAll(async () => {
    site = await startDocSite();
    forge = await new FakeForge('forgejo', { owner: 'acme', repo: 'specs', token: TOKEN }).start();
    const { dir } = testConfig();
    bare = join(dir, 'remote.git');
    clone = join(dir, 'clone');
    out = join(dir, 'out');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    mkdirSync(join(clone, 'specs/cadence'), { recursive: true });
    sh(clone, 'init', '-q', '-b', 'main');
    sh(clone, 'remote', 'add', 'origin', bare);
    const spec = (id: string, citations: object[]) =>
      writeFileSync(
        join(clone, `specs/cadence/${id}.yaml`),
        YAML.stringify({ id, title: id, citations, rationale: 'test' }),
      );
    spec('RELEASE_CADENCE', [
      { url: u('/docs/changing.html'), quote: 'the heartbeat interval is 10 seconds' },
      {
        url: u('/docs/changing.html'),
        quote: 'In release 1.0 the heartbeat interval is 10 seconds for all content.',
      },
    ]);
    spec('LEGACY_EVENT_TYPE', [
      { url: u('/docs/gone.html'), quote: 'carries the event name for every heartbeat call' },
    ]);
    spec('ROKU_FIRST_PING', [
      { url: u('/docs/roku/cadence.html'), quote: 'the first content ping may be sent' },
    ]);
    writeFileSync(
      join(clone, 'goblin.config.yaml'),
      YAML.stringify({
        research: {
          // One seed page, no link following: the cited pages are crawled because specs cite them.
          seeds: [u('/docs/roku/cadence.html')],
          sitemaps: [],
          max_depth: 0,
          domains_allowlist: ['127.0.0.1'],
          per_host_rate_per_s: 500,
          timeout_ms: 2000,
          retries: 0,
          render: 'never',
        },
        forge: { kind: 'forgejo', api_url: forge.apiUrl, owner: 'acme', repo: 'specs', remote: 'origin' },
      }),
    );
    const first = await goblin('research', 'crawl', '--seeds-from-config', '--no-index');
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/3 pages .* 3 ok/);
    sh(clone, 'add', '-A');
    sh(clone, 'commit', '-q', '-m', 'specs and their cached pages');
    sh(clone, 'push', '-q', 'origin', 'main');
    // The documentation moves on.
    site.state.changingVersion = 2;
    site.state.goneIsGone = true;
  });
  afterAll(async () => {
    await site?.close();
    await forge?.stop();
  });

  let report: RotReport;
  it('finds the changed and the vanished page, and re-verifies each citing spec against the current page', async () => {
    const r = await goblin('research', 'crawl', '--seeds-from-config', '--no-index', '--report', out, '--pr');
    expect(r.code, r.out).toBe(0);
    report = JSON.parse(readFileSync(join(out, 'doc-rot.json'), 'utf8')) as RotReport;
    expect(report.rot.map((x) => [x.url, x.kind]).sort()).toEqual([
      [u('/docs/changing.html'), 'changed'],
      [u('/docs/gone.html'), 'gone'],
    ]);
    const by = (q: string) => report.citations.find((c) => c.quote.startsWith(q))!;
    expect(by('the heartbeat interval').status).toBe('still_verbatim');
    expect(by('In release 1.0').status).toBe('quote_gone');
    expect(by('carries the event name').status).toBe('page_gone');
    expect(report.citations).toHaveLength(3); // the unchanged Roku page is not rot
    expect(report.affected_specs).toEqual([
      'specs/cadence/LEGACY_EVENT_TYPE.yaml',
      'specs/cadence/RELEASE_CADENCE.yaml',
    ]);
    expect(readFileSync(join(out, 'doc-rot.md'), 'utf8')).toMatch(/\*\*2 citations need a person\*\*/);
  });

  it('opens one PR on the rolling branch with the new cache records and snapshots', async () => {
    const created = forge.writes().filter((w) => w.method === 'POST' && w.path.endsWith('/pulls'));
    expect(created).toHaveLength(1);
    const pr = forge.pulls[0];
    expect(pr).toMatchObject({ head: DOC_ROT_BRANCH, base: 'main', state: 'open' });
    expect(pr.title).toMatch(/^research: 2 cited or crawled pages changed or gone \(2 citations to fix\)$/);
    expect(pr.body).toContain('<!-- goblin:doc-rot -->');
    expect(pr.body).toMatch(/❌ \| `specs\/cadence\/RELEASE_CADENCE\.yaml`/);
    expect(forge.labelNames(pr.labels)).toEqual([DOC_ROT_LABEL]);
    // The branch in the remote holds the crawl's cache: index.jsonl with the 404, and the new body.
    const files = sh(bare, 'diff', '--name-only', 'main', DOC_ROT_BRANCH).split('\n');
    expect(files).toContain('evidence/cache/index.jsonl');
    const bodies = files.filter((f) => f.startsWith('evidence/cache/bodies/'));
    expect(bodies.length).toBeGreaterThanOrEqual(1);
    const index = sh(bare, 'show', `${DOC_ROT_BRANCH}:evidence/cache/index.jsonl`);
    expect(index).toMatch(/"url":"[^"]*\/docs\/gone\.html"[^\n]*"status":404/);
    // The working tree of the clone is untouched by the bot (it builds in a temporary worktree).
    expect(sh(clone, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
  });

  it('a later crawl refreshes the same PR instead of opening another', async () => {
    const r = await goblin('research', 'crawl', '--seeds-from-config', '--no-index', '--pr');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/doc-rot PR (updated|unchanged): #1/);
    expect(forge.pulls).toHaveLength(1);
  });

  it('usage errors: seeds and --seeds-from-config together, --dry-run without --pr', async () => {
    expect((await goblin('research', 'crawl', u('/'), '--seeds-from-config')).code).toBe(2);
    expect((await goblin('research', 'crawl', '--dry-run')).code).toBe(2);
  });

  it('the scheduled workflow (both forges) runs exactly this command path, weekly and on demand', async () => {
    const { loadCommands } = await import('../cli/main.js');
    const crawlCmd = (await loadCommands()).find((c) => c.name === 'research crawl')!;
    const root = join(import.meta.dirname, '../..');
    for (const dir of ['.github', '.forgejo']) {
      const wf = YAML.parse(readFileSync(join(root, dir, 'workflows/crawl.yml'), 'utf8')) as {
        on: { schedule: { cron: string }[]; workflow_dispatch: unknown };
        jobs: { crawl: { steps: { run?: string }[] } };
      };
      expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* 1$/);
      expect('workflow_dispatch' in wf.on).toBe(true);
      const run = wf.jobs.crawl.steps
        .map((s) => s.run ?? '')
        .find((r) => r.includes('goblin research crawl'))!;
      expect(run).toBe('npx goblin research crawl --seeds-from-config --no-index --report out/research --pr');
      for (const flag of run.matchAll(/--([\w-]+)/g))
        expect(Object.keys(crawlCmd.options!)).toContain(flag[1]);
    }
  });
});
