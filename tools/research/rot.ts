/**
 * Doc rot after a crawl: which cached pages changed, went away or now fail, which specs cite them, and
 * whether each affected citation's quote is still verbatim on the page as it is *now* (a citation pinned
 * by `cached_ref` keeps verifying against its old snapshot, so that is not the question here). The
 * report is the body of the doc-rot pull request (rot-pr.ts) and `--report` output.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { listFiles } from '../util/files.js';
import { docRot, type FetchCache, type RotEntry } from './cache.js';
import { CitationResolver, findCitations, type Citation } from './verify.js';

export interface CitedIn {
  file: string;
  path: string;
  citation: Citation;
}

interface RotCitation {
  file: string;
  path: string;
  url: string;
  quote: string;
  /** still_verbatim: the changed page still has the quote; the others need a person. */
  status: 'still_verbatim' | 'quote_gone' | 'page_gone' | 'page_failing';
  detail: string;
}

export interface RotReport {
  crawled_at: string;
  pages: number;
  rot: RotEntry[];
  citations: RotCitation[];
  /** Spec files citing a page in `rot`. */
  affected_specs: string[];
  /** Repo-relative cache files written by this crawl (index.jsonl and new bodies): what the PR commits. */
  cache_files: string[];
}

/** Every citation in the specs, by cited URL. */
export function specCitations(root: string, specsDir: string): Map<string, CitedIn[]> {
  const out = new Map<string, CitedIn[]>();
  for (const f of listFiles(join(root, specsDir), /\.ya?ml$/)) {
    let doc: unknown;
    try {
      doc = YAML.parse(readFileSync(f, 'utf8'));
    } catch {
      continue; // spec lint reports unreadable specs; rot is about the ones that cite
    }
    for (const { path, citation } of findCitations(doc)) {
      const list = out.get(citation.url) ?? [];
      list.push({ file: relative(root, f), path, citation });
      out.set(citation.url, list);
    }
  }
  return out;
}

export function docRotReport(o: {
  root: string;
  specsDir: string;
  cache: FetchCache;
  /** The crawl's start (ISO): records from then on are this crawl's. */
  since: string;
  /** URLs this crawl fetched (rot elsewhere is old news). */
  urls: Set<string>;
  memoDir?: string;
}): RotReport {
  const cacheRel = relative(o.root, o.cache.dir) || '.';
  const fresh = o.cache.all().filter((r) => r.fetched_at >= o.since);
  const rot = docRot(o.cache).filter((r) => o.urls.has(r.url));
  const resolver = new CitationResolver(o.cache, o.memoDir, o.root);
  const cited = specCitations(o.root, o.specsDir);
  const citations: RotCitation[] = [];
  for (const r of rot) {
    const finals = new Set([r.url, o.cache.latest(r.url)?.final_url].filter(Boolean) as string[]);
    const citing = [...finals].flatMap((u) => cited.get(u) ?? []);
    for (const c of citing) {
      const base = { file: c.file, path: c.path, url: c.citation.url, quote: c.citation.quote };
      if (r.kind !== 'changed') {
        citations.push({
          ...base,
          status: r.kind === 'gone' ? 'page_gone' : 'page_failing',
          detail: `the page now answers ${r.detail}; the quote is only in the snapshot of ${r.last_ok_at?.slice(0, 10)}`,
        });
        continue;
      }
      // Against the page as it is now: the URL's latest snapshot, not the pinned one.
      const now = resolver.check({ url: c.citation.url, quote: c.citation.quote });
      citations.push(
        now.ok
          ? {
              ...base,
              status: 'still_verbatim',
              detail: `still verbatim in the new version (${now.rec?.content_hash?.slice(0, 12) ?? now.where})`,
            }
          : { ...base, status: 'quote_gone', detail: `not in the new version: ${now.detail}` },
      );
    }
  }
  const bodies = new Set(fresh.map((r) => r.body_ref).filter((b): b is string => !!b));
  return {
    crawled_at: o.since,
    pages: new Set(fresh.filter((r) => r.kind === 'page').map((r) => r.url)).size,
    rot,
    citations,
    affected_specs: [...new Set(citations.map((c) => c.file))].sort(),
    cache_files: [join(cacheRel, 'index.jsonl'), ...[...bodies].sort().map((b) => join(cacheRel, b))],
  };
}

const ICON: Record<RotCitation['status'], string> = {
  still_verbatim: '✅',
  quote_gone: '❌',
  page_gone: '❌',
  page_failing: '⚠️',
};

/** The report as markdown (PR body, job summary). */
export function rotMarkdown(r: RotReport): string {
  const L = [
    `## 📚 Documentation changed: ${r.rot.length} cached page${r.rot.length === 1 ? '' : 's'}`,
    '',
    `Crawl of ${r.crawled_at.slice(0, 16).replace('T', ' ')} UTC (${r.pages} pages). The new snapshots are in this PR's cache commit; the old ones stay in the cache, so every existing citation still resolves.`,
    '',
  ];
  if (!r.rot.length) return [...L, '_No cached page changed or went away._', ''].join('\n');
  L.push('| Page | Change | Last good fetch |', '| --- | --- | --- |');
  for (const x of r.rot)
    L.push(
      `| ${x.url} | ${x.kind}: ${x.detail.replace(/\|/g, '\\|')} | ${x.last_ok_at?.slice(0, 10) ?? '—'} |`,
    );
  L.push(
    '',
    `### Citations in specs (${r.citations.length}), re-verified against the pages as they are now`,
    '',
  );
  if (!r.citations.length) L.push('_No spec cites these pages._');
  else {
    L.push('| | Spec | Citation | Result |', '| --- | --- | --- | --- |');
    for (const c of r.citations)
      L.push(
        `| ${ICON[c.status]} | \`${c.file}\` | \`${c.path}\` “${c.quote.slice(0, 100).replace(/\|/g, '\\|')}” | ${c.status}: ${c.detail.replace(/\|/g, '\\|')} |`,
      );
    const todo = r.citations.filter((c) => c.status !== 'still_verbatim').length;
    L.push(
      '',
      todo
        ? `**${todo} citation${todo === 1 ? '' : 's'} need a person**: update the quote (or the spec) from the new page, or keep citing the old snapshot by its \`cached_ref\`.`
        : 'Every affected citation is still verbatim on the current page: merging only refreshes the cache.',
    );
  }
  return [...L, ''].join('\n');
}
