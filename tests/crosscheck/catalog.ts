// Libraries, brands and clients the corpus is made of.
//
// Version strings marked "verbatim" are the ones Adobe's public SDK code and samples show:
// - legacy heartbeat `s:sp:hb_version`: `js-2.2.2.230-96e624` (Media SDK JS 2.2.2), `js-n-1.6.9.113-3dff70`
//   (VHL JS 1.6.9 sample URL in the omnibug tests), `android-2.2.4.229-765fa5` (MediaSDK.jar),
//   `roku-2.2.7.17-e0ed47` (adbmobile.brs) — https://github.com/Adobe-Marketing-Cloud/media-sdks,
//   https://github.com/MisterPhilip/omnibug
// - Media Collection `media.libraryVersion`: `js-3.1.0` (Media JS 3.x), `android-media-{v}`, `ios-media-{v}`,
//   `tvos-media-{v}` (https://github.com/adobe/aepsdk-media-android, https://github.com/adobe/aepsdk-media-ios)
// - Edge `implementationDetails`: `https://ns.adobe.com/experience/alloy` + alloy version,
//   `…/mobilesdk/{android|ios|tvos}` + `{core}+{edge}`, `…/mobilesdk/roku` + SDK version
//   (https://github.com/adobe/alloy, https://github.com/adobe/aepsdk-edge-android, https://github.com/adobe/aepsdk-roku)
// - Analytics path tokens: `JS-2.23.0-LDQM`, `JS-2.22.3-LBWB`, `JS-2.20.0-LBQ1`, `JS-2.1.0-D7QN`, `JAVA-4.17.0-AN`,
//   `BS-2.2.7`, `cc-js-3.0.3-2019815`, and AEP tokens `{OS}{W}{AAAAAA}{CCCCCC}` such as `ANDN030002030300`
//   (https://github.com/adobe/aepsdk-analytics-android AnalyticsVersionProvider).
// The other version numbers are real releases written in the same format.

import type { MediaLib, Platform, Protocol } from './model.js';

interface LibSeed {
  protocol: Protocol;
  platform: Platform;
  raw: string;
  implName?: string;
  adIntervalS: number;
  contentStartResend: boolean;
}

const ALLOY = 'https://ns.adobe.com/experience/alloy';
const MOBILE = 'https://ns.adobe.com/experience/mobilesdk';

const SEEDS: LibSeed[] = [
  // Legacy Video Heartbeat: ad pings every second (granular ad tracking is on by default).
  {
    protocol: 'heartbeat',
    platform: 'web',
    raw: 'js-2.2.2.230-96e624',
    adIntervalS: 1,
    contentStartResend: false,
  },
  {
    protocol: 'heartbeat',
    platform: 'web',
    raw: 'js-n-1.6.9.113-3dff70',
    adIntervalS: 1,
    contentStartResend: false,
  },
  {
    protocol: 'heartbeat',
    platform: 'android',
    raw: 'android-2.2.4.229-765fa5',
    adIntervalS: 1,
    contentStartResend: false,
  },
  {
    protocol: 'heartbeat',
    platform: 'android',
    raw: 'android-n-1.6.9.99-66a549',
    adIntervalS: 1,
    contentStartResend: false,
  },
  {
    protocol: 'heartbeat',
    platform: 'roku',
    raw: 'roku-2.2.7.17-e0ed47',
    adIntervalS: 1,
    contentStartResend: false,
  },
  // Media Collection API: AEP Media and Media JS 3.x ping ads every 10 s unless granular tracking is on.
  {
    protocol: 'media-collection',
    platform: 'web',
    raw: 'js-3.1.0',
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-collection',
    platform: 'web',
    raw: 'js-3.0.0',
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-collection',
    platform: 'android',
    raw: 'android-media-3.1.2',
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-collection',
    platform: 'android',
    raw: 'android-media-3.0.0',
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-collection',
    platform: 'ios',
    raw: 'ios-media-5.0.1',
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-collection',
    platform: 'ios',
    raw: 'ios-media-4.0.0',
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-collection',
    platform: 'tvos',
    raw: 'tvos-media-5.0.1',
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-collection',
    platform: 'tvos',
    raw: 'tvos-media-4.0.0',
    adIntervalS: 10,
    contentStartResend: true,
  },
  // Chromecast 3.x is not in the list of SDKs with a 10 s ad ping, so it keeps the documented 1 s.
  {
    protocol: 'media-collection',
    platform: 'chromecast',
    raw: 'cc-js-3.0.3-2019815',
    adIntervalS: 1,
    contentStartResend: false,
  },
  // Media Edge: Web SDK, mobile Edge Media and the Roku SDK default to 10 s ad pings.
  {
    protocol: 'media-edge',
    platform: 'web',
    raw: '2.20.0',
    implName: ALLOY,
    adIntervalS: 10,
    contentStartResend: false,
  },
  {
    protocol: 'media-edge',
    platform: 'web',
    raw: '2.21.1',
    implName: ALLOY,
    adIntervalS: 10,
    contentStartResend: false,
  },
  {
    protocol: 'media-edge',
    platform: 'web',
    raw: '2.23.0',
    implName: ALLOY,
    adIntervalS: 10,
    contentStartResend: false,
  },
  {
    protocol: 'media-edge',
    platform: 'android',
    raw: '3.3.0+3.0.1',
    implName: `${MOBILE}/android`,
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-edge',
    platform: 'android',
    raw: '3.1.0+3.0.0',
    implName: `${MOBILE}/android`,
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-edge',
    platform: 'ios',
    raw: '5.1.0+5.0.2',
    implName: `${MOBILE}/ios`,
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-edge',
    platform: 'ios',
    raw: '5.0.0+5.0.0',
    implName: `${MOBILE}/ios`,
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-edge',
    platform: 'tvos',
    raw: '5.1.0+5.0.2',
    implName: `${MOBILE}/tvos`,
    adIntervalS: 10,
    contentStartResend: true,
  },
  {
    protocol: 'media-edge',
    platform: 'roku',
    raw: '1.3.0',
    implName: `${MOBILE}/roku`,
    adIntervalS: 10,
    contentStartResend: false,
  },
  {
    protocol: 'media-edge',
    platform: 'roku',
    raw: '1.2.0',
    implName: `${MOBILE}/roku`,
    adIntervalS: 10,
    contentStartResend: false,
  },
];

