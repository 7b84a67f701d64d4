import type { CodeFamily } from '../codes/catalog.js';
import type { Capture, Session } from '../session/index.js';
import { annotate } from '../validate/annotate.js';
import type { Step } from '../validate/types.js';

/**
 * The labeling-function API (docs/learning.md). An LF looks at one session and says PASS, names a
 * violation code, or ABSTAINs when the session is outside what it knows.
 */
export type Label = 'PASS' | 'ABSTAIN' | `VIOLATION:${string}`;

export interface LabelingFunction {
  /** Unique name, e.g. `lf_roku_first_ping` or `spec:CADENCE_EARLY_FIRST_PING`. */
  name: string;
  /** The violation family the LF votes on (codes catalog family). */
  family: CodeFamily;
  /** 'spec' = derived from a YAML spec verdict; 'hand' = lfs/*.ts. */
  source: 'spec' | 'hand';
  /** The codes it can emit (its label-model tasks: one binary task per code). */
  codes: string[];
  fn: (s: SessionView) => Label;
}

export type Semver = [number, number, number];

/** A small, read-only view of derived session facts for LFs (cheap to compute, memoized). */
export interface SessionView {
  har: string;
  key: string;
  kind: Session['kind'];
  protocol: Session['protocol'];
  platform: string;
  sdk: Session['sdk'];
  /** Library version as on the wire, and its first x.y.z as numbers. */
  version: string | null;
  semver: Semver | null;
  /** Spec verdicts of the validator for this session (spec id → verdict), when known. */
  rules: Record<string, 'PASS' | 'VIOLATION' | 'ABSTAIN'>;
  /** Codes the validator found in this session. */
  codes: readonly string[];
  session: Session;
  steps(): readonly Step[];
  /** Normalized event types in send order. */
  types(): readonly string[];
  count(type: string): number;
  /** Seconds from the first play (main content) to the first main-content ping after it. */
  firstContentPingDeltaS(): number | null;
  /** Intervals (s) between consecutive pings of the given asset type, without gaps over a pause/seek. */
  pingIntervals(asset: 'main' | 'ad'): number[];
  /** Playhead (s) and beacon time (s since first event) of main-content pings while playing. */
  contentPings(): { t: number; playhead: number | null }[];
}

/** `js-2.2.2.230-96e624` → [2,2,2]; `3.6` → [3,6,0]. */
export function parseSemver(v: string | null | undefined): Semver | null {
  if (!v) return null;
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export function semverGte(a: Semver | null, b: Semver): boolean {
  if (!a) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

const PING_LIKE = new Set(['ping', 'play', 'pause', 'buffer', 'stall']);

export function sessionView(
  session: Session,
  verdicts: { rules?: SessionView['rules']; codes?: readonly string[] } = {},
): SessionView {
  let steps: Step[] | null = null;
  const getSteps = () => (steps ??= session.kind === 'media' ? annotate(session).steps : []);
  let types: string[] | null = null;
  const getTypes = () => (types ??= session.events.map((e) => e.sequence.event_type));
  const t0 = () => getSteps()[0]?.t ?? 0;
  const pings = (asset: 'main' | 'ad') => getSteps().filter((s) => s.isPing && s.asset === asset);
  return {
    har: session.har,
    key: session.key,
    kind: session.kind,
    protocol: session.protocol,
    platform: session.platform,
    sdk: session.sdk,
    version: session.sdk_version,
    semver: parseSemver(session.sdk_version),
    rules: verdicts.rules ?? {},
    codes: verdicts.codes ?? [],
    session,
    steps: getSteps,
    types: getTypes,
    count: (type) => getTypes().filter((t) => t === type).length,
    firstContentPingDeltaS() {
      const st = getSteps();
      const play = st.findIndex((s) => s.type === 'play' && s.asset === 'main' && !s.inAd);
      if (play < 0) return null;
      // heartbeat: `play` repeats as the ping; the first content ping is the next main ping after it
      for (let i = play + 1; i < st.length; i++) {
        const s = st[i];
        if (s.inAd || s.asset !== 'main') continue;
        if (s.isPing || (session.protocol === 'heartbeat' && PING_LIKE.has(s.type)))
          return (s.t - st[play].t) / 1000;
      }
      return null;
    },
    pingIntervals(asset) {
      const ps = pings(asset);
      const out: number[] = [];
      for (let i = 1; i < ps.length; i++) {
        // an interval crosses no non-ping event of the same asset (pause/seek/ad resets cadence)
        const between = getSteps().slice(ps[i - 1].i + 1, ps[i].i);
        if (between.some((s) => !s.isPing)) continue;
        out.push((ps[i].t - ps[i - 1].t) / 1000);
      }
      return out;
    },
    contentPings() {
      return pings('main')
        .filter((s) => s.stateBefore === 'playing' || s.type === 'play')
        .map((s) => ({ t: (s.t - t0()) / 1000, playhead: s.playhead }));
    },
  };
}

/** Views for every session of a capture. */
export function captureViews(capture: Capture): SessionView[] {
  return capture.sessions.map((s) => sessionView(s));
}
