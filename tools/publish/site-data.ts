/**
 * Assembles the static site's data (issue 5): reads the repository's files (specs, dictionary,
 * constitution, evidence, git history) and the last validation run's outputs, and produces one
 * zod-validated `SiteData` document plus the prebuilt search index. Pure apart from file and git reads.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import semver from 'semver';
import YAML from 'yaml';
import { listFiles } from '../util/files.js';
import { z } from 'zod';
import { CODE_INFO, FAIL_CODES } from '../codes/catalog.js';
import { DictionaryEntry } from '../dictionary/schema.js';
import { loadSpecs } from '../spec/load.js';
import type { Spec } from '../spec/schema.js';
import { Finding, SessionRow, SpecTestReport, Summary, Timeline, type Verdict } from '../validate/outputs.js';
import { buildSearchIndex, type SearchDocInput, type SearchIndex } from './search.js';
import {
  SiteData,
  type Changes,
  type Clause,
  type EvidencePack,
  type HistoryEntry,
  type InboxItem,
  type SiteCode,
  type SiteDictEntry,
  type SiteFinding,
  type SiteSession,
  type SiteSpec,
  type SiteTimeline,
} from './site-schema.js';

export const DEFAULT_RUN_DIR = 'out/run';
export const SITE_DATA_FILE = 'site-data.json';
export const SEARCH_INDEX_FILE = 'search-index.json';

export interface AssembleOptions {
  /** Repository root (specs/, dictionary/, evidence/, constitution.yaml, git). */
  root: string;
  /** Validation run directory (violations.jsonl, sessions.jsonl, summary.json, …). */
  runDir: string;
  specsDir?: string;
  dictionaryDir?: string;
  evidenceDir?: string;
  constitutionPath?: string;
  /** Read `git log` for spec history (default true; off when root is not a git work tree). */
  git?: boolean;
  /** Sessions whose timeline is embedded (the most interesting ones). */
  timelineCap?: number;
  /** Events kept per timeline. */
  timelineEventCap?: number;
  /** Session pages (most interesting first). */
  sessionCap?: number;
  /** Rows rendered in the findings table (the CSV always holds all). */
  findingsTableCap?: number;
  /** Inbox items kept. */
  inboxCap?: number;
  now?: Date;
}

type Problem = { path: string; message: string };

export function sessionSlug(har: string, session: string): string {
  return createHash('sha1').update(`${har}\u0000${session}`).digest('hex').slice(0, 12);
}

function rel(root: string, p: string): string {
  return relative(root, p).split('\\').join('/');
}

function readJson(path: string, problems: Problem[], root: string): unknown | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    problems.push({ path: rel(root, path), message: `invalid JSON: ${(e as Error).message}` });
    return undefined;
  }
}

/** Parse a JSONL file against a schema; bad lines are reported (first 5) and skipped. */
export function readJsonl<T>(path: string, schema: z.ZodType<T>, problems: Problem[], root: string): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  let bad = 0;
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      if (bad++ < 5) problems.push({ path: `${rel(root, path)}:${i + 1}`, message: (e as Error).message });
      return;
    }
    const r = schema.safeParse(raw);
    if (r.success) out.push(r.data);
    else if (bad++ < 5)
      problems.push({
        path: `${rel(root, path)}:${i + 1}`,
        message: r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '),
      });
  });
  if (bad > 5) problems.push({ path: rel(root, path), message: `${bad - 5} more invalid lines` });
  return out;
}

// ---------------------------------------------------------------- git

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', root, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch {
    return null;
  }
}

/**
 * History of every file under `dirRel`, from ONE `git log --name-status -M` (newest first), following
 * renames: a commit that renamed A → B makes A's older commits part of B's history. One process for
 * the whole pack keeps 1,000 specs fast (a `git log --follow` per file would spawn 1,000).
 */
