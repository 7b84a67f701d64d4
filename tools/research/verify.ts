/**
 * Citation verifier. Scans specs/**\/*.yaml|yml and evidence/**\/*.json|yaml|yml (not evidence/cache)
 * for citation objects — any object with string `url` and `quote` — resolves each to a cached snapshot
 * and checks that the quote is a literal substring of the page after whitespace/case normalization
 * (NFKC, typographic quotes/dashes folded; a leading/trailing "..." or "…" is ignored).
 *
 * A citation whose `url` is a repository path (`docs/reference/wire-formats.md#34-timing`) is checked
 * against that file of the working tree instead, in the section its anchor names (see repo-doc.ts).
 *
 * Resolution order: `cached_ref` (a fetch ref or a sha256 content hash) → `cached://<ref|hash|host/path>`
 * → the snapshot with the cited `content_hash` → the latest snapshot of `url` with a body.
 * A quote is searched in the extracted clean text first, then in the page's full visible text.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { FetchCache, type CacheRecord } from './cache.js';
import { extractRecord } from './store.js';
import { pageText } from './extract.js';
import { normalizeForMatch } from './text.js';
import { checkRepoDocCitation, isRepoDocUrl } from './repo-doc.js';

export interface Citation {
  url: string;
  quote: string;
  cached_ref?: string;
  fetched_at?: string;
  content_hash?: string;
}

export interface BrokenCitation {
  file: string;
  /** JSON-pointer-like path of the citation inside the file. */
  path: string;
  url: string;
  quote: string;
  reason: 'not_cached' | 'quote_not_found' | 'empty_quote' | 'unreadable_file' | 'hash_mismatch';
  detail: string;
}

export interface VerifyResult {
  checked: number;
  ok: number;
  files: number;
  broken: BrokenCitation[];
  warnings: { file: string; path: string; url: string; detail: string }[];
}

function walkFiles(dir: string, exts: RegExp, skip: (p: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (skip(p) || name === 'node_modules' || name.startsWith('.')) continue;
    const st = statSync(p);
    if (st.isDirectory()) walkFiles(p, exts, skip, out);
    else if (exts.test(name)) out.push(p);
  }
  return out;
}

