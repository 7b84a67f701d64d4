import type { LibraryInfo } from './libraries.js';
import type { CaptureCtx, SessionRender } from './render-media.js';
import type { Rng } from '../util/rng.js';
import type { MediaTimeline, MEvent, Needs } from './timeline.js';
import type { MediaProtocol, Scenario } from './types.js';

/** A timeline fault's result: the truth note and the events where the violation first shows. */
export interface TimelineFaultResult {
  note: string;
  /** Events the check must fire on (marked, so fixtures can say which entry must fire). */
  at: MEvent[];
}

/** Edits a clean timeline so it carries the fault; null when this timeline offers no place for it. */
export type TimelineFault = (
  tl: MediaTimeline,
  rng: Rng,
  ctx: { protocol: MediaProtocol; roku: boolean },
) => TimelineFaultResult | null;

/**
 * How the simulator injects a check's violation, declared in the check's definition (the check folder's
 * `fault.ts`). `timeline` faults edit the protocol-neutral event list; `render` faults are wire edits the
 * media renderers make when `SessionRender.fault` names the code; `page` faults are wire edits on page/app
 * hits (tools/simulate/render-page.ts).
 */
export interface FaultDef {
  where: 'timeline' | 'render' | 'page';
  /** Media protocols whose sessions can carry it; 'page' = page/app hits of any capture. */
  protocols: (MediaProtocol | 'page')[];
  /** What the clean timeline must offer first (a long stretch of pings, a preroll…). */
  needs?: Needs;
  /** Extra scenario constraint (library page style, platform). */
  ok?: (s: Scenario, lib: LibraryInfo) => boolean;
  /** Page faults in a capture with a media session: whether the fault lands on page/app hits (default yes). */
  onPage?: (s: Scenario) => boolean;
  /** Timeline faults: the edit. */
  inject?: TimelineFault;
  /** Page faults applied through the capture context (every Analytics hit) instead of one page hit. */
  prepare?: (ctx: CaptureCtx) => void;
  /** Render faults: work before the session renders (e.g. a stray client-side Analytics hit). */
  beforeRender?: (ctx: CaptureCtx, s: SessionRender, scenario: Scenario) => void;
  /** Render faults: the truth note once the session is rendered (null: none for this protocol). */
  note?: (protocol: MediaProtocol, s: SessionRender) => string | null;
  /** Render faults that show on the session's start request (a missing or mistyped start parameter). */
  marksStart?: boolean;
  /** Truth note when nothing more specific was recorded. */
  describe?: string;
  /** Only visible when the capture goes on ≥ 45 s after the session (not closed, events after close). */
  captureGoesOn?: boolean;
  /** A proxy burst boundary could split the violation (a double-fired hit): no bursts in this capture. */
  noBursts?: boolean;
}