export function gitHistories(root: string, dirRel: string, perFile = 30): Map<string, HistoryEntry[]> {
  const out = new Map<string, HistoryEntry[]>();
  const text = git(root, [
    'log',
    '--format=%x1e%H%x1f%an%x1f%aI%x1f%s',
    '--name-status',
    '-M',
    '--',
    dirRel || '.',
  ]);
  if (!text) return out;
  const alias = new Map<string, string>();
  for (const block of text.split('\x1e')) {
    if (!block.trim()) continue;
    const [head, ...rest] = block.split('\n');
    const [hash, author, date, subject] = head.split('\x1f');
    const entry: HistoryEntry = { hash, author, date, subject };
    for (const line of rest) {
      if (!line.trim()) continue;
      const parts = line.split('\t');
      const status = parts[0];
      const path = status.startsWith('R') || status.startsWith('C') ? parts[2] : parts[1];
      if (!path) continue;
      const final = alias.get(path) ?? path;
      const list = out.get(final) ?? [];
      if (list.length < perFile) list.push(entry);
      out.set(final, list);
      if (status.startsWith('R') && parts[1]) alias.set(parts[1], final);
    }
  }
  return out;
}

// ---------------------------------------------------------------- dictionary

function dictSlug(sdk: string, param: string): string {
  const p = param.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'param';
  return `${sdk.replace(/[^A-Za-z0-9_-]+/g, '-')}--${p}`;
}

export function loadDictionary(
  dir: string,
  root: string,
  problems: Problem[],
): { entry: DictionaryEntry; path: string }[] {
  const out: { entry: DictionaryEntry; path: string }[] = [];
  for (const file of listFiles(dir, /\.ya?ml$/)) {
    // `_`-prefixed files (e.g. _shapes.yaml, the shape-cluster model) are not parameter entries.
    if (basename(file).startsWith('_')) continue;
    const path = rel(root, file);
    let raw: unknown;
    try {
      raw = YAML.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      problems.push({ path, message: `YAML: ${(e as Error).message}` });
      continue;
    }
    const r = DictionaryEntry.safeParse(raw);
    if (!r.success) {
      problems.push({
        path,
        message: r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '),
      });
      continue;
    }
    out.push({ entry: r.data, path });
  }
  return out;
}

// ---------------------------------------------------------------- evidence

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
      problems.push({
        path,
        message: r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '),
      });
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

// ---------------------------------------------------------------- constitution

export function loadConstitution(path: string, root: string, problems: Problem[]): Clause[] {
  if (!existsSync(path)) return [];
  let raw: unknown;
  try {
    raw = YAML.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    problems.push({ path: rel(root, path), message: `YAML: ${(e as Error).message}` });
    return [];
  }
  const clauses = (raw as { clauses?: unknown } | null)?.clauses;
  if (!Array.isArray(clauses)) return [];
  const out: Clause[] = [];
  clauses.forEach((c, i) => {
    if (!c || typeof c !== 'object') return;
    const o = c as Record<string, unknown>;
    const check = (o.check ?? null) as Record<string, unknown> | null;
    const strs = (v: unknown) =>
      Array.isArray(v)
        ? v.filter((x): x is string => typeof x === 'string')
        : typeof v === 'string'
          ? [v]
          : [];
    const checks = check && typeof check === 'object' ? [...strs(check.checks), ...strs(check.codes)] : [];
    out.push({
      id: typeof o.id === 'string' ? o.id : `clause-${i + 1}`,
      text: typeof o.text === 'string' ? o.text : '',
      check,
      checks,
      specs: [],
    });
  });
  return out;
}

