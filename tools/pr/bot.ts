import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { FetchCache } from '../research/cache.js';
import { verifyCitations } from '../research/verify.js';
import { commitMessage, renderPrBody, renderSticky, STICKY_MARKER } from './body.js';
import { BOT_LABEL, LIFECYCLE_LABELS, webUrl, type ForgeClient, type PullRequest } from './forge.js';
import { preparePrBranch } from './git.js';
import { branchName, loadProposal, proposalRepoFiles, type LoadedProposal } from './proposal-files.js';
import { exampleTimelines } from './timelines.js';
import { makeDirs } from '../util/files.js';

export interface PrOptions {
  root: string;
  config: GoblinConfig;
  proposalDir: string;
  dryRun?: boolean;
  /** Open the PR even when the judges rejected it or the shadow replay did not accept it. */
  force?: boolean;
  /** Needed unless dryRun. */
  forge?: ForgeClient;
  /** Where --dry-run writes body.md / sticky.md / meta.json (default out/pr/<proposal id>). */
  outDir?: string;
  log?: (line: string) => void;
}

export interface PrResult {
  proposal_id: string;
  spec_id: string;
  branch: string;
  commit: string | null;
  pushed: boolean;
  action: 'created' | 'updated' | 'unchanged' | 'dry-run' | 'skipped-closed' | 'skipped-merged';
  pr: { number: number; url: string } | null;
  sticky: 'created' | 'updated' | 'unchanged' | null;
  body: string | null;
  bodyPath: string | null;
}

/** The prompt fingerprint: the LLM prompt's sha256, or for the deterministic proposer a hash of its input. */
export function promptFingerprint(p: LoadedProposal): string {
  const m = p.manifest;
  if (m.llm) return `sha256:${m.llm.prompt_sha256}`;
  const h = createHash('sha256')
    .update(JSON.stringify({ proposer: m.proposer, bundle: m.bundle_id, spec: m.spec_id, scope: m.scope }))
    .digest('hex');
  return `det:${h.slice(0, 32)}`;
}

/** Why a proposal may not become a PR (judge REJECT, shadow replay not accepted), or null. */
export function gateFailure(p: LoadedProposal, threshold: number): string | null {
  if (p.judge?.decision === 'REJECT') return `judges rejected it (score ${p.judge.score.toFixed(2)})`;
  if (p.judge && p.judge.score < threshold)
    return `judge score ${p.judge.score.toFixed(2)} < pr_threshold ${threshold}`;
  if (p.shadow && !p.shadow.accept) return `shadow replay did not accept it: ${p.shadow.reasons.join('; ')}`;
  return null;
}

function citationCheck(
  root: string,
  config: GoblinConfig,
  p: LoadedProposal,
): { checked: number; ok: number } | null {
  if (!p.manifest.citations.length) return null;
  const v = verifyCitations({
    root,
    cacheDir: resolve(root, config.research.cache_dir),
    paths: [join(resolve(p.dir), 'proposal.json')],
  });
  return { checked: v.checked, ok: v.ok };
}

function cacheLinks(
  root: string,
  config: GoblinConfig,
  p: LoadedProposal,
): Record<string, { body_path: string; fetched_at: string }> {
  const out: Record<string, { body_path: string; fetched_at: string }> = {};
  const refs = p.manifest.citations.map((c) => c.cached_ref).filter((r): r is string => !!r);
  if (!refs.length) return out;
  const cache = new FetchCache(resolve(root, config.research.cache_dir));
  for (const ref of refs) {
    const rec = cache.all().find((r) => r.ref === ref || r.content_hash === ref);
    if (rec?.body_ref)
      out[ref] = {
        body_path: `${config.research.cache_dir.replace(/\/+$/, '')}/${rec.body_ref}`,
        fetched_at: rec.fetched_at,
      };
  }
  return out;
}

/**
 * `goblin pr <proposal>`: branch + commit + push, then open or update the one PR for this proposal,
 * its labels and its sticky comment. Closed or merged PRs for the same branch are never reopened.
 */
