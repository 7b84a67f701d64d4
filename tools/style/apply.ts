import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ProposalManifest } from '../propose/proposal.js';
import { shapeOf } from './reject.js';
import { KINDS, type SpecObj } from './rules.js';
import type { StyleFile } from './store.js';

export interface AppliedRule {
  slot: string;
  description: string;
  support: number;
  counter: number;
}

/** The active rules applied to one spec, in slot order (pure). */
export function applyStyle(spec: SpecObj, style: StyleFile): { spec: SpecObj; applied: AppliedRule[] } {
  let cur = spec;
  const applied: AppliedRule[] = [];
  for (const r of style.rules) {
    if (!r.active) continue;
    const next = KINDS[r.kind].apply(cur, r.slot, r.variant);
    if (JSON.stringify(next) === JSON.stringify(cur)) continue;
    cur = next;
    applied.push({ slot: r.slot, description: r.description, support: r.support, counter: r.counter });
  }
  return { spec: cur, applied };
}

/** Why a proposal shaped like this should not become a PR (the team rejected that shape), or null. */
export function holdReason(spec: SpecObj, style: StyleFile): string | null {
  for (const s of style.rejections) {
    if (!s.active || shapeOf(spec, s.reason) !== s.shape) continue;
    const words = s.example_reason ? `; last: "${s.example_reason.replace(/\s+/g, ' ').slice(0, 120)}"` : '';
    return `the team rejected ${s.rejected} proposal(s) of this shape as ${s.reason} (${s.shape}${words})`;
  }
  return null;
}

export interface StyleOutcome {
  applied: AppliedRule[];
  held: string | null;
  /** The proposal's spec id after the rules (an id rule may rename it). */
  spec_id: string;
}

/**
 * Apply style memory to a proposal folder before its PR opens: rewrite spec.yaml, keep the manifest in
 * step (id, path, fixture folders, citation order), and record what was applied in style.json (the PR
 * report and the site show it). A held-back proposal is left untouched.
 */
export function applyStyleToProposal(dir: string, style: StyleFile): StyleOutcome {
  const mf = join(dir, 'proposal.json');
  const manifest = ProposalManifest.parse(JSON.parse(readFileSync(mf, 'utf8')));
  const specFile = join(dir, 'spec.yaml');
  const text = readFileSync(specFile, 'utf8');
  const spec = (YAML.parse(text) ?? {}) as SpecObj;
  const { spec: styled, applied } = applyStyle(spec, style);
  const held = holdReason(styled, style);
  const out: StyleOutcome = { applied: held ? [] : applied, held, spec_id: manifest.spec_id };
  writeFileSync(join(dir, 'style.json'), JSON.stringify(out, null, 2) + '\n');
  if (held || !applied.length) return out;

  const oldId = manifest.spec_id;
  const newId = typeof styled.id === 'string' ? styled.id : oldId;
  let body = YAML.stringify(styled, { lineWidth: 0 });
  if (newId !== oldId) {
    // Fixture folders are named after the spec id (tests/<ID>/…).
    const from = join(dir, 'tests', oldId);
    if (existsSync(from)) renameSync(from, join(dir, 'tests', newId));
    body = body.split(`tests/${oldId}/`).join(`tests/${newId}/`);
    manifest.spec_id = newId;
    manifest.spec_path = manifest.spec_path.replace(new RegExp(`${oldId}\\.yaml$`), `${newId}.yaml`);
    for (const k of ['pass', 'fail'] as const)
      manifest.fixtures[k] = manifest.fixtures[k].map((f) =>
        f.split(`tests/${oldId}/`).join(`tests/${newId}/`),
      );
    out.spec_id = newId;
  }
  const head = /^(#[^\n]*\n)+/.exec(text)?.[0] ?? '';
  writeFileSync(specFile, head + body);
  if (applied.some((a) => a.slot === 'citation_order')) {
    const urls = (Array.isArray(styled.citations) ? styled.citations : []).map((c) =>
      String((c as SpecObj).url),
    );
    const rank = (u: string) => (urls.includes(u) ? urls.indexOf(u) : urls.length);
    manifest.citations = manifest.citations
      .filter((c) => urls.includes(c.url))
      .sort((a, b) => rank(a.url) - rank(b.url));
  }
  writeFileSync(mf, JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(join(dir, 'style.json'), JSON.stringify(out, null, 2) + '\n');
  return out;
}