// ---------------------------------------------------------------- inbox

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function reproduceCommand(input: string | null, har: string, session: string): string {
  const path = input ? `${input.replace(/\/+$/, '')}/${har}` : har;
  return `npx goblin run ${shellQuote(path)} --out out/repro && grep -F ${shellQuote(`"session":${JSON.stringify(session)}`)} out/repro/violations.jsonl`;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

export function versionKey(s: { platform: string; sdk: string; sdk_version: string | null }): string {
  return `${s.platform}|${s.sdk}|${s.sdk_version ?? 'unknown'}`;
}

/**
 * Ranks sessions for review when no triage stage wrote inbox.jsonl: uncertainty (share of rules that
 * abstained, low decoder confidence), impact (findings weighted by severity) and novelty (codes seen
 * in few sessions, platform/SDK versions absent from the previous run).
 */
export function computeInbox(
  sessions: SessionRow[],
  findings: Finding[],
  prev: Summary | null,
  input: string | null,
): Omit<InboxItem, 'slug'>[] {
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = `${f.har}\u0000${f.session}`;
    const list = byKey.get(k) ?? [];
    list.push(f);
    byKey.set(k, list);
  }
  const codeSessions = new Map<string, number>();
  for (const s of sessions)
    for (const c of new Set(s.codes)) codeSessions.set(c, (codeSessions.get(c) ?? 0) + 1);
  const sessionKeys = new Set(sessions.map((s) => `${s.har}\u0000${s.session}`));
  for (const [k, fs] of byKey)
    if (!sessionKeys.has(k))
      for (const c of new Set(fs.map((f) => f.code))) codeSessions.set(c, (codeSessions.get(c) ?? 0) + 1);
  const versionSessions = new Map<string, number>();
  for (const s of sessions) versionSessions.set(versionKey(s), (versionSessions.get(versionKey(s)) ?? 0) + 1);
  const prevVersions = prev ? new Set(Object.keys(prev.by_platform_version)) : null;

  const items: Omit<InboxItem, 'slug'>[] = [];
  for (const s of sessions) {
    const fs = byKey.get(`${s.har}\u0000${s.session}`) ?? [];
    const verdicts = Object.values(s.rules);
    const abstained = verdicts.filter((v) => v === 'ABSTAIN').length;
    const abstainShare = verdicts.length ? abstained / verdicts.length : s.verdict === 'ABSTAIN' ? 1 : 0;
    const uncertainty = clamp01(0.75 * abstainShare + 0.25 * (1 - clamp01(s.confidence)));
    const errors = fs.filter((f) => f.severity === 'error').length;
    const weight = errors + 0.5 * (fs.length - errors);
    const impact = clamp01(1 - Math.exp(-weight / 2));
    const codes = [...new Set([...s.codes, ...fs.map((f) => f.code)])].sort();
    let rare = 0;
    let rareCode: string | null = null;
    for (const c of codes) {
      const r = 1 / (codeSessions.get(c) ?? 1);
      if (r > rare) [rare, rareCode] = [r, c];
    }
    const vk = versionKey(s);
    const newVersion = prevVersions ? !prevVersions.has(vk) : false;
    const onlyOne = !prevVersions && versionSessions.get(vk) === 1 && versionSessions.size > 1;
    const novelty = clamp01(Math.max(rare, newVersion ? 1 : 0, onlyOne ? 0.3 : 0));
    const reasons: string[] = [];
    if (verdicts.length && abstained) reasons.push(`${abstained} of ${verdicts.length} rules abstained`);
    else if (!verdicts.length && s.verdict === 'ABSTAIN') reasons.push('no rule applied (ABSTAIN)');
    if (s.confidence < 0.8) reasons.push(`decoder confidence ${s.confidence.toFixed(2)}`);
    if (fs.length)
      reasons.push(
        `${fs.length} finding${fs.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'})`,
      );
    if (rareCode && rare >= 0.5)
      reasons.push(
        `rare code ${rareCode} (${codeSessions.get(rareCode)} session${codeSessions.get(rareCode) === 1 ? '' : 's'})`,
      );
    if (newVersion) reasons.push(`new version ${vk} (not in the previous run)`);
    else if (onlyOne) reasons.push(`only session of ${vk} in this run`);
    if (!reasons.length) continue; // nothing uncertain, affected or new: not worth a reviewer's time
    const score = round3(0.4 * uncertainty + 0.35 * impact + 0.25 * novelty);
    items.push({
      har: s.har,
      session: s.session,
      score,
      uncertainty: round3(uncertainty),
      impact: round3(impact),
      novelty: round3(novelty),
      reasons,
      verdict: s.verdict,
      codes,
      command: reproduceCommand(input, s.har, s.session),
    });
  }
  items.sort((a, b) => b.score - a.score || a.har.localeCompare(b.har) || a.session.localeCompare(b.session));
  return items;
}

const InboxRow = z.object({
  har: z.string(),
  session: z.string(),
  score: z.number(),
  uncertainty: z.number(),
  impact: z.number(),
  novelty: z.number(),
  reasons: z.array(z.string()).default([]),
});

// ---------------------------------------------------------------- changes & matrix

function compareVersions(a: string, b: string): number {
  const ca = semver.coerce(a);
  const cb = semver.coerce(b);
  if (ca && cb) return semver.compare(ca, cb) || a.localeCompare(b);
  if (ca) return -1;
  if (cb) return 1;
  return a.localeCompare(b);
}