export function baseLibraries(): MediaLib[] {
  return SEEDS.map((s) => ({
    protocol: s.protocol,
    platform: s.platform,
    raw: s.raw,
    implName: s.implName ?? '',
    contentIntervalS: 10,
    adIntervalS: s.adIntervalS,
    contentStartResend: s.contentStartResend,
    startParams: {},
    overrideNotes: [],
  }));
}

/** How a new version string looks for a protocol/platform, for versions an `--override` introduces. */
export function rawForNewVersion(
  protocol: Protocol,
  platform: Platform,
  version: string,
  hash: string,
): string {
  if (protocol === 'heartbeat') {
    const prefix = platform === 'web' ? 'js' : platform;
    return `${prefix}-${version}-${hash}`;
  }
  if (protocol === 'media-collection') {
    if (platform === 'web') return `js-${version}`;
    if (platform === 'chromecast') return `cc-js-${version}-${hash}`;
    return `${platform}-media-${version}`;
  }
  return version;
}

/** Which protocol/platform pairs exist (the corpus never invents an SDK that does not exist). */
export const PROTOCOL_PLATFORMS: Record<Protocol, readonly (readonly [Platform, number])[]> = {
  heartbeat: [
    ['web', 0.45],
    ['android', 0.25],
    ['roku', 0.3],
  ],
  'media-collection': [
    ['web', 0.4],
    ['android', 0.2],
    ['ios', 0.2],
    ['tvos', 0.1],
    ['chromecast', 0.1],
  ],
  'media-edge': [
    ['web', 0.4],
    ['android', 0.2],
    ['ios', 0.15],
    ['tvos', 0.1],
    ['roku', 0.15],
  ],
};

/** Analytics libraries that send the page/app traffic next to each media library family. */
export function pageAnalyticsTokens(lib: MediaLib): string[] {
  const { protocol, platform, raw } = lib;
  if (platform === 'web') {
    if (protocol === 'heartbeat' && raw.startsWith('js-n-')) return ['JS-2.1.0-D7QN', 'JS-1.4.3-D53O'];
    if (protocol === 'heartbeat') return ['JS-2.17.0', 'JS-2.22.0', 'JS-2.23.0-LDQM', 'JS-2.20.0-LBQ1'];
    return ['JS-2.22.3-LBWB', 'JS-2.23.0-LDQM', 'JS-2.22.0'];
  }
  if (protocol === 'heartbeat' && platform === 'android') return ['JAVA-4.17.0-AN'];
  if (protocol === 'heartbeat' && platform === 'roku') return ['BS-2.2.7'];
  if (platform === 'chromecast') return ['cc-js-3.0.3-2019815'];
  if (platform === 'android') return ['ANDN030002030300', 'ANDR030002030300', 'ANDN030001030100'];
  if (platform === 'ios') return ['IOSN050000050100', 'IOSN040000040000'];
  if (platform === 'tvos') return ['TOSN050000050100'];
  return [];
}

