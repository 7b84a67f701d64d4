import type { CaptureCtx } from '../../../../simulate/render-media.js';

/** Analytics hits without mid: the ECID service never answered (an ad blocker). */
export function noMid(ctx: CaptureCtx): void {
  ctx.aaNoMid = true;
  ctx.notes.push('no mid on Analytics hits: the ECID service never answered (ad blocker)');
}