export function computeChanges(cur: Summary, prev: Summary): Changes {
  const codes = [...new Set([...Object.keys(cur.by_code), ...Object.keys(prev.by_code)])]
    .map((code) => ({ code, before: prev.by_code[code] ?? 0, after: cur.by_code[code] ?? 0 }))
    .filter((c) => c.before !== c.after)
    .sort(
      (a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || a.code.localeCompare(b.code),
    );
  const curV = new Set(Object.keys(cur.by_platform_version));
  const prevV = new Set(Object.keys(prev.by_platform_version));
  return {
    prev_generated_at: prev.generated_at,
    coverage: { before: prev.coverage, after: cur.coverage },
    findings: { before: prev.findings, after: cur.findings },
    sessions: { before: prev.sessions.total, after: cur.sessions.total },
    parse_success_rate: { before: prev.parse.parse_success_rate, after: cur.parse.parse_success_rate },
    specs: { before: prev.spec_pack.specs, after: cur.spec_pack.specs },
    codes,
    new_versions: [...curV].filter((v) => !prevV.has(v)).sort(),
    gone_versions: [...prevV].filter((v) => !curV.has(v)).sort(),
  };
}

export function computeMatrix(
  sessions: SessionRow[],
  findings: Finding[],
  summary: Summary | null,
): SiteData['matrix'] {
  const rows = new Map<string, SiteData['matrix']['rows'][number]>();
  const row = (platform: string, sdk: string, version: string) => {
    const k = `${platform}|${sdk}|${version}`;
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { platform, sdk, version, sessions: 0, findings: 0, by_family: {} }));
    return r;
  };
  const familyOf = (f: { code: string; family?: string }) =>
    f.family || CODE_INFO.get(f.code)?.family || 'other';
  if (sessions.length || findings.length) {
    for (const s of sessions)
      row(s.platform, s.sdk, s.sdk_version ?? s.virtual_version ?? 'unknown').sessions++;
    for (const f of findings) {
      const r = row(f.platform, f.sdk, f.sdk_version ?? 'unknown');
      r.findings++;
      const fam = familyOf(f);
      r.by_family[fam] = (r.by_family[fam] ?? 0) + 1;
    }
  } else if (summary) {
    for (const [k, byCode] of Object.entries(summary.by_platform_version)) {
      const [platform, sdk, version] = k.split('|');
      const r = row(platform ?? 'unknown', sdk ?? 'unknown', version || 'unknown');
      for (const [code, n] of Object.entries(byCode)) {
        r.findings += n;
        const fam = familyOf({ code });
        r.by_family[fam] = (r.by_family[fam] ?? 0) + n;
      }
    }
  }
  const present = new Set(Object.values(Object.fromEntries(rows)).flatMap((r) => Object.keys(r.by_family)));
  const families = [
    ...FAIL_CODES.map((c) => c.family as string).filter((f, i, a) => a.indexOf(f) === i),
    ...[...present].filter((f) => !FAIL_CODES.some((c) => c.family === f)),
  ].filter((f) => present.has(f));
  return {
    families,
    rows: [...rows.values()].sort(
      (a, b) =>
        a.platform.localeCompare(b.platform) ||
        a.sdk.localeCompare(b.sdk) ||
        compareVersions(a.version, b.version),
    ),
  };
}

// ---------------------------------------------------------------- specs ↔ params

function collectStrings(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') out.add(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      collectStrings(x, out);
    }
}

function specParamNames(spec: Spec): Set<string> {
  const names = new Set<string>([...spec.requires.keys, ...spec.requires.dict]);
  for (const a of spec.assert) collectStrings(a.params, names);
  return names;
}

// ---------------------------------------------------------------- assembly

