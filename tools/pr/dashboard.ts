import { join } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { loadSpecs } from '../spec/load.js';
import { DASHBOARD_MARKER, parseMeta } from './body.js';
import { BOT_LABEL, DASHBOARD_LABEL, type ForgeClient, type PullRequest } from './forge.js';

export interface ShadowSpecRow {
  id: string;
  path: string;
  since: string | null;
  due: string | null;
}

export function shadowSpecs(root: string, config: GoblinConfig): ShadowSpecRow[] {
  const days = config.autonomy.shadow_days;
  return loadSpecs(join(root, config.validate.specs_dir), root)
    .specs.filter((s) => s.spec.status === 'shadow')
    .map((s) => {
      const since = s.spec.since ?? null;
      const t = since ? Date.parse(since) : NaN;
      return {
        id: s.spec.id,
        path: s.path,
        since,
        due: Number.isNaN(t) ? null : new Date(t + days * 86_400_000).toISOString().slice(0, 10),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

const state = (p: PullRequest): string =>
  p.labels.includes('spec:active')
    ? '🟢 spec:active'
    : p.labels.includes('spec:shadow')
      ? '🟣 spec:shadow'
      : p.labels.includes('spec:proposed')
        ? '🟡 spec:proposed'
        : '⚪ unlabelled';

/** The dashboard issue body (pure; like Renovate's Dependency Dashboard). */
export function renderDashboard(prs: PullRequest[], shadow: ShadowSpecRow[], shadowDays: number): string {
  const mine = prs.filter((p) => p.head.startsWith('goblin/') || p.labels.includes(BOT_LABEL));
  const open = mine.filter((p) => p.state === 'open').sort((a, b) => a.number - b.number);
  const kindOf = (p: PullRequest) => parseMeta(p.body)?.kind ?? 'proposal';
  const proposals = open.filter((p) => kindOf(p) === 'proposal');
  const lifecycle = open.filter((p) => kindOf(p) !== 'proposal');
  const closed = mine
    .filter((p) => p.state === 'closed')
    .sort((a, b) => (b.closed_at ?? '').localeCompare(a.closed_at ?? ''))
    .slice(0, 10);
  const spec = (p: PullRequest) => {
    const m = parseMeta(p.body);
    return m ? `\`${m.spec_id}\`` : '—';
  };
  const L = [
    DASHBOARD_MARKER,
    '## 🧌 Goblin Dashboard',
    '',
    'Weird Goblin’s spec proposals and their lifecycle. Rewritten by `goblin pr`, `goblin loop`, `goblin promote` and `goblin pr dashboard`; do not edit.',
    '',
    `### Pending proposals (${proposals.length})`,
    '',
  ];
  if (proposals.length) {
    L.push('| | PR | Spec | State | Opened |', '| --- | --- | --- | --- | --- |');
    for (const p of proposals)
      L.push(
        `| - [ ] | #${p.number} ${p.title.replace(/\|/g, '\\|')} | ${spec(p)} | ${state(p)} | ${p.created_at.slice(0, 10)} |`,
      );
  } else L.push('_None: no proposal is waiting for review._');
  L.push('', `### Promotion and demotion PRs (${lifecycle.length})`, '');
  if (lifecycle.length) {
    L.push('| PR | Spec | Kind |', '| --- | --- | --- |');
    for (const p of lifecycle) L.push(`| #${p.number} | ${spec(p)} | ${kindOf(p)} |`);
  } else L.push('_None._');
  L.push('', `### Specs in shadow (${shadow.length}; promotable after ${shadowDays} days)`, '');
  if (shadow.length) {
    L.push('| Spec | Since | Promotable from |', '| --- | --- | --- |');
    for (const s of shadow) L.push(`| \`${s.id}\` | ${s.since ?? '—'} | ${s.due ?? 'no `since` date'} |`);
  } else L.push('_None._');
  L.push('', `### Recently closed (${closed.length})`, '');
  if (closed.length) {
    L.push('| PR | Spec | Outcome | Closed |', '| --- | --- | --- | --- |');
    for (const p of closed)
      L.push(
        `| #${p.number} | ${spec(p)} | ${p.merged ? '✅ merged' : '❌ closed'} | ${(p.closed_at ?? '').slice(0, 10)} |`,
      );
  } else L.push('_None._');
  return L.join('\n') + '\n';
}

/** Create or rewrite the single dashboard issue (found by its label + hidden marker). */
export async function updateDashboard(
  forge: ForgeClient,
  root: string,
  config: GoblinConfig,
): Promise<{ number: number; action: 'created' | 'updated' | 'unchanged' }> {
  const prs = await forge.listPulls('all');
  const body = renderDashboard(prs, shadowSpecs(root, config), config.autonomy.shadow_days);
  const existing = (await forge.listIssues(DASHBOARD_LABEL)).find((i) => i.body.includes(DASHBOARD_MARKER));
  if (!existing) {
    const i = await forge.createIssue({
      title: config.forge.dashboard_title,
      body,
      labels: [DASHBOARD_LABEL],
    });
    return { number: i.number, action: 'created' };
  }
  if (existing.body === body && existing.title === config.forge.dashboard_title)
    return { number: existing.number, action: 'unchanged' };
  await forge.updateIssue(existing.number, { title: config.forge.dashboard_title, body });
  return { number: existing.number, action: 'updated' };
}
