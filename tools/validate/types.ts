import type { z } from 'zod';
import type { ParamShape } from './shapes.js';
import type { CodeFamily, Severity } from '../codes/families.js';
import type { Envelope, Family } from '../envelope/index.js';
import type { Capture, Session } from '../session/index.js';
import type { FaultDef } from '../simulate/fault-def.js';

export interface Hit {
  code: string;
  event: Envelope | null;
  message: string;
  expected?: string;
  observed?: string;
  /**
   * The earliest event the finding depends on (the previous ping of a gap, the first ping of a stalled
   * run). With `event` it spans the window a quarantined entry must not fall into (continuous checks).
   */
  since?: Envelope | null;
}

export type CheckResult = { status: 'abstain'; reason: string } | { status: 'ran'; hits: Hit[] };

export interface CaptureView {
  capture: Capture;
  /** Heartbeat session ids of the capture (to tell whose AA media hits are whose). */
  heartbeatSids: Set<string>;
  /** Beacon families present anywhere in the capture (what `evidence.captureFamilies` asks about). */
  families: ReadonlySet<string>;
  cnames: { aa: string[]; heartbeat: string[]; 'media-collection': string[]; edge: string[] };
  /** Dictionary types (param → type) for checks scoped with `requires.dict`. */
  dictionary?: Map<string, string>;
}

/** Which way a parameter loosens its check (for the constitution): 'up' = a larger value lets more through. */
export type Relaxes = 'up' | 'down' | 'any-change';

/** One violation code a check emits: the public contract (never renamed, see tools/codes/catalog.ts). */
export interface CodeDef {
  code: string;
  /** Default severity of specs that emit it. */
  severity: Severity;
  /** One line: when it fires (the catalog's definition). */
  definition: string;
}

/** What a check needs to see in the capture before it may fire; without it the validator ABSTAINs. */
export interface Evidence {
  /** In words, for the docs: what must be in the capture for a VIOLATION (and for a PASS) to mean anything. */
  needs: string;
  /**
   * Beacon families the capture must hold at all. An excerpt or a URL log without them cannot show the
   * thing the check looks for, so the check ABSTAINs ("capture holds no … traffic") instead of firing.
   */
  captureFamilies?: Family[];
  /**
   * The check reads consecutive beacons (gaps, playhead steps, runs). A quarantined entry inside the
   * window a finding spans hides what happened there: that finding is withheld, and with nothing else
   * left the check ABSTAINs for the session with the reason.
   */
  continuous?: boolean;
}

/** The deterministic proposer's measurement of one parameter (tools/propose/deterministic.ts). */
export type MeasureKind =
  'ad-ping-interval' | 'content-ping-interval' | 'first-ping-delay' | 'heartbeat-hosts' | 'param-presence';
/** The one edit that makes a passing real session break a proposed rule (tools/propose/fixtures.ts). */
export type BreakKind =
  | 'stretch-ad-ping-gap'
  | 'stretch-content-ping-gap'
  | 'pull-first-ping'
  | 'move-host'
  | 'drop-required-param';

/** A parameter a proposal may move, and how the proposer measures and evidences it. */
export interface ProposeMove {
  param: string;
  /** Bundle anomaly metric that measures it (learning layer). */
  metric?: string;
  measure?: MeasureKind;
  /** What a supporting quote names near the value (tools/propose/evidence.ts `supports`). */
  evidence: { kind: 'interval' | 'first_ping' | 'host' | 'param_name'; terms?: RegExp[] };
  breaks?: BreakKind;
}

/** Protocols a doc example is written in. */
export type ExampleProtocol = Session['protocol'];

/** One entry of a doc example, in the protocol's own words (rendered to a real HAR entry by example-har.ts). */
export interface ExampleEvent {
  /** Capture time, ms from the example's start. */
  at: number;
  /** Beacon time (`l:event:ts`, `playerTime.ts`, `xdm.timestamp`) when it differs from the capture time. */
  beaconAt?: number;
  /**
   * Which traffic the entry is: defaults to the example's protocol. `aa` an Analytics hit, `edge` an
   * Experience Edge page/app event, `malformed` an entry the HAR reader quarantines, `other` unrelated traffic.
   */
  on?: ExampleProtocol | 'malformed' | 'other';
  /** Event type as the wire names it: heartbeat `play`, MC/Edge `ping`, AA `page`/`ms_s`/`msa_s`/`lnk_o`. */
  type: string;
  /** Playhead (s). */
  ph?: number;
  /** Heartbeat `s:asset:type`. */
  asset?: 'main' | 'ad';
  /** Wire parameters to add or replace; `null` removes one the builder would send. */
  params?: Record<string, string | number | boolean | null>;
  /** HTTP status of the response. */
  status?: number;
  /** Host (and scheme) the beacon goes to, when not the family's usual one. */
  host?: string;
  scheme?: 'http' | 'https';
  /** The code that must fire on exactly this entry. */
  fires?: string;
  /** Why this entry matters (shown in the generated docs). */
  note?: string;
}

