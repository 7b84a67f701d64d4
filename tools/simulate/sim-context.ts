import type { FailCode } from '../codes/catalog.js';
import type { LibraryInfo } from './libraries.js';
import type { Rng } from '../util/rng.js';
import type { MediaTimeline } from './timeline.js';
import type { Platform, SimRequest } from './types.js';

/** What every renderer shares: the capture context, the media asset, the session being rendered. */

export interface Customer {
  key: string; // acme
  site: string; // www.acme.com
  brand: string; // Acme
}

/** Everything a capture shares across its requests. */
export interface CaptureCtx {
  rng: Rng;
  lib: LibraryInfo;
  platform: Platform;
  cust: Customer;
  ecid: string;
  altEcid: string;
  orgId: string;
  rsid: string;
  aaHost: string;
  aaToken: string;
  hbHost: string;
  mcHost: string;
  edgeHost: string;
  edgeHint: string;
  configId: string;
  ua: string;
  appName: string;
  appVersion: string;
  tzOffsetMin: number;
  fault?: FailCode;
  out: SimRequest[];
  seq: number;
  /** Page-level AA overrides (faults). */
  aaRsidOverride?: string;
  aaNoMid?: boolean;
  /** Web Edge: identity established (cookie state) after the first interact. */
  edgeIdentityKnown: boolean;
  aaid: string;
  fid: string;
  notes: string[];
}

export interface MediaAsset {
  id: string;
  name: string;
  show: string;
  season: string;
  episode: string;
  genre: string;
  channel: string;
  network: string;
  rating: string;
}

export function push(ctx: CaptureCtx, r: Omit<SimRequest, 'seq'>): SimRequest {
  const req = { ...r, seq: ctx.seq++ } as SimRequest;
  ctx.out.push(req);
  return req;
}

export function baseHeaders(ctx: CaptureCtx, extra: [string, string][] = []): [string, string][] {
  const h: [string, string][] = [['User-Agent', ctx.ua]];
  if (ctx.platform === 'web') {
    h.push(
      ['Accept', '*/*'],
      ['Accept-Language', 'en-US,en;q=0.9'],
      ['Accept-Encoding', 'gzip, deflate, br'],
    );
    h.push(['Origin', `https://${ctx.cust.site}`], ['Referer', `https://${ctx.cust.site}/watch`]);
  } else if (ctx.platform === 'roku') {
    h.push(['Accept', '*/*']);
  } else {
    h.push(['Accept-Language', 'en-US'], ['Accept-Encoding', 'gzip']);
  }
  return [...h, ...extra];
}

export const noBodyRes = (ctx: CaptureCtx): [string, string][] => [
  ['Date', ''],
  ['Content-Length', '0'],
  ...(ctx.platform === 'web'
    ? ([
        ['Access-Control-Allow-Origin', `https://${ctx.cust.site}`],
        ['Access-Control-Allow-Credentials', 'true'],
      ] as [string, string][])
    : []),
];

export interface SessionRender {
  sid: string;
  asset: MediaAsset;
  tl: MediaTimeline;
  /** Session-level fault to render (null for clean sessions). */
  fault: FailCode | null;
  resume?: boolean;
  notes: string[];
  /** The fault shows on the session's start request: the renderer marks it (spec fixtures annotate it). */
  markStart?: boolean;
}
