import type { Envelope } from '../envelope/index.js';
import type { SessionProtocol } from '../session/types.js';
import { versionCore } from './version.js';

export interface SessionFingerprint {
  platform: string;
  /** Comparable core (`2.2.2.230`): what scopes, reports and the site use. */
  sdk_version: string | null;
  /** The library version exactly as the wire spelled it (`js-2.2.2.230-96e624`). */
  sdk_version_raw: string | null;
  app_version: string | null;
  confidence: number;
  signals: string[];
}

function mostCommon(values: (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  let n = 0;
  for (const [v, c] of counts) if (c > n) [best, n] = [v, c];
  return best;
}

/**
 * (platform, sdk_version, confidence) for one session from explicit signals first (docs/reference/wire-formats.md §6): the
 * library version the protocol carries (hb_version, libraryVersion, implementationDetails, AA token),
 * platforms the decoders derived per beacon from those and the User-Agent, then the capture's context.
 */
export function fingerprintSession(
  events: Envelope[],
  protocol: SessionProtocol,
  capturePlatform: string | null,
): SessionFingerprint {
  const signals: string[] = [];
  const sdk_version_raw = mostCommon(events.map((e) => e.sdk_version));
  const sdk_version = versionCore(sdk_version_raw);
  const app_version = mostCommon(events.map((e) => e.app_version));
  const platform = mostCommon(events.map((e) => (e.platform === 'unknown' ? null : e.platform)));
  let confidence = 0.2;
  if (sdk_version) {
    signals.push(
      `${protocol} library version ${sdk_version}${sdk_version_raw !== sdk_version ? ` (wire: ${sdk_version_raw})` : ''}`,
    );
    confidence = 0.7;
  }
  if (platform) {
    signals.push(`beacon platform signals → ${platform}`);
    confidence += sdk_version ? 0.25 : 0.4;
    return {
      platform,
      sdk_version,
      sdk_version_raw,
      app_version,
      confidence: Math.min(0.98, confidence),
      signals,
    };
  }
  if (capturePlatform) {
    signals.push(`capture context (other beacons / User-Agent) → ${capturePlatform}`);
    return {
      platform: capturePlatform,
      sdk_version,
      sdk_version_raw,
      app_version,
      confidence: Math.min(0.9, confidence + 0.1),
      signals,
    };
  }
  signals.push('no platform signal');
  return {
    platform: 'unknown',
    sdk_version,
    sdk_version_raw,
    app_version,
    confidence: Math.min(confidence, 0.5),
    signals,
  };
}
