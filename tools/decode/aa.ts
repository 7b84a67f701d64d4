import { newParams } from '../envelope/params.js';
import type { Envelope, EventType } from '../envelope/index.js';
import { type EntryInput, newEnvelope, num, str } from './envelope-base.js';
import {
  parseAaVersionToken,
  platformFromAaToken,
  platformFromOsVersion,
  platformFromUa,
  resolvePlatform,
  type PlatformSignal,
} from './platform.js';
import { decodeComponent, parseAaQuery } from './query.js';

/** The `/b/ss/{rsidList}/{hitSource}/{versionToken}/s{rand}` path (wire-formats.md §2.1); every part may be missing. */
export interface AaPath {
  rsid: string | null;
  hitSource: string | null;
  versionToken: string | null;
}

export function parseAaPath(path: string): AaPath {
  const at = path.indexOf('/b/ss/');
  const segs = at >= 0 ? path.slice(at + 6).split('/') : [];
  const rsid = segs[0] ? decodeComponent(segs[0]) : null;
  const hitSource = segs[1] ? decodeComponent(segs[1]) : null;
  let versionToken: string | null = null;
  const third = segs[2];
  // `/b/ss/rsid/1/s123` (token omitted, random present) vs `/b/ss/rsid/1/JS-2.22.0/s123`.
  if (third && !(segs.length === 3 && /^s\d+$/.test(third))) versionToken = decodeComponent(third);
  return { rsid, hitSource, versionToken };
}

const DIM_KEYS: ReadonlySet<string> = (() => {
  const s = new Set(['pageName', 'pageType', 'events', 'products', 'ch', 'server']);
  for (let i = 0; i <= 250; i++) s.add(`v${i}`);
  for (let i = 1; i <= 75; i++) s.add(`c${i}`);
  for (let i = 1; i <= 5; i++) s.add(`h${i}`);
  for (let i = 1; i <= 3; i++) s.add(`l${i}`);
  return s;
})();

/** Event type from `pe` / `pev2` (wire-formats.md §2.6, §2.7). */
export function aaEventType(
  pe: string | undefined,
  pev2: string | undefined,
): { type: EventType; raw: string | null } {
  if (pe === 'ms_s' || pe === 'msp_s') return { type: 'aaMediaStart', raw: pe };
  if (pe === 'msa_s' || pe === 'mspa_s') return { type: 'aaAdStartHit', raw: pe };
  if (pe === 'm_s' || pe === 'm_i') return { type: 'aaMediaMilestone', raw: pe };
  if (pev2 !== undefined) {
    if (pev2.startsWith('ADBINTERNAL:')) return { type: 'lifecycle', raw: pev2 };
    if (pev2.startsWith('AMACTION:')) return { type: 'appAction', raw: pev2 };
  }
  if (pe !== undefined && pe !== '') return { type: 'linkClick', raw: pe };
  return { type: 'pageView', raw: null };
}

/** `t` = `dd/m/yyyy hh:mm:ss w offsetMin` (month 0-based, offset = minutes west of GMT). */
export function parseAaLocalTime(t: string | undefined): { zeroDate: boolean; epochMs: number | null } {
  if (!t) return { zeroDate: false, epochMs: null };
  if (t.startsWith('00/00/0000')) return { zeroDate: true, epochMs: null };
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{1,2}):(\d{1,2}) \d (-?\d+)$/.exec(t);
  if (!m) return { zeroDate: false, epochMs: null };
  const local = Date.UTC(+m[3], +m[2], +m[1], +m[4], +m[5], +m[6]);
  return { zeroDate: false, epochMs: local + Number(m[7]) * 60_000 };
}

/** App version from `a.AppID` = `Name Version (Build)` (wire-formats.md §2.7). */
export function appVersionFromAppId(appId: string | undefined): string | null {
  if (!appId) return null;
  const m = /(\d+(?:\.\d+)+)(?:\s*\([^)]*\))?\s*$/.exec(appId);
  return m ? m[1] : null;
}

/** One AA hit (GET query, POST form body, sendBeacon POST with query in the URL) → one envelope. */
export function decodeAa(input: EntryInput): Envelope[] {
  const { entry, url } = input;
  const params = newParams<string>();
  if (url.query) parseAaQuery(url.query, params);
  const body = entry.postText;
  if (body) parseAaQuery(body.charCodeAt(0) === 63 /* ? */ ? body.slice(1) : body, params);

  const path = parseAaPath(url.path);
  const lib = path.versionToken ? parseAaVersionToken(path.versionToken) : null;
  const out = params as Record<string, string | number | boolean | null>;
  if (path.versionToken !== null) out._version_token = path.versionToken;
  if (path.hitSource !== null) out._hit_source = path.hitSource;
  if (lib) {
    out._lib = lib.library;
    if (lib.coreVersion) out._lib_core_version = lib.coreVersion;
    if (lib.marker) out._lib_marker = lib.marker;
  }

  const env = newEnvelope(input, 'aa', 'aa', 0, out);
  env.raw.body = body === '' ? null : body;
  const ev = aaEventType(params.pe, params.pev2);
  env.sequence.event_type = ev.type;
  env.sequence.raw_event_type = ev.raw;

  const dims: Record<string, string> = {};
  for (const k in params) if (DIM_KEYS.has(k)) dims[k] = params[k];
  env.dims = dims;

  env.actor.ecid = params.mid || null;
  env.actor.rsid = path.rsid;
  env.actor.org_id = params.mcorgid || null;
  env.sdk_version = lib?.version ?? null;
  env.app_version = str(params['c.a.media.sdkVersion']) ?? appVersionFromAppId(params['c.a.AppID']);

  // Media hits (wire-formats.md §2.6): content fields under c.a.media.*, session id = a.media.vsid.
  if (ev.type === 'aaMediaStart' || ev.type === 'aaAdStartHit' || ev.type === 'aaMediaMilestone') {
    env.asset.type = str(params['c.a.contentType']);
    env.asset.id = str(params['c.a.media.name']);
    env.asset.name = str(params['c.a.media.friendlyName']);
    env.asset.length_s = num(params['c.a.media.length']);
    env.session_id = str(params['c.a.media.vsid']);
    env.sequence.asset_type = ev.type === 'aaAdStartHit' ? 'ad' : ev.type === 'aaMediaStart' ? 'main' : null;
  }

  const t = parseAaLocalTime(params.t);
  const tsParam = num(params.ts);
  env.beacon_ts_ms = tsParam !== null ? (tsParam < 1e11 ? tsParam * 1000 : tsParam) : t.epochMs;

  const signals: PlatformSignal[] = [
    platformFromAaToken(path.versionToken),
    platformFromOsVersion(params['c.a.OSVersion']),
    platformFromUa(input.ua),
  ];
  if (!t.zeroDate && (params.AQB !== undefined || params.bw !== undefined || t.epochMs !== null)) {
    signals.push({ platform: 'web', confidence: 0.5, signal: 'browser-params' });
  }
  const best = resolvePlatform(signals, t.zeroDate);
  env.platform = best.platform;
  if (best.platform !== 'unknown') out._platform_signal = best.signal;
  return [env];
}
