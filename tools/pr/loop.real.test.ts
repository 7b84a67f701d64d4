import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { generateDrop, slowerPings } from '../detect/scenarios.js';
import { importDocument } from '../research/import.js';
import { ForgeClient } from './forge.js';
import { runLoop } from './loop.js';
import type { FakeForge } from './testing/fake-forge.js';
import { startForgeRepo, type ForgeRepo } from './testing/forge-repo.js';
import { REPO_ROOT, sh, type TestRepo } from './testing/repo.js';

const TOKEN = 'tok-real-stages';
const LIBS = ['web-alloy-2', 'web-media-js-3', 'android-aep-media-3'] as const;

/**
 * The whole loop on the real stages (drift → research pack → propose → shadow → judge → PR): one Web SDK
 * build starts pinging main content every 20 s instead of 10 s; nothing else changes.
 */
describe('goblin loop on the real stages', () => {
  let forge: FakeForge;
  let repo: TestRepo;
  let fixture: ForgeRepo;
  const work = mkdtempSync(join(tmpdir(), 'goblin-loop-real-'));

  beforeAll(async () => {
    fixture = await startForgeRepo('forgejo', TOKEN);
    ({ forge, repo } = fixture);
    // The clone carries the whole shipped pack, its fixtures, the constitution and the evidence cache.
    for (const p of ['specs', 'tests', 'constitution.yaml', 'schemas'])
      cpSync(join(REPO_ROOT, p), join(repo.clone, p), { recursive: true });
    sh(repo.clone, 'add', '.');
    sh(repo.clone, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-m', 'pack');
    sh(repo.clone, 'push', '-q', 'origin', 'main');
    generateDrop({ outDir: join(work, 'ref'), seed: 1, captures: 60, faultRate: 0, libraries: [...LIBS] });
    generateDrop({
      outDir: join(work, 'drop'),
      seed: 2,
      captures: 60,
      faultRate: 0,
      libraries: [...LIBS],
      mutator: slowerPings,
      mutateLibraries: ['web-alloy-2'],
    });
  });
  afterAll(() => fixture.close());

  it('with only a generic reference in the cache: no spec PR, an investigate issue asking for the source', async () => {
    const config = GoblinConfig.parse({
      ...repo.config,
      autonomy: { ...repo.config.autonomy, reference_run: join(work, 'ref') },
    });
    const client = new ForgeClient({
      kind: 'forgejo',
      apiUrl: forge.apiUrl,
      owner: 'acme',
      repo: 'telemetry-specs',
      token: TOKEN,
    });
    const r = await runLoop({
      root: repo.clone,
      config,
      forge: client,
      input: [join(work, 'drop')],
      maxPrs: 3,
    });
    expect(r.bundles.length).toBe(1);
    expect(r.prs).toHaveLength(0);
    expect(r.proposals[0].status).toMatch(
      /^investigate: the best passage does not name this SDK and version/,
    );
    const issue = forge.issues.find((i) =>
      i.title.startsWith('Investigate CADENCE_CONTENT_PING_GAP_EDGE_WEB'),
    )!;
    expect(issue.title).toMatch(/no source found$/);
    expect(issue.body).toMatch(/Research queries tried\*\*\n- `/);
  });

  it('once the release note is in the cache: exactly one PR, the release note cited first, the reference as support', async () => {
    // A vendor release note for the drifted build (a test fixture: the simulated build's change, written as
    // such notes are), imported the way `goblin research import` does; the loop rebuilds the stale index.
    const note = join(work, 'web-sdk-release-notes.md');
    writeFileSync(
      note,
      '# Web SDK release notes\n\n## 2.20.0\n\n- Web SDK 2.20.0: Streaming Media main content pings are now sent every 20 s (previously every 10 s).\n',
    );
    importDocument({
      cacheDir: join(repo.clone, 'evidence', 'cache'),
      file: note,
      url: 'https://experienceleague.adobe.com/en/docs/experience-platform/web-sdk/release-notes',
      title: 'Web SDK release notes',
    });
    const config = GoblinConfig.parse({
      ...repo.config,
      autonomy: { ...repo.config.autonomy, reference_run: join(work, 'ref') },
    });
    const client = new ForgeClient({
      kind: 'forgejo',
      apiUrl: forge.apiUrl,
      owner: 'acme',
      repo: 'telemetry-specs',
      token: TOKEN,
    });
    const packsBefore = readdirSync(join(REPO_ROOT, 'evidence', 'packs')).sort();
    const lines: string[] = [];
    const r = await runLoop({
      root: repo.clone,
      config,
      forge: client,
      input: [join(work, 'drop')],
      maxPrs: 3,
      log: (l) => lines.push(l),
    });
    // Everything the loop writes stays inside the repository it runs on.
    expect(readdirSync(join(REPO_ROOT, 'evidence', 'packs')).sort()).toEqual(packsBefore);
    expect(r.bundles.length).toBe(1);
    expect(r.prs).toHaveLength(1);
    expect(forge.pulls).toHaveLength(1);
    const pr = forge.pulls[0];
    const specPath = sh(repo.bare, 'ls-tree', '-r', '--name-only', pr.head)
      .split('\n')
      .find((f) => /^specs\/cadence\/CADENCE_CONTENT_PING_GAP_EDGE_WEB/.test(f))!;
    const spec = YAML.parse(sh(repo.bare, 'show', `${pr.head}:${specPath}`));
    expect(spec).toMatchObject({
      status: 'shadow',
      scope: { protocol: ['media-edge'], platform: ['web'], version: '>=2.20.0 <2.21.0' },
    });
    expect(spec.assert[0]).toMatchObject({
      check: 'cadence.content_ping_gap',
      params: { content_interval_s: 20 },
    });
    const files = sh(repo.bare, 'ls-tree', '-r', '--name-only', pr.head);
    for (const f of [...spec.tests.pass, ...spec.tests.fail]) expect(files).toContain(f);
    expect(spec.tests.pass.length + spec.tests.fail.length).toBeGreaterThanOrEqual(2);
    expect(spec.citations.map((c: { url: string }) => c.url)).toEqual([
      'https://experienceleague.adobe.com/en/docs/experience-platform/web-sdk/release-notes',
      'docs/reference/wire-formats.md',
    ]);
    expect(pr.body).toMatch(/ACCEPT/);
    expect(pr.body).toMatch(/verbatim in the local evidence cache/);
    // Forgejo sets labels by id.
    const names = pr.labels.map((id) => forge.labels.find((l) => l.id === id)?.name);
    expect(names).toContain('spec:proposed');
  });
});
