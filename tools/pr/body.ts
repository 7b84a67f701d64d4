import type { JudgeReport, ShadowReport } from '../propose/proposal.js';
import { fileUrl, type ForgeKind } from './forge.js';
import type { LoadedProposal } from './proposal-files.js';

/** Hidden markers: the bot finds its own PR metadata, sticky comment and dashboard issue by these. */
export const PR_META_MARKER = '<!-- goblin:pr ';
export const STICKY_MARKER = '<!-- goblin:sticky -->';
export const DASHBOARD_MARKER = '<!-- goblin:dashboard -->';

/** Machine-readable metadata embedded in every proposal PR body (feedback sync reads it back). */
export interface PrMeta {
  kind: 'proposal' | 'promote' | 'demote';
  proposal_id: string;
  bundle_id: string;
  spec_id: string;
  spec_path: string;
  proposed_path: string | null;
  prompt_fingerprint: string;
  commit: string | null;
}

export function renderMeta(meta: PrMeta): string {
  // `--` cannot appear inside an HTML comment.
  return `${PR_META_MARKER}${JSON.stringify(meta).replace(/--/g, '-\\u002d')} -->`;
}

export function parseMeta(body: string): PrMeta | null {
  const i = body.indexOf(PR_META_MARKER);
  if (i < 0) return null;
  const end = body.indexOf(' -->', i);
  try {
    return JSON.parse(body.slice(i + PR_META_MARKER.length, end)) as PrMeta;
  } catch {
    return null;
  }
}

export interface TimelineExample {
  har: string;
  session: string;
  from?: string;
  to?: string;
  lines: string[];
}

export interface PrBodyInput {
  proposal: LoadedProposal;
  branch: string;
  base: string;
  remote: string;
  kind: ForgeKind;
  repoWeb: string;
  commit: string | null;
  reportsDir: string;
  shadowDays: number;
  prThreshold: number;
  citations: { checked: number; ok: number } | null;
  timelines: TimelineExample[];
  promptFingerprint: string;
  /** cached_ref → where the cached page body lives in the repo (evidence cache) and when it was fetched. */
  cache: Record<string, { body_path: string; fetched_at: string }>;
}

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(2)}%`;
const f2 = (x: number): string => x.toFixed(2);
const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

export function scopeText(scope: Record<string, unknown>): string {
  const parts = Object.entries(scope)
    .filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : String(v)}`);
  return parts.length ? parts.join(' · ') : 'all sessions';
}

export function judgeCell(j: JudgeReport | null): string {
  if (!j) return '⚪ not judged';
  const icon = j.decision === 'ACCEPT' ? '✅' : j.decision === 'REVIEW' ? '🟡' : '❌';
  return `${icon} ${j.decision} ${f2(j.score)} (consistency ${f2(j.consistency)} · necessity ${f2(j.necessity)} · evidence ${f2(j.evidence)})`;
}

export function affected(s: ShadowReport | null): string {
  if (!s) return 'n/a';
  const sessions = new Set(s.flipped.map((f) => `${f.har}#${f.session}`)).size;
  return `${sessions} of ${s.sample.sessions}`;
}

function shadowCell(s: ShadowReport | null): string {
  if (!s) return '⚪ not replayed';
  return s.accept ? '✅ held' : '❌ rejected';
}

/** The exact commands a reviewer runs to reproduce the evaluation on their machine. */
export function replayCommand(p: LoadedProposal, branch: string, remote: string, reportsDir: string): string {
  const id = p.manifest.spec_id;
  return [
    `git fetch ${remote} ${branch} && git switch --detach FETCH_HEAD`,
    'npm ci',
    'npm run spec:test',
    `npx goblin run tests/${id} --out out/replay/${id}`,
    `npx goblin shadow ${reportsDir}/${p.manifest.id}   # re-run the pre/post shadow evaluation`,
  ].join('\n');
}

function details(summary: string, body: string[]): string[] {
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>', ''];
}

