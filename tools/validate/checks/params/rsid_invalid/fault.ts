import type { CaptureCtx } from '../../../../simulate/render-media.js';

/** Every Analytics hit carries a broken report suite (an unresolved Tags data element, a display name). */
export function unresolvedRsid(ctx: CaptureCtx): void {
  ctx.aaRsidOverride = ctx.rng.pick(['%rsid%', 'Acme Prod', '']);
  ctx.notes.push(
    `report suite "${ctx.aaRsidOverride}" on every Analytics hit (unresolved Tags data element)`,
  );
}
