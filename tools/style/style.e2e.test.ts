import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../bundle/schema.js';
import { readPreferences, syncFeedback } from '../pr/feedback.js';
import type { ForgeClient } from '../pr/forge.js';
import { runLoop, type LoopStages } from '../pr/loop.js';
import type { JudgeReport, ShadowReport } from '../propose/proposal.js';
import type { FakeForge } from '../pr/testing/fake-forge.js';
import { startForgeRepo, type ForgeRepo } from '../pr/testing/forge-repo.js';
import { sh, writeProposal, type TestRepo } from '../pr/testing/repo.js';
import { learnStyle, reviewsFromRecords } from './learn.js';
import { writeStyle } from './store.js';

/**
 * The review loop closes: a reviewer merges the bot's PR after editing it (GitHub flavour of the fake
 * forge, a real bare remote), `feedback sync` records the edit, style memory learns a rule from it, and
 * the next proposal the loop opens already carries the reviewer's convention. The propose stage is a
 * stand-in writing the proposal folder the real proposer writes; everything after it is the real code.
 */
const TOKEN = 'style-e2e-token-51a0';

interface Finding {
  id: string;
  version: string;
  interval: number;
  /** The proposer's evidence grade (tools/propose/evidence-rank.ts); absent = ungraded. */
  grade?: 'direct' | 'generic' | 'none';
}

function stages(repo: TestRepo, findings: Finding[]): LoopStages {
  const bundlesDir = join(repo.clone, 'bundles');
  return {
    async drift() {
      mkdirSync(bundlesDir, { recursive: true });
      return findings.map((f) => {
        const b = Bundle.parse({
          bundle_id: f.id,
          created_at: '2026-03-02T08:00:00.000Z',
          source: 'drift',
          title: `Ad-ping interval 10 s → ${f.interval} s in ${f.version}`,
          scope: {
            platform: 'web',
            sdk: 'media-collection',
            protocol: 'media-collection',
            versions: [f.version],
          },
          anomalies: [
            {
              family: 'cadence',
              code: 'CADENCE_AD_PING_GAP',
              metric: 'ad_ping_interval_s',
              version: f.version,
              expected: 10,
              observed: f.interval,
              sessions: 31,
            },
          ],
        });
        const file = join(bundlesDir, `${b.bundle_id}.json`);
        writeFileSync(file, JSON.stringify(b, null, 2));
        return file;
      });
    },
    async research() {
      return { queries: ['media collection ad ping interval 3.2', 'android media release notes 3.2.0'] };
    },
    async propose(file) {
      const b = Bundle.parse(JSON.parse(readFileSync(file, 'utf8')));
      const a = b.anomalies[0];
      const [maj, min] = a.version!.split('.');
      const dir = writeProposal(join(repo.clone, 'proposals'), {
        bundleId: b.bundle_id,
        specId: `CADENCE_AD_PING_INTERVAL_MEDIA_${maj}_${min}`,
        version: `>=${maj}.${min}.0 <${maj}.${Number(min) + 1}.0`,
        intervalS: a.observed,
      });
      const grade = findings.find((f) => f.id === b.bundle_id)?.grade;
      if (grade) {
        const mf = join(dir, 'proposal.json');
        const m = JSON.parse(readFileSync(mf, 'utf8'));
        m.evidence = { grade, reasons: ['states the measured value'], other_sdk: 1 };
        writeFileSync(mf, JSON.stringify(m, null, 2));
      }
      return { dir };
    },
    shadow: async (dir) => JSON.parse(readFileSync(join(dir, 'shadow.json'), 'utf8')) as ShadowReport,
    judge: async (dir) => JSON.parse(readFileSync(join(dir, 'judge.json'), 'utf8')) as JudgeReport,
  };
}