function fence(text: string, lang = ''): string[] {
  const ticks = text.includes('```') ? '````' : '```';
  return [`${ticks}${lang}`, text.replace(/\n+$/, ''), ticks];
}

/** The PR body: a pure function of its input (golden-tested). */
export function renderPrBody(i: PrBodyInput): string {
  const { manifest: m, judge, shadow } = i.proposal;
  const meta: PrMeta = {
    kind: 'proposal',
    proposal_id: m.id,
    bundle_id: m.bundle_id,
    spec_id: m.spec_id,
    spec_path: m.spec_path,
    proposed_path: `${i.reportsDir}/${m.id}/spec.proposed.yaml`,
    prompt_fingerprint: i.promptFingerprint,
    commit: i.commit,
  };
  const link = (path: string) => `[${code(path)}](${fileUrl(i.kind, i.repoWeb, i.branch, path)})`;
  const L: string[] = [renderMeta(meta), ''];
  L.push(`## 🧪 Spec proposal: ${code(m.spec_id)} (${m.change})`, '');
  L.push(`> ${esc(m.summary)}`, '');
  L.push('This PR contains the following spec change:', '');
  L.push(
    '| Spec | Scope | Change | Judges | FPR known-good (pre → post) | Coverage (pre → post) | Sessions affected | Shadow replay |',
  );
  L.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  L.push(
    `| ${code(m.spec_id)} | ${esc(scopeText(m.scope))} | ${m.change} → \`status: shadow\` | ${judgeCell(judge)} | ${
      shadow ? `${pct(shadow.pre.fpr_known_good)} → ${pct(shadow.post.fpr_known_good)}` : 'n/a'
    } | ${shadow ? `${pct(shadow.pre.coverage)} → ${pct(shadow.post.coverage)}` : 'n/a'} | ${affected(shadow)} | ${shadowCell(shadow)} |`,
  );
  L.push('');
  L.push(
    `**Lifecycle:** \`spec:proposed\` → merge → \`spec:shadow\` (advisory for ${i.shadowDays} days) → \`goblin promote\` → \`spec:active\`.`,
    '',
  );

  L.push('### Files', '');
  L.push(`- spec: ${link(m.spec_path)}`);
  const fx = [...m.fixtures.pass.map((f) => ['pass', f]), ...m.fixtures.fail.map((f) => ['fail', f])];
  for (const [k, f] of fx) L.push(`- fixture (${k}): ${link(f)}`);
  for (const f of m.dictionary_files) L.push(`- dictionary: ${link(f)}`);
  L.push(
    `- eval report: ${link(`${i.reportsDir}/${m.id}/shadow.md`)} · judges ${link(`${i.reportsDir}/${m.id}/judge.json`)}`,
  );
  L.push('');

  const cites = m.citations;
  const verified = i.citations
    ? i.citations.ok === i.citations.checked
      ? ` — ✅ ${i.citations.ok}/${i.citations.checked} verbatim in the local evidence cache`
      : ` — ❌ only ${i.citations.ok}/${i.citations.checked} verbatim in the local evidence cache`
    : '';
  const ev: string[] = [];
  if (!cites.length) ev.push('_No citations: this proposal rests on observed traffic only._');
  for (const c of cites) {
    ev.push(...c.quote.split('\n').map((q) => `> ${q}`));
    const hit = c.cached_ref ? i.cache[c.cached_ref] : undefined;
    const cached = hit
      ? ` · [cached copy](${fileUrl(i.kind, i.repoWeb, i.base, hit.body_path)}) ${code(c.cached_ref!)} fetched ${hit.fetched_at.slice(0, 10)}`
      : c.cached_ref
        ? ` · cached ref ${code(c.cached_ref)} (not in this repo's cache)`
        : ' · not cached';
    const url = /^https?:/.test(c.url) ? `[${c.url}](${c.url})` : code(c.url);
    ev.push(`— ${url}${cached}`, '');
  }
  if (i.proposal.rationale) ev.push('**Rationale**', '', i.proposal.rationale.trim());
  L.push(...details(`📚 Evidence (${cites.length} citation${cites.length === 1 ? '' : 's'})${verified}`, ev));

  const ex: string[] = [];
  if (shadow?.flipped.length) {
    ex.push('| HAR | Session | Before | After |', '| --- | --- | --- | --- |');
    for (const f of shadow.flipped.slice(0, 10))
      ex.push(`| ${code(f.har)} | ${code(f.session)} | ${f.from} | ${f.to} |`);
    if (shadow.flipped.length > 10)
      ex.push('', `…and ${shadow.flipped.length - 10} more in the shadow report.`);
    ex.push('');
  }
  for (const t of i.timelines.slice(0, 3)) {
    ex.push(
      `**${code(t.har)} · session ${code(t.session)}**${t.from && t.to ? ` (${t.from} ${t.to})` : ''}`,
      '',
    );
    ex.push(...fence(t.lines.join('\n'), 'text'), '');
  }
  if (!ex.length) ex.push('_No session changed verdict in the shadow sample._');
  L.push(...details(`🔬 Example sessions (${shadow?.flipped.length ?? 0} changed verdict)`, ex));

  if (judge) {
    const jd = ['| Judge | Kind | Consistency | Necessity | Evidence |', '| --- | --- | --- | --- | --- |'];
    for (const j of judge.judges)
      jd.push(`| ${j.name} | ${j.kind} | ${f2(j.consistency)} | ${f2(j.necessity)} | ${f2(j.evidence)} |`);
    jd.push(
      '',
      `Weighted score ${f2(judge.score)} (PR threshold ${f2(i.prThreshold)}); LLM judges used: ${judge.llm_used ? 'yes' : 'no'}.`,
    );
    if (judge.reasons.length) jd.push('', ...judge.reasons.map((r) => `- ${r}`));
    L.push(...details('🧾 Judge report', jd));
  }
  if (shadow) {
    const sd: string[] = [];
    sd.push(
      `Dataset \`${shadow.dataset_hash.slice(0, 16)}\` · ${shadow.sample.sessions} sessions · pack commit ${code(shadow.spec_pack_commit ?? 'working tree')}`,
      '',
    );
    const codes = [
      ...new Set([...Object.keys(shadow.pre.findings_by_code), ...Object.keys(shadow.post.findings_by_code)]),
    ].sort();
    if (codes.length) {
      sd.push('| Code | Pre | Post |', '| --- | --- | --- |');
      for (const c of codes)
        sd.push(
          `| ${code(c)} | ${shadow.pre.findings_by_code[c] ?? 0} | ${shadow.post.findings_by_code[c] ?? 0} |`,
        );
      sd.push('');
    }
    sd.push(
      `FPR on label-pass sessions: ${pct(shadow.pre.fpr_label_pass)} → ${pct(shadow.post.fpr_label_pass)}.`,
    );
    if (shadow.constitution_touched.length)
      sd.push('', `⚠️ Constitution clauses touched: ${shadow.constitution_touched.map(code).join(', ')}`);
    if (shadow.reasons.length) sd.push('', ...shadow.reasons.map((r) => `- ${r}`));
    L.push(...details(`📊 Shadow report (pre/post, ${shadow.accept ? 'accepted' : 'not accepted'})`, sd));
  }
  if (i.proposal.diff?.trim()) L.push(...details('📝 Spec diff', fence(i.proposal.diff, 'diff')));

  L.push(
    '### ▶️ Replay',
    '',
    'Reproduce this evaluation locally:',
    '',
    ...fence(replayCommand(i.proposal, i.branch, i.remote, i.reportsDir), 'sh'),
    '',
  );
  const applied = i.proposal.style?.applied ?? [];
  if (applied.length)
    L.push(
      ...details(
        `🎨 Team style applied (${applied.length} rule${applied.length === 1 ? '' : 's'} from preferences/style.yaml)`,
        [
          ...applied.map(
            (a) =>
              `- ${a.description} — ${code(a.slot)}, learned from ${a.support} edit(s), ${a.counter} counter-example(s)`,
          ),
          '',
          'Edit the spec if a rule got it wrong: the edit is recorded and un-teaches the rule (`goblin style learn`).',
        ],
      ),
    );
  L.push('### What happens next', '');
  L.push(
    `- ✅ **Merge**: \`${m.spec_id}\` lands with \`status: shadow\`: its findings are reported but never fail a run. After ${i.shadowDays} days \`goblin promote\` opens a small PR setting \`status: active\` if no known-good session started failing. If you edited the spec before merging, the diff between proposed and merged text is recorded as feedback (\`preferences/\`).`,
  );
  L.push(
    '- ❌ **Close**: nothing changes. Leave a comment saying why: the last comment is recorded as the reason, and this proposal (same bundle and spec) is not reopened.',
  );
  L.push(
    `- ✏️ **Edit**: push commits to \`${i.branch}\`; once someone else has committed, Goblin stops force-pushing this branch.`,
  );
  L.push('');
  L.push('---');
  L.push(
    `<sub>🤖 Weird Goblin · proposal ${code(m.id)} · bundle ${code(m.bundle_id)} · proposer ${code(m.proposer)}${
      m.llm ? ` · prompt ${code(m.llm.prompt_sha256.slice(0, 12))}` : ''
    }${i.commit ? ` · commit ${code(i.commit.slice(0, 12))}` : ''}</sub>`,
  );
  return L.join('\n') + '\n';
}

