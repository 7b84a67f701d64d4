/**
 * The review inbox: triage's inbox.jsonl when the run has one, else a ranking computed here, and for
 * every item the command that reproduces it (`goblin run <that capture>`).
 */
import { z } from 'zod';
import type { Finding, SessionRow, Summary } from '../../validate/outputs.js';
import { sessionKey, versionKey as key, versionLabel } from '../attribution.js';
import type { InboxItem } from '../site-schema.js';
import { readJsonl, type Problem } from './files.js';

type InputRoot = NonNullable<Summary['inputs']>[number];

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const join = (dir: string, rel: string) =>
  dir === '.' || dir === '' ? rel : `${dir.replace(/\/+$/, '')}/${rel}`;

/**
 * The path `goblin run` needs for one capture of a run: a file input is itself (a single file, or one
 * zip member), a member of a zip input is `archive.zip!/member`, and a folder or glob input joins its
 * folder with the capture's path. With several folders, the first whose file exists wins.
 */
export function capturePath(
  roots: readonly InputRoot[] | null | undefined,
  input: string | null,
  har: string,
  exists: (path: string) => boolean = () => false,
): string {
  const bang = har.indexOf('!/');
  const container = bang >= 0 ? har.slice(0, bang) : har;
  if (roots?.length) {
    const exact = roots.find((r) => r.kind === 'file' && r.rel === har);
    if (exact) return exact.path;
    const archive = roots.find((r) => r.kind === 'file' && r.rel === container);
    if (archive) return `${archive.path}${har.slice(container.length)}`;
    const dirs = roots.filter((r) => r.kind === 'dir').map((r) => join(r.path, har));
    return dirs.find((p) => exists(p.split('!/')[0])) ?? dirs[0] ?? har;
  }
  // Runs written before summary.inputs: one argument, a folder or the file itself.
  if (!input) return har;
  const arg = input.trim().split(/\s+/)[0].replace(/\/+$/, '');
  return arg === container || arg.endsWith(`/${container}`)
    ? `${arg}${har.slice(container.length)}`
    : join(arg, har);
}

/** What the session and inbox pages show: run that one capture and print the session's rows. */
export function reproduceCommand(path: string, session: string): string {
  const needle = shellQuote(`"session":${JSON.stringify(session)}`);
  return `npx goblin run ${shellQuote(path)} --out out/repro && grep -F ${needle} out/repro/sessions.jsonl out/repro/violations.jsonl`;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/** `platform|sdk|version` of a session, virtual versions included (tools/publish/attribution.ts). */
export function versionKey(s: {
  platform: string;
  sdk: string;
  sdk_version: string | null;
  virtual_version?: string | null;
}): string {
  return key(s, versionLabel(s));
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
  command: (har: string, session: string) => string,
): Omit<InboxItem, 'slug'>[] {
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = sessionKey(f.har, f.session);
    const list = byKey.get(k) ?? [];
    list.push(f);
    byKey.set(k, list);
  }
  const codeSessions = new Map<string, number>();
  for (const s of sessions)
    for (const c of new Set(s.codes)) codeSessions.set(c, (codeSessions.get(c) ?? 0) + 1);
  const sessionKeys = new Set(sessions.map((s) => sessionKey(s.har, s.session)));
  for (const [k, fs] of byKey)
    if (!sessionKeys.has(k))
      for (const c of new Set(fs.map((f) => f.code))) codeSessions.set(c, (codeSessions.get(c) ?? 0) + 1);
  const versionSessions = new Map<string, number>();
  for (const s of sessions) versionSessions.set(versionKey(s), (versionSessions.get(versionKey(s)) ?? 0) + 1);
  const prevVersions = prev ? new Set(Object.keys(prev.by_platform_version)) : null;

  const items: Omit<InboxItem, 'slug'>[] = [];
  for (const s of sessions) {
    const fs = byKey.get(sessionKey(s.har, s.session)) ?? [];
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
      why: reasons.join('; '),
      at: null,
      reasons,
      verdict: s.verdict,
      codes,
      command: command(s.har, s.session),
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
  why: z.string().default(''),
  at: z.object({ entry_index: z.number().int(), t_s: z.number() }).nullable().default(null),
  reasons: z.array(z.string()).default([]),
});

/** The triage stage's inbox.jsonl, completed with verdicts, codes and the reproduce command. */
export function inboxFromTriage(
  file: string,
  sessions: SessionRow[],
  findings: Finding[],
  command: (har: string, session: string) => string,
  problems: Problem[],
  root: string,
): Omit<InboxItem, 'slug'>[] {
  const sessionByKey = new Map(sessions.map((s) => [sessionKey(s.har, s.session), s]));
  const codesByKey = new Map<string, Set<string>>();
  for (const f of findings) {
    const k = sessionKey(f.har, f.session);
    codesByKey.set(k, (codesByKey.get(k) ?? new Set()).add(f.code));
  }
  return readJsonl(file, InboxRow, problems, root)
    .map((r) => {
      const k = sessionKey(r.har, r.session);
      const s = sessionByKey.get(k);
      const codes = [...new Set([...(s?.codes ?? []), ...(codesByKey.get(k) ?? [])])].sort();
      return { ...r, verdict: s?.verdict ?? null, codes, command: command(r.har, r.session) };
    })
    .sort((a, b) => b.score - a.score);
}
