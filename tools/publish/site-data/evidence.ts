/** Evidence packs (evidence/packs/*.json) and the index that links spec citations to their passages. */
import { join } from 'node:path';
import { z } from 'zod';
import { listFiles } from '../../util/files.js';
import type { EvidencePack } from '../site-schema.js';
import { issues, readJson, rel, type Problem } from './files.js';
import { pushTo } from '../../util/push-to.js';

const PackFile = z.object({
  id: z.string(),
  topic: z.string().default(''),
  created_at: z.string().nullable().default(null),
  queries: z.array(z.string()).default([]),
  passages: z
    .array(
      z.object({
        url: z.string(),
        title: z.string().default(''),
        quote: z.string(),
        fetched_at: z.string().nullable().default(null),
        content_hash: z.string().nullable().default(null),
        cached_ref: z.string().nullable().default(null),
        score: z.number().nullable().default(null),
        /** research-stage extras (tools/research SearchHit) */
        heading: z.string().nullable().default(null),
        anchor_url: z.string().nullable().default(null),
      }),
    )
    .default([]),
});

export function normalizeUrl(u: string): string {
  try {
    const x = new URL(u);
    x.hash = '';
    return `${x.protocol}//${x.host.toLowerCase()}${x.pathname.replace(/\/+$/, '')}${x.search}`;
  } catch {
    return u.trim().replace(/#.*$/, '').replace(/\/+$/, '');
  }
}

export function loadEvidence(dir: string, root: string, problems: Problem[]): EvidencePack[] {
  const packs: EvidencePack[] = [];
  const used = new Set<string>();
  for (const file of listFiles(join(dir, 'packs'), /\.json$/)) {
    const path = rel(root, file);
    const raw = readJson(file, problems, root);
    if (raw === undefined) continue;
    const r = PackFile.safeParse(raw);
    if (!r.success) {
      problems.push({ path, message: issues(r.error) });
      continue;
    }
    let slug = r.data.id.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'pack';
    while (used.has(slug.toLowerCase())) slug += '-x';
    used.add(slug.toLowerCase());
    packs.push({
      id: r.data.id,
      slug,
      topic: r.data.topic,
      created_at: r.data.created_at,
      queries: r.data.queries,
      path,
      passages: r.data.passages.map((p) => ({ ...p, cited_by: [] })),
      cited_by: [],
    });
  }
  return packs;
}

export type PassageRef = { pack: EvidencePack; i: number };

/** Passages by normalized URL (and anchor URL) and by cached_ref. */
export function evidenceIndex(evidence: EvidencePack[]): {
  byUrl: Map<string, PassageRef[]>;
  byRef: Map<string, PassageRef[]>;
} {
  const byUrl = new Map<string, PassageRef[]>();
  const byRef = new Map<string, PassageRef[]>();
  const add = pushTo<string, PassageRef>;
  for (const pack of evidence)
    pack.passages.forEach((p, i) => {
      add(byUrl, normalizeUrl(p.url), { pack, i });
      if (p.anchor_url && normalizeUrl(p.anchor_url) !== normalizeUrl(p.url))
        add(byUrl, normalizeUrl(p.anchor_url), { pack, i });
      if (p.cached_ref) add(byRef, p.cached_ref, { pack, i });
    });
  return { byUrl, byRef };
}
