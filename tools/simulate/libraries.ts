import type { Library, Platform, Protocol } from './types.js';

/** How page/app hits are produced on a platform. */
export type PageStyle =
  | 'appmeasurement' // web AppMeasurement GET (AQB/AQE), XHR POST for long hits, sendBeacon exit links
  | 'alloy' // Web SDK page views on interact
  | 'aep-analytics' // AEP Analytics POST form bodies, zero-date t, lifecycle
  | 'aep-edge' // AEP mobile Edge experience events on interact
  | 'adbmobile4' // ADBMobile Android 4.x POST
  | 'roku-legacy' // ADBMobile Roku trackState POST
  | 'roku-aep' // AEP Roku SDK consent + interact
  | 'chromecast'; // ADBMobile Chromecast POST

export interface LibraryInfo {
  id: Library;
  platform: Platform;
  protocol: Protocol;
  /** Media library version exactly as on the wire (hb_version / libraryVersion / implementationDetails.version). */
  mediaVersion: string | null;
  /** Edge implementationDetails.name. */
  edgeName?: string;
  /** AA version token in the /b/ss/ path (page hits and, for heartbeat, the ms_s orchestration hits). */
  aaToken: string | null;
  pageStyle: PageStyle;
  /** Default player name. */
  playerName: string;
  /** Customer app / player version (`s:sp:sdk`, `media.sdkVersion`, `sessionDetails.appVersion`). */
  appVersions: string[];
  /** Roku scopes allow the first content ping at ~1.5 s. */
  roku: boolean;
}

const W_APP = ['acme-web-5.2.0', 'acme-web-5.3.1', 'player-7.14.2'];
const A_APP = ['4.2.0', '4.3.1', '5.0.0'];
const I_APP = ['4.2.0', '4.4.0', '5.1.2'];
const R_APP = ['3.1.0', '3.2.4'];

