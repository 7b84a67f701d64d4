import type { Platform } from '../envelope/index.js';

/**
 * One platform signal of one beacon (docs/reference/wire-formats.md §6). Confidence is 0–1; the session-level fingerprint
 * combines signals across beacons, `resolvePlatform` picks the best one for a single beacon.
 */
export interface PlatformSignal {
  platform: Platform;
  confidence: number;
  /** Which signal spoke, e.g. `aa-token`, `hb-version`, `impl-name`, `os-version`, `ua`. */
  signal: string;
}

/** Library identity decoded from an AA version token (wire-formats.md §2.2). */
export interface AaLibrary {
  /** `appmeasurement-js`, `aep-analytics`, `adbmobile-android`, `adbmobile-roku`, … */
  library: string;
  /** Adobe library version (`2.23.0`, Analytics extension `3.0.2`, `H.24.4`), null when unknown. */
  version: string | null;
  platform: Platform;
  /** AEP Mobile Core version (`{OS}{W}{AAAAAA}{CCCCCC}` tokens only). */
  coreVersion: string | null;
  /** AEP wrapper letter (`N` none, `R` React Native, …) or JS tag-container marker (`LDQM`). */
  marker: string | null;
}

const NONE: PlatformSignal = { platform: 'unknown', confidence: 0, signal: 'none' };

function sixDigitVersion(s: string): string | null {
  if (s === '000000' || !/^\d{6}$/.test(s)) return null;
  return `${Number(s.slice(0, 2))}.${Number(s.slice(2, 4))}.${Number(s.slice(4, 6))}`;
}

/** Decodes an AA path version token (wire-formats.md §2.2); null when the token matches no known library. */
export function parseAaVersionToken(token: string): AaLibrary | null {
  let m = /^JS-(\d+\.\d+\.\d+)(?:T\w*)?(?:-(\w+))?$/.exec(token);
  if (m)
    return {
      library: 'appmeasurement-js',
      version: m[1],
      platform: 'web',
      coreVersion: null,
      marker: m[2] ?? null,
    };
  m = /^(AND|IOS|TOS|WOS)([A-Z])(\d{6})(\d{6})$/.exec(token);
  if (m) {
    const platform: Platform =
      m[1] === 'AND' ? 'android' : m[1] === 'IOS' ? 'ios' : m[1] === 'TOS' ? 'tvos' : 'unknown';
    return {
      library: 'aep-analytics',
      version: sixDigitVersion(m[3]),
      platform,
      coreVersion: sixDigitVersion(m[4]),
      marker: m[2],
    };
  }
  m = /^JAVA-(\d+\.\d+\.\d+)-AN$/.exec(token);
  if (m)
    return {
      library: 'adbmobile-android',
      version: m[1],
      platform: 'android',
      coreVersion: null,
      marker: null,
    };
  m = /^BS-(\d+\.\d+\.\d+)$/.exec(token);
  if (m)
    return { library: 'adbmobile-roku', version: m[1], platform: 'roku', coreVersion: null, marker: null };
  m = /^cc-js-(\d+\.\d+\.\d+)(?:-(\w+))?$/.exec(token);
  if (m)
    return {
      library: 'adbmobile-chromecast',
      version: m[1],
      platform: 'chromecast',
      coreVersion: null,
      marker: m[2] ?? null,
    };
  m = /^H\.\d+(?:\.\d+)*$/.exec(token);
  if (m)
    return { library: 'appmeasurement-h', version: token, platform: 'web', coreVersion: null, marker: null };
  m = /^G\.\d+/.exec(token);
  if (m)
    return { library: 'appmeasurement-g', version: token, platform: 'web', coreVersion: null, marker: null };
  m = /^FAS-(\d+\.\d+\.\d+)(?:-(\w+))?$/.exec(token);
  if (m)
    return {
      library: 'appmeasurement-flash',
      version: m[1],
      platform: 'web',
      coreVersion: null,
      marker: m[2] ?? null,
    };
  return null;
}

/** AA version token signal: the strongest AA clue. */
export function platformFromAaToken(token: string | null | undefined): PlatformSignal {
  if (!token) return NONE;
  const lib = parseAaVersionToken(token);
  if (!lib || lib.platform === 'unknown') return NONE;
  // Flash AppMeasurement also ran in AIR apps; H/G code is browser-only.
  return {
    platform: lib.platform,
    confidence: lib.library === 'appmeasurement-flash' ? 0.5 : 0.95,
    signal: 'aa-token',
  };
}

/** Legacy heartbeat `s:sp:hb_version` prefix (wire-formats.md §3.6). */
export function platformFromHbVersion(v: string | null | undefined): PlatformSignal {
  if (!v) return NONE;
  const p = v.slice(0, v.indexOf('-') + 1).toLowerCase();
  const platform: Platform | null =
    p === 'js-'
      ? 'web'
      : p === 'android-'
        ? 'android'
        : p === 'roku-'
          ? 'roku'
          : p === 'ios-'
            ? 'ios'
            : p === 'tvos-'
              ? 'tvos'
              : null;
  return platform ? { platform, confidence: 0.95, signal: 'hb-version' } : NONE;
}