/** A doc example: a tiny capture, the parameters, and where the check must (or must not) fire. */
export interface Example {
  title: string;
  protocol: ExampleProtocol;
  /** Check parameters for this example (defaults otherwise). */
  params?: Record<string, unknown>;
  events: ExampleEvent[];
  /** The capture goes on until this time (an unrelated entry at the end), e.g. to make "not closed" knowable. */
  captureUntil?: number;
  /** The check must ABSTAIN on the example's session, with a reason containing this text. */
  abstains?: string;
}

export interface CheckDoc {
  /** What the check means precisely (markdown), including the real-world traps it handles. */
  text: string;
  /** Executed by the check's test (tools/validate/testing/examples.ts) and rendered into its README. */
  examples: Example[];
}

export interface CheckInput<P extends z.ZodTypeAny = z.ZodTypeAny> {
  /** `<family>.<name>`; the name is the first code without the family prefix, lower case (lint). */
  id: string;
  family: CodeFamily;
  /** Old ids a spec may still use (the lint asks for the new one). */
  renamedFrom?: string[];
  codes: CodeDef[];
  /** Session protocols the check can judge; others ABSTAIN. */
  protocols: Session['protocol'][];
  params: P;
  /** Which way each numeric parameter loosens the check (the constitution's relaxation test). */
  relaxes?: Partial<Record<keyof z.infer<P> & string, Relaxes>>;
  evidence: Evidence;
  /** How the simulator injects the fault (tools/simulate/faults.ts); absent: the simulator cannot. */
  fault?: FaultDef;
  /** Parameters a proposal may move (tools/propose). */
  propose?: ProposeMove[];
  doc: CheckDoc;
  run(session: AnnotatedSession, view: CaptureView, params: z.infer<P>): CheckResult;
}

/** A check definition: the single source for everything about one rule (see CONTRIBUTING.md). */
export interface CheckDef<P extends z.ZodTypeAny = z.ZodTypeAny> extends Omit<CheckInput<P>, 'codes'> {
  /** The code names, in order (`codes[0]` names the check). */
  codes: string[];
  /** Each code with its default severity and definition. */
  codeDefs: CodeDef[];
}

export type MediaState = 'idle' | 'playing' | 'paused' | 'buffering' | 'stalled' | 'closed' | 'complete';

/** A media event with the state-machine context checks need. */
export interface Step {
  e: Envelope;
  i: number;
  /** Beacon time when the beacon carries one, else capture time (ms). */
  t: number;
  type: string;
  /** Heartbeat `s:asset:type`; MC/Edge: 'ad' while an ad is open. */
  asset: 'main' | 'ad';
  /** True while an ad is open (after adStart, before adComplete/adSkip). */
  inAd: boolean;
  /** True while an ad break is open (MC/Edge). */
  inBreak: boolean;
  /** Main-content state before this event. */
  stateBefore: MediaState;
  isPing: boolean;
  playhead: number | null;
  /**
   * MC/Edge: a main `play` outside an ad while a break is still open. Main content resuming ends the break
   * implicitly (ADBREAK_NOT_CLOSED reports it once, here); the state machine leaves the break after it,
   * so later main pings are not judged as "in the break" (one fault, one finding).
   */
  endsBreak?: boolean;
}

export interface AnnotatedSession {
  session: Session;
  steps: Step[];
  /** Content type (vod/live/linear…) and length from the start event. */
  contentType: string | null;
  lengthS: number | null;
  /** The session's parameter shapes, and each event's (same index as `session.events`). */
  shapes: ParamShape[];
  shapeOf: ParamShape[];
}

/** Defines a check; `run` sees its own parameter type, the registry sees the common shape. */
export function defineCheck<P extends z.ZodTypeAny>(def: CheckInput<P>): CheckDef {
  return { ...def, codes: def.codes.map((c) => c.code), codeDefs: def.codes } as unknown as CheckDef;
}
