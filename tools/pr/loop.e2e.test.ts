import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../bundle/schema.js';
import type { JudgeReport, ShadowReport } from '../propose/proposal.js';
import { STICKY_MARKER } from './body.js';
import { dpoPairs, feedbackKpis, readPreferences, syncFeedback } from './feedback.js';
import type { ForgeClient } from './forge.js';
import { runLoop, type LoopStages } from './loop.js';
import { promoteSpecs } from './promote.js';
import type { FakeForge } from './testing/fake-forge.js';
import { startForgeRepo, type ForgeRepo } from './testing/forge-repo.js';
import { cachedRef, sh, writeProposal, type TestRepo } from './testing/repo.js';

/**
 * End to end: a drop where Media library 3.4.x sends ad pings every 30 s instead of 10 s. The drift and
 * propose stages are stand-ins that write bundle and proposal files conforming to tools/bundle/schema.ts
 * and tools/propose/proposal.ts (the real `goblin drift` has no library entry point yet); everything after
 * them — gates, cap, git, forge, dashboard, merge, promote, feedback — is the real code.
 */
const TOKEN = 'e2e-token-8c1d';
const SPEC = 'CADENCE_AD_PING_INTERVAL_MEDIA_3_4';

function testStages(repo: TestRepo): LoopStages {
  const bundlesDir = join(repo.clone, 'bundles');
  const proposalsDir = join(repo.clone, 'proposals');
  const bundle = (id: string, title: string, metric: string, version: string, observed: number) =>
    Bundle.parse({
      bundle_id: id,
      created_at: '2026-03-02T08:00:00.000Z',
      source: 'drift',
      title,
      scope: { platform: 'web', sdk: 'media-collection', protocol: 'media-collection', versions: [version] },
      anomalies: [
        {
          family: 'cadence',
          code: 'CADENCE_AD_PING_GAP',
          metric,
          version,
          expected: 10,
          observed,
          sessions: 31,
        },
      ],
    });
  return {
    async drift() {
      mkdirSync(bundlesDir, { recursive: true });
      const bs = [
        bundle(
          'drift-mc-ad-ping-3.4',
          'Ad-ping interval 10 s → 30 s in 3.4.1',
          'ad_ping_interval_s',
          '3.4.1',
          30,
        ),
        bundle('drift-noise-3.3', 'Noise within tolerance', 'content_ping_interval_s', '3.3.0', 10.4),
        bundle(
          'drift-mc-ad-ping-3.6',
          'Ad-ping interval 10 s → 20 s in 3.6.0',
          'ad_ping_interval_s',
          '3.6.0',
          20,
        ),
      ];
      return bs.map((b) => {
        const f = join(bundlesDir, `${b.bundle_id}.json`);
        writeFileSync(f, JSON.stringify(b, null, 2));
        return f;
      });
    },
    async research() {
      /* evidence comes from the local cache (the citation below) */
    },
    async propose(file) {
      const b = Bundle.parse(JSON.parse(readFileSync(file, 'utf8')));
      const a = b.anomalies[0];
      if (Math.abs((a.observed ?? 0) - (a.expected ?? 0)) < 1)
        return { dir: null, refused: 'within tolerance' };
      const v = a.version!;
      const [maj, min] = v.split('.');
      return {
        dir: writeProposal(proposalsDir, {
          bundleId: b.bundle_id,
          specId: `CADENCE_AD_PING_INTERVAL_MEDIA_${maj}_${min}`,
          version: `>=${maj}.${min}.0 <${maj}.${Number(min) + 1}.0`,
          intervalS: a.observed,
        }),
      };
    },
    async shadow(dir) {
      return JSON.parse(readFileSync(join(dir, 'shadow.json'), 'utf8')) as ShadowReport;
    },
    async judge(dir) {
      return JSON.parse(readFileSync(join(dir, 'judge.json'), 'utf8')) as JudgeReport;
    },
  };
}

