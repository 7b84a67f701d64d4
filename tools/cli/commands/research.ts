/** `goblin research …`: local documentation fetcher/crawler, index, search, citation verifier, evidence packs. */
import type { CommandContext, CommandDef } from '../command.js';
import { UsageError, type ExitCode } from '../../util/errors.js';
import { JSON_OPTION } from '../options.js';
import { z } from 'zod';
import { int, oneOf, text, url } from '../values.js';
import { makeDirs } from '../../util/files.js';

/** `research import --url`: an http(s) URL, or the repo path of the document itself (cited as a repo doc). */
const urlOrRepoPath = {
  describe: 'an http(s) URL or a repository path such as docs/reference/wire-formats.md',
  schema: url.schema.or(z.string().regex(/^(?![a-z][a-z0-9+.-]*:)(?!\/)(?!\.\.\/)[^#\s]+$/i)),
};

const num = (ctx: CommandContext, name: string): number | undefined => ctx.values[name] as number | undefined;
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
const renderOpt = (ctx: CommandContext) => ctx.values.render as 'auto' | 'never' | 'always' | undefined;

const RENDER = {
  type: 'string',
  description: 'render pages with chromium: auto = only pages that look JS-only',
  default: 'research.render (auto)',
  placeholder: 'MODE',
  value: oneOf('auto', 'never', 'always'),
} as const;
const NO_INDEX = { type: 'boolean', description: 'do not rebuild the index afterwards' } as const;
const K = {
  type: 'string',
  description: 'passages to return',
  default: 'research.top_k (8)',
  placeholder: 'N',
  value: int(1),
} as const;
const LLM = {
  type: 'boolean',
  description: 'let the configured Ollama model expand the query (fallback: deterministic)',
} as const;

/**
 * `--seeds-from-config`: the configured seeds and sitemaps plus every URL a spec cites, so a cited page
 * outside the seeds' crawl scope is still checked for rot.
 */
async function configuredSeeds(ctx: CommandContext): Promise<string[]> {
  const { specCitations } = await import('../../research/rot.js');
  const cited = [...specCitations(process.cwd(), ctx.config.validate.specs_dir).keys()].filter((u) =>
    /^https?:\/\//.test(u),
  );
  return [...new Set([...ctx.config.research.seeds, ...cited])];
}

/** After a crawl: the doc-rot report (--report DIR) and, with --pr, the doc-rot pull request. */
async function afterCrawl(
  ctx: CommandContext,
  report: import('../../research/crawl.js').CrawlReport,
  seen: Set<string>,
) {
  const wantPr = Boolean(ctx.values.pr);
  const dir = (ctx.values.report as string | undefined) ?? (wantPr ? 'out/research' : undefined);
  if (!dir) return;
  const { FetchCache } = await import('../../research/cache.js');
  const { docRotReport, rotMarkdown } = await import('../../research/rot.js');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { join, resolve } = await import('node:path');
  const rot = docRotReport({
    root: process.cwd(),
    specsDir: ctx.config.validate.specs_dir,
    cache: new FetchCache(resolve(ctx.config.research.cache_dir)),
    since: report.started_at,
    urls: seen,
    memoDir: `${ctx.config.research.index_dir}/extract`,
  });
  makeDirs(dir);
  writeFileSync(join(dir, 'doc-rot.json'), JSON.stringify(rot, null, 2) + '\n');
  writeFileSync(join(dir, 'doc-rot.md'), rotMarkdown(rot));
  const todo = rot.citations.filter((c) => c.status !== 'still_verbatim').length;
  ctx.err(
    `doc rot: ${rot.rot.length} pages changed or gone, ${rot.citations.length} spec citations affected (${todo} to fix) → ${join(dir, 'doc-rot.md')}`,
  );
  if (!wantPr) return;
  if (!rot.rot.length) {
    ctx.out('no doc rot: no pull request');
    return;
  }
  const { openDocRotPr } = await import('../../research/rot-pr.js');
  const dry = Boolean(ctx.values['dry-run']);
  let forge;
  if (!dry) {
    const { forgeFromConfig } = await import('../../pr/forge.js');
    try {
      forge = forgeFromConfig(
        ctx.config.forge,
        process.env,
        ctx.quiet ? undefined : (l) => ctx.err(`  ${l}`),
      );
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const r = await openDocRotPr({
    root: process.cwd(),
    config: ctx.config,
    report: rot,
    forge,
    dryRun: dry,
    log: ctx.err,
  });
  ctx.out(
    r.pr
      ? `doc-rot PR ${r.action}: #${r.pr.number} ${r.pr.url}`
      : `doc-rot branch ${r.branch} built (dry run, not pushed)`,
  );
}

async function runCrawl(ctx: CommandContext, urls: string[], follow: boolean): Promise<ExitCode> {
  const { crawl } = await import('../../research/crawl.js');
  const { createProgress } = await import('../progress.js');
  let total = 0;
  let progress = createProgress({
    label: follow ? 'crawl' : 'fetch',
    total: Math.max(1, urls.length),
    unit: 'pages',
    quiet: ctx.quiet,
  });
  const fromConfig = Boolean(ctx.values['seeds-from-config']);
  if (fromConfig && urls.length) throw new UsageError('give seed URLs or --seeds-from-config, not both');
  if (ctx.values['dry-run'] && !ctx.values.pr) throw new UsageError('--dry-run goes with --pr');
  const sitemaps = follow
    ? [...strs(ctx.values.sitemap), ...(urls.length ? [] : ctx.config.research.sitemaps)]
    : [];
  const seeds = fromConfig
    ? await configuredSeeds(ctx)
    : follow
      ? urls.length
        ? urls
        : ctx.config.research.seeds
      : urls;
  const seen = new Set<string>();
  const report = await crawl({
    config: ctx.config,
    seeds,
    sitemaps,
    follow,
    maxPages: num(ctx, 'max-pages'),
    maxDepth: num(ctx, 'max-depth'),
    render: renderOpt(ctx),
    index: !ctx.values['no-index'],
    log: ctx.err,
    onTotal: (n) => {
      if (n !== total) {
        total = n;
        progress = createProgress({
          label: follow ? 'crawl' : 'fetch',
          total: n,
          unit: 'pages',
          quiet: ctx.quiet,
        });
      }
    },
    onPage: (rec, url) => {
      seen.add(url);
      progress.tick(1, rec ? `${rec.status ?? 'ERR'} ${url}` : `skip ${url}`);
    },
  });
  progress.done();
  if (ctx.values.json) {
    ctx.out(JSON.stringify(report, null, 2));
  } else {
    ctx.out(
      `${report.pages} pages in ${(report.elapsed_ms / 1000).toFixed(2)} s (${report.pages_per_s} pages/s): ` +
        `${report.ok} ok (${report.not_modified} not modified, ${report.changed} changed, ${report.rendered} rendered), ` +
        `${report.failed.length} failed, ${report.skipped.length} skipped, ${report.retries} retries, ${report.bytes} bytes`,
    );
    for (const r of report.redirects) ctx.out(`  redirect ${r.url} → ${r.final_url}`);
    for (const f of report.failed) ctx.out(`  failed   ${f.url}: ${f.status ? `HTTP ${f.status}` : f.error}`);
    for (const s of report.skipped) ctx.out(`  skipped  ${s.url}: ${s.reason}`);
    for (const r of report.rot)
      ctx.out(`  doc rot  ${r.kind} ${r.url}: ${r.detail} (last ok ${r.last_ok_at})`);
    if (report.index) {
      const m = report.index.meta;
      ctx.out(
        `index: ${m.documents} documents, ${m.chunks} chunks, ${m.embedder ? `dense: ${m.embedder}` : 'lexical only (BM25), no embedder configured'} (${report.index.elapsed_ms} ms)`,
      );
    }
  }
  if (follow) await afterCrawl(ctx, report, seen);
  return 0;
}

export const commands: CommandDef[] = [
  {
    name: 'research fetch',
    summary: 'Fetch URLs into the evidence cache (no link following) and reindex',
    usage: '<url…> [--render auto|never|always] [--no-index] [--json]',
    help: 'Each fetch is appended to research.cache_dir/index.jsonl (history kept); bodies are content-addressed.',
    options: { render: RENDER, 'no-index': NO_INDEX, ...JSON_OPTION },
    exits: { 0: 'fetched (failures are listed; they do not change the exit code)' },
    async run(ctx) {
      if (!ctx.positionals.length) throw new UsageError('give at least one URL');
      for (const u of ctx.positionals) {
        try {
          new URL(u);
        } catch {
          throw new UsageError(`not a URL: ${u}`);
        }
      }
      return runCrawl(ctx, ctx.positionals, false);
    },
  },
  {
    name: 'research crawl',
    summary: 'Crawl seeds and sitemaps (config or arguments) into the evidence cache and reindex',
    usage:
      '[seed-url… | --seeds-from-config] [--sitemap URL]… [--max-pages N] [--max-depth N] [--render auto|never|always] [--no-index] [--report DIR] [--pr [--dry-run]] [--json]',
    help:
      'Without arguments crawls research.seeds and research.sitemaps. Obeys robots.txt unless research.obey_robots is false.\n' +
      '--seeds-from-config: the configured seeds and sitemaps plus every URL a spec cites (the scheduled doc-rot crawl).\n' +
      '--report DIR: write DIR/doc-rot.json and DIR/doc-rot.md (pages changed/gone/failing, the specs citing them, each\n' +
      'citation re-verified against the current page). --pr: when there is rot, open or update the doc-rot pull request\n' +
      '(branch goblin-research/doc-rot: the new cache records and snapshots; body: the report); --dry-run builds the branch only.',
    options: {
      'seeds-from-config': {
        type: 'boolean',
        description: 'crawl research.seeds and research.sitemaps plus every URL a spec cites',
      },
      report: {
        type: 'string',
        description: 'write the doc-rot report (doc-rot.json, doc-rot.md) to this folder',
        default: 'no report (out/research with --pr)',
        placeholder: 'DIR',
        value: text,
      },
      pr: {
        type: 'boolean',
        description: 'when pages changed or went away, open or update the doc-rot pull request',
      },
      'dry-run': { type: 'boolean', description: 'with --pr: build the branch locally, push nothing' },
      sitemap: {
        type: 'string',
        multiple: true,
        description: 'sitemap to take URLs from',
        default: 'research.sitemaps',
        placeholder: 'URL',
        value: url,
      },
      'max-pages': {
        type: 'string',
        description: 'pages per crawl',
        default: 'research.max_pages (200)',
        placeholder: 'N',
        value: int(1),
      },
      'max-depth': {
        type: 'string',
        description: 'link depth from a seed',
        default: 'research.max_depth (2)',
        placeholder: 'N',
        value: int(0),
      },
      render: RENDER,
      'no-index': NO_INDEX,
      ...JSON_OPTION,
    },
    exits: {
      0: 'crawled (failures and doc rot are listed, and with --pr become a pull request; they do not change the exit code)',
    },
    run: (ctx) => runCrawl(ctx, ctx.positionals, true),
  },
  {
    name: 'research index',
    summary: 'Rebuild the research index from the evidence cache',
    usage: '[--json]',
    options: JSON_OPTION,
    exits: { 0: 'index rebuilt' },
    async run(ctx) {
      const { buildIndex } = await import('../../research/store.js');
      const { setupModels } = await import('../../research/embed.js');
      const models = await setupModels(ctx.config.models);
      models.notes.forEach((n) => ctx.err(`note: ${n}`));
      const r = ctx.config.research;
      const res = await buildIndex({
        cacheDir: r.cache_dir,
        indexDir: r.index_dir,
        embedder: models.embedder,
        minTokens: r.chunk_min_tokens,
        maxTokens: r.chunk_max_tokens,
      });
      if (ctx.values.json) ctx.out(JSON.stringify(res, null, 2));
      else
        ctx.out(
          `index: ${res.meta.documents} documents, ${res.meta.chunks} chunks, ${res.meta.embedder ?? 'lexical only (BM25), no embedder configured'}; ` +
            `${res.embedded} embedded, ${res.reusedVectors} reused (${res.elapsed_ms} ms)`,
        );
      return 0;
    },
  },
  {
    name: 'research search',
    summary:
      'Search the local documentation index; prints passages with URL, title, fetch date and exact quote',
    usage: '"<query>" [--k N] [--expand] [--llm] [--json]',
    help: 'BM25 always; dense + RRF when an embedder is configured; ONNX reranker when configured. --expand also searches deterministic query expansions.',
    options: {
      k: K,
      expand: { type: 'boolean', description: 'also search deterministic query expansions' },
      llm: LLM,
      ...JSON_OPTION,
    },
    exits: { 0: 'searched (no match is not an error)' },
    async run(ctx) {
      const query = ctx.positionals.join(' ').trim();
      if (!query) throw new UsageError('give a query');
      if (ctx.values.expand || ctx.values.llm) {
        const { buildEvidencePack } = await import('../../research/trigger.js');
        const pack = await buildEvidencePack(query, {
          config: ctx.config,
          k: num(ctx, 'k'),
          write: false,
          llm: Boolean(ctx.values.llm),
        });
        if (ctx.values.json) ctx.out(JSON.stringify(pack, null, 2));
        else {
          pack.notes.forEach((n) => ctx.out(`note: ${n}`));
          ctx.out(`queries: ${pack.queries.join(' | ')}`);
          for (const p of pack.passages)
            ctx.out(
              `${p.rank}. ${p.title}\n   ${p.anchor_url}\n   fetched ${p.fetched_at} · ${p.cached_ref}\n   "${p.quote}"`,
            );
        }
        return 0;
      }
      const { searchEvidence } = await import('../../research/search.js');
      const res = await searchEvidence(query, { config: ctx.config, k: num(ctx, 'k') });
      if (ctx.values.json) {
        ctx.out(JSON.stringify(res, null, 2));
        return 0;
      }
      res.notes.forEach((n) => ctx.out(`note: ${n}`));
      ctx.out(
        `mode: ${res.mode} · ${res.index.documents} documents, ${res.index.chunks} chunks · ${res.elapsed_ms} ms`,
      );
      if (!res.hits.length) ctx.out('no passages matched');
      for (const h of res.hits) {
        ctx.out(
          `${h.rank}. ${h.title}${h.heading && h.heading !== h.title ? ` — ${h.heading}` : ''}  (score ${h.score})\n` +
            `   ${h.anchor_url}\n   fetched ${h.fetched_at} · cached_ref ${h.cached_ref} · sha256 ${h.content_hash.slice(0, 12)}\n   "${h.quote}"`,
        );
      }
      return 0;
    },
  },
  {
    name: 'research verify',
    summary: 'Check that every citation quote in specs/ and evidence/ is verbatim in the cached page',
    usage: '[file-or-dir…] [--json]',
    help: 'A citation is broken when its page is not cached or its quote is not found after whitespace/case normalization.',
    options: JSON_OPTION,
    exits: { 0: 'every citation is verbatim in its cached page', 1: 'a citation is broken' },
    async run(ctx) {
      const { verifyCitations } = await import('../../research/verify.js');
      const res = verifyCitations({
        root: process.cwd(),
        cacheDir: ctx.config.research.cache_dir,
        paths: ctx.positionals,
        memoDir: `${ctx.config.research.index_dir}/extract`,
      });
      if (ctx.values.json) ctx.out(JSON.stringify(res, null, 2));
      else {
        for (const w of res.warnings) ctx.out(`warn   ${w.file}${w.path}: ${w.detail}`);
        for (const b of res.broken)
          ctx.out(
            `BROKEN ${b.file}${b.path}: ${b.reason}: ${b.detail}\n       quote: "${b.quote.slice(0, 160)}"`,
          );
        ctx.out(`${res.checked} citations in ${res.files} files: ${res.ok} ok, ${res.broken.length} broken`);
      }
      return res.broken.length ? 1 : 0;
    },
  },
  {
    name: 'research pack',
    summary: 'Write an evidence pack (top-k passages with quotes) for a topic or a bundle/unknowns/spec file',
    usage: '<topic|bundle.json|unknowns.json|spec.yaml> [--k N] [--llm] [--out DIR] [--json]',
    options: {
      k: K,
      llm: LLM,
      out: {
        type: 'string',
        description: 'folder the pack is written to',
        default: 'research.packs_dir (evidence/packs)',
        placeholder: 'DIR',
        value: text,
      },
      ...JSON_OPTION,
    },
    exits: { 0: 'pack written', 1: 'no passage found: nothing written' },
    async run(ctx) {
      const arg = ctx.positionals.join(' ').trim();
      if (!arg) throw new UsageError('give a topic or a bundle file');
      const { buildEvidencePack } = await import('../../research/trigger.js');
      const pack = await buildEvidencePack(arg, {
        config: ctx.config,
        k: num(ctx, 'k'),
        llm: Boolean(ctx.values.llm),
        packsDir: ctx.values.out as string | undefined,
      });
      if (ctx.values.json) ctx.out(JSON.stringify(pack, null, 2));
      else {
        pack.notes.forEach((n) => ctx.out(`note: ${n}`));
        ctx.out(
          `pack ${pack.id}: ${pack.passages.length} passages from ${pack.queries.length} queries → ${pack.file ?? 'nothing written'}`,
        );
      }
      return pack.passages.length ? 0 : 1;
    },
  },
  {
    name: 'research trigger',
    summary: 'Start research from unknown parameters, a relaxing spec or a drift bundle',
    usage: '--from FILE [--crawl] [--pack] [--llm] [--k N] [--json]',
    help: 'FILE: unknowns JSON, drift/proposal bundle JSON, or spec YAML. --crawl crawls the configured seeds first; --pack writes an evidence pack.',
    options: {
      from: {
        type: 'string',
        description: 'unknowns JSON, drift/proposal bundle JSON or spec YAML',
        required: true,
        placeholder: 'FILE',
        value: text,
      },
      crawl: { type: 'boolean', description: 'crawl the configured seeds first' },
      pack: { type: 'boolean', description: 'write an evidence pack' },
      llm: LLM,
      k: K,
      ...JSON_OPTION,
    },
    exits: { 0: 'researched (or nothing to research)' },
    async run(ctx) {
      const from = ctx.values.from as string | undefined;
      if (!from) throw new UsageError('--from FILE is required');
      const { requestsFromFile, buildEvidencePack } = await import('../../research/trigger.js');
      const requests = requestsFromFile(from);
      if (!requests.length) {
        ctx.out(`${from}: nothing to research (no unknown stable parameters, relaxations or anomalies)`);
        return 0;
      }
      for (const r of requests) ctx.err(`trigger: ${r.kind}: ${r.reason}`);
      if (ctx.values.crawl) await runCrawl({ ...ctx, values: { ...ctx.values, json: false } }, [], true);
      const pack = await buildEvidencePack(from, {
        config: ctx.config,
        k: num(ctx, 'k'),
        llm: Boolean(ctx.values.llm),
        write: Boolean(ctx.values.pack),
      });
      if (ctx.values.json) ctx.out(JSON.stringify(pack, null, 2));
      else {
        pack.notes.forEach((n) => ctx.out(`note: ${n}`));
        ctx.out(`queries: ${pack.queries.join(' | ')}`);
        for (const p of pack.passages) ctx.out(`${p.rank}. ${p.title}\n   ${p.anchor_url}\n   "${p.quote}"`);
        if ('file' in pack && pack.file) ctx.out(`pack written: ${pack.file}`);
      }
      return 0;
    },
  },
  {
    name: 'research history',
    summary: 'Show cached fetch history and doc rot (gone, failing, changed pages)',
    usage: '[url] [--json]',
    options: JSON_OPTION,
    exits: { 0: 'history printed' },
    async run(ctx) {
      const { FetchCache, docRot } = await import('../../research/cache.js');
      const cache = new FetchCache(ctx.config.research.cache_dir);
      const url = ctx.positionals[0];
      const rows = url ? cache.history(url) : [];
      const rot = docRot(cache);
      if (ctx.values.json) {
        ctx.out(JSON.stringify(url ? { history: rows } : { rot }, null, 2));
        return 0;
      }
      if (url) {
        if (!rows.length) ctx.out(`${url}: never fetched`);
        for (const r of rows)
          ctx.out(
            `${r.fetched_at} ${r.status ?? 'ERR'}${r.not_modified ? ' (not modified)' : ''}${r.rendered ? ' (rendered)' : ''} ${r.ref} ${r.content_hash?.slice(0, 12) ?? '-'} ${r.final_url !== r.url ? `→ ${r.final_url}` : ''}${r.error ? ` ${r.error}` : ''}`,
          );
      } else {
        ctx.out(`${cache.pageUrls().length} page URLs, ${cache.all().length} fetch records`);
        for (const r of rot) ctx.out(`${r.kind.padEnd(8)} ${r.url}: ${r.detail} (last ok ${r.last_ok_at})`);
      }
      return 0;
    },
  },
  {
    name: 'research import',
    summary: 'Import a local document (HTML or Markdown) into the evidence cache as a snapshot of a URL',
    usage: '<file> --url URL [--title TEXT]',
    help: 'For documentation a team holds offline (vendor PDFs turned to HTML, internal reference notes). The cache\nrecord is marked x-goblin-imported-from so it is never mistaken for a crawl; specs may then cite it.',
    options: {
      url: {
        type: 'string',
        description:
          'the URL the document is a snapshot of, or its repository path (docs/x.md) for a repo doc',
        required: true,
        placeholder: 'URL',
        value: urlOrRepoPath,
      },
      title: {
        type: 'string',
        description: 'page title',
        default: "the document's own title",
        placeholder: 'TEXT',
        value: text,
      },
    },
    exits: { 0: 'document cached' },
    async run(ctx) {
      const file = ctx.positionals[0];
      const url = ctx.values.url as string | undefined;
      if (!file || !url) throw new UsageError('give a file and --url');
      const { importDocument } = await import('../../research/import.js');
      const rec = importDocument({
        cacheDir: ctx.config.research.cache_dir,
        file,
        url,
        title: ctx.values.title as string | undefined,
      });
      ctx.out(`cached ${url} as ${rec.ref} (sha256 ${rec.content_hash?.slice(0, 12)}…, ${rec.bytes} bytes)`);
      return 0;
    },
  },
];
