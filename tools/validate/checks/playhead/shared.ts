import type { Step } from '../../types.js';

/** A seek shows as pause/buffer before the jump. */
export const SEEK_STATES = new Set(['paused', 'buffering']);

/** Playhead movement between two events; a live second-of-day playhead wraps at midnight. */
export function playheadStep(from: number, to: number): number {
  return from > 86_000 && to < 400 ? 86_400 - from + to : to - from;
}

/** Main-content events that carry the main playhead. */
export function mainSteps(steps: Step[], hb: boolean): Step[] {
  return steps.filter((s) => s.playhead !== null && (hb ? s.asset === 'main' : true));
}