describe('style memory on the fake forge', () => {
  let forge: FakeForge;
  let repo: TestRepo;
  let client: ForgeClient;
  let fixture: ForgeRepo;
  beforeAll(async () => {
    fixture = await startForgeRepo('github', TOKEN);
    ({ forge, repo, client } = fixture);
  });
  afterAll(() => fixture.close());

  it('a merged-with-edits PR produces a style rule that changes the next proposal', async () => {
    const spec34 = 'specs/cadence/CADENCE_AD_PING_INTERVAL_MEDIA_3_4.yaml';
    const log: string[] = [];
    await runLoop({
      root: repo.clone,
      config: repo.config,
      forge: client,
      stages: stages(repo, [{ id: 'drift-3.4', version: '3.4.1', interval: 30 }]),
      log: (l) => log.push(l),
    });
    expect(log).toContain(
      'style: no preferences/style.yaml yet (goblin style learn); proposals go out as written',
    );
    const pr = forge.pulls[0];
    expect(YAML.parse(sh(repo.bare, 'show', `${pr.head}:${spec34}`)).assert[0].params.gap_factor).toBe(1.5);

    // The reviewer tolerates more jitter: gap_factor 1.5 → 2 on the bot branch, then merges.
    const rev = join(repo.tmp, 'reviewer');
    sh(repo.tmp, 'clone', '-q', repo.bare, rev);
    sh(rev, 'checkout', '-q', pr.head);
    writeFileSync(
      join(rev, spec34),
      readFileSync(join(rev, spec34), 'utf8').replace('gap_factor: 1.5', 'gap_factor: 2'),
    );
    sh(rev, 'commit', '-q', '-am', 'tolerate more jitter');
    sh(rev, 'push', '-q', 'origin', pr.head);
    sh(rev, 'checkout', '-q', 'main');
    sh(rev, 'merge', '-q', '--no-ff', '-m', `Merge PR #${pr.number}`, pr.head);
    sh(rev, 'push', '-q', 'origin', 'main');
    forge.merge(pr.number, sh(rev, 'rev-parse', 'HEAD'));
    sh(repo.clone, 'pull', '-q', '--ff-only', 'origin', 'main');

    const s = await syncFeedback({ root: repo.clone, config: repo.config, forge: client });
    expect(s.recorded.map((r) => [r.outcome, r.action])).toEqual([['merged_edited', 'edit']]);
    const style = learnStyle(reviewsFromRecords(readPreferences(join(repo.clone, 'preferences'))));
    expect(style.rules.find((r) => r.slot === 'field_value:params.gap_factor')).toMatchObject({
      variant: 2,
      support: 1,
      counter: 0,
      active: true,
      examples: [pr.number],
    });
    writeStyle(join(repo.clone, 'preferences', 'style.yaml'), style, null);

    // The next finding: the proposer still writes 1.5; the PR carries the reviewer's 2.
    const next = await runLoop({
      root: repo.clone,
      config: repo.config,
      forge: client,
      stages: stages(repo, [{ id: 'drift-3.6', version: '3.6.0', interval: 20 }]),
      log: (l) => log.push(l),
    });
    expect(next.proposals[0].status).toMatch(/^pr created #\d+$/);
    const pr2 = forge.pulls[1];
    const spec36 = YAML.parse(
      sh(repo.bare, 'show', `${pr2.head}:specs/cadence/CADENCE_AD_PING_INTERVAL_MEDIA_3_6.yaml`),
    );
    expect(spec36.assert[0].params).toEqual({ ad_interval_s: 20, gap_factor: 2 });
    expect(pr2.body).toContain('Team style applied (1 rule from preferences/style.yaml)');
    expect(pr2.body).toContain(
      '- params.gap_factor is set to 2 — `field_value:params.gap_factor`, learned from 1 edit(s)',
    );
    expect(log).toContain(
      'style: CADENCE_AD_PING_INTERVAL_MEDIA_3_6: params.gap_factor is set to 2 (1 edit(s), 0 counter-example(s))',
    );
    const report = sh(repo.bare, 'ls-tree', '-r', '--name-only', pr2.head)
      .split('\n')
      .find((f) => f.endsWith('/style.json'))!;
    expect(JSON.parse(sh(repo.bare, 'show', `${pr2.head}:${report}`)).applied[0].slot).toBe(
      'field_value:params.gap_factor',
    );
  });

  it('a PR closed with goblin:wrong-scope is a rejection with that reason; goblin:deferred is recorded once, not as a verdict', async () => {
    const pr2 = forge.pulls[1];
    forge.label(pr2.number, 'goblin:deferred');
    const d = await syncFeedback({ root: repo.clone, config: repo.config, forge: client });
    expect(d.recorded.map((r) => [r.pr, r.action])).toEqual([[pr2.number, 'defer']]);
    expect(
      (await syncFeedback({ root: repo.clone, config: repo.config, forge: client })).recorded,
    ).toHaveLength(0);
    // Later the reviewer rejects it for scope.
    forge.pulls[1].labels = [];
    forge.label(pr2.number, 'goblin:wrong-scope');
    forge.close(pr2.number);
    const r = await syncFeedback({ root: repo.clone, config: repo.config, forge: client });
    expect(r.recorded.map((x) => [x.pr, x.action, x.reason_code])).toEqual([
      [pr2.number, 'reject', 'wrong-scope'],
    ]);
    expect(readPreferences(join(repo.clone, 'preferences')).map((x) => x.action)).toEqual([
      'edit',
      'defer',
      'reject',
    ]);
  });

  it('no source for this SDK and version: an investigate issue with the measurement and queries, not a PR', async () => {
    const pulls = forge.pulls.length;
    const undocumented = [
      { id: 'drift-3.2-undocumented', version: '3.2.0', interval: 20, grade: 'generic' as const },
    ];
    const run = () =>
      runLoop({ root: repo.clone, config: repo.config, forge: client, stages: stages(repo, undocumented) });
    const r = await run();
    expect(r.proposals[0].status).toMatch(
      /^investigate: the best passage does not name this SDK and version .* \(investigate issue #\d+ created\)$/,
    );
    expect(forge.pulls).toHaveLength(pulls);
    const issue = forge.issues.find((i) => forge.labelNames(i.labels).includes('goblin:investigate'))!;
    expect(issue.title).toMatch(/^Investigate CADENCE_AD_PING_INTERVAL_MEDIA_3_2: .*; no source found$/);
    expect(issue.body).toContain('`android media release notes 3.2.0`');
    expect(issue.body).toContain('Left out: 1 passage(s) about another SDK.');
    // The next run updates the same issue instead of opening another.
    expect((await run()).proposals[0].status).toMatch(/investigate issue #\d+ unchanged/);
    expect(
      forge.issues.filter((i) => forge.labelNames(i.labels).includes('goblin:investigate')),
    ).toHaveLength(1);
  });
});
