import type { LoadedProposal } from './proposal-files.js';
import type { ForgeClient } from './forge.js';

/**
 * When no passage supports a version-scoped change for this SDK and version, Goblin opens no spec PR: a
 * reviewer would have to find the source anyway. It opens (or updates) one investigate issue per finding
 * instead, with the measurement and the research queries tried, so a person can supply the source; the
 * next loop run after the source is in the evidence cache proposes the spec.
 */
const INVESTIGATE_LABEL = 'goblin:investigate';
const marker = (p: LoadedProposal) =>
  `<!-- goblin:investigate ${p.manifest.bundle_id} ${p.manifest.spec_id} -->`;

/** Why this proposal needs a source before it can be a PR, or null when its evidence is direct. */
export function needsSource(p: LoadedProposal): string | null {
  const e = p.manifest.evidence;
  // Proposals that do not grade their evidence (LLM-written, hand-made) go through as before.
  if (!e || typeof p.manifest.scope.version !== 'string') return null;
  if (e.grade === 'direct') return null;
  return e.grade === 'none'
    ? 'no passage supports the change'
    : `the best passage does not name this SDK and version (${e.reasons.join(', ') || 'generic'})`;
}

function renderInvestigate(
  p: LoadedProposal,
  why: string,
  queries: string[],
): { title: string; body: string } {
  const m = p.manifest;
  const title = `Investigate ${m.spec_id}: ${m.summary}; no source found`.slice(0, 200);
  const body = [
    marker(p),
    `**${m.summary}** — measured, but ${why}.`,
    '',
    `- Bundle: \`${m.bundle_id}\` · scope \`${JSON.stringify(m.scope)}\``,
    `- Measured: \`${JSON.stringify(m.measured ?? {})}\``,
    m.evidence?.other_sdk ? `- Left out: ${m.evidence.other_sdk} passage(s) about another SDK.` : null,
    '',
    '**Research queries tried**',
    ...(queries.length
      ? queries.map((q) => `- \`${q}\``)
      : ['- (no research pack: the index was unavailable)']),
    '',
    '**Best passage found (not enough on its own)**',
    ...(m.citations.length ? m.citations.map((c) => `> ${c.quote}\n>\n> — ${c.url}`) : ['(none)']),
    '',
    `To unblock: add the vendor's release note for this version to the evidence cache (\`goblin research fetch <url>\`), then re-run \`goblin loop\`. The proposal is in \`${m.id}\`.`,
  ]
    .filter((l) => l !== null)
    .join('\n');
  return { title, body };
}

/** Open or update the investigate issue for this finding; returns its number and what happened. */
export async function upsertInvestigateIssue(
  forge: ForgeClient,
  p: LoadedProposal,
  why: string,
  queries: string[],
): Promise<{ number: number; action: 'created' | 'updated' | 'unchanged' }> {
  const { title, body } = renderInvestigate(p, why, queries);
  const existing = (await forge.listIssues(INVESTIGATE_LABEL)).find((i) => i.body.includes(marker(p)));
  if (!existing)
    return {
      number: (await forge.createIssue({ title, body, labels: [INVESTIGATE_LABEL] })).number,
      action: 'created',
    };
  if (existing.body === body && existing.title === title)
    return { number: existing.number, action: 'unchanged' };
  await forge.updateIssue(existing.number, { title, body });
  return { number: existing.number, action: 'updated' };
}
