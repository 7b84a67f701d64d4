// Everything the encoders need to know about one media session besides its events.

import type { AaClient } from './analytics.js';
import type { Brand } from './catalog.js';
import type { MediaLib, Platform, Protocol } from './model.js';
import type { Content } from './plan.js';
import type { Rng } from './prng.js';

export interface SessionCtx {
  rng: Rng;
  protocol: Protocol;
  platform: Platform;
  lib: MediaLib;
  brand: Brand;
  /** Native media session id: heartbeat `s:event:sid`, Media Collection sid, Edge `sessionID`. */
  sid: string;
  ecid: string;
  content: Content;
  appVersion: string | null;
  playerName: string;
  channel: string;
  ua: string;
  web?: { pageUrl: string; origin: string };
  hosts: { hb: string; mc: string; edge: string; aaTracking: string };
  /** Edge location hint the media calls carry in their path (`/ee/{hint}/va/v1/…`). */
  edgeHint: string | null;
  configId: string;
  /** Analytics client for the heartbeat-era `ms_s` / `msa_s` calls (and stray ones on newer SDKs). */
  aa: AaClient | null;
  rsid: string;
  customMetadata: Record<string, string>;
  /** Real seconds → on-the-wire playhead (live: second of day). */
  livePlayheads: boolean;
}

/** Main-content playhead as the wire carries it: live streams report the second of the day. */
export function wirePlayhead(ctx: SessionCtx, ph: number): number {
  if (ctx.livePlayheads && ph >= 0 && ph < 1e8) return ((ph % 86_400) + 86_400) % 86_400;
  return ph;
}
