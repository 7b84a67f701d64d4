/**
 * Proposal fixtures from real sessions: a session that passes and one that fails under the proposed spec,
 * each minimized to the entries that matter (the session's own beacons, the capture's page/app hits that
 * orchestration and identity rules read, and the first/last entries that fix the capture span for
 * SESSION_NOT_CLOSED) and PII-scrubbed. When no real session fails, the fail fixture is a real session with
 * one targeted edit (pings thinned, the param removed, the host moved, the first ping pulled in), and the
 * manifest says so. Every fixture is re-validated with the proposal pack before it is kept.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import type { LoadedSpec } from '../spec/schema.js';
import { validateFiles } from '../validate/files.js';
import type { RulePack } from '../validate/pack.js';
import type { SourcedCapture } from './data.js';
import {
  keepEntries,
  moveEntry,
  readHar,
  removeParam,
  scrubHar,
  setHost,
  writeHar,
  type HarDoc,
} from './har-edit.js';
import { annotate } from '../validate/annotate.js';
import { checkFor } from '../validate/checks/index.js';
import type { Session } from '../session/index.js';
import { makeDirs } from '../util/files.js';

export interface FixtureResult {
  pass: string[];
  fail: string[];
  derived: string[];
  notes: string[];
}

function minimized(sc: SourcedCapture, session: Session): HarDoc {
  const har = readHar(sc.file!);
  const keep = new Set<number>();
  for (const e of session.events) keep.add(e.provenance.entry_index);
  for (const s of sc.capture.sessions)
    if (s.kind !== 'media') for (const e of s.events) keep.add(e.provenance.entry_index);
  return scrubHar(keepEntries(har, keep));
}

/** One targeted edit that makes a passing session break the proposed rule (null when none applies). */
function breakIt(har: HarDoc, sc: SourcedCapture, session: Session, spec: LoadedSpec['spec']): HarDoc | null {
  const a = spec.assert[0];
  const p = a.params as Record<string, unknown>;
  const idx = new Map<number, number>(); // original entry index → index in the minimized HAR
  const orig = scrubHar(readHar(sc.file!)).log.entries; // same scrub → URLs comparable
  har.log.entries.forEach((e, k) => {
    const o = orig.findIndex(
      (x) => x.startedDateTime === e.startedDateTime && x.request.url === e.request.url,
    );
    if (o >= 0) idx.set(o, k);
  });
  const steps = annotate(session).steps;
  // The edit is the check definition's proposal hook (`breaks`), on the parameter it moves.
  const move = checkFor(a.check)?.propose?.find((m) => m.breaks);
  if (move?.breaks === 'stretch-ad-ping-gap' || move?.breaks === 'stretch-content-ping-gap') {
    const ad = move.breaks === 'stretch-ad-ping-gap';
    const interval = Number(p[move.param]) * 1000;
    // Stretch one gap: delay the first ping of the segment and everything after it by one interval, so
    // that gap becomes ≥ 2 × the interval (> 1.5 ×) while every other spacing stays as it was.
    const ping = steps.find(
      (x) =>
        x.isPing &&
        (ad
          ? x.inAd || (session.protocol === 'heartbeat' && x.asset === 'ad')
          : !x.inAd && !x.inBreak && x.asset !== 'ad') &&
        steps.some(
          (y) =>
            y.t < x.t && (ad ? y.type === 'adStart' : y.isPing && !y.inAd && !y.inBreak && y.asset !== 'ad'),
        ),
    );
    const k = ping ? idx.get(ping.e.provenance.entry_index) : undefined;
    if (!ping || k === undefined) return null;
    const from = Date.parse(har.log.entries[k].startedDateTime);
    for (const e of har.log.entries) {
      const t = Date.parse(e.startedDateTime);
      if (t >= from) moveEntry(e, t + interval);
    }
    return har;
  }
  if (move?.breaks === 'drop-required-param') {
    const events = p[move.param] as Record<string, string[]>;
    for (const e of session.events) {
      const req = events[e.sequence.event_type];
      const k = idx.get(e.provenance.entry_index);
      if (!req || k === undefined) continue;
      const param = req[req.length - 1];
      if (removeParam(har.log.entries[k], param)) return har;
    }
    return null;
  }
  if (move?.breaks === 'move-host') {
    const e = session.events.find((x) => x.family === 'heartbeat');
    const k = e ? idx.get(e.provenance.entry_index) : undefined;
    if (k === undefined) return null;
    setHost(har.log.entries[k], 'beacons.unlisted.example');
    return har;
  }
  if (move?.breaks === 'pull-first-ping') {
    const first = steps.findIndex((s) => s.type === 'play' && s.asset === 'main' && !s.inAd && !s.inBreak);
    const ping = steps
      .slice(first + 1)
      .find((s) => (session.protocol === 'heartbeat' ? s.type === 'play' : s.type === 'ping'));
    const k = ping ? idx.get(ping.e.provenance.entry_index) : undefined;
    if (first < 0 || !ping || k === undefined) return null;
    const min = Number(p[move.param]);
    moveEntry(har.log.entries[k], steps[first].t + Math.max(50, (min * 1000) / 3));
    return har;
  }
  return null;
}