export interface Brand {
  key: string;
  domain: string;
  /** Visitor namespace / heartbeat namespace. */
  ns: string;
  rsid: string;
  rsidGlobal: string;
  orgId: string;
  datastream: string;
  publisher: string;
  title: string;
}

export const BRANDS: Brand[] = [
  ['acme', 'acme.com', 'acme', 'acmeprod', 'acmeglobal', 'Acme TV'],
  ['globex', 'globex.tv', 'globexmedia', 'globexprod', 'globex-global', 'Globex Play'],
  ['initech', 'initech.io', 'initech', 'initech-web-prod', 'initechrollup', 'Initech Stream'],
  ['umbrella', 'umbrella-tv.com', 'umbrellatv', 'umbrellatvprod', 'umbrellaglobal', 'Umbrella TV'],
  ['hooli', 'hooli.xyz', 'hooli', 'hoolixyzprod', 'hooliglobal', 'HooliTube'],
  ['northwind', 'northwind.news', 'northwindnews', 'nwnewsprod', 'nwnews-global', 'Northwind News'],
  ['wayne', 'wayne-ent.com', 'wayneent', 'wayneentprod', 'wayneent_global', 'Wayne+'],
].map(([key, domain, ns, rsid, rsidGlobal, title], i) => ({
  key,
  domain,
  ns,
  rsid,
  rsidGlobal,
  orgId: `${['1A2B3C4D5E6F7A8B9C0D1E2F', '5F4E3D2C1B0A99887766AABB', '0C9B8A7F6E5D4C3B2A190817', '77AA66BB55CC44DD33EE22FF', 'ABCDEF0123456789ABCDEF01', '2468ACE013579BDF2468ACE0', 'FEDCBA9876543210FEDCBA98'][i]}@AdobeOrg`,
  datastream: [
    'b6a1e2f0-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    '3f2e1d0c-9b8a-4f6e-8d5c-4b3a29180706',
    'c0ffee00-1234-4abc-9def-0123456789ab',
    '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    '11223344-5566-4778-899a-abbccddeeff0',
    'deadbeef-0000-4111-a222-333344445555',
    '0f1e2d3c-4b5a-4968-b7a6-958473625140',
  ][i],
  publisher: ns,
  title,
}));

export const BROWSER_UA = {
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87',
  firefox: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0',
  safari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
} as const;

export type Browser = keyof typeof BROWSER_UA;

/** Device user agents (AEP / ADBMobile templates; Roku firmware default; Chromecast receiver). */
export const DEVICE_UA: Record<Exclude<Platform, 'web'>, string[]> = {
  android: [
    'Mozilla/5.0 (Linux; U; Android 14; en-US; Pixel 7 Build/UQ1A.240205.004)',
    'Mozilla/5.0 (Linux; U; Android 13; en-GB; SM-S911B Build/TP1A.220624.014)',
    'Mozilla/5.0 (Linux; U; Android 12; de-DE; Pixel 6 Build/SQ3A.220705.004)',
  ],
  ios: [
    'Mozilla/5.0 (iPhone; CPU OS 17_2 like Mac OS X; en-US)',
    'Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X; en-US)',
    'Mozilla/5.0 (iPhone; CPU OS 16_6 like Mac OS X; fr-FR)',
  ],
  tvos: ['Mozilla/5.0 (Apple TV; CPU OS 17_2 like Mac OS X; en-US)'],
  roku: ['Roku/DVP-14.5 (14.5.0.4126-46)', 'Roku/DVP-12.5 (12.5.0.4178-46)', 'Roku/DVP-9.10 (519.10E04111A)'],
  chromecast: [
    'Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.180 Safari/537.36 CrKey/1.56.500000 DeviceType/Chromecast',
  ],
};

export const PLAYER_NAMES: Record<Platform, string[]> = {
  web: ['HTML5 Player', 'video.js', 'Shaka Player', 'hls.js'],
  android: ['ExoPlayer', 'Media3 ExoPlayer'],
  ios: ['AVPlayer'],
  tvos: ['AVPlayer'],
  roku: ['RokuVideo'],
  chromecast: ['CAF Receiver'],
};

export const SHOWS = [
  ['Harbor Lights', 'Drama'],
  ['The Long Field', 'Documentary'],
  ['Night Kitchen', 'Lifestyle'],
  ['Orbit 9', 'Sci-Fi'],
  ['Quiet Rivers', 'Nature'],
  ['Matchday Live', 'Sports'],
  ['Morning Desk', 'News'],
  ['Paper Cranes', 'Animation'],
] as const;

export const ADVERTISERS = [
  'Acme Motors',
  'Blue Lake Bank',
  'Fizzco',
  'Northstar Air',
  'Green Valley Foods',
  'Pixel Phones',
];
