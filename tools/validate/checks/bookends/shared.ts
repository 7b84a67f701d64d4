import { z } from 'zod';
import type { AnnotatedSession, CaptureView, Step } from '../../types.js';

export const NONE = z.object({}).strict();
export const isStart = (s: Step) => (s.type === 'sessionStart' && s.asset === 'main') || s.type === 'resume';
export const isClose = (s: Step) => s.type === 'sessionComplete' || s.type === 'sessionEnd';

/** The capture ran on for at least `gapMs` after the session's last event (so "not closed" is knowable). */
export function captureContinued(a: AnnotatedSession, v: CaptureView, gapMs = 30_000): boolean {
  const last = a.steps[a.steps.length - 1];
  return v.capture.endMs !== null && last !== undefined && v.capture.endMs - last.e.ts_ms >= gapMs;
}
