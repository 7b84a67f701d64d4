import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { DASHBOARD_MARKER, parseMeta, PR_META_MARKER, STICKY_MARKER, type PrMeta } from './body.js';
import { BOT_LABEL, LIFECYCLE_LABELS, type ForgeClient, type PullRequest } from './forge.js';
import { git, showFile } from './git.js';
import {
  DEFER_LABEL,
  reasonFromComment,
  reviewAction,
  type RejectReason,
  type ReviewAction,
} from '../style/outcome.js';
import { makeDirs } from '../util/files.js';

/** One reviewed proposal: what Goblin proposed, what people kept, and why. */
export interface PreferenceRecord {
  prompt_fingerprint: string;
  bundle_id: string;
  proposal_id: string;
  spec_id: string;
  pr: number;
  /** The task as text (the prompt the writer answered, rebuilt from the committed proposal manifest). */
  prompt: string;
  proposed: string | null;
  final: string | null;
  outcome: 'merged' | 'merged_edited' | 'closed' | 'deferred';
  /** The reviewer's action (tools/style/outcome.ts); absent in records written before it existed. */
  action?: ReviewAction;
  /** reject: the label's reason code, else what the closing comment says. */
  reason_code?: RejectReason | null;
  labels?: string[];
  /** merged_edited: unified diff proposed → merged. */
  diff: string | null;
  /** closed: the last human comment. */
  reason: string | null;
  opened_at: string;
  closed_at: string | null;
}

export function readPreferences(dir: string): PreferenceRecord[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}\.jsonl$/.test(f))
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => withAction(JSON.parse(l) as PreferenceRecord)),
    );
}

/** Older records carry only `outcome`: derive the action from it. */
function withAction(r: PreferenceRecord): PreferenceRecord {
  if (r.action) return r;
  const action: ReviewAction =
    r.outcome === 'merged'
      ? 'approve'
      : r.outcome === 'merged_edited'
        ? 'edit'
        : r.outcome === 'deferred'
          ? 'defer'
          : 'reject';
  return { ...r, action, reason_code: action === 'reject' ? reasonFromComment(r.reason) : null };
}

/** The writer's task for a proposal, as text: stable across runs (it is the DPO `prompt`). */
export function promptText(manifest: {
  bundle_id: string;
  spec_id: string;
  spec_path: string;
  change: string;
  summary: string;
  scope: Record<string, unknown>;
}): string {
  return [
    `Write a Weird Goblin spec (YAML) for investigate bundle ${manifest.bundle_id}.`,
    `Spec id: ${manifest.spec_id} (${manifest.change}) at ${manifest.spec_path}.`,
    `Scope: ${JSON.stringify(manifest.scope)}.`,
    `Finding: ${manifest.summary}`,
  ].join('\n');
}

const isBotComment = (body: string) =>
  body.includes(STICKY_MARKER) || body.includes(DASHBOARD_MARKER) || body.includes(PR_META_MARKER);

async function tryFetch(root: string, remote: string, refspec: string): Promise<boolean> {
  try {
    await git(root).fetch(remote, refspec);
    return true;
  } catch {
    return false;
  }
}