describe('loop → PR → merge → promote → feedback (fake Forgejo, bare remote)', () => {
  let forge: FakeForge;
  let repo: TestRepo;
  let client: ForgeClient;
  const day = 86_400_000;

  let fixture: ForgeRepo;

  beforeAll(async () => {
    fixture = await startForgeRepo('forgejo', TOKEN);
    ({ forge, repo, client } = fixture);
  });
  afterAll(() => fixture.close());

  it('opens exactly one PR with a scoped spec, fixtures, a cached citation and a pre/post report', async () => {
    const r = await runLoop({
      root: repo.clone,
      config: repo.config,
      forge: client,
      stages: testStages(repo),
      maxPrs: 1,
    });
    expect(r.bundles).toHaveLength(3);
    expect(r.proposals.map((p) => p.status)).toEqual([
      'pr created #1',
      'refused: within tolerance',
      'capped (max_prs_per_run 1)',
    ]);
    expect(forge.pulls).toHaveLength(1);
    const pr = forge.pulls[0];
    const spec = YAML.parse(sh(repo.bare, 'show', `${pr.head}:specs/cadence/${SPEC}.yaml`));
    expect(spec).toMatchObject({
      id: SPEC,
      status: 'shadow',
      scope: { protocol: ['media-collection'], version: '>=3.4.0 <3.5.0' },
    });
    expect(spec.assert[0].params.ad_interval_s).toBe(30);
    expect(spec.citations[0].cached_ref).toBe(cachedRef());
    const files = sh(repo.bare, 'ls-tree', '-r', '--name-only', pr.head);
    expect(files).toContain(`tests/${SPEC}/fail/cadence_ad_ping_gap.har`);
    expect(files).toContain(`tests/${SPEC}/pass/clean.har`);
    expect(pr.body).toContain('| 12.50% → 0.00% | 91.20% → 93.00% | 2 of 240 |');
    expect(pr.body).toContain('✅ 1/1 verbatim in the local evidence cache');
    expect(pr.body).toContain('[cached copy](');
    expect(forge.issues).toHaveLength(1); // dashboard
    // Re-running the loop: same PR, same sticky comment, same dashboard issue.
    await runLoop({
      root: repo.clone,
      config: repo.config,
      forge: client,
      stages: testStages(repo),
      maxPrs: 1,
    });
    expect(forge.pulls).toHaveLength(1);
    expect(forge.comments.filter((c) => c.body.includes(STICKY_MARKER))).toHaveLength(1);
    expect(forge.issues).toHaveLength(1);
  });

  it('after an edited merge, promotes after the shadow window and records the preference', async () => {
    const pr = forge.pulls[0];
    // A reviewer edits the spec on the PR branch, then merges it into main in the bare repo.
    const rev = join(repo.tmp, 'reviewer');
    sh(repo.tmp, 'clone', '-q', repo.bare, rev);
    sh(rev, 'checkout', '-q', pr.head);
    const path = join(rev, `specs/cadence/${SPEC}.yaml`);
    writeFileSync(path, readFileSync(path, 'utf8').replace('gap_factor: 1.5', 'gap_factor: 2'));
    sh(rev, 'commit', '-q', '-am', 'tolerate a bit more jitter');
    sh(rev, 'push', '-q', 'origin', pr.head);
    sh(rev, 'checkout', '-q', 'main');
    sh(rev, 'merge', '-q', '--no-ff', '-m', `Merge PR #${pr.number}`, pr.head);
    sh(rev, 'push', '-q', 'origin', 'main');
    const mergedAt = new Date();
    forge.merge(pr.number, sh(rev, 'rev-parse', 'HEAD'), mergedAt.toISOString());
    sh(repo.clone, 'pull', '-q', '--ff-only', 'origin', 'main');

    // Before the window: nothing to promote.
    const early = await promoteSpecs({
      root: repo.clone,
      config: repo.config,
      now: new Date(mergedAt.getTime() + 3 * day),
      forge: client,
    });
    expect(early.plan.find((c) => c.id === SPEC)?.action).toBe('wait');
    expect(early.prs).toHaveLength(0);
    // After it (fake clock): one small PR setting status: active.
    const late = await promoteSpecs({
      root: repo.clone,
      config: repo.config,
      now: new Date(mergedAt.getTime() + 8 * day),
      forge: client,
    });
    expect(late.plan.find((c) => c.id === SPEC)).toMatchObject({ action: 'promote', known_good_fps: 0 });
    expect(late.prs).toEqual([expect.objectContaining({ id: SPEC, action: 'promote', outcome: 'created' })]);
    const promoted = YAML.parse(sh(repo.bare, 'show', `goblin/promote/${SPEC}:specs/cadence/${SPEC}.yaml`));
    expect(promoted.status).toBe('active');
    expect(promoted.assert[0].params.gap_factor).toBe(2); // the reviewer's edit is kept
    const ppr = forge.pulls.find((p) => p.head === `goblin/promote/${SPEC}`)!;
    expect(forge.labelNames(ppr.labels).sort()).toEqual(['goblin', 'goblin:promote', 'spec:active']);
    const again = await promoteSpecs({
      root: repo.clone,
      config: repo.config,
      now: new Date(mergedAt.getTime() + 8 * day),
      forge: client,
    });
    expect(again.prs[0].outcome).toBe('unchanged');
    expect(forge.pulls.filter((p) => p.head.startsWith('goblin/promote/'))).toHaveLength(1);

    // A second proposal is closed with a reason.
    const pdir2 = writeProposal(join(repo.tmp, 'p2'), {
      specId: 'CADENCE_AD_PING_INTERVAL_MEDIA_3_6',
      bundleId: 'drift-mc-ad-ping-3.6',
      version: '>=3.6.0 <3.7.0',
      intervalS: 20,
    });
    const { openProposalPr } = await import('./bot.js');
    const r2 = await openProposalPr({
      root: repo.clone,
      config: repo.config,
      proposalDir: pdir2,
      forge: client,
    });
    forge.comment(r2.pr!.number, 'Too broad: 3.6.0 is a beta, fix the SDK config instead.');
    forge.close(r2.pr!.number, new Date(Date.now() + 1000).toISOString());

    const s = await syncFeedback({ root: repo.clone, config: repo.config, forge: client });
    expect(s.recorded.map((r) => r.outcome)).toEqual(['merged_edited', 'closed']);
    const [edited, closed] = s.recorded;
    expect(edited).toMatchObject({ bundle_id: 'drift-mc-ad-ping-3.4', spec_id: SPEC, pr: pr.number });
    expect(edited.prompt_fingerprint).toMatch(/^det:[0-9a-f]{32}$/);
    expect(edited.diff).toMatch(/^-\s+gap_factor: 1\.5$/m);
    expect(edited.diff).toMatch(/^\+\s+gap_factor: 2$/m);
    expect(edited.diff).toContain(`+++ b/specs/cadence/${SPEC}.yaml`);
    expect(edited.proposed).toContain('gap_factor: 1.5');
    expect(edited.final).toContain('gap_factor: 2');
    expect(closed.reason).toBe('Too broad: 3.6.0 is a beta, fix the SDK config instead.');
    expect(closed.proposed).toContain('CADENCE_AD_PING_INTERVAL_MEDIA_3_6');
    expect(forge.labelNames(forge.pulls[0].labels).sort()).toEqual(['goblin', 'spec:shadow']);
    const month = edited.closed_at!.slice(0, 7);
    expect(
      readFileSync(join(repo.clone, 'preferences', `${month}.jsonl`), 'utf8')
        .trim()
        .split('\n').length,
    ).toBeGreaterThanOrEqual(1);
    // Idempotent.
    expect(
      (await syncFeedback({ root: repo.clone, config: repo.config, forge: client })).recorded,
    ).toHaveLength(0);
    const recs = readPreferences(join(repo.clone, 'preferences'));
    expect(recs).toHaveLength(2);
    const pairs = dpoPairs(recs);
    expect(pairs).toHaveLength(1);
    expect(Object.keys(pairs[0]).sort()).toEqual(['chosen', 'prompt', 'rejected']);
    expect(pairs[0].chosen).toContain('gap_factor: 2');
    expect(pairs[0].rejected).toContain('gap_factor: 1.5');
    expect(pairs[0].prompt).toContain('drift-mc-ad-ping-3.4');
    const k = feedbackKpis(recs);
    expect(k).toMatchObject({ reviewed: 2, merged: 1, merged_edited: 1, closed: 1, acceptance_rate: 0.5 });
    expect(k.median_hours_to_merge).toBeGreaterThanOrEqual(0);
  });
});