export async function openProposalPr(o: PrOptions): Promise<PrResult> {
  const { root, config } = o;
  const log = o.log ?? (() => {});
  const p = loadProposal(resolve(root, o.proposalDir));
  const m = p.manifest;
  const gate = gateFailure(p, config.autonomy.pr_threshold);
  if (gate && !o.force)
    throw new Error(`proposal ${m.id} is not PR-ready: ${gate} (use --force to open it anyway)`);
  const branch = branchName(m);
  const fc = config.forge;
  const result: PrResult = {
    proposal_id: m.id,
    spec_id: m.spec_id,
    branch,
    commit: null,
    pushed: false,
    action: 'dry-run',
    pr: null,
    sticky: null,
    body: null,
    bodyPath: null,
  };

  let existing: PullRequest | undefined;
  if (!o.dryRun) {
    if (!o.forge) throw new Error('no forge client (configure forge.* and the token environment variable)');
    const all = await o.forge.listPulls('all', branch);
    existing = all.find((x) => x.state === 'open');
    const closed = all.find((x) => x.state === 'closed');
    if (!existing && closed) {
      result.action = closed.merged ? 'skipped-merged' : 'skipped-closed';
      result.pr = { number: closed.number, url: closed.html_url };
      log(`PR #${closed.number} for ${branch} was ${closed.merged ? 'merged' : 'closed'}: not reopening`);
      return result;
    }
  }

  const since = m.created_at.slice(0, 10);
  const files = proposalRepoFiles(p, fc.reports_dir, since);
  const pf = promptFingerprint(p);
  const br = await preparePrBranch({
    root,
    remote: fc.remote,
    base: fc.base_branch,
    branch,
    files,
    message: commitMessage(p, pf),
    author: { name: fc.git_author_name, email: fc.git_author_email },
    date: m.created_at,
    dryRun: !!o.dryRun,
  });
  result.commit = br.commit;
  result.pushed = br.pushed;
  log(
    `${branch}: ${br.commit.slice(0, 12)} (${br.changedFiles.length} files${br.pushed ? ', pushed' : br.humanEdited ? ', edited by a person: not pushed' : ''})`,
  );

  const citations = citationCheck(root, config, p);
  let timelines: ReturnType<typeof exampleTimelines> = [];
  try {
    timelines = exampleTimelines(root, config, p);
  } catch (e) {
    log(`example timelines skipped: ${(e as Error).message}`);
  }
  const body = renderPrBody({
    proposal: p,
    branch,
    base: fc.base_branch,
    remote: fc.remote,
    kind: fc.kind,
    repoWeb: webUrl(fc),
    commit: br.commit,
    reportsDir: fc.reports_dir,
    shadowDays: config.autonomy.shadow_days,
    prThreshold: config.autonomy.pr_threshold,
    citations,
    timelines,
    promptFingerprint: pf,
    cache: cacheLinks(root, config, p),
  });
  const sticky = renderSticky({
    proposal: p,
    commit: br.commit,
    baseCommit: br.baseCommit,
    base: fc.base_branch,
    prThreshold: config.autonomy.pr_threshold,
    citations,
    humanEdited: br.humanEdited,
  });
  result.body = body;
  const title = `spec(${m.spec_id}): ${m.change === 'new' ? 'add' : 'update'} — ${m.summary}`.slice(0, 120);

  if (o.dryRun) {
    const out = resolve(root, o.outDir ?? join('out', 'pr', m.id));
    makeDirs(out);
    writeFileSync(join(out, 'body.md'), body);
    writeFileSync(join(out, 'sticky.md'), sticky);
    writeFileSync(
      join(out, 'meta.json'),
      JSON.stringify(
        { title, branch, commit: br.commit, base: fc.base_branch, files: br.changedFiles },
        null,
        2,
      ) + '\n',
    );
    result.bodyPath = join(out, 'body.md');
    return result;
  }

  const forge = o.forge!;
  let pr: PullRequest;
  if (existing) {
    if (existing.body !== body || existing.title !== title) {
      pr = await forge.updatePull(existing.number, { title, body });
      result.action = 'updated';
    } else {
      pr = existing;
      result.action = 'unchanged';
    }
  } else {
    pr = await forge.createPull({ title, head: branch, base: fc.base_branch, body });
    result.action = 'created';
  }
  await forge.setLabels(pr.number, pr.labels, [BOT_LABEL, 'spec:proposed'], [...LIFECYCLE_LABELS, BOT_LABEL]);
  result.sticky = (await forge.upsertMarkedComment(pr.number, STICKY_MARKER, sticky)).action;
  result.pr = { number: pr.number, url: pr.html_url };
  log(`PR #${pr.number} ${result.action}; sticky comment ${result.sticky}`);
  return result;
}
