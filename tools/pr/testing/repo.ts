import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { GoblinConfig } from '../../config/index.js';
import type { JudgeReport, ProposalManifest, ShadowReport } from '../../propose/proposal.js';

/** The real repository root (source of the specs, fixtures and evidence cache the test repos copy). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const sh = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Reviewer',
      GIT_AUTHOR_EMAIL: 'reviewer@example.test',
      GIT_COMMITTER_NAME: 'Reviewer',
      GIT_COMMITTER_EMAIL: 'reviewer@example.test',
      HUSKY: '0',
    },
  })
    .toString()
    .trim();

export interface TestRepo {
  tmp: string;
  /** The bare "forge" repository. */
  bare: string;
  /** A fresh clone (where goblin runs). */
  clone: string;
  config: GoblinConfig;
  cleanup(): void;
}

/** Specs copied into test repos: the ad-ping default the e2e scenario scopes a version override of. */
export const SEED_SPECS = ['cadence/CADENCE_AD_PING_GAP.yaml', 'cadence/CADENCE_CONTENT_PING_GAP.yaml'];

/**
 * A bare remote seeded with a small Goblin repo (two specs + fixtures, the evidence cache, config),
 * and a fresh clone of it.
 */
export function makeTestRepo(
  forge: { kind: 'github' | 'forgejo'; apiUrl: string },
  extraConfig: Record<string, unknown> = {},
): TestRepo {
  const tmp = mkdtempSync(join(tmpdir(), 'goblin-prtest-'));
  const bare = join(tmp, 'remote.git');
  const seed = join(tmp, 'seed');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  mkdirSync(seed);
  sh(seed, 'init', '-q', '-b', 'main');
  const ids: string[] = [];
  for (const s of SEED_SPECS) {
    cpSync(join(REPO_ROOT, 'specs', s), join(seed, 'specs', s));
    const id = s.split('/')[1].replace('.yaml', '');
    ids.push(id);
    cpSync(join(REPO_ROOT, 'tests', id), join(seed, 'tests', id), { recursive: true });
  }
  cpSync(join(REPO_ROOT, 'evidence', 'cache'), join(seed, 'evidence', 'cache'), { recursive: true });
  // The cache holds an import of the repo's own reference, which citations name by repo path.
  cpSync(join(REPO_ROOT, 'docs', 'reference'), join(seed, 'docs', 'reference'), { recursive: true });
  const cfg = {
    forge: {
      kind: forge.kind,
      api_url: forge.apiUrl,
      owner: 'acme',
      repo: 'telemetry-specs',
      ...((extraConfig.forge as object) ?? {}),
    },
    autonomy: { shadow_days: 7, ...((extraConfig.autonomy as object) ?? {}) },
  };
  writeFileSync(join(seed, 'goblin.config.yaml'), YAML.stringify(cfg));
  sh(seed, 'add', '.');
  sh(seed, 'commit', '-q', '-m', 'seed');
  sh(seed, 'push', '-q', bare, 'main');
  const clone = join(tmp, 'clone');
  execFileSync('git', ['clone', '-q', bare, clone], { stdio: 'pipe' });
  rmSync(seed, { recursive: true, force: true });
  return {
    tmp,
    bare,
    clone,
    config: GoblinConfig.parse(cfg),
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

/** A quote that is verbatim in the repo's reference (docs/reference/wire-formats.md, imported in evidence/cache). */
export const CACHED_QUOTE = 'then every 10 s; every 1 s during ads recommended';
export function cachedRef(): string {
  const rec = JSON.parse(
    readFileSync(join(REPO_ROOT, 'evidence/cache/index.jsonl'), 'utf8').split('\n')[0],
  ) as {
    ref: string;
    url: string;
  };
  return rec.ref;
}
export function cachedUrl(): string {
  return (
    JSON.parse(readFileSync(join(REPO_ROOT, 'evidence/cache/index.jsonl'), 'utf8').split('\n')[0]) as {
      url: string;
    }
  ).url;
}

export interface ProposalSpec {
  id?: string;
  specId?: string;
  bundleId?: string;
  version?: string;
  intervalS?: number;
  createdAt?: string;
  summary?: string;
  judgeScore?: number;
  shadowAccept?: boolean;
}

/**
 * A proposal folder conforming to tools/propose/proposal.ts: a version-scoped ad-ping spec override,
 * fixtures (copied from the default spec's real fixtures), a citation from the local evidence cache,
 * judge and shadow reports.
 */
export function writeProposal(dir: string, o: ProposalSpec = {}): string {
  const specId = o.specId ?? 'CADENCE_AD_PING_INTERVAL_MEDIA_3_4';
  const bundleId = o.bundleId ?? 'drift-mc-ad-ping-3.4';
  const id = o.id ?? `p-${specId.toLowerCase().replace(/_/g, '-')}-001`;
  const version = o.version ?? '>=3.4.0 <3.5.0';
  const interval = o.intervalS ?? 30;
  const createdAt = o.createdAt ?? '2026-03-02T09:00:00.000Z';
  const pdir = join(dir, id);
  mkdirSync(pdir, { recursive: true });
  const fixtures = {
    pass: [`tests/${specId}/pass/clean.har`],
    fail: [`tests/${specId}/fail/cadence_ad_ping_gap.har`],
  };
  for (const k of ['pass', 'fail'] as const) {
    const src = join(
      REPO_ROOT,
      'tests/CADENCE_AD_PING_GAP',
      k,
      k === 'pass' ? 'clean.har' : 'cadence_ad_ping_gap.har',
    );
    mkdirSync(join(pdir, dirname(fixtures[k][0])), { recursive: true });
    cpSync(src, join(pdir, fixtures[k][0]));
  }
  const citation = { url: cachedUrl(), quote: CACHED_QUOTE, cached_ref: cachedRef() };
  const spec = {
    id: specId,
    title: `Ad pings every ${interval} s for Media library ${version}`,
    status: 'experimental',
    version: '1.0.0',
    family: 'cadence',
    scope: { protocol: ['media-collection'], version },
    overrides: ['CADENCE_AD_PING_GAP'],
    assert: [{ check: 'cadence.ad_ping_gap', params: { ad_interval_s: interval, gap_factor: 1.5 } }],
    fail_codes: ['CADENCE_AD_PING_GAP'],
    severity: 'error',
    tests: fixtures,
    citations: [citation],
    rationale: `Library ${version} sends ad pings every ${interval} s; the 10 s default flags every ad break.`,
  };
  writeFileSync(join(pdir, 'spec.yaml'), YAML.stringify(spec, { lineWidth: 0 }));
  writeFileSync(
    join(pdir, 'spec.diff'),
    `--- /dev/null\n+++ b/specs/cadence/${specId}.yaml\n@@ -0,0 +1,3 @@\n+id: ${specId}\n+status: shadow\n+...\n`,
  );
  writeFileSync(join(pdir, 'rationale.md'), `${spec.rationale}\n\n> ${CACHED_QUOTE}\n`);
  const manifest: ProposalManifest = {
    id,
    bundle_id: bundleId,
    created_at: createdAt,
    proposer: 'deterministic',
    spec_id: specId,
    spec_path: `specs/cadence/${specId}.yaml`,
    change: 'new',
    summary: o.summary ?? `Scope a ${interval} s ad-ping interval to Media library ${version}`,
    scope: { protocol: ['media-collection'], version },
    dictionary_files: [],
    fixtures,
    citations: [citation],
    llm: null,
  };
  writeFileSync(join(pdir, 'proposal.json'), JSON.stringify(manifest, null, 2) + '\n');
  const score = o.judgeScore ?? 0.86;
  const judge: JudgeReport = {
    proposal_id: id,
    consistency: 0.9,
    necessity: 0.85,
    evidence: 0.8,
    score,
    decision: score >= 0.78 ? 'ACCEPT' : 'REJECT',
    reasons: ['scoped to the drifting version only', 'citation verbatim in the cache'],
    judges: [
      { name: 'deterministic', kind: 'deterministic', consistency: 0.9, necessity: 0.85, evidence: 0.8 },
    ],
    llm_used: false,
  };
  writeFileSync(join(pdir, 'judge.json'), JSON.stringify(judge, null, 2) + '\n');
  const shadow: ShadowReport = {
    proposal_id: id,
    dataset_hash: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    spec_pack_commit: null,
    model_digests: [],
    sample: { sessions: 240, strata: { 'media-collection': 180, heartbeat: 60 } },
    pre: {
      findings_by_code: { CADENCE_AD_PING_GAP: 31 },
      sessions: 240,
      coverage: 0.912,
      fpr_known_good: 0.125,
      fpr_label_pass: 0.1,
    },
    post: {
      findings_by_code: { CADENCE_AD_PING_GAP: 1 },
      sessions: 240,
      coverage: 0.93,
      fpr_known_good: 0,
      fpr_label_pass: 0,
    },
    flipped: [
      { har: 'drops/2026-03-01/web-mc-3.4.1-a.har', session: 'sess-7f3a', from: 'VIOLATION', to: 'PASS' },
      { har: 'drops/2026-03-01/web-mc-3.4.1-b.har', session: 'sess-91c2', from: 'VIOLATION', to: 'PASS' },
    ],
    constitution_touched: [],
    accept: o.shadowAccept ?? true,
    reasons: o.shadowAccept === false ? ['new false positives on known-good'] : [],
  };
  writeFileSync(join(pdir, 'shadow.json'), JSON.stringify(shadow, null, 2) + '\n');
  writeFileSync(join(pdir, 'shadow.md'), `# Shadow ${id}\n\nFPR 12.50% → 0.00%\n`);
  return pdir;
}