export function assembleSiteData(opts: AssembleOptions): SiteData {
  const root = resolve(opts.root);
  const runDir = resolve(root, opts.runDir);
  const specsDir = resolve(root, opts.specsDir ?? 'specs');
  const dictDir = resolve(root, opts.dictionaryDir ?? 'dictionary');
  const evidenceDir = resolve(root, opts.evidenceDir ?? 'evidence');
  const constitutionPath = resolve(root, opts.constitutionPath ?? 'constitution.yaml');
  const timelineCap = opts.timelineCap ?? 500;
  const timelineEventCap = opts.timelineEventCap ?? 2000;
  const sessionCap = opts.sessionCap ?? 5000;
  const findingsTableCap = opts.findingsTableCap ?? 5000;
  const inboxCap = opts.inboxCap ?? 300;
  const problems: Problem[] = [];
  const useGit = opts.git !== false && git(root, ['rev-parse', '--is-inside-work-tree'])?.trim() === 'true';

  // --- run outputs
  const summaryRaw = readJson(join(runDir, 'summary.json'), problems, root);
  const summaryP = summaryRaw === undefined ? null : Summary.safeParse(summaryRaw);
  if (summaryP && !summaryP.success)
    problems.push({ path: rel(root, join(runDir, 'summary.json')), message: summaryP.error.message });
  const summary = summaryP?.success ? summaryP.data : null;
  const prevRaw = readJson(join(runDir, 'summary.prev.json'), problems, root);
  const prevP = prevRaw === undefined ? null : Summary.safeParse(prevRaw);
  const prev = prevP?.success ? prevP.data : null;
  const findingsRaw = readJsonl(join(runDir, 'violations.jsonl'), Finding, problems, root);
  const sessionsRaw = readJsonl(join(runDir, 'sessions.jsonl'), SessionRow, problems, root);
  const specTestRaw =
    readJson(join(runDir, 'spec-test.json'), problems, root) ??
    readJson(join(root, 'out', 'spec-test.json'), problems, root);
  const specTestP = specTestRaw === undefined ? null : SpecTestReport.safeParse(specTestRaw);
  const specTest = specTestP?.success ? specTestP.data : null;
  const runFound = summary !== null || sessionsRaw.length > 0 || findingsRaw.length > 0;

  // --- specs
  const loaded = loadSpecs(specsDir, root);
  for (const e of loaded.errors)
    problems.push({ path: e.path, message: `${e.line ? `line ${e.line}: ` : ''}${e.message}` });
  const specs = loaded.specs.sort((a, b) => a.spec.id.localeCompare(b.spec.id));
  const histories = useGit ? gitHistories(root, rel(root, specsDir)) : new Map<string, HistoryEntry[]>();

  // --- dictionary
  const dict = loadDictionary(dictDir, root, problems);
  const slugs = new Set<string>();
  const dictionary: SiteDictEntry[] = dict
    .sort((a, b) => a.entry.sdk.localeCompare(b.entry.sdk) || a.entry.param.localeCompare(b.entry.param))
    .map(({ entry, path }) => {
      let slug = dictSlug(entry.sdk, entry.param);
      while (slugs.has(slug.toLowerCase())) slug += '_';
      slugs.add(slug.toLowerCase());
      return { ...entry, slug, path, used_by: [] };
    });
  const byName = new Map<string, SiteDictEntry[]>();
  for (const d of dictionary)
    for (const n of [d.param, ...d.aliases]) {
      const list = byName.get(n) ?? [];
      list.push(d);
      byName.set(n, list);
    }

  // --- evidence & constitution
  const evidence = loadEvidence(evidenceDir, root, problems);
  const byUrl = new Map<string, { pack: EvidencePack; i: number }[]>();
  const byRef = new Map<string, { pack: EvidencePack; i: number }[]>();
  for (const pack of evidence)
    pack.passages.forEach((p, i) => {
      const add = (m: typeof byUrl, k: string) => m.set(k, [...(m.get(k) ?? []), { pack, i }]);
      add(byUrl, normalizeUrl(p.url));
      if (p.anchor_url && normalizeUrl(p.anchor_url) !== normalizeUrl(p.url))
        add(byUrl, normalizeUrl(p.anchor_url));
      if (p.cached_ref) add(byRef, p.cached_ref);
    });
  const constitution = loadConstitution(constitutionPath, root, problems);

  // --- per-spec run stats
  const hitsBySpec = new Map<string, number>();
  for (const f of findingsRaw) hitsBySpec.set(f.spec, (hitsBySpec.get(f.spec) ?? 0) + 1);
  const verdictsBySpec = new Map<string, Record<Verdict, number>>();
  for (const s of sessionsRaw)
    for (const [id, v] of Object.entries(s.rules)) {
      const r = verdictsBySpec.get(id) ?? { PASS: 0, VIOLATION: 0, ABSTAIN: 0 };
      r[v]++;
      verdictsBySpec.set(id, r);
    }
  const testById = new Map((specTest?.specs ?? []).map((s) => [s.id, s]));

  const siteSpecs: SiteSpec[] = specs.map(({ spec, path }) => {
    const tested = testById.get(spec.id);
    const fixtures: SiteSpec['fixtures'] = [];
    const seen = new Set<string>();
    const matchFx = (file: string) =>
      tested?.fixtures.find(
        (f) => f.file === file || f.file.endsWith(`/${file}`) || file.endsWith(`/${f.file}`),
      );
    for (const [expect, files] of [
      ['pass', spec.tests.pass],
      ['fail', spec.tests.fail],
    ] as const)
      for (const file of files) {
        const r = matchFx(file);
        if (r) seen.add(r.file);
        fixtures.push({ file, expect, ok: r ? r.ok : null, codes: r ? r.codes : [] });
      }
    for (const f of tested?.fixtures ?? [])
      if (!seen.has(f.file)) fixtures.push({ file: f.file, expect: f.expect, ok: f.ok, codes: f.codes });

    const citations = spec.citations.map((c) => {
      const links = [
        ...(byUrl.get(normalizeUrl(c.url)) ?? []),
        ...(c.cached_ref ? (byRef.get(c.cached_ref) ?? []) : []),
      ];
      const ev: { pack: string; passage: number }[] = [];
      for (const { pack, i } of links) {
        if (ev.some((e) => e.pack === pack.slug && e.passage === i)) continue;
        ev.push({ pack: pack.slug, passage: i });
        if (!pack.passages[i].cited_by.includes(spec.id)) pack.passages[i].cited_by.push(spec.id);
        if (!pack.cited_by.includes(spec.id)) pack.cited_by.push(spec.id);
      }
      return { ...c, evidence: ev };
    });

    const checks = new Set<string>([...spec.assert.map((a) => a.check), ...spec.fail_codes]);
    // '*' in a clause's check list guards every check
    const clauses = constitution
      .filter((c) => c.checks.some((x) => x === '*' || checks.has(x)))
      .map((c) => c.id);
    for (const c of constitution) if (clauses.includes(c.id)) c.specs.push(spec.id);

    const params: string[] = [];
    for (const n of specParamNames(spec)) {
      const cands = byName.get(n) ?? [];
      const scoped = spec.scope.sdk?.length
        ? cands.filter((d) => spec.scope.sdk!.includes(d.sdk as never))
        : cands;
      for (const d of scoped.length ? scoped : cands)
        if (!params.includes(d.slug)) {
          params.push(d.slug);
          d.used_by.push(spec.id);
        }
    }

    return {
      id: spec.id,
      title: spec.title,
      status: spec.status,
      version: spec.version,
      family: spec.family,
      severity: spec.severity,
      scope: spec.scope,
      overrides: spec.overrides,
      requires: spec.requires,
      assert: spec.assert,
      fail_codes: spec.fail_codes,
      fixtures,
      citations,
      rationale: spec.rationale,
      since: spec.since ?? null,
      path,
      clauses,
      history: histories.get(path) ?? [],
      hits: hitsBySpec.get(spec.id) ?? 0,
      verdicts: verdictsBySpec.get(spec.id) ?? { PASS: 0, VIOLATION: 0, ABSTAIN: 0 },
      params: params.sort(),
      lint: tested?.lint ?? [],
    };
  });

  // --- inbox and ordering of sessions by interest
  const inboxFile = join(runDir, 'inbox.jsonl');
  const hasTriage = existsSync(inboxFile);
  const sessionByKey = new Map(sessionsRaw.map((s) => [`${s.har}\u0000${s.session}`, s]));
  const input = summary?.input ?? null;
  let inboxAll: Omit<InboxItem, 'slug'>[];
  if (hasTriage) {
    const codesByKey = new Map<string, Set<string>>();
    for (const f of findingsRaw) {
      const k = `${f.har}\u0000${f.session}`;
      codesByKey.set(k, (codesByKey.get(k) ?? new Set()).add(f.code));
    }
    inboxAll = readJsonl(inboxFile, InboxRow, problems, root)
      .map((r) => {
        const s = sessionByKey.get(`${r.har}\u0000${r.session}`);
        const codes = [
          ...new Set([...(s?.codes ?? []), ...(codesByKey.get(`${r.har}\u0000${r.session}`) ?? [])]),
        ].sort();
        return {
          ...r,
          verdict: s?.verdict ?? null,
          codes,
          command: reproduceCommand(input, r.har, r.session),
        };
      })
      .sort((a, b) => b.score - a.score);
  } else inboxAll = computeInbox(sessionsRaw, findingsRaw, prev, input);

  const findingsPer = new Map<string, number>();
  for (const f of findingsRaw)
    findingsPer.set(`${f.har}\u0000${f.session}`, (findingsPer.get(`${f.har}\u0000${f.session}`) ?? 0) + 1);
  const rank = new Map<string, number>();
  inboxAll.forEach((x, i) => rank.set(`${x.har}\u0000${x.session}`, i));
  const interesting = (a: SessionRow, b: SessionRow) => {
    const ka = `${a.har}\u0000${a.session}`;
    const kb = `${b.har}\u0000${b.session}`;
    return (
      (rank.get(ka) ?? Infinity) - (rank.get(kb) ?? Infinity) ||
      (findingsPer.get(kb) ?? 0) - (findingsPer.get(ka) ?? 0) ||
      a.har.localeCompare(b.har) ||
      a.session.localeCompare(b.session)
    );
  };
  const orderedSessions = [...sessionsRaw].sort((a, b) =>
    rank.size || findingsPer.size ? interesting(a, b) : 0,
  );
  const keptSessions = orderedSessions.slice(0, sessionCap);

  // --- timelines (only the most interesting sessions that have a page)
  const timelineFile = join(runDir, 'timelines.jsonl');
  const wanted = new Map(keptSessions.map((s, i) => [`${s.har}\u0000${s.session}`, i]));
  const allTimelines = readJsonl(timelineFile, Timeline, problems, root);
  const timelinesTotal = allTimelines.length;
  const timelines: SiteTimeline[] = allTimelines
    .filter((t) => wanted.has(`${t.har}\u0000${t.session}`))
    .sort((a, b) => wanted.get(`${a.har}\u0000${a.session}`)! - wanted.get(`${b.har}\u0000${b.session}`)!)
    .slice(0, timelineCap)
    .map((t) => ({
      slug: sessionSlug(t.har, t.session),
      har: t.har,
      session: t.session,
      protocol: t.protocol,
      platform: t.platform,
      sdk_version: t.sdk_version,
      events: t.events.slice(0, timelineEventCap),
      truncated: t.events.length > timelineEventCap,
    }));
  const withTimeline = new Set(timelines.map((t) => t.slug));

  const sessions: SiteSession[] = keptSessions.map((s) => {
    const slug = sessionSlug(s.har, s.session);
    return {
      ...s,
      slug,
      findings: findingsPer.get(`${s.har}\u0000${s.session}`) ?? 0,
      has_timeline: withTimeline.has(slug),
    };
  });

  // --- findings, most recent first
  const findings: SiteFinding[] = findingsRaw
    .map((f) => ({ ...f, session_slug: sessionSlug(f.har, f.session) }))
    .sort(
      (a, b) =>
        (b.ts ?? '').localeCompare(a.ts ?? '') ||
        a.har.localeCompare(b.har) ||
        a.session.localeCompare(b.session) ||
        a.code.localeCompare(b.code),
    );

  // --- codes
  const codes: SiteCode[] = FAIL_CODES.map((c) => {
    const idx: number[] = [];
    const sess = new Set<string>();
    findings.forEach((f, i) => {
      if (f.code !== c.code) return;
      idx.push(i);
      sess.add(f.session_slug);
    });
    return {
      code: c.code,
      family: c.family,
      severity: c.severity,
      definition: c.definition,
      specs: siteSpecs.filter((s) => s.fail_codes.includes(c.code)).map((s) => s.id),
      count: idx.length,
      sessions: sess.size,
      examples: idx.slice(0, 20),
    };
  });

  const inbox: InboxItem[] = inboxAll
    .slice(0, inboxCap)
    .map((x) => ({ ...x, slug: sessionSlug(x.har, x.session) }));

  let commit: string | null = null;
  let branch: string | null = null;
  if (useGit) {
    commit = git(root, ['rev-parse', 'HEAD'])?.trim() || null;
    branch = git(root, ['rev-parse', '--abbrev-ref', 'HEAD'])?.trim() || null;
  }

  const data: SiteData = {
    generated_at: (opts.now ?? new Date()).toISOString(),
    repo: { commit, branch },
    run: {
      dir: rel(root, runDir) || '.',
      found: runFound,
      has_prev: prev !== null,
      inbox_source: hasTriage ? 'triage' : 'computed',
    },
    summary,
    changes: summary && prev ? computeChanges(summary, prev) : null,
    matrix: computeMatrix(sessionsRaw, findingsRaw, summary),
    specs: siteSpecs,
    dictionary,
    codes,
    findings,
    sessions,
    timelines,
    limits: {
      timelines: timelineCap,
      timeline_events: timelineEventCap,
      findings_table: findingsTableCap,
      sessions_total: sessionsRaw.length,
      timelines_total: timelinesTotal,
    },
    inbox,
    evidence,
    constitution,
    problems,
  };
  return SiteData.parse(data);
}