export function writeFixtures(opts: {
  dir: string; // proposal folder
  spec: LoadedSpec;
  pack: RulePack; // the pack with the proposal applied (promoted)
  captures: SourcedCapture[];
  sessions: Session[]; // in-scope sessions
  cfg: GoblinConfig;
  max?: number;
}): FixtureResult {
  const { spec, pack, cfg } = opts;
  const s = spec.spec;
  const codes = s.fail_codes as string[];
  const base = join(opts.dir, 'tests', s.id);
  rmSync(base, { recursive: true, force: true });
  makeDirs(join(base, 'pass'));
  makeDirs(join(base, 'fail'));
  const out: FixtureResult = { pass: [], fail: [], derived: [], notes: [] };
  const bySession = new Map<Session, SourcedCapture>();
  for (const sc of opts.captures) for (const x of sc.capture.sessions) bySession.set(x, sc);
  const judge = (file: string, session: string) => {
    const r = validateFiles([file], pack, cfg, '/');
    const mine = r.findings.filter((f) => f.spec === s.id && codes.includes(f.code));
    const other = r.findings.filter((f) => f.spec_status === 'active' && f.spec !== s.id);
    const ran = r.sessions.some(
      (x) => x.session === session && (x.rules[s.id] === 'PASS' || x.rules[s.id] === 'VIOLATION'),
    );
    return { mine: mine.length, other: other.length, ran };
  };
  const max = opts.max ?? 1;
  let n = 0;
  for (const session of opts.sessions) {
    const sc = bySession.get(session);
    if (!sc?.file) continue;
    if (out.pass.length >= max && out.fail.length >= max) break;
    const har = minimized(sc, session);
    const tag = `${String(++n).padStart(2, '0')}-${session.platform}-${(session.sdk_version ?? 'x').replace(/[^A-Za-z0-9.]+/g, '_')}`;
    const tmp = join(base, `.${tag}.har`);
    writeHar(tmp, har);
    const j = judge(tmp, session.key);
    rmSync(tmp, { force: true });
    if (j.mine === 0 && j.ran && j.other === 0 && out.pass.length < max) {
      const f = join(base, 'pass', `${tag}.har`);
      writeHar(f, har);
      out.pass.push(f);
      if (out.fail.length < max) {
        const broken = breakIt(JSON.parse(JSON.stringify(har)) as HarDoc, sc, session, s);
        if (broken) {
          const ff = join(base, 'fail', `${tag}-derived.har`);
          writeHar(ff, broken);
          const jf = judge(ff, session.key);
          if (jf.mine > 0) {
            out.fail.push(ff);
            out.derived.push(ff);
          } else {
            rmSync(ff, { force: true });
            out.notes.push(`derived fail fixture from ${tag} did not trip ${s.id}; dropped`);
          }
        }
      }
    } else if (j.mine > 0 && out.fail.length < max) {
      const f = join(base, 'fail', `${tag}.har`);
      writeHar(f, har);
      out.fail.push(f);
    }
  }
  if (!out.pass.length)
    out.notes.push('no in-scope session passes the proposed spec cleanly (minimized, scrubbed)');
  if (!out.fail.length) out.notes.push('no real or derived session fails the proposed spec');
  return out;
}