/** Every object with string `url` + `quote`, with its path. */
export function findCitations(doc: unknown, path = ''): { path: string; citation: Citation }[] {
  const out: { path: string; citation: Citation }[] = [];
  const visit = (v: unknown, p: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${p}/${i}`));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.url === 'string' && typeof o.quote === 'string') {
        out.push({ path: p || '/', citation: o as unknown as Citation });
      }
      for (const [k, x] of Object.entries(o)) if (x && typeof x === 'object') visit(x, `${p}/${k}`);
    }
  };
  visit(doc, path);
  return out;
}

function stripEllipsis(q: string): string {
  return q.replace(/^\s*(\.\.\.|…)\s*/, '').replace(/\s*(\.\.\.|…)\s*$/, '');
}

export class CitationResolver {
  private textMemo = new Map<string, string[]>();
  constructor(
    readonly cache: FetchCache,
    private readonly memoDir?: string,
    /** Repository root that repo-path citations resolve against. */
    private readonly root: string = process.cwd(),
  ) {}

  resolve(c: Citation): { rec?: CacheRecord; how: string; warning?: string } {
    if (c.cached_ref) {
      const rec = this.cache.byRef(c.cached_ref) ?? this.cache.byContentHash(c.cached_ref);
      return rec
        ? { rec, how: `cached_ref ${c.cached_ref}` }
        : { how: `cached_ref ${c.cached_ref} is not in the cache` };
    }
    if (c.url.startsWith('cached://')) {
      const key = c.url.slice('cached://'.length);
      const rec = this.cache.byRef(key) ?? this.cache.byContentHash(key) ?? this.byHostPath(key);
      return rec ? { rec, how: c.url } : { how: `${c.url} matches no cached fetch` };
    }
    if (c.content_hash) {
      const rec = this.cache.byContentHash(c.content_hash);
      if (rec) return { rec, how: `content_hash ${c.content_hash.slice(0, 12)}` };
    }
    const rec = this.cache.latestWithBody(c.url);
    if (!rec) return { how: `${c.url} has never been fetched successfully` };
    const latest = this.cache.latest(c.url);
    const warning =
      latest && !latest.ok
        ? `doc rot: latest fetch of ${c.url} ${latest.status ? `returned HTTP ${latest.status}` : `failed (${latest.error})`}`
        : undefined;
    return {
      rec,
      how: `latest snapshot of ${c.url}`,
      warning:
        c.content_hash && !rec.content_hash?.startsWith(c.content_hash.replace(/^sha256:/, ''))
          ? `cited content_hash ${c.content_hash.slice(0, 12)} not cached; checked latest snapshot`
          : warning,
    };
  }

  /** `cached://<host-label>/<path>`: a page whose host contains the label and whose path ends with path. */
  private byHostPath(key: string): CacheRecord | undefined {
    const [label, ...rest] = key.split('/');
    const path = `/${rest.join('/')}`;
    const hits = this.cache
      .all()
      .filter((r) => r.kind === 'page' && r.body_ref && r.ok)
      .filter((r) => {
        const u = new URL(r.final_url);
        return (
          (u.hostname.includes(label) || u.hostname === label) &&
          (rest.length === 0 || u.pathname.endsWith(path))
        );
      });
    return hits[hits.length - 1];
  }

  /** Normalized texts of a snapshot: [clean text, full visible text]. */
  texts(rec: CacheRecord): string[] {
    const key = rec.content_hash ?? rec.ref;
    let t = this.textMemo.get(key);
    if (!t) {
      const ex = extractRecord(this.cache, rec, this.memoDir);
      const body = this.cache.readBody(rec)?.toString('utf8') ?? '';
      t = [normalizeForMatch(ex?.text ?? ''), normalizeForMatch(/^\s*</.test(body) ? pageText(body) : body)];
      this.textMemo.set(key, t);
    }
    return t;
  }

  check(
    c: Citation,
  ):
    | { ok: true; rec?: CacheRecord; where: string; warning?: string }
    | { ok: false; reason: BrokenCitation['reason']; detail: string } {
    const q = normalizeForMatch(stripEllipsis(c.quote));
    if (q.length < 3) return { ok: false, reason: 'empty_quote', detail: 'quote is empty or too short' };
    if (isRepoDocUrl(c.url)) {
      const d = checkRepoDocCitation(this.root, c.url, q);
      return d.ok ? { ok: true, where: c.url } : d;
    }
    const r = this.resolve(c);
    if (!r.rec) return { ok: false, reason: 'not_cached', detail: r.how };
    const [clean, full] = this.texts(r.rec);
    if (clean.includes(q) || full.includes(q))
      return { ok: true, rec: r.rec, where: r.rec.url, warning: r.warning };
    return {
      ok: false,
      reason: 'quote_not_found',
      detail: `quote is not in ${r.how} (ref ${r.rec.ref}, fetched ${r.rec.fetched_at}, sha256 ${r.rec.content_hash?.slice(0, 12)})`,
    };
  }
}

export function verifyCitations(opts: {
  root: string;
  cacheDir: string;
  /** Extra files or directories to scan instead of specs/ and evidence/. */
  paths?: string[];
  memoDir?: string;
}): VerifyResult {
  const cacheDir = opts.cacheDir.startsWith('/') ? opts.cacheDir : join(opts.root, opts.cacheDir);
  const cache = new FetchCache(cacheDir);
  const resolver = new CitationResolver(cache, opts.memoDir, opts.root);
  const skip = (p: string) => p === cacheDir || p.startsWith(`${cacheDir}/`);
  const files: string[] = [];
  const targets = opts.paths?.length
    ? opts.paths.map((p) => (p.startsWith('/') ? p : join(opts.root, p)))
    : null;
  if (targets) {
    for (const t of targets) {
      if (existsSync(t) && statSync(t).isDirectory()) walkFiles(t, /\.(ya?ml|json)$/i, skip, files);
      else files.push(t);
    }
  } else {
    walkFiles(join(opts.root, 'specs'), /\.ya?ml$/i, skip, files);
    walkFiles(join(opts.root, 'evidence'), /\.(ya?ml|json)$/i, skip, files);
  }
  const result: VerifyResult = { checked: 0, ok: 0, files: 0, broken: [], warnings: [] };
  for (const f of files) {
    const rel = relative(opts.root, f) || f;
    let docs: unknown[];
    try {
      const raw = readFileSync(f, 'utf8');
      docs = /\.json$/i.test(f) ? [JSON.parse(raw)] : YAML.parseAllDocuments(raw).map((d) => d.toJS());
    } catch (e) {
      result.broken.push({
        file: rel,
        path: '',
        url: '',
        quote: '',
        reason: 'unreadable_file',
        detail: (e as Error).message,
      });
      continue;
    }
    let any = false;
    docs.forEach((doc, di) => {
      for (const { path, citation } of findCitations(doc, docs.length > 1 ? `/${di}` : '')) {
        any = true;
        result.checked++;
        const r = resolver.check(citation);
        if (r.ok) {
          result.ok++;
          if (r.warning) result.warnings.push({ file: rel, path, url: citation.url, detail: r.warning });
        } else {
          result.broken.push({
            file: rel,
            path,
            url: citation.url,
            quote: citation.quote,
            reason: r.reason,
            detail: r.detail,
          });
        }
      }
    });
    if (any) result.files++;
  }
  return result;
}
