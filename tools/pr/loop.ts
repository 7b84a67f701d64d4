import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import type { JudgeReport, ShadowReport } from '../propose/proposal.js';
import { gateFailure, openProposalPr, type PrResult } from './bot.js';
import { updateDashboard } from './dashboard.js';
import type { ForgeClient } from './forge.js';
import { needsSource, upsertInvestigateIssue } from './investigate.js';
import { loadProposal } from './proposal-files.js';
import { applyStyleToProposal } from '../style/apply.js';
import { readStyle } from '../style/store.js';

/** The stages the loop chains; each defaults to the other engineers' library functions (dynamic import). */
export interface LoopStages {
  /** drift → bundle files written (bundles/<id>.json). */
  drift(o: { root: string; config: GoblinConfig; input?: string[] }): Promise<string[]>;
  /** research pack for a bundle; the queries it tried go into an investigate issue when no source is found. */
  research(
    bundleFile: string,
    o: { root: string; config: GoblinConfig },
  ): Promise<void | { queries?: string[] }>;
  propose(
    bundleFile: string,
    o: { root: string; config: GoblinConfig; input?: string[]; now?: string },
  ): Promise<{ dir: string | null; refused?: string | null }>;
  shadow(dir: string, o: { root: string; config: GoblinConfig; input?: string[] }): Promise<ShadowReport>;
  judge(dir: string, o: { root: string; config: GoblinConfig }): Promise<JudgeReport>;
}

export class StageMissingError extends Error {
  override name = 'StageMissingError';
}

/** The real stages: tools/detect (drift), tools/research (pack), tools/propose (propose, shadow, judge). */
export async function defaultStages(): Promise<LoopStages> {
  // Drift compares the new drop with a reference run (a `goblin run` output dir with drift-profile.json,
  // or HAR inputs): `autonomy.reference_run`, default out/run.
  const { runDrift } = await import('../detect/run-learn.js');
  const { loadRulePack } = await import('../validate/pack.js');
  const drift = async (o: { root: string; config: GoblinConfig; input?: string[] }) => {
    if (!o.input?.length)
      throw new StageMissingError(
        'loop drift needs the new drop as input (goblin loop <drop…>), or use --skip-drift',
      );
    const pack = loadRulePack(resolve(o.root, o.config.validate.specs_dir), o.root);
    const files: string[] = [];
    for (const drop of o.input) {
      const r = await runDrift({
        reference: o.config.autonomy.reference_run,
        drop,
        pack,
        cfg: o.config,
        root: o.root,
        bundlesDir: resolve(o.root, o.config.autonomy.bundles_dir),
      });
      files.push(...r.bundles);
    }
    return files;
  };
  // Literal paths, so the CLI's bundle (tools/cli/bundle.ts) carries these stages as chunks.
  const { propose } = await import('../propose/propose.js');
  const { shadow } = await import('../propose/shadow.js');
  const { judge } = await import('../propose/judges.js');
  const { buildEvidencePack } = await import('../research/index.js');
  return {
    async drift(o) {
      const r = (await drift(o)) as string[] | { files?: string[]; bundles?: string[] };
      return Array.isArray(r) ? r : (r.files ?? r.bundles ?? []);
    },
    async research(bundleFile, o) {
      // Research paths are repo-relative: resolve them against the loop's root, not the process cwd.
      const indexDir = resolve(o.root, o.config.research.index_dir);
      await ensureFreshIndex(o.root, o.config);
      const pack = await buildEvidencePack(bundleFile, {
        config: o.config,
        indexDir,
        packsDir: resolve(o.root, o.config.research.packs_dir),
      });
      return { queries: pack.queries };
    },
    propose: (b, o) => propose(b, o),
    shadow: (d, o) => shadow(d, { ...o, write: true }),
    judge: (d, o) => judge(d, { ...o, write: true }),
  };
}

/**
 * The research index is rebuilt when it is missing or older than the evidence cache (a fetch since the
 * last build): searching a stale index would miss the very release note that was just fetched.
 */
export async function ensureFreshIndex(
  root: string,
  config: GoblinConfig,
): Promise<'fresh' | 'rebuilt' | 'no cache'> {
  const cacheIndex = resolve(root, config.research.cache_dir, 'index.jsonl');
  if (!existsSync(cacheIndex)) return 'no cache';
  const indexDir = resolve(root, config.research.index_dir);
  const { readMeta, buildIndex, cacheIndexHash } = await import('../research/store.js');
  const meta = readMeta(indexDir);
  // Fresh while the cache's index is the one the build read; an index built before that was recorded
  // falls back to comparing times.
  const fresh = meta?.cache_index_sha256
    ? meta.cache_index_sha256 === cacheIndexHash(resolve(root, config.research.cache_dir))
    : meta !== null && Date.parse(meta.built_at) >= statSync(cacheIndex).mtimeMs;
  if (fresh) return 'fresh';
  const { setupModels } = await import('../research/embed.js');
  const models = await setupModels(config.models);
  await buildIndex({
    cacheDir: resolve(root, config.research.cache_dir),
    indexDir,
    embedder: models.embedder,
    minTokens: config.research.chunk_min_tokens,
    maxTokens: config.research.chunk_max_tokens,
  });
  return 'rebuilt';
}