/** Media Collection `media.libraryVersion` (wire-formats.md §4.5). */
export function platformFromLibraryVersion(v: string | null | undefined): PlatformSignal {
  if (!v) return NONE;
  const s = v.toLowerCase();
  let platform: Platform | null = null;
  if (s.startsWith('android-')) platform = 'android';
  else if (s.startsWith('ios-')) platform = 'ios';
  else if (s.startsWith('tvos-')) platform = 'tvos';
  else if (s.startsWith('cc-js-')) platform = 'chromecast';
  else if (s.startsWith('roku-')) platform = 'roku';
  else if (s.startsWith('js-')) platform = 'web';
  return platform ? { platform, confidence: 0.95, signal: 'library-version' } : NONE;
}

/** Edge `implementationDetails.name` (wire-formats.md §5.4). */
export function platformFromImplementationName(name: string | null | undefined): PlatformSignal {
  if (!name) return NONE;
  const s = name.toLowerCase();
  let platform: Platform | null = null;
  if (s.includes('/experience/alloy')) platform = 'web';
  else if (s.includes('/mobilesdk/android')) platform = 'android';
  else if (s.includes('/mobilesdk/ios')) platform = 'ios';
  else if (s.includes('/mobilesdk/tvos')) platform = 'tvos';
  else if (s.includes('/mobilesdk/roku')) platform = 'roku';
  return platform ? { platform, confidence: 0.95, signal: 'impl-name' } : NONE;
}

/** AA mobile context `a.OSVersion` (`Android 14`, `iOS 17.2`, `tvOS 17.2`, `Roku 12.5.0-4178`). */
export function platformFromOsVersion(os: string | null | undefined): PlatformSignal {
  if (!os) return NONE;
  const s = os.toLowerCase();
  let platform: Platform | null = null;
  if (s.startsWith('android')) platform = 'android';
  else if (s.startsWith('tvos')) platform = 'tvos';
  else if (s.startsWith('ios') || s.startsWith('ipados')) platform = 'ios';
  else if (s.startsWith('roku')) platform = 'roku';
  return platform ? { platform, confidence: 0.8, signal: 'os-version' } : NONE;
}

/** User-Agent patterns (wire-formats.md §6). Browser UAs (also on phones) are `web`; SDK templates end after the first `)`. */
export function platformFromUa(ua: string | null | undefined): PlatformSignal {
  if (!ua) return NONE;
  if (ua.startsWith('Roku/') || ua.includes('Roku/DVP'))
    return { platform: 'roku', confidence: 0.9, signal: 'ua' };
  if (ua.includes('CrKey')) return { platform: 'chromecast', confidence: 0.9, signal: 'ua' };
  if (ua.includes('AppleTV') || ua.includes('Apple TV') || ua.includes('tvOS')) {
    return { platform: 'tvos', confidence: 0.8, signal: 'ua' };
  }
  const browser =
    ua.includes('AppleWebKit') ||
    ua.includes('Gecko/') ||
    ua.includes('Firefox/') ||
    ua.includes('Trident/') ||
    ua.includes('Presto/');
  if (browser) return { platform: 'web', confidence: 0.7, signal: 'ua' };
  if (ua.includes('Android')) {
    // AEP / ADBMobile template: `Mozilla/5.0 (Linux; U; Android 14; en-US; Pixel 7 Build/…)`; Dalvik/okhttp: app stacks.
    return {
      platform: 'android',
      confidence: ua.startsWith('Mozilla/5.0 (Linux; U; Android') ? 0.85 : 0.7,
      signal: 'ua',
    };
  }
  if (ua.startsWith('Dalvik/') || ua.startsWith('okhttp/'))
    return { platform: 'android', confidence: 0.6, signal: 'ua' };
  if (
    (ua.includes('(iPhone;') || ua.includes('(iPad;') || ua.includes('(iPod')) &&
    ua.includes('like Mac OS X')
  ) {
    return { platform: 'ios', confidence: 0.85, signal: 'ua' };
  }
  if (ua.includes('CFNetwork/')) return { platform: 'ios', confidence: 0.4, signal: 'ua' };
  return NONE;
}

/**
 * Picks the most confident signal. `notWeb` (AA zero-date `t`, i.e. a mobile/OTT SDK sent it) drops
 * weak `web` signals (a browser-looking UA of a web view, a real-date guess).
 */
export function resolvePlatform(signals: readonly PlatformSignal[], notWeb = false): PlatformSignal {
  let best = NONE;
  for (const s of signals) {
    if (s.platform === 'unknown') continue;
    if (notWeb && s.platform === 'web' && s.confidence < 0.9) continue;
    if (s.confidence > best.confidence) best = s;
  }
  return best;
}

/** First `x.y.z` in a version string (`js-2.2.2.230-96e624` → `2.2.2`), null when none. */
export function semverOf(v: string | null | undefined): string | null {
  if (!v) return null;
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : null;
}