/** The one sticky comment, edited in place on every run. */
export function renderSticky(i: {
  proposal: LoadedProposal;
  commit: string;
  baseCommit: string;
  base: string;
  prThreshold: number;
  citations: { checked: number; ok: number } | null;
  humanEdited: boolean;
}): string {
  const { judge, shadow, manifest: m } = i.proposal;
  const rows = [
    ['Judges', `${judgeCell(judge)} · threshold ${f2(i.prThreshold)}`],
    [
      'Shadow replay',
      shadow
        ? `${shadowCell(shadow)} · FPR ${pct(shadow.pre.fpr_known_good)} → ${pct(shadow.post.fpr_known_good)} · coverage ${pct(shadow.pre.coverage)} → ${pct(shadow.post.coverage)}`
        : '⚪ not replayed',
    ],
    [
      'Citations',
      i.citations
        ? `${i.citations.ok === i.citations.checked ? '✅' : '❌'} ${i.citations.ok}/${i.citations.checked} verbatim in the cache`
        : '⚪ none',
    ],
    ['Branch', `${code(i.commit.slice(0, 12))} on ${code(`${i.base}@${i.baseCommit.slice(0, 12)}`)}`],
  ];
  const L = [
    STICKY_MARKER,
    `### 🤖 Goblin status for ${code(m.spec_id)}`,
    '',
    '| Check | Result |',
    '| --- | --- |',
  ];
  for (const [k, v] of rows) L.push(`| ${k} | ${v} |`);
  if (i.humanEdited)
    L.push('', '✏️ Someone else committed to this branch: Goblin no longer force-pushes it.');
  return L.join('\n') + '\n';
}

export function commitMessage(p: LoadedProposal, promptFingerprint: string): string {
  const m = p.manifest;
  const j = p.judge;
  const s = p.shadow;
  const lines = [
    `spec(${m.spec_id}): ${m.change === 'new' ? 'add' : 'update'} — ${m.summary}`.slice(0, 100),
    '',
    `Scope: ${scopeText(m.scope)}. The spec starts as status: shadow.`,
  ];
  if (j) lines.push(`Judges: ${j.decision} ${f2(j.score)}.`);
  if (s)
    lines.push(
      `Shadow: FPR ${pct(s.pre.fpr_known_good)} -> ${pct(s.post.fpr_known_good)}, coverage ${pct(s.pre.coverage)} -> ${pct(s.post.coverage)}, ${affected(s)} sessions affected.`,
    );
  lines.push(
    '',
    `Goblin-Proposal: ${m.id}`,
    `Goblin-Bundle: ${m.bundle_id}`,
    `Goblin-Prompt: ${promptFingerprint}`,
  );
  return lines.join('\n');
}
