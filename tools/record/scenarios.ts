import type { FaultTag, MediaInfo, Scenario, Step } from './scenario.js';

/**
 * The recorded captures under tests/browser/: one clean playback per protocol family and one defect per
 * spec family. Times are ms after the page starts the timeline; pings come from the emitters' own timers
 * (10 s main content; 1 s legacy heartbeat ads, 10 s Media Collection / Media Edge ads).
 */

const EPISODE: MediaInfo = {
  id: 'acme-ep-0101',
  name: 'The Long Night (S1E1)',
  length: 1320,
  contentType: 'vod',
  playerName: 'acme-html5',
  channel: 'acme-stream-web',
  appVersion: 'acme-web-7.4.1',
};

const tag = (code: string, family: string, note: string): FaultTag => ({ code, family, note });

const PREROLL = { name: 'preroll', index: 1, offset: 0 };
const AD = { id: 'ad-7731', name: 'Acme Motors 6s', length: 6, position: 1 };

/** Session close at `at`: main complete, then end. */
const close = (at: number): Step[] => [
  { at, do: 'complete' },
  { at: at + 150, do: 'end' },
];

export const SCENARIOS: Scenario[] = [
  {
    id: 'clean/heartbeat',
    title: 'Legacy Video Heartbeat with its Analytics calls: long-hit page view, preroll, pause, close',
    protocol: 'heartbeat',
    page: 'appmeasurement',
    media: EPISODE,
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101', long: true },
      { at: 500, do: 'sessionStart' },
      { at: 700, do: 'adBreakStart', pod: PREROLL },
      { at: 800, do: 'adStart', ad: AD },
      { at: 6900, do: 'adComplete' },
      { at: 7000, do: 'adBreakComplete' },
      { at: 7100, do: 'play' },
      { at: 40_000, do: 'pause' },
      { at: 52_000, do: 'play' },
      ...close(65_000),
    ],
  },
  {
    id: 'clean/media-collection',
    title: 'Media Collection API session (Media JS 3.x shape): midroll break, pause, close',
    protocol: 'media-collection',
    page: 'appmeasurement',
    media: EPISODE,
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
      { at: 500, do: 'sessionStart' },
      { at: 800, do: 'play' },
      { at: 22_000, do: 'adBreakStart', pod: { name: 'midroll', index: 2, offset: 21 } },
      { at: 22_100, do: 'adStart', ad: AD },
      { at: 28_100, do: 'adComplete' },
      { at: 28_200, do: 'adBreakComplete' },
      { at: 28_300, do: 'play' },
      { at: 34_000, do: 'pause' },
      { at: 38_000, do: 'play' },
      ...close(46_000),
    ],
  },
  {
    id: 'clean/media-edge',
    title: 'Web SDK page view and Media Edge session: start through interact, events through /va/v1',
    protocol: 'media-edge',
    page: 'web-sdk',
    media: EPISODE,
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
      { at: 800, do: 'sessionStart' },
      { at: 1000, do: 'play' },
      { at: 22_000, do: 'pause' },
      { at: 26_000, do: 'play' },
      ...close(36_000),
    ],
  },
  {
    id: 'clean/media-edge-api',
    title: 'A player calling the Media Edge API itself: /ee/va/v1/sessionStart, then /ee/va/v1 events',
    protocol: 'media-edge',
    page: 'web-sdk',
    media: EPISODE,
    config: { mediaEdgeApi: true },
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
      { at: 800, do: 'sessionStart' },
      { at: 1000, do: 'play' },
      { at: 14_000, do: 'adBreakStart', pod: { name: 'midroll', index: 2, offset: 13 } },
      { at: 14_100, do: 'adStart', ad: AD },
      { at: 20_100, do: 'adComplete' },
      { at: 20_200, do: 'adBreakComplete' },
      { at: 20_300, do: 'play' },
      ...close(33_000),
    ],
  },
  {
    id: 'defects/cadence-ping-gap',
    title: 'Media Collection session whose ping timer misses one beat (20 s between content pings)',
    protocol: 'media-collection',
    page: 'appmeasurement',
    media: EPISODE,
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
      { at: 500, do: 'sessionStart' },
      { at: 800, do: 'play' },
      {
        at: 12_000,
        do: 'dropPings',
        count: 1,
        tag: tag(
          'CADENCE_CONTENT_PING_GAP',
          'cadence',
          'the 20 s ping never went out: next ping 20 s after the last',
        ),
      },
      ...close(42_000),
    ],
  },
  {
    id: 'defects/playhead-jump-back',
    title: 'Media Edge session whose player reports a playhead 15 s earlier without a seek',
    protocol: 'media-edge',
    page: 'web-sdk',
    media: EPISODE,
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
      { at: 800, do: 'sessionStart' },
      { at: 1000, do: 'play' },
      {
        at: 22_000,
        do: 'jumpBack',
        by: 15,
        tag: tag(
          'PLAYHEAD_DECREASING',
          'playhead',
          'main playhead ~15 s lower than the previous ping, no pause/seek between',
        ),
      },
      ...close(33_000),
    ],
  },
  {
    id: 'defects/bookends-ad-not-closed',
    title: 'Media Collection midroll whose ad never sends adComplete before the break ends',
    protocol: 'media-collection',
    page: 'appmeasurement',
    media: EPISODE,
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
      { at: 500, do: 'sessionStart' },
      { at: 800, do: 'play' },
      { at: 12_000, do: 'adBreakStart', pod: { name: 'midroll', index: 2, offset: 11 } },
      {
        at: 12_100,
        do: 'adStart',
        ad: AD,
        tag: tag('AD_NOT_CLOSED', 'bookends', 'adStart with no adComplete/adSkip before adBreakComplete'),
      },
      { at: 18_200, do: 'adBreakComplete' },
      { at: 18_300, do: 'play' },
      ...close(25_000),
    ],
  },
  {
    id: 'defects/orchestration-no-aa-start',
    title: 'Legacy heartbeat start without the Analytics media-start hit (pe=ms_s)',
    protocol: 'heartbeat',
    page: 'appmeasurement',
    media: EPISODE,
    config: { skipAaMediaStart: true },
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
      {
        at: 500,
        do: 'sessionStart',
        tag: tag('ORCH_MISSING_AA_START', 'orchestration', 'HB start and aa_start sent, no pe=ms_s hit'),
      },
      { at: 700, do: 'play' },
      ...close(22_000),
    ],
  },
  {
    id: 'defects/params-missing-channel',
    title: 'Legacy heartbeat configured without a channel (s:sp:channel never sent)',
    protocol: 'heartbeat',
    page: 'appmeasurement',
    media: EPISODE,
    config: { omitParams: ['s:sp:channel'] },
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
      {
        at: 500,
        do: 'sessionStart',
        tag: tag('PARAM_MISSING_REQUIRED', 'params', 'main start without s:sp:channel'),
      },
      { at: 700, do: 'play' },
      ...close(22_000),
    ],
  },
  {
    id: 'defects/identity-ecid-change',
    title: 'Legacy heartbeat whose visitor id is reset mid-session (s:user:mid changes)',
    protocol: 'heartbeat',
    page: 'appmeasurement',
    media: EPISODE,
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
      { at: 500, do: 'sessionStart' },
      { at: 700, do: 'play' },
      {
        at: 12_000,
        do: 'changeEcid',
        tag: tag('IDENTITY_MISMATCH', 'identity', 'first heartbeat carrying the new ECID'),
      },
      ...close(22_000),
    ],
  },
  {
    id: 'defects/transport-rejected',
    title: 'Media Edge ping sent with a mistyped datastream id, refused with EXEG-0003-400',
    protocol: 'media-edge',
    page: 'web-sdk',
    media: EPISODE,
    steps: [
      { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
      { at: 800, do: 'sessionStart' },
      { at: 1000, do: 'play' },
      {
        at: 12_000,
        do: 'badDatastream',
        tag: tag('BEACON_REJECTED', 'transport', 'HTTP 400 EXEG-0003-400 for the mistyped configId'),
      },
      ...close(22_000),
    ],
  },
  {
    id: 'defects/transport-truncated-hit',
    title: 'AppMeasurement page view over 2,047 characters cut off instead of POSTed (no AQE=1)',
    protocol: 'heartbeat',
    page: 'appmeasurement',
    media: EPISODE,
    steps: [
      {
        at: 0,
        do: 'pageView',
        name: 'watch:acme-ep-0101',
        long: true,
        truncate: true,
        tag: tag('BEACON_TRUNCATED', 'transport', 'GET cut at 2,047 characters, AQE=1 lost'),
      },
      { at: 500, do: 'sessionStart' },
      { at: 700, do: 'play' },
      ...close(22_000),
    ],
  },
];

/** A short clean session for the CI test (recorded live, ~13 s) and the exporter-variant fixtures. */
export const SHORT_MC: Scenario = {
  id: 'variants/media-collection-short',
  title: 'Short Media Collection session (recorded in every Playwright recordHar mode)',
  protocol: 'media-collection',
  page: 'appmeasurement',
  media: EPISODE,
  steps: [
    { at: 0, do: 'pageView', name: 'watch:acme-ep-0101' },
    { at: 300, do: 'sessionStart' },
    { at: 500, do: 'play' },
    { at: 11_000, do: 'pause' },
    ...close(12_000),
  ],
};
