import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { validateFiles } from '../validate/files.js';
import { loadSpecs } from '../spec/load.js';
import type { LoadedSpec } from '../spec/schema.js';
import { loadKnownFps } from '../spec/test-runner.js';
import { buildPack } from '../validate/pack.js';
import { renderMeta } from './body.js';
import { BOT_LABEL, LIFECYCLE_LABELS, type ForgeClient, type PullRequest } from './forge.js';
import { git, preparePrBranch } from './git.js';
import { setSpecStatus } from './proposal-files.js';

export interface LifecycleCandidate {
  id: string;
  path: string;
  action: 'promote' | 'demote' | 'wait' | 'hold';
  since: string | null;
  due: string | null;
  /** Findings of this spec on the known-good replay that are not allow-listed (tests/known-fps.csv). */
  known_good_fps: number;
  reason: string;
}

export interface PromoteOptions {
  root: string;
  config: GoblinConfig;
  /** The clock (a fake one in tests): `--now ISO`. */
  now: Date;
  forge?: ForgeClient;
  dryRun?: boolean;
  log?: (line: string) => void;
}

function harsUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...harsUnder(p));
    else if (/\.(har|har\.gz|zip)$/i.test(n)) out.push(p);
  }
  return out;
}

/** When the spec's current text landed on the checked-out branch (a merge restarts the shadow window). */
async function landedAt(root: string, path: string): Promise<string | null> {
  try {
    const d = (await git(root).raw(['log', '-1', '--format=%cI', '--', path])).trim();
    return d || null;
  } catch {
    return null;
  }
}

/**
 * Which shadow specs may become active (shadow window over, no known-good false positives) and which
 * active specs should go back to shadow (they now fire on known-good sessions). Pure reading: no PRs.
 */
