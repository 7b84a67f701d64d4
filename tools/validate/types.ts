import type { z } from 'zod';
import type { Envelope } from '../envelope/index.js';
import type { Capture, Session } from '../session/index.js';

export interface Hit {
  code: string;
  event: Envelope | null;
  message: string;
  expected?: string;
  observed?: string;
}

export type CheckResult = { status: 'abstain'; reason: string } | { status: 'ran'; hits: Hit[] };

export interface CaptureView {
  capture: Capture;
  /** Heartbeat session ids of the capture (to tell whose AA media hits are whose). */
  heartbeatSids: Set<string>;
  cnames: { aa: string[]; heartbeat: string[]; 'media-collection': string[]; edge: string[] };
  /** Dictionary types (param → type) for checks scoped with `requires.dict`. */
  dictionary?: Map<string, string>;
}

export interface CheckDef<P extends z.ZodTypeAny = z.ZodTypeAny> {
  id: string;
  codes: string[];
  /** Session protocols the check can judge; others ABSTAIN. */
  protocols: Session['protocol'][];
  params: P;
  run(session: AnnotatedSession, view: CaptureView, params: z.infer<P>): CheckResult;
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
}

export interface AnnotatedSession {
  session: Session;
  steps: Step[];
  /** Content type (vod/live/linear…) and length from the start event. */
  contentType: string | null;
  lengthS: number | null;
}

/** Identity helper so each check's `run` sees its own parameter type. */
export function defineCheck<P extends z.ZodTypeAny>(def: CheckDef<P>): CheckDef {
  return def as unknown as CheckDef;
}
