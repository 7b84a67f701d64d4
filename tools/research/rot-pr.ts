/**
 * The doc-rot pull request: one rolling branch (`goblin-research/doc-rot`) carrying the crawl's cache
 * records and new snapshots, with the rot report (rot.ts) as its body. Built with the PR bot's own git
 * and forge code (tools/pr): a temporary worktree off the base branch, force-push of the bot's branch,
 * one open PR updated in place. Neither named `goblin/…` nor labelled `goblin` on purpose: the proposal
 * dashboard and feedback sync track spec PRs only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import type { ForgeClient } from '../pr/forge.js';
import { preparePrBranch } from '../pr/git.js';
import { rotMarkdown, type RotReport } from './rot.js';

export const DOC_ROT_BRANCH = 'goblin-research/doc-rot';
export const DOC_ROT_LABEL = 'goblin:doc-rot';
const MARKER = '<!-- goblin:doc-rot -->';

export interface DocRotPrResult {
  branch: string;
  commit: string;
  pushed: boolean;
  action: 'created' | 'updated' | 'unchanged' | 'dry-run';
  pr: { number: number; url: string } | null;
}

export async function openDocRotPr(o: {
  root: string;
  config: GoblinConfig;
  report: RotReport;
  forge?: ForgeClient;
  dryRun?: boolean;
  log?: (line: string) => void;
}): Promise<DocRotPrResult> {
  const fc = o.config.forge;
  const r = o.report;
  if (!r.rot.length) throw new Error('no doc rot in this crawl: nothing to propose');
  const todo = r.citations.filter((c) => c.status !== 'still_verbatim').length;
  const title = `research: ${r.rot.length} cited or crawled page${r.rot.length === 1 ? '' : 's'} changed or gone${todo ? ` (${todo} citation${todo === 1 ? '' : 's'} to fix)` : ''}`;
  const br = await preparePrBranch({
    root: o.root,
    remote: fc.remote,
    base: fc.base_branch,
    branch: DOC_ROT_BRANCH,
    files: r.cache_files.map((path) => ({ path, content: readFileSync(join(o.root, path)) })),
    message: `${title}\n\nCrawl of ${r.crawled_at}: ${r.rot.map((x) => `${x.kind} ${x.url}`).join('; ')}.\n\nGoblin-Doc-Rot: ${r.crawled_at}`,
    author: { name: fc.git_author_name, email: fc.git_author_email },
    date: r.crawled_at,
    dryRun: !!o.dryRun,
  });
  const body = `${MARKER}\n${rotMarkdown(r)}\n---\n<sub>🤖 Weird Goblin · research crawl · commit \`${br.commit.slice(0, 12)}\`</sub>\n`;
  if (o.dryRun)
    return { branch: DOC_ROT_BRANCH, commit: br.commit, pushed: false, action: 'dry-run', pr: null };
  if (!o.forge) throw new Error('no forge client (configure forge.* and the token environment variable)');
  const open = (await o.forge.listPulls('open', DOC_ROT_BRANCH))[0];
  let action: DocRotPrResult['action'];
  let pr = open;
  if (open) {
    const same = open.title === title && open.body === body;
    if (!same) pr = await o.forge.updatePull(open.number, { title, body });
    action = same ? 'unchanged' : 'updated';
  } else {
    pr = await o.forge.createPull({ title, head: DOC_ROT_BRANCH, base: fc.base_branch, body });
    action = 'created';
  }
  await o.forge.setLabels(pr.number, pr.labels, [DOC_ROT_LABEL], [DOC_ROT_LABEL]);
  o.log?.(`doc-rot PR #${pr.number} ${action} (${DOC_ROT_BRANCH})`);
  return {
    branch: DOC_ROT_BRANCH,
    commit: br.commit,
    pushed: br.pushed,
    action,
    pr: { number: pr.number, url: pr.html_url },
  };
}