export async function planLifecycle(
  root: string,
  config: GoblinConfig,
  now: Date,
): Promise<LifecycleCandidate[]> {
  const { specs } = loadSpecs(join(root, config.validate.specs_dir), root);
  const days = config.autonomy.shadow_days;
  // Every spec's pass fixtures + configured golden folders form the known-good replay.
  const good = [...new Set(specs.flatMap((s) => s.spec.tests.pass))].filter((f) =>
    existsSync(resolve(root, f)),
  );
  for (const d of config.autonomy.known_good)
    good.push(...harsUnder(resolve(root, d)).map((p) => relative(root, p)));
  const allow = loadKnownFps(resolve(root, 'tests/known-fps.csv'));
  // Evaluate shadow specs as if they were active: that is the question promotion asks.
  const asActive: LoadedSpec[] = specs.map((s) =>
    s.spec.status === 'shadow' ? { ...s, spec: { ...s.spec, status: 'active' as const } } : s,
  );
  const findings = good.length ? validateFiles(good, buildPack(asActive), config, root).findings : [];
  const fpsOf = (id: string) =>
    findings.filter(
      (f) =>
        f.spec === id &&
        !allow.some(
          (a) =>
            a.code === f.code &&
            (a.har === f.har || f.har.endsWith(a.har)) &&
            (a.session === '*' || a.session === f.session),
        ),
    ).length;
  const out: LifecycleCandidate[] = [];
  for (const s of specs) {
    const sp = s.spec;
    if (sp.status !== 'shadow' && sp.status !== 'active') continue;
    const fps = fpsOf(sp.id);
    if (sp.status === 'active') {
      if (fps > 0)
        out.push({
          id: sp.id,
          path: s.path,
          action: 'demote',
          since: sp.since ?? null,
          due: null,
          known_good_fps: fps,
          reason: `${fps} finding(s) on known-good sessions`,
        });
      continue;
    }
    const landed = await landedAt(root, s.path);
    const starts = [sp.since, landed].filter((x): x is string => !!x && !Number.isNaN(Date.parse(x)));
    const start = starts.length ? Math.max(...starts.map((x) => Date.parse(x))) : NaN;
    if (Number.isNaN(start)) {
      out.push({
        id: sp.id,
        path: s.path,
        action: 'wait',
        since: null,
        due: null,
        known_good_fps: fps,
        reason: 'no `since` date',
      });
      continue;
    }
    const due = new Date(start + days * 86_400_000);
    const base = {
      id: sp.id,
      path: s.path,
      since: new Date(start).toISOString(),
      due: due.toISOString(),
      known_good_fps: fps,
    };
    if (due.getTime() > now.getTime())
      out.push({ ...base, action: 'wait', reason: `shadow window ends ${due.toISOString().slice(0, 10)}` });
    else if (fps > 0)
      out.push({
        ...base,
        action: 'hold',
        reason: `${fps} finding(s) on known-good sessions: stays in shadow`,
      });
    else
      out.push({
        ...base,
        action: 'promote',
        reason: `${days} days in shadow, no known-good false positives`,
      });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

export interface LifecyclePrResult {
  id: string;
  action: 'promote' | 'demote';
  branch: string;
  pr: number | null;
  outcome: 'created' | 'updated' | 'unchanged' | 'dry-run' | 'skipped-closed';
}

/** `goblin promote`: one small PR per promotable (or demotable) spec. */
export async function promoteSpecs(
  o: PromoteOptions,
): Promise<{ plan: LifecycleCandidate[]; prs: LifecyclePrResult[] }> {
  const { root, config } = o;
  const log = o.log ?? (() => {});
  const plan = await planLifecycle(root, config, o.now);
  const prs: LifecyclePrResult[] = [];
  const fc = config.forge;
  const today = o.now.toISOString().slice(0, 10);
  for (const c of plan) {
    if (c.action !== 'promote' && c.action !== 'demote') continue;
    const to = c.action === 'promote' ? 'active' : 'shadow';
    const branch = `goblin/${c.action}/${c.id}`;
    let existing: PullRequest | undefined;
    if (!o.dryRun) {
      if (!o.forge) throw new Error('no forge client');
      const all = await o.forge.listPulls('all', branch);
      existing = all.find((p) => p.state === 'open');
      const closed = all.find((p) => p.state === 'closed' && !p.merged);
      if (!existing && closed) {
        prs.push({ id: c.id, action: c.action, branch, pr: closed.number, outcome: 'skipped-closed' });
        continue;
      }
    }
    const text = readFileSync(join(root, c.path), 'utf8');
    const message = `spec(${c.id}): ${c.action} to ${to}\n\n${c.reason}.\n\nGoblin-Lifecycle: ${c.action}`;
    const br = await preparePrBranch({
      root,
      remote: fc.remote,
      base: fc.base_branch,
      branch,
      files: [{ path: c.path, content: Buffer.from(setSpecStatus(text, to, today)) }],
      message,
      author: { name: fc.git_author_name, email: fc.git_author_email },
      date: o.now.toISOString(),
      dryRun: !!o.dryRun,
    });
    const title = `spec(${c.id}): ${c.action} ${c.action === 'promote' ? 'shadow → active' : 'active → shadow'}`;
    const body = [
      renderMeta({
        kind: c.action,
        proposal_id: `${c.action}-${c.id}`,
        bundle_id: '',
        spec_id: c.id,
        spec_path: c.path,
        proposed_path: null,
        prompt_fingerprint: '',
        commit: br.commit,
      }),
      '',
      `## ${c.action === 'promote' ? '🟢 Promote' : '🟠 Demote'} \`${c.id}\` to \`status: ${to}\``,
      '',
      '| Spec | In shadow since | Window | Known-good false positives | Change |',
      '| --- | --- | --- | --- | --- |',
      `| \`${c.id}\` | ${c.since?.slice(0, 10) ?? '—'} | ${config.autonomy.shadow_days} days | ${c.known_good_fps} | \`status: ${to === 'active' ? 'shadow' : 'active'}\` → \`status: ${to}\` |`,
      '',
      `Why: ${c.reason}.`,
      '',
      '### What happens next',
      '',
      c.action === 'promote'
        ? '- ✅ **Merge**: the spec becomes active: its findings fail sessions.\n- ❌ **Close**: it stays in shadow; Goblin will not reopen this promotion.'
        : '- ✅ **Merge**: the spec goes back to shadow (advisory) until its known-good false positives are fixed.\n- ❌ **Close**: it stays active.',
      '',
      '---',
      `<sub>🤖 Weird Goblin · ${c.action} · commit \`${br.commit.slice(0, 12)}\`</sub>`,
      '',
    ].join('\n');
    if (o.dryRun) {
      prs.push({ id: c.id, action: c.action, branch, pr: null, outcome: 'dry-run' });
      continue;
    }
    const forge = o.forge!;
    let pr: PullRequest;
    let outcome: LifecyclePrResult['outcome'];
    if (existing) {
      const same = existing.body === body && existing.title === title;
      pr = same ? existing : await forge.updatePull(existing.number, { title, body });
      outcome = same ? 'unchanged' : 'updated';
    } else {
      pr = await forge.createPull({ title, head: branch, base: fc.base_branch, body });
      outcome = 'created';
    }
    await forge.setLabels(
      pr.number,
      pr.labels,
      [BOT_LABEL, `spec:${to}`, `goblin:${c.action}`],
      [...LIFECYCLE_LABELS, BOT_LABEL],
    );
    log(`${c.id}: ${c.action} PR #${pr.number} ${outcome}`);
    prs.push({ id: c.id, action: c.action, branch, pr: pr.number, outcome });
  }
  return { plan, prs };
}
