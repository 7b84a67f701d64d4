import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProposalPr } from './bot.js';
import { parseMeta, STICKY_MARKER, DASHBOARD_MARKER } from './body.js';
import { updateDashboard } from './dashboard.js';
import { ForgeClient } from './forge.js';
import { FakeForge, type Flavor } from './testing/fake-forge.js';
import { startForgeRepo, type ForgeRepo } from './testing/forge-repo.js';
import { sh, writeProposal, type TestRepo } from './testing/repo.js';

const TOKEN = 'tok-SECRET-5f1e2d';

function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push(p);
  }
  return out;
}

describe.each<Flavor>(['forgejo', 'github'])('goblin pr against a fake %s', (flavor) => {
  let forge: FakeForge;
  let repo: TestRepo;
  let client: ForgeClient;
  const logs: string[] = [];
  let pdir: string;

  let fixture: ForgeRepo;

  beforeAll(async () => {
    fixture = await startForgeRepo(flavor, TOKEN, { log: (l) => logs.push(l) });
    ({ forge, repo, client } = fixture);
    pdir = writeProposal(join(repo.tmp, 'proposals'));
  });
  afterAll(() => fixture.close());

  it('dry-run writes the branch and the body locally and pushes nothing', async () => {
    const r = await openProposalPr({
      root: repo.clone,
      config: repo.config,
      proposalDir: pdir,
      dryRun: true,
      log: (l) => logs.push(l),
    });
    expect(r.action).toBe('dry-run');
    expect(r.branch).toMatch(/^goblin\/spec\/CADENCE_AD_PING_INTERVAL_MEDIA_3_4-[0-9a-f]{8}$/);
    expect(readFileSync(r.bodyPath!, 'utf8')).toContain('## 🧪 Spec proposal');
    expect(sh(repo.clone, 'branch', '--list', r.branch)).toContain(r.branch);
    expect(sh(repo.bare, 'branch', '--list')).not.toContain('goblin/');
    expect(forge.requests).toHaveLength(0);
  });

  it('pushes the branch with the right files and opens one PR with labels and a sticky comment', async () => {
    const r = await openProposalPr({
      root: repo.clone,
      config: repo.config,
      proposalDir: pdir,
      forge: client,
      log: (l) => logs.push(l),
    });
    expect(r.action).toBe('created');
    expect(r.pushed).toBe(true);
    const files = sh(repo.bare, 'ls-tree', '-r', '--name-only', r.branch).split('\n');
    const id = 'CADENCE_AD_PING_INTERVAL_MEDIA_3_4';
    expect(files).toEqual(
      expect.arrayContaining([
        `specs/cadence/${id}.yaml`,
        `tests/${id}/pass/clean.har`,
        `tests/${id}/fail/cadence_ad_ping_gap.har`,
        `reports/proposals/p-cadence-ad-ping-interval-media-3-4-001/shadow.md`,
        `reports/proposals/p-cadence-ad-ping-interval-media-3-4-001/judge.json`,
        `reports/proposals/p-cadence-ad-ping-interval-media-3-4-001/spec.proposed.yaml`,
        'specs/cadence/CADENCE_AD_PING_GAP.yaml',
      ]),
    );
    const spec = YAML.parse(sh(repo.bare, 'show', `${r.branch}:specs/cadence/${id}.yaml`));
    expect(spec.status).toBe('shadow');
    expect(spec.since).toBe('2026-03-02');
    expect(sh(repo.bare, 'log', '-1', '--format=%an <%ae>%n%B', r.branch)).toMatch(
      /^Weird Goblin <goblin@localhost>\nspec\(CADENCE_AD_PING_INTERVAL_MEDIA_3_4\): add/,
    );
    expect(forge.pulls).toHaveLength(1);
    const pr = forge.pulls[0];
    expect(pr.head).toBe(r.branch);
    expect(pr.base).toBe('main');
    expect(forge.labelNames(pr.labels).sort()).toEqual(['goblin', 'spec:proposed']);
    expect(parseMeta(pr.body)).toMatchObject({ kind: 'proposal', spec_id: id, commit: r.commit });
    expect(pr.body).toContain('✅ 1/1 verbatim in the local evidence cache');
    expect(pr.body).toMatch(/t=\s+\d+\.\ds .*← CADENCE_AD_PING_GAP/);
    const sticky = forge.comments.filter((c) => c.body.includes(STICKY_MARKER));
    expect(sticky).toHaveLength(1);
    // Forge-specific request shapes.
    const put = forge.requests.find(
      (q) => q.method === 'PUT' && q.path.endsWith(`/issues/${pr.number}/labels`),
    )!;
    const labels = (put.body as { labels: unknown[] }).labels;
    if (flavor === 'forgejo') {
      expect(put.path.startsWith('/api/v1/repos/acme/telemetry-specs/')).toBe(true);
      expect(labels.every((l) => typeof l === 'number')).toBe(true);
    } else {
      expect(labels).toEqual(['goblin', 'spec:proposed']);
      const list = forge.requests.find((q) => q.method === 'GET' && q.path.endsWith('/pulls'))!;
      expect(list.query.head).toBe(`acme:${r.branch}`);
    }
    expect(forge.requests.every((q) => q.authorization === `token ${TOKEN}`)).toBe(true);
  });

  it('re-running updates the same PR and the same sticky comment (no duplicates, no writes when unchanged)', async () => {
    const before = forge.writes().length;
    const r2 = await openProposalPr({
      root: repo.clone,
      config: repo.config,
      proposalDir: pdir,
      forge: client,
    });
    expect(r2.action).toBe('unchanged');
    expect(r2.pushed).toBe(false);
    expect(r2.sticky).toBe('unchanged');
    expect(forge.writes().length).toBe(before);
    // A changed proposal (new shadow numbers) updates the PR body and edits the sticky comment in place.
    const shadowFile = join(pdir, 'shadow.json');
    const s = JSON.parse(readFileSync(shadowFile, 'utf8'));
    s.post.coverage = 0.95;
    (await import('node:fs')).writeFileSync(shadowFile, JSON.stringify(s));
    const r3 = await openProposalPr({
      root: repo.clone,
      config: repo.config,
      proposalDir: pdir,
      forge: client,
    });
    expect(r3.action).toBe('updated');
    expect(r3.pushed).toBe(true);
    expect(r3.sticky).toBe('updated');
    expect(forge.pulls).toHaveLength(1);
    expect(forge.pulls[0].body).toContain('95.00%');
    expect(forge.comments.filter((c) => c.body.includes(STICKY_MARKER))).toHaveLength(1);
    expect(forge.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/pulls'))).toHaveLength(1);
    expect(forge.requests.filter((q) => q.method === 'PATCH' && /\/pulls\/\d+$/.test(q.path))).toHaveLength(
      1,
    );
    expect(sh(repo.bare, 'branch', '--list')).toContain(r3.branch);
  });

  it('maintains one dashboard issue listing the pending proposal', async () => {
    const d1 = await updateDashboard(client, repo.clone, repo.config);
    expect(d1.action).toBe('created');
    const d2 = await updateDashboard(client, repo.clone, repo.config);
    expect(d2.action).toBe('unchanged');
    expect(forge.issues).toHaveLength(1);
    const body = forge.issues[0].body;
    expect(body).toContain(DASHBOARD_MARKER);
    expect(body).toMatch(/Pending proposals \(1\)/);
    expect(body).toContain('`CADENCE_AD_PING_INTERVAL_MEDIA_3_4`');
    expect(forge.labelNames(forge.issues[0].labels)).toEqual(['goblin:dashboard']);
  });

  it('does not reopen a closed proposal', async () => {
    forge.close(forge.pulls[0].number);
    const r = await openProposalPr({
      root: repo.clone,
      config: repo.config,
      proposalDir: pdir,
      forge: client,
    });
    expect(r.action).toBe('skipped-closed');
    expect(forge.pulls).toHaveLength(1);
  });

  it('never writes the token to a file or a log line', () => {
    for (const f of [
      ...allFiles(repo.clone).filter((f) => !f.includes('/.git/objects/')),
      ...allFiles(join(repo.bare, 'refs')),
    ])
      expect(readFileSync(f).includes(TOKEN), f).toBe(false);
    expect(sh(repo.bare, 'log', '--all', '-p').includes(TOKEN)).toBe(false);
    expect(logs.length).toBeGreaterThan(3);
    expect(logs.join('\n')).not.toContain(TOKEN);
    expect(existsSync(join(repo.clone, 'out/pr'))).toBe(true);
  });
});

describe('forge errors', () => {
  it('a rejected request names the route and status, never the token', async () => {
    const forge = await new FakeForge('forgejo', { owner: 'acme', repo: 'r', token: 'right' }).start();
    try {
      const c = new ForgeClient({
        kind: 'forgejo',
        apiUrl: forge.apiUrl,
        owner: 'acme',
        repo: 'r',
        token: 'wrong-TOKEN-xyz',
      });
      const e = await c.listPulls('open').catch((x: Error) => x);
      expect(e).toBeInstanceOf(Error);
      expect(String((e as Error).message)).toMatch(/GET \/repos\/\{owner\}\/\{repo\}\/pulls failed \(401\)/);
      expect(JSON.stringify(e)).not.toContain('wrong-TOKEN-xyz');
      expect(String((e as Error).stack)).not.toContain('wrong-TOKEN-xyz');
    } finally {
      await forge.stop();
    }
  });
});