// ---------------------------------------------------------------- search

function fmtScope(s: SiteSpec['scope']): string {
  return [s.platform?.join(' '), s.sdk?.join(' '), s.protocol?.join(' '), s.version, s.cluster]
    .filter(Boolean)
    .join(' ');
}

export function searchDocs(data: SiteData): SearchDocInput[] {
  const docs: SearchDocInput[] = [];
  for (const s of data.specs)
    docs.push({
      kind: 'spec',
      title: `${s.id} — ${s.title}`,
      url: `/specs/${s.id}/`,
      snippet: `${s.family} · ${s.status} · ${fmtScope(s.scope) || 'all scopes'}${s.rationale ? ` — ${s.rationale}` : ''}`,
      keywords: `${s.id} ${s.family} ${fmtScope(s.scope)} ${s.fail_codes.join(' ')}`,
      body: [
        s.rationale,
        s.assert.map((a) => `${a.check} ${JSON.stringify(a.params)}`).join(' '),
        s.citations.map((c) => c.quote).join(' '),
        s.requires.keys.join(' '),
        s.requires.dict.join(' '),
      ].join(' '),
    });
  for (const d of data.dictionary)
    docs.push({
      kind: 'dictionary',
      title: `${d.param} (${d.sdk})`,
      url: `/dictionary/${d.slug}/`,
      snippet: `${d.type}${d.unit ? ` · ${d.unit}` : ''}${d.concept ? ` · ${d.concept}` : ''}${d.aliases.length ? ` · aliases ${d.aliases.join(', ')}` : ''}`,
      keywords: `${d.param} ${d.aliases.join(' ')} ${d.concept ?? ''}`,
      body: `${d.sdk} ${d.type} ${d.unit ?? ''} ${d.note ?? ''} ${Object.keys(d.presence).join(' ')}`,
    });
  for (const c of data.codes)
    docs.push({
      kind: 'code',
      title: c.code,
      url: `/codes/${c.code}/`,
      snippet: c.definition,
      keywords: `${c.code} ${c.family}`,
      body: c.definition,
    });
  for (const p of data.evidence)
    p.passages.forEach((x, i) =>
      docs.push({
        kind: 'evidence',
        title: x.title || p.topic || x.url,
        url: `/evidence/#${p.slug}-${i}`,
        snippet: x.quote,
        keywords: p.topic,
        body: `${x.heading ?? ''} ${x.quote} ${x.url} ${x.cited_by.join(' ')}`,
      }),
    );
  for (const c of data.constitution)
    docs.push({
      kind: 'clause',
      title: `Clause ${c.id}`,
      url: `/constitution/#${encodeURIComponent(c.id)}`,
      snippet: c.text,
      keywords: c.id,
      body: `${c.text} ${c.checks.join(' ')}`,
    });
  return docs;
}

export function siteSearchIndex(data: SiteData): SearchIndex {
  return buildSearchIndex(searchDocs(data));
}

/** Write site-data.json and search-index.json into `dir`; returns their paths. */
export function writeSiteData(data: SiteData, dir: string): { data: string; index: string } {
  mkdirSync(dir, { recursive: true });
  const dataPath = join(dir, SITE_DATA_FILE);
  const indexPath = join(dir, SEARCH_INDEX_FILE);
  writeFileSync(dataPath, JSON.stringify(data));
  writeFileSync(indexPath, JSON.stringify(siteSearchIndex(data)));
  return { data: dataPath, index: indexPath };
}
