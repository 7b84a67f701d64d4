import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { JudgeReport, ProposalManifest, ShadowReport } from '../propose/proposal.js';
import { listFiles } from '../util/files.js';

/** A proposal folder as the PR bot sees it (layout: tools/propose/proposal.ts). */
export interface LoadedProposal {
  dir: string;
  manifest: ProposalManifest;
  judge: JudgeReport | null;
  shadow: ShadowReport | null;
  shadowMd: string | null;
  specText: string;
  diff: string | null;
  rationale: string | null;
  /** Style memory's record (tools/style/apply.ts): the team conventions applied before the PR. */
  style: { applied: { slot: string; description: string; support: number; counter: number }[] } | null;
}

export interface RepoFile {
  /** Repo-relative path. */
  path: string;
  content: Buffer;
}

function readJson<T>(path: string, schema: { parse(v: unknown): T }): T | null {
  if (!existsSync(path)) return null;
  return schema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
const readText = (p: string): string | null => (existsSync(p) ? readFileSync(p, 'utf8') : null);

function readStyleRecord(path: string): LoadedProposal['style'] {
  const t = readText(path);
  if (t === null) return null;
  const v = JSON.parse(t) as { applied?: unknown };
  return Array.isArray(v.applied)
    ? { applied: v.applied as NonNullable<LoadedProposal['style']>['applied'] }
    : null;
}

export function loadProposal(dir: string): LoadedProposal {
  const mf = join(dir, 'proposal.json');
  if (!existsSync(mf)) throw new Error(`not a proposal folder (no proposal.json): ${dir}`);
  const manifest = ProposalManifest.parse(JSON.parse(readFileSync(mf, 'utf8')));
  const specText = readText(join(dir, 'spec.yaml'));
  if (specText === null) throw new Error(`proposal ${manifest.id} has no spec.yaml`);
  return {
    dir,
    manifest,
    judge: readJson(join(dir, 'judge.json'), JudgeReport),
    shadow: readJson(join(dir, 'shadow.json'), ShadowReport),
    shadowMd: readText(join(dir, 'shadow.md')),
    specText,
    diff: readText(join(dir, 'spec.diff')),
    rationale: readText(join(dir, 'rationale.md')),
    style: readStyleRecord(join(dir, 'style.json')),
  };
}

/** `goblin/spec/<SPEC_ID>-<hash>`: the hash is of bundle + spec, so re-proposing the same finding reuses the PR. */
export function branchName(m: Pick<ProposalManifest, 'spec_id' | 'bundle_id'>): string {
  const h = createHash('sha256').update(`${m.bundle_id}\n${m.spec_id}`).digest('hex').slice(0, 8);
  return `goblin/spec/${m.spec_id}-${h}`;
}

/** Set a spec's status (and `since`) keeping comments and key order. */
export function setSpecStatus(text: string, status: string, since: string): string {
  const doc = YAML.parseDocument(text);
  doc.set('status', status);
  doc.set('since', since);
  return doc.toString({ lineWidth: 0 });
}

/**
 * The files a proposal PR commits: the spec (status shadow, since = the PR date) at its repo path,
 * fixtures under tests/<SPEC_ID>/, dictionary changes under dictionary/, and the eval report under
 * `<reportsDir>/<proposal id>/` (with `spec.proposed.yaml`, the exact proposed text feedback diffs against).
 */
export function proposalRepoFiles(p: LoadedProposal, reportsDir: string, since: string): RepoFile[] {
  const m = p.manifest;
  const spec = setSpecStatus(p.specText, 'shadow', since);
  const files: RepoFile[] = [{ path: m.spec_path, content: Buffer.from(spec) }];
  for (const sub of ['tests', 'dictionary'])
    for (const f of listFiles(join(p.dir, sub), /./))
      files.push({ path: relative(p.dir, f), content: readFileSync(f) });
  const rep = `${reportsDir.replace(/\/+$/, '')}/${m.id}`;
  files.push({ path: `${rep}/spec.proposed.yaml`, content: Buffer.from(spec) });
  for (const n of [
    'proposal.json',
    'judge.json',
    'shadow.json',
    'shadow.md',
    'rationale.md',
    'spec.diff',
    'style.json',
  ]) {
    const f = join(p.dir, n);
    if (existsSync(f)) files.push({ path: `${rep}/${n}`, content: readFileSync(f) });
  }
  for (const f of files)
    if (f.path.startsWith('/') || f.path.split('/').includes('..'))
      throw new Error(`proposal ${m.id}: refusing path outside the repo: ${f.path}`);
  return files;
}