export const LIBRARY_INFO: Record<Library, LibraryInfo> = {
  'web-vhl-js-2': {
    id: 'web-vhl-js-2',
    platform: 'web',
    protocol: 'heartbeat',
    mediaVersion: 'js-2.2.2.230-96e624',
    aaToken: 'JS-2.17.0',
    pageStyle: 'appmeasurement',
    playerName: 'HTML5',
    appVersions: W_APP,
    roku: false,
  },
  'android-media-sdk-2': {
    id: 'android-media-sdk-2',
    platform: 'android',
    protocol: 'heartbeat',
    mediaVersion: 'android-2.2.4.229-765fa5',
    aaToken: 'JAVA-4.17.0-AN',
    pageStyle: 'adbmobile4',
    playerName: 'ExoPlayer',
    appVersions: ['3.9.0', '3.9.2'],
    roku: false,
  },
  'roku-adbmobile-2': {
    id: 'roku-adbmobile-2',
    platform: 'roku',
    protocol: 'heartbeat',
    mediaVersion: 'roku-2.2.7.17-e0ed47',
    aaToken: 'BS-2.2.7',
    pageStyle: 'roku-legacy',
    playerName: 'RokuVideo',
    appVersions: R_APP,
    roku: true,
  },
  'web-media-js-3': {
    id: 'web-media-js-3',
    platform: 'web',
    protocol: 'media-collection',
    mediaVersion: 'js-3.1.0',
    aaToken: 'JS-2.23.0-LDQM',
    pageStyle: 'appmeasurement',
    playerName: 'HTML5',
    appVersions: W_APP,
    roku: false,
  },
  'android-aep-media-3': {
    id: 'android-aep-media-3',
    platform: 'android',
    protocol: 'media-collection',
    mediaVersion: 'android-media-3.1.2',
    aaToken: 'ANDN030002030300',
    pageStyle: 'aep-analytics',
    playerName: 'ExoPlayer',
    appVersions: A_APP,
    roku: false,
  },
  'ios-aep-media-5': {
    id: 'ios-aep-media-5',
    platform: 'ios',
    protocol: 'media-collection',
    mediaVersion: 'ios-media-5.0.1',
    aaToken: 'IOSN050000050100',
    pageStyle: 'aep-analytics',
    playerName: 'AVPlayer',
    appVersions: I_APP,
    roku: false,
  },
  'tvos-aep-media-5': {
    id: 'tvos-aep-media-5',
    platform: 'tvos',
    protocol: 'media-collection',
    mediaVersion: 'tvos-media-5.0.1',
    aaToken: 'TOSN050000050100',
    pageStyle: 'aep-analytics',
    playerName: 'AVPlayer',
    appVersions: I_APP,
    roku: false,
  },
  'chromecast-adbmobile-3': {
    id: 'chromecast-adbmobile-3',
    platform: 'chromecast',
    protocol: 'media-collection',
    mediaVersion: 'cc-js-3.0.3-2019815',
    aaToken: 'cc-js-3.0.3-2019815',
    pageStyle: 'chromecast',
    playerName: 'Cast Receiver',
    appVersions: ['2.8.0', '2.9.1'],
    roku: false,
  },
  'web-alloy-2': {
    id: 'web-alloy-2',
    platform: 'web',
    protocol: 'media-edge',
    mediaVersion: '2.20.0',
    edgeName: 'https://ns.adobe.com/experience/alloy',
    aaToken: null,
    pageStyle: 'alloy',
    playerName: 'HTML5 Player',
    appVersions: W_APP,
    roku: false,
  },
  'android-aep-edge-media-3': {
    id: 'android-aep-edge-media-3',
    platform: 'android',
    protocol: 'media-edge',
    mediaVersion: '3.3.0+3.0.1',
    edgeName: 'https://ns.adobe.com/experience/mobilesdk/android',
    aaToken: null,
    pageStyle: 'aep-edge',
    playerName: 'ExoPlayer',
    appVersions: A_APP,
    roku: false,
  },
  'ios-aep-edge-media-5': {
    id: 'ios-aep-edge-media-5',
    platform: 'ios',
    protocol: 'media-edge',
    mediaVersion: '5.1.0+5.0.2',
    edgeName: 'https://ns.adobe.com/experience/mobilesdk/ios',
    aaToken: null,
    pageStyle: 'aep-edge',
    playerName: 'AVPlayer',
    appVersions: I_APP,
    roku: false,
  },
  'roku-aep-1': {
    id: 'roku-aep-1',
    platform: 'roku',
    protocol: 'media-edge',
    mediaVersion: '1.3.0',
    edgeName: 'https://ns.adobe.com/experience/mobilesdk/roku',
    aaToken: null,
    pageStyle: 'roku-aep',
    playerName: 'RokuVideo',
    appVersions: R_APP,
    roku: true,
  },
  'web-appmeasurement-2': {
    id: 'web-appmeasurement-2',
    platform: 'web',
    protocol: 'none',
    mediaVersion: null,
    aaToken: 'JS-2.23.0-LDQM',
    pageStyle: 'appmeasurement',
    playerName: 'HTML5',
    appVersions: W_APP,
    roku: false,
  },
  'android-aep-analytics-3': {
    id: 'android-aep-analytics-3',
    platform: 'android',
    protocol: 'none',
    mediaVersion: null,
    aaToken: 'ANDN030002030300',
    pageStyle: 'aep-analytics',
    playerName: 'ExoPlayer',
    appVersions: A_APP,
    roku: false,
  },
  'ios-aep-analytics-5': {
    id: 'ios-aep-analytics-5',
    platform: 'ios',
    protocol: 'none',
    mediaVersion: null,
    aaToken: 'IOSN050000050100',
    pageStyle: 'aep-analytics',
    playerName: 'AVPlayer',
    appVersions: I_APP,
    roku: false,
  },
  'tvos-aep-analytics-5': {
    id: 'tvos-aep-analytics-5',
    platform: 'tvos',
    protocol: 'none',
    mediaVersion: null,
    aaToken: 'TOSN050000050100',
    pageStyle: 'aep-analytics',
    playerName: 'AVPlayer',
    appVersions: I_APP,
    roku: false,
  },
  'android-adbmobile-4': {
    id: 'android-adbmobile-4',
    platform: 'android',
    protocol: 'none',
    mediaVersion: null,
    aaToken: 'JAVA-4.17.0-AN',
    pageStyle: 'adbmobile4',
    playerName: 'ExoPlayer',
    appVersions: ['3.9.0', '3.9.2'],
    roku: false,
  },
};

/** Web AppMeasurement tokens seen in the wild (Tags markers); media libraries pin their own. */
export const WEB_AA_TOKENS = ['JS-2.23.0-LDQM', 'JS-2.22.3-LBWB', 'JS-2.20.0-LBQ1', 'JS-2.22.0'];

/** The AA library version inside a version token: `JS-2.23.0-LDQM` → `2.23.0`, `ANDN030002030300` → `3.0.2`. */
export function aaTokenVersion(token: string): string {
  let m = /^JS-(\d+\.\d+\.\d+)/.exec(token);
  if (m) return m[1];
  m = /^JAVA-(\d+\.\d+\.\d+)-AN$/.exec(token);
  if (m) return m[1];
  m = /^BS-(\d+\.\d+\.\d+)$/.exec(token);
  if (m) return m[1];
  m = /^cc-js-(\d+\.\d+\.\d+)-/.exec(token);
  if (m) return m[1];
  m = /^(?:AND|IOS|TOS|WOS)[NCFRUX](\d\d)(\d\d)(\d\d)\d{6}$/.exec(token);
  if (m) return `${Number(m[1])}.${Number(m[2])}.${Number(m[3])}`;
  return token;
}

export function librariesFor(platform: Platform, protocol: Protocol): Library[] {
  return (Object.values(LIBRARY_INFO) as LibraryInfo[])
    .filter((l) => l.platform === platform && l.protocol === protocol)
    .map((l) => l.id);
}

/** Every (platform, protocol) media combination the simulator covers. */
export const MEDIA_COMBOS: { platform: Platform; protocol: Protocol; library: Library }[] = (
  Object.values(LIBRARY_INFO) as LibraryInfo[]
).map((l) => ({ platform: l.platform, protocol: l.protocol, library: l.id }));
