/**
 * Annotated fixtures (the Semgrep model, in the HAR's own `comment` fields): the log comment says what
 * the capture is, and an entry's comment says what must happen there:
 *   `ruleid: CODE — why`      the spec must fire CODE on exactly this entry
 *   `ok: CODE — why`          the spec must not fire CODE here (a trap: a seek, a flush, a retry)
 *   `todoruleid: CODE — why`  a known miss: fires nowhere yet; when it starts to fire, make it `ruleid`
 * A fixture's expected outcome is this annotation, so the validator cannot confirm itself.
 */
import { readFileSync } from 'node:fs';
import type { Finding, SessionRow } from '../validate/outputs.js';

export type MarkKind = 'ruleid' | 'ok' | 'todoruleid';

export interface Mark {
  entry: number;
  kind: MarkKind;
  code: string;
  why: string;
}

export interface Annotations {
  /** The HAR's log comment: what the capture is. */
  about: string | null;
  marks: Mark[];
}

const MARK = /^(ruleid|ok|todoruleid):\s*([A-Z][A-Z0-9_]*)\s*(?:—|-)?\s*(.*)$/s;

/** Marks of one HAR text (entries keep their file order, which is the finding's `entry_index`). */
export function parseAnnotations(text: string): Annotations {
  const doc = JSON.parse(text) as { log?: { comment?: unknown; entries?: { comment?: unknown }[] } };
  const marks: Mark[] = [];
  (doc.log?.entries ?? []).forEach((e, entry) => {
    if (typeof e?.comment !== 'string' || !e.comment.trim()) return;
    for (const line of e.comment.split('\n')) {
      const m = MARK.exec(line.trim());
      if (m) marks.push({ entry, kind: m[1] as MarkKind, code: m[2], why: m[3].trim() });
    }
  });
  const about = typeof doc.log?.comment === 'string' && doc.log.comment.trim() ? doc.log.comment : null;
  return { about, marks };
}

export function readAnnotations(path: string): Annotations {
  if (!/\.har$/i.test(path)) return { about: null, marks: [] };
  return parseAnnotations(readFileSync(path, 'utf8'));
}

export interface FixtureVerdict {
  ok: boolean;
  /** Why it fails, one line each. */
  problems: string[];
  /** Findings of the spec on entries nobody annotated (reported, not failing). */
  extra: string[];
}

/**
 * Judge one fixture against its annotation. A fail fixture needs at least one `ruleid` (or `todoruleid`)
 * and the spec must fire each `ruleid` code on that entry; a pass fixture must yield none of the spec's
 * codes and the spec must actually judge one of its sessions (a pass fixture it abstains on proves
 * nothing); `ok` entries never fire.
 */
export function judgeFixture(
  kind: 'pass' | 'fail',
  spec: { id: string; fail_codes: readonly string[] },
  findings: Finding[],
  sessions: SessionRow[],
  ann: Annotations,
): FixtureVerdict {
  const problems: string[] = [];
  const mine = findings.filter((f) => f.spec === spec.id && spec.fail_codes.includes(f.code));
  const at = (entry: number, code: string) => mine.filter((f) => f.entry_index === entry && f.code === code);
  const where = (fs: Finding[]) =>
    fs.length ? fs.map((f) => `${f.code} at entry ${f.entry_index}`).join(', ') : 'nothing';
  if (!ann.about) problems.push('no log comment: say what the capture is and why it must (not) fire');
  const ruleids = ann.marks.filter((m) => m.kind === 'ruleid');
  if (kind === 'fail' && !ruleids.length && !ann.marks.some((m) => m.kind === 'todoruleid'))
    problems.push('no `ruleid: CODE` annotation: mark the entry that must fire');
  for (const m of ruleids)
    if (!at(m.entry, m.code).length)
      problems.push(`expected ${m.code} at entry ${m.entry} (${m.why}); the spec fired ${where(mine)}`);
  for (const m of ann.marks.filter((x) => x.kind === 'todoruleid'))
    if (at(m.entry, m.code).length)
      problems.push(`todo fixed: ${m.code} now fires at entry ${m.entry}; make the annotation ruleid`);
  for (const m of ann.marks.filter((x) => x.kind === 'ok'))
    if (findings.some((f) => f.entry_index === m.entry && f.code === m.code))
      problems.push(`${m.code} fired at entry ${m.entry}, annotated ok (${m.why})`);
  if (kind === 'pass') {
    const any = findings.filter((f) => spec.fail_codes.includes(f.code));
    if (any.length) problems.push(`a pass fixture yields ${where(any)}`);
    if (!sessions.some((s) => s.rules[spec.id] === 'PASS')) {
      const why = [...new Set(sessions.map((s) => s.abstained?.[spec.id]).filter(Boolean))].join('; ');
      problems.push(
        `the spec judged no session (ABSTAIN${why ? `: ${why}` : ''}): the pass fixture proves nothing`,
      );
    }
  }
  const marked = new Set(ann.marks.map((m) => `${m.entry}|${m.code}`));
  const extra = mine
    .filter((f) => !marked.has(`${f.entry_index}|${f.code}`))
    .map((f) => `${f.code} at entry ${f.entry_index}`);
  return { ok: problems.length === 0, problems, extra };
}
