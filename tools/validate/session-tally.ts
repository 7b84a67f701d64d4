/**
 * What a run's report reads of its sessions, counted as the session rows are read: verdicts, media
 * coverage for the gate, sessions and violating sessions per build (platform, SDK, library version),
 * and the version each finding is attributed to. The rows themselves stay in the workers' staging
 * files: the report holds nothing per session but what a finding needs.
 */
import { countMedia, type MediaCoverage } from '../cli/gate.js';
import { sessionKey, versionLabel } from '../publish/attribution.js';
import type { SessionBrief } from './outputs.js';

interface BuildCount {
  platform: string;
  sdk: string;
  /** The version label the build's sessions are counted under (explicit, virtual or `unknown`). */
  version: string;
  sessions: number;
  violating: number;
}

export interface SessionTally {
  total: number;
  verdicts: { PASS: number; VIOLATION: number; ABSTAIN: number };
  media: MediaCoverage;
  /** Per `platform\0sdk\0version`: the build's sessions and violating sessions. */
  builds: Map<string, BuildCount>;
  /**
   * The version label of each session a finding may point at (`sessionKey` → label): every session
   * when tallied from a list, only the sessions with findings when a run's rows are collected.
   */
  versions: Map<string, string>;
}

export function emptyTally(): SessionTally {
  return {
    total: 0,
    verdicts: { PASS: 0, VIOLATION: 0, ABSTAIN: 0 },
    media: { sessions: 0, judged: 0, example: null },
    builds: new Map(),
    versions: new Map(),
  };
}

/** Count one session; `withVersion` keeps its version label for the findings that point at it. */
export function tallySession(t: SessionTally, s: SessionBrief, withVersion: boolean): void {
  t.total++;
  t.verdicts[s.verdict]++;
  countMedia(t.media, s);
  const version = versionLabel(s);
  const k = `${s.platform}\u0000${s.sdk}\u0000${version}`;
  let b = t.builds.get(k);
  if (!b) t.builds.set(k, (b = { platform: s.platform, sdk: s.sdk, version, sessions: 0, violating: 0 }));
  b.sessions++;
  if (s.verdict === 'VIOLATION') b.violating++;
  if (withVersion) t.versions.set(sessionKey(s.har, s.session), version);
}

/** A tally of a list of sessions (tests, and callers that hold their rows anyway). */
export function tallySessions(sessions: Iterable<SessionBrief>): SessionTally {
  const t = emptyTally();
  for (const s of sessions) tallySession(t, s, true);
  return t;
}