async function revExists(root: string, rev: string): Promise<boolean> {
  try {
    await git(root).raw(['cat-file', '-e', `${rev}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

async function blobDiff(root: string, a: string, b: string, label: string): Promise<string> {
  // `git diff <rev>:<path> <rev>:<path>` compares two blobs without a checkout.
  const d = await git(root).raw(['diff', '--no-color', a, b]);
  return d.replace(/^(---|\+\+\+) (a|b)\/.*$/gm, (_m, s: string, side: string) => `${s} ${side}/${label}`);
}

export interface SyncResult {
  recorded: PreferenceRecord[];
  skipped: number;
  relabelled: number[];
}

/**
 * `goblin feedback sync`: for every closed Goblin proposal PR not yet recorded, read the outcome from
 * the forge and the texts from git, and append a preference record to preferences/YYYY-MM.jsonl.
 * Merged PRs are relabelled `spec:shadow` (the lifecycle label of a merged proposal).
 */
export async function syncFeedback(o: {
  root: string;
  config: GoblinConfig;
  forge: ForgeClient;
  log?: (l: string) => void;
}): Promise<SyncResult> {
  const { root, config, forge } = o;
  const log = o.log ?? (() => {});
  const fc = config.forge;
  const dir = resolve(root, config.autonomy.preferences_dir);
  // A deferral is recorded once per PR and does not stop the final verdict from being recorded later.
  const seen = new Set(readPreferences(dir).map((r) => `${r.pr}:${r.proposal_id}:${r.action === 'defer'}`));
  const prs = (await forge.listPulls('all')).filter(
    (p) => p.state === 'closed' || p.labels.includes(DEFER_LABEL),
  );
  await tryFetch(
    root,
    fc.remote,
    `+refs/heads/${fc.base_branch}:refs/remotes/${fc.remote}/${fc.base_branch}`,
  );
  const res: SyncResult = { recorded: [], skipped: 0, relabelled: [] };
  for (const p of prs.sort((a, b) => a.number - b.number)) {
    const meta = parseMeta(p.body);
    if (!meta || meta.kind !== 'proposal') continue;
    if (p.merged && !p.labels.includes('spec:shadow')) {
      await forge.setLabels(p.number, p.labels, [BOT_LABEL, 'spec:shadow'], [...LIFECYCLE_LABELS, BOT_LABEL]);
      res.relabelled.push(p.number);
    }
    const deferred = p.labels.includes(DEFER_LABEL) && !p.merged;
    if (seen.has(`${p.number}:${meta.proposal_id}:${deferred}`)) {
      res.skipped++;
      continue;
    }
    const rec = await recordFor(root, config, forge, p, meta);
    const month = (rec.closed_at ?? rec.opened_at).slice(0, 7);
    makeDirs(dir);
    appendFileSync(join(dir, `${month}.jsonl`), JSON.stringify(rec) + '\n');
    res.recorded.push(rec);
    log(
      `PR #${p.number} ${meta.spec_id}: ${rec.outcome}${rec.reason ? ` (${rec.reason.slice(0, 60)})` : ''}`,
    );
  }
  return res;
}

async function recordFor(
  root: string,
  config: GoblinConfig,
  forge: ForgeClient,
  p: PullRequest,
  meta: PrMeta,
): Promise<PreferenceRecord> {
  const fc = config.forge;
  const baseRef = `refs/remotes/${fc.remote}/${fc.base_branch}`;
  // The bot's own commit: still on the remote branch unless it was deleted; after a merge commit also on main.
  if (meta.commit && !(await revExists(root, meta.commit)))
    await tryFetch(root, fc.remote, `+refs/heads/${p.head}:refs/goblin/feedback/${p.number}`);
  const botRev = meta.commit && (await revExists(root, meta.commit)) ? meta.commit : null;
  let proposed = botRev ? await showFile(root, botRev, meta.spec_path) : null;
  let manifestText =
    botRev && meta.proposed_path
      ? await showFile(root, botRev, meta.proposed_path.replace(/spec\.proposed\.yaml$/, 'proposal.json'))
      : null;

  const base = {
    prompt_fingerprint: meta.prompt_fingerprint,
    bundle_id: meta.bundle_id,
    proposal_id: meta.proposal_id,
    spec_id: meta.spec_id,
    pr: p.number,
    opened_at: p.created_at,
    closed_at: p.merged_at ?? p.closed_at,
  };
  let rec: PreferenceRecord;
  if (p.labels.includes(DEFER_LABEL) && !p.merged) {
    const human = (await forge.listComments(p.number)).filter((c) => !isBotComment(c.body));
    rec = {
      ...base,
      prompt: '',
      proposed,
      final: null,
      outcome: 'deferred',
      action: 'defer',
      reason_code: null,
      labels: p.labels,
      diff: null,
      reason:
        human
          .sort((a, b) => a.created_at.localeCompare(b.created_at))
          .at(-1)
          ?.body.trim() ?? null,
    };
  } else if (p.merged) {
    let rev = baseRef;
    if (p.merge_commit_sha) {
      if (!(await revExists(root, p.merge_commit_sha))) await tryFetch(root, fc.remote, p.merge_commit_sha);
      if (await revExists(root, p.merge_commit_sha)) rev = p.merge_commit_sha;
    }
    const final = await showFile(root, rev, meta.spec_path);
    // The merged tree also carries the proposed text (reports dir), even after a squash merge.
    if (meta.proposed_path) proposed = (await showFile(root, rev, meta.proposed_path)) ?? proposed;
    manifestText ??= meta.proposed_path
      ? await showFile(root, rev, meta.proposed_path.replace(/spec\.proposed\.yaml$/, 'proposal.json'))
      : null;
    const edited = proposed !== null && final !== null && proposed !== final;
    const diff =
      edited && meta.proposed_path
        ? await blobDiff(root, `${rev}:${meta.proposed_path}`, `${rev}:${meta.spec_path}`, meta.spec_path)
        : null;
    rec = {
      ...base,
      prompt: '',
      proposed,
      final,
      outcome: edited ? 'merged_edited' : 'merged',
      action: edited ? 'edit' : 'approve',
      reason_code: null,
      labels: p.labels,
      diff,
      reason: null,
    };
  } else {
    const human = (await forge.listComments(p.number)).filter((c) => !isBotComment(c.body));
    const last = human.sort((a, b) => a.created_at.localeCompare(b.created_at)).at(-1);
    const reason = last?.body.trim() ?? null;
    rec = {
      ...base,
      prompt: '',
      proposed,
      final: null,
      outcome: 'closed',
      action: 'reject',
      reason_code: reviewAction(p, false)?.reason_code ?? reasonFromComment(reason),
      labels: p.labels,
      diff: null,
      reason,
    };
  }
  let prompt = `Write a Weird Goblin spec (YAML) for investigate bundle ${meta.bundle_id}.\nSpec id: ${meta.spec_id} at ${meta.spec_path}.`;
  if (manifestText) {
    try {
      prompt = promptText(JSON.parse(manifestText));
    } catch {
      /* keep the short prompt */
    }
  }
  rec.prompt = prompt;
  return rec;
}

export interface DpoPair {
  prompt: string;
  chosen: string;
  rejected: string;
}

/**
 * Preference pairs in the common DPO format ({prompt, chosen, rejected}, as TRL's DPOTrainer reads them):
 *   merged after edits   → chosen = merged text, rejected = proposed text
 *   closed + a merged proposal for the same bundle and spec → chosen = that merged text, rejected = closed proposal
 * Merged-as-proposed records with no rejected counterpart yield no pair (they count in the KPIs).
 */
export function dpoPairs(records: PreferenceRecord[]): DpoPair[] {
  const out: DpoPair[] = [];
  const key = (r: PreferenceRecord) => `${r.bundle_id}\n${r.spec_id}`;
  const accepted = new Map<string, PreferenceRecord>();
  for (const r of records) if (r.outcome !== 'closed' && r.final) accepted.set(key(r), r);
  for (const r of records) {
    if (r.outcome === 'merged_edited' && r.proposed && r.final)
      out.push({ prompt: r.prompt, chosen: r.final, rejected: r.proposed });
    if (r.outcome === 'closed' && r.proposed) {
      const win = accepted.get(key(r));
      if (win?.final && win.final !== r.proposed)
        out.push({ prompt: r.prompt, chosen: win.final, rejected: r.proposed });
    }
  }
  return out;
}

export interface FeedbackKpis {
  reviewed: number;
  merged: number;
  merged_as_proposed: number;
  merged_edited: number;
  closed: number;
  acceptance_rate: number | null;
  as_proposed_rate: number | null;
  median_hours_to_merge: number | null;
  mean_hours_to_merge: number | null;
}

export function feedbackKpis(all: PreferenceRecord[]): FeedbackKpis {
  // A deferral is not a verdict: the PR is asked again, and its verdict counts then.
  const records = all.filter((r) => r.outcome !== 'deferred');
  const merged = records.filter((r) => r.outcome !== 'closed');
  const hours = merged
    .filter((r) => r.closed_at)
    .map((r) => (Date.parse(r.closed_at!) - Date.parse(r.opened_at)) / 3_600_000)
    .sort((a, b) => a - b);
  const n = records.length;
  const median = hours.length
    ? hours.length % 2
      ? hours[(hours.length - 1) / 2]
      : (hours[hours.length / 2 - 1] + hours[hours.length / 2]) / 2
    : null;
  return {
    reviewed: n,
    merged: merged.length,
    merged_as_proposed: records.filter((r) => r.outcome === 'merged').length,
    merged_edited: records.filter((r) => r.outcome === 'merged_edited').length,
    closed: records.filter((r) => r.outcome === 'closed').length,
    acceptance_rate: n ? merged.length / n : null,
    as_proposed_rate: n ? records.filter((r) => r.outcome === 'merged').length / n : null,
    median_hours_to_merge: median,
    mean_hours_to_merge: hours.length ? hours.reduce((a, b) => a + b, 0) / hours.length : null,
  };
}
