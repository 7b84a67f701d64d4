import { newParams } from '../envelope/params.js';
import type { Envelope, EventType, ParamValue } from '../envelope/index.js';
import { DecodeFailure, type EntryInput, newEnvelope, num, str } from './envelope-base.js';
import { platformFromHbVersion, platformFromUa, resolvePlatform, semverOf } from './platform.js';
import { decodeComponent, setParam } from './query.js';

/**
 * Parses a legacy heartbeat query (wire-formats.md §3.2): `{type}:{realm}:{name}={value}`. `l:` (long) and `h:`
 * (hint) values become numbers when numeric; a non-numeric value stays the raw string so the
 * validator can report PARAM_TYPE_MISMATCH. `s:` values stay strings.
 */
export function parseHeartbeatQuery(qs: string): Record<string, ParamValue> {
  const out = newParams<ParamValue>();
  const n = qs.length;
  let start = 0;
  while (start <= n) {
    let end = qs.indexOf('&', start);
    if (end < 0) end = n;
    if (end > start) {
      const eq = qs.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      const key = decodeComponent(qs.slice(start, hasValue ? eq : end));
      if (key !== '') {
        const raw = hasValue ? decodeComponent(qs.slice(eq + 1, end)) : '';
        const c0 = key.charCodeAt(0);
        if ((c0 === 108 /* l */ || c0 === 104) /* h */ && key.charCodeAt(1) === 58 /* : */ && raw !== '') {
          const v = Number(raw);
          setParam(out, key, Number.isFinite(v) && raw.trim() === raw ? v : raw);
        } else {
          setParam(out, key, raw);
        }
      }
    }
    start = end + 1;
  }
  return out;
}

/** `s:event:type` + `s:asset:type` → vocabulary (wire-formats.md §3.3, §8). Unknown names map to `other`. */
export function heartbeatEventType(type: string, assetType: string | null): EventType {
  const ad = assetType === 'ad';
  switch (type) {
    case 'start':
      return ad ? 'adStart' : 'sessionStart';
    case 'complete':
      return ad ? 'adComplete' : 'sessionComplete';
    case 'skip':
      // VHL sends `skip` for ad skips; a main-content skip has no vocabulary entry.
      return assetType === 'main' ? 'other' : 'adSkip';
    case 'end':
      return 'sessionEnd';
    case 'play':
    case 'pause':
    case 'buffer':
    case 'stall':
    case 'error':
    case 'resume':
      return type;
    case 'aa_start':
      return 'aaStart';
    case 'aa_ad_start':
      return 'aaAdStart';
    case 'chapter_start':
      return 'chapterStart';
    case 'chapter_complete':
      return 'chapterComplete';
    case 'chapter_skip':
      return 'chapterSkip';
    case 'bitrate_change':
      return 'bitrateChange';
    default:
      return 'other';
  }
}

function platformOf(input: EntryInput, hbVersion: string | null) {
  return resolvePlatform([platformFromHbVersion(hbVersion), platformFromUa(input.ua)]);
}

/** One heartbeat ping (`GET {ns}.hb.omtrdc.net/?s:…`) → one envelope. */
export function decodeHeartbeat(input: EntryInput): Envelope[] {
  const { url, entry } = input;
  const qs = url.query ?? '';
  // Pings are GETs; tolerate a client that POSTs the same form in the body.
  const params = parseHeartbeatQuery(qs !== '' ? qs : (entry.postText ?? ''));
  const type = str(params['s:event:type']);
  if (type === null) throw new DecodeFailure('heartbeat call without s:event:type');

  const env = newEnvelope(input, 'heartbeat', 'heartbeat', 0, params);
  const assetType = str(params['s:asset:type']);
  env.sequence.event_type = heartbeatEventType(type, assetType);
  env.sequence.raw_event_type = type;
  env.sequence.asset_type = assetType === 'main' || assetType === 'ad' ? assetType : null;
  env.sequence.playhead_s = num(params['l:event:playhead']);
  const duration = params['l:event:duration'];
  env.sequence.delta_s = typeof duration === 'number' ? duration / 1000 : null;
  env.beacon_ts_ms = typeof params['l:event:ts'] === 'number' ? params['l:event:ts'] : null;
  env.session_id = str(params['s:event:sid']);

  const hbVersion = str(params['s:sp:hb_version']);
  env.sdk_version = hbVersion;
  const semver = semverOf(hbVersion);
  if (semver) params._lib_semver = semver;
  env.app_version = str(params['s:sp:sdk']);

  env.actor.ecid = str(params['s:user:mid']);
  env.actor.rsid = str(params['s:sc:rsid']);
  const publisher = str(params['s:asset:publisher']);
  env.actor.org_id = publisher !== null && publisher.endsWith('@AdobeOrg') ? publisher : null;

  env.asset.type = str(params['s:stream:type']);
  env.asset.id = str(params['s:asset:video_id']);
  env.asset.name = str(params['s:asset:name']);
  const len = params['l:asset:length'] ?? params['l:asset:duration'];
  env.asset.length_s = typeof len === 'number' ? len : null;

  const p = platformOf(input, hbVersion);
  env.platform = p.platform;
  if (p.platform !== 'unknown') params._platform_signal = p.signal;
  return [env];
}

/** Settings / check-status call (`/settings/{publisher}.xml?r=…`) → one `settings` envelope. */
export function decodeHeartbeatSettings(input: EntryInput): Envelope[] {
  const env = newEnvelope(input, 'heartbeat-settings', 'heartbeat', 0);
  const params = input.url.query ? parseHeartbeatQuery(input.url.query) : newParams<ParamValue>();
  const file = input.url.path.slice(input.url.path.lastIndexOf('/') + 1);
  params._settings_publisher = decodeComponent(file.replace(/\.xml$/, ''));
  const r = num(params.r);
  env.beacon_ts_ms = r;
  env.sequence.event_type = 'settings';
  env.sequence.raw_event_type = 'settings';
  const p = resolvePlatform([platformFromUa(input.ua)]);
  env.platform = p.platform;
  env.params = params;
  return [env];
}