export interface LoopOptions {
  root: string;
  config: GoblinConfig;
  forge?: ForgeClient;
  stages?: LoopStages;
  maxPrs?: number;
  dryRun?: boolean;
  /** HAR inputs (a drop) for drift/propose/shadow. */
  input?: string[];
  /** Use bundles already in bundles_dir instead of running drift. */
  skipDrift?: boolean;
  now?: string;
  log?: (line: string) => void;
}

export interface LoopReport {
  bundles: string[];
  proposals: { bundle: string; dir: string | null; status: string }[];
  prs: PrResult[];
  capped: number;
}

/** drift → research → propose → shadow → judge → PR, at most `max_prs_per_run` PRs. */
export async function runLoop(o: LoopOptions): Promise<LoopReport> {
  const { root, config } = o;
  const log = o.log ?? (() => {});
  const stages = o.stages ?? (await defaultStages());
  const cap = o.maxPrs ?? config.autonomy.max_prs_per_run;
  const ctx = { root, config, input: o.input };
  let bundles: string[];
  if (o.skipDrift) {
    const dir = resolve(root, config.autonomy.bundles_dir);
    bundles = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(dir, f))
      : [];
  } else bundles = await stages.drift(ctx);
  log(`drift: ${bundles.length} bundle(s)`);
  // Style memory (preferences/style.yaml, `goblin style learn`): the team's conventions, applied to every
  // proposal before shadow, judges and PR; proposals shaped like ones the team rejected are held back.
  const stylePath = resolve(root, config.autonomy.preferences_dir, 'style.yaml');
  const style = existsSync(stylePath) ? readStyle(stylePath) : null;
  if (!style) log('style: no preferences/style.yaml yet (goblin style learn); proposals go out as written');
  const report: LoopReport = { bundles, proposals: [], prs: [], capped: 0 };
  for (const b of bundles) {
    let queries: string[] = [];
    try {
      queries = (await stages.research(b, ctx))?.queries ?? [];
    } catch (e) {
      log(`research: ${(e as Error).message} (proposing from the bundle's own evidence)`);
    }
    const pr = await stages.propose(b, { ...ctx, now: o.now });
    if (!pr.dir) {
      report.proposals.push({ bundle: b, dir: null, status: `refused: ${pr.refused ?? 'no proposal'}` });
      continue;
    }
    if (style) {
      const st = applyStyleToProposal(pr.dir, style);
      if (st.held) {
        log(`style: held back ${st.spec_id}: ${st.held}`);
        report.proposals.push({ bundle: b, dir: pr.dir, status: `held: style: ${st.held}` });
        continue;
      }
      for (const a of st.applied)
        log(`style: ${st.spec_id}: ${a.description} (${a.support} edit(s), ${a.counter} counter-example(s))`);
    }
    // No source for this SDK and version: ask a person for one instead of opening a PR they would reject.
    const missing = needsSource(loadProposal(pr.dir));
    if (missing) {
      let issue = '';
      if (o.forge && !o.dryRun) {
        const r = await upsertInvestigateIssue(o.forge, loadProposal(pr.dir), missing, queries);
        issue = ` (investigate issue #${r.number} ${r.action})`;
      }
      log(`evidence: no spec PR for ${pr.dir}: ${missing}${issue}`);
      report.proposals.push({ bundle: b, dir: pr.dir, status: `investigate: ${missing}${issue}` });
      continue;
    }
    await stages.shadow(pr.dir, ctx);
    await stages.judge(pr.dir, ctx);
    const gate = gateFailure(loadProposal(pr.dir), config.autonomy.pr_threshold);
    if (gate) {
      report.proposals.push({ bundle: b, dir: pr.dir, status: `held: ${gate}` });
      continue;
    }
    // The cap counts every PR this run opened or refreshed, so a re-run does not open the next one.
    if (report.prs.filter((x) => !x.action.startsWith('skipped')).length >= cap) {
      report.capped++;
      report.proposals.push({ bundle: b, dir: pr.dir, status: `capped (max_prs_per_run ${cap})` });
      continue;
    }
    const r = await openProposalPr({
      root,
      config,
      proposalDir: pr.dir,
      forge: o.forge,
      dryRun: o.dryRun,
      log,
    });
    report.prs.push(r);
    report.proposals.push({
      bundle: b,
      dir: pr.dir,
      status: `pr ${r.action}${r.pr ? ` #${r.pr.number}` : ''}`,
    });
  }
  if (o.forge && !o.dryRun && config.forge.dashboard) await updateDashboard(o.forge, root, config);
  return report;
}
