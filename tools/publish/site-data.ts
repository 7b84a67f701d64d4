/**
 * Assembles the static site's data: reads the repository's files (specs, dictionary, constitution,
 * evidence, git history) and the last validation run's outputs, and produces one zod-validated
 * `SiteData` document plus the prebuilt search index. Each part lives in tools/publish/site-data/;
 * this file only wires them together. Pure apart from file and git reads.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadSpecs } from '../spec/load.js';
import { SiteData, type InboxItem } from './site-schema.js';
import { loadConstitution } from './site-data/constitution.js';
import { loadDictionary, siteDictionary } from './site-data/dictionary.js';
import { evidenceIndex, loadEvidence } from './site-data/evidence.js';
import { rel, type Problem } from './site-data/files.js';
import { gitHistories, isWorkTree, repoState } from './site-data/git.js';
import { capturePath, computeInbox, inboxFromTriage, reproduceCommand } from './site-data/inbox.js';
import { computeChanges, computeMatrix } from './site-data/matrix.js';
import { loadRun, siteQuarantine } from './site-data/run.js';
import { siteSearchIndex } from './site-data/search-docs.js';
import {
  orderSessions,
  sessionSlug,
  siteCodes,
  siteFindings,
  siteSessions,
  siteTimelines,
} from './site-data/sessions.js';
import { siteSpecs } from './site-data/specs.js';
import { loadReviews } from './site-data/reviews.js';
import { readJsonl } from './site-data/files.js';
import { Timeline } from '../validate/outputs.js';
import { makeDirs } from '../util/files.js';

export { capturePath, computeInbox, reproduceCommand } from './site-data/inbox.js';
export { computeMatrix } from './site-data/matrix.js';
export { siteSearchIndex } from './site-data/search-docs.js';
export { sessionSlug } from './site-data/sessions.js';

export const DEFAULT_RUN_DIR = 'out/run';
const SITE_DATA_FILE = 'site-data.json';
const SEARCH_INDEX_FILE = 'search-index.json';

export interface AssembleOptions {
  /** Repository root (specs/, dictionary/, evidence/, constitution.yaml, git). */
  root: string;
  /** Validation run directory (violations.jsonl, sessions.jsonl, summary.json, …). */
  runDir: string;
  specsDir?: string;
  dictionaryDir?: string;
  evidenceDir?: string;
  constitutionPath?: string;
  /** The preference log (goblin feedback sync) and where merged PRs keep their reports. */
  preferencesDir?: string;
  reportsDir?: string;
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
  /** Quarantined files/entries named on the site (all of them are in the run's quarantine.csv). */
  quarantineCap?: number;
  /** Where reproduce commands run from (default root): decides between input folders that both fit. */
  cwd?: string;
  now?: Date;
}

export function assembleSiteData(opts: AssembleOptions): SiteData {
  const root = resolve(opts.root);
  const runDir = resolve(root, opts.runDir);
  const cwd = resolve(opts.cwd ?? root);
  const cap = {
    timelines: opts.timelineCap ?? 500,
    events: opts.timelineEventCap ?? 2000,
    sessions: opts.sessionCap ?? 5000,
    findings: opts.findingsTableCap ?? 5000,
    inbox: opts.inboxCap ?? 300,
    quarantine: opts.quarantineCap ?? 1000,
  };
  const problems: Problem[] = [];
  const useGit = opts.git !== false && isWorkTree(root);

  const run = loadRun(runDir, root, problems);

  const specsDir = resolve(root, opts.specsDir ?? 'specs');
  const loaded = loadSpecs(specsDir, root);
  for (const e of loaded.errors)
    problems.push({ path: e.path, message: `${e.line ? `line ${e.line}: ` : ''}${e.message}` });
  const { dictionary, byName } = siteDictionary(
    loadDictionary(resolve(root, opts.dictionaryDir ?? 'dictionary'), root, problems),
  );
  const evidence = loadEvidence(resolve(root, opts.evidenceDir ?? 'evidence'), root, problems);
  const constitution = loadConstitution(
    resolve(root, opts.constitutionPath ?? 'constitution.yaml'),
    root,
    problems,
  );
  const specs = siteSpecs(
    loaded.specs.sort((a, b) => a.spec.id.localeCompare(b.spec.id)),
    {
      histories: useGit ? gitHistories(root, rel(root, specsDir)) : new Map(),
      specTest: run.specTest,
      evidence: evidenceIndex(evidence),
      constitution,
      dictionaryByName: byName,
      findings: run.findings,
      sessions: run.sessions,
    },
  );

  // The inbox (triage's, else computed) ranks sessions; each item carries its reproduce command.
  const command = (har: string, session: string) =>
    reproduceCommand(
      capturePath(run.summary?.inputs, run.summary?.input ?? null, har, (p) => existsSync(resolve(cwd, p))),
      session,
    );
  const inboxFile = join(runDir, 'inbox.jsonl');
  const hasTriage = existsSync(inboxFile);
  const inboxAll = hasTriage
    ? inboxFromTriage(inboxFile, run.sessions, run.findings, command, problems, root)
    : computeInbox(run.sessions, run.findings, run.prev, command);

  const { ordered, findingsPer } = orderSessions(run.sessions, run.findings, inboxAll);
  const kept = ordered.slice(0, cap.sessions);
  const allTimelines = readJsonl(join(runDir, 'timelines.jsonl'), Timeline, problems, root);
  const timelines = siteTimelines(allTimelines, kept, cap.timelines, cap.events);
  const findings = siteFindings(run.findings);
  const inbox: InboxItem[] = inboxAll
    .slice(0, cap.inbox)
    .map((x) => ({ ...x, slug: sessionSlug(x.har, x.session) }));

  const data: SiteData = {
    generated_at: (opts.now ?? new Date()).toISOString(),
    repo: repoState(root, useGit),
    run: {
      dir: rel(root, runDir) || '.',
      found: run.found,
      has_prev: run.prev !== null,
      inbox_source: hasTriage ? 'triage' : 'computed',
    },
    summary: run.summary,
    changes: run.summary && run.prev ? computeChanges(run.summary, run.prev) : null,
    matrix: computeMatrix(run.sessions, run.findings, run.summary),
    specs,
    dictionary,
    codes: siteCodes(findings, specs),
    findings,
    sessions: siteSessions(kept, findingsPer, timelines, command),
    timelines,
    limits: {
      timelines: cap.timelines,
      timeline_events: cap.events,
      findings_table: cap.findings,
      sessions_total: run.sessions.length,
      timelines_total: allTimelines.length,
    },
    inbox,
    quarantine: siteQuarantine(run, cap.quarantine),
    evidence,
    constitution,
    ...loadReviews(
      root,
      opts.preferencesDir ?? 'preferences',
      opts.reportsDir ?? 'reports/proposals',
      problems,
    ),
    problems,
  };
  return SiteData.parse(data);
}

/** Write site-data.json and search-index.json into `dir`; returns their paths. */
export function writeSiteData(data: SiteData, dir: string): { data: string; index: string } {
  makeDirs(dir);
  const dataPath = join(dir, SITE_DATA_FILE);
  const indexPath = join(dir, SEARCH_INDEX_FILE);
  writeFileSync(dataPath, JSON.stringify(data));
  writeFileSync(indexPath, JSON.stringify(siteSearchIndex(data)));
  return { data: dataPath, index: indexPath };
}
