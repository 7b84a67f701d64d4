import { describe, expect, it } from 'vitest';
import { gradeOf, rankEvidence } from './evidence-rank.js';

/** The passages a reviewer sees for "Android Media 3.2.x pings ads every 10 s" and the Web SDK 30 s change. */
const GENERIC = {
  url: 'urn:goblin:reference:wire-format-notes',
  quote: 'Ping, main content | every 10 s, first one 10 s after playback start; regardless of other events',
  title: 'Adobe wire formats',
  fetched_at: '2026-11-24T11:55:04.983Z',
};
const HEARTBEAT_AD = {
  url: 'urn:goblin:reference:wire-format-notes',
  quote: 'Ad heartbeat | every 1 s (granular ad tracking is on by default in JS 2.x and Roku 2.x)',
  title: 'Adobe wire formats',
};
const ANDROID_NOTE = {
  url: 'https://github.com/adobe/aepsdk-media-android/releases/tag/v3.2.0',
  quote: 'Media for Android 3.2.0: ad pings are now sent every 10 s instead of every 1 s.',
  title: 'Release v3.2.0 · adobe/aepsdk-media-android',
  fetched_at: '2026-11-30T10:00:00Z',
};
const WEB_NOTE_OLD = {
  url: 'https://experienceleague.adobe.com/en/docs/experience-platform/web-sdk/release-notes',
  quote: 'Web SDK 2.20.0: Streaming Media main pings every 30 s.',
  title: 'Web SDK release notes',
  fetched_at: '2026-10-01T00:00:00Z',
};
const WEB_NOTE_NEW = {
  ...WEB_NOTE_OLD,
  fetched_at: '2026-12-01T00:00:00Z',
  quote: 'Web SDK 2.20.0 release: main content pings every 30 s.',
};

describe('evidence ranking', () => {
  it('puts the release note for this SDK and version first and keeps the generic passage behind it', () => {
    const r = rankEvidence([GENERIC, ANDROID_NOTE], {
      platform: ['android'],
      protocol: ['media-collection'],
      version: '>=3.2.0 <3.3.0',
      value: 10,
    });
    expect(r.map((x) => x.quote.url)).toEqual([ANDROID_NOTE.url, GENERIC.url]);
    expect(r[0]).toMatchObject({ direct: true, other_sdk: false });
    expect(r[0].reasons).toEqual(
      expect.arrayContaining([
        'same platform',
        'names the scoped version',
        'states the measured value',
        'vendor source',
      ]),
    );
    expect(gradeOf(r)).toBe('direct');
  });

  it('never takes a passage about another SDK (heartbeat, Roku) as evidence for a Media Collection change', () => {
    const r = rankEvidence([HEARTBEAT_AD], {
      platform: ['android'],
      protocol: ['media-collection'],
      version: '>=3.2.0 <3.3.0',
      value: 1,
    });
    expect(r[0].other_sdk).toBe(true);
    expect(gradeOf(r)).toBe('none');
  });

  it('a generic range passage alone is not a source for a version change', () => {
    const r = rankEvidence([GENERIC], {
      platform: ['android'],
      protocol: ['media-collection'],
      version: '>=3.2.0 <3.3.0',
      value: 10,
    });
    expect(r[0]).toMatchObject({ direct: false, other_sdk: false });
    expect(gradeOf(r)).toBe('generic');
  });

  it('of two equally direct release notes, the newest fetch comes first', () => {
    const r = rankEvidence([WEB_NOTE_OLD, WEB_NOTE_NEW], {
      platform: ['web'],
      protocol: ['media-edge'],
      version: '>=2.20.0 <2.21.0',
      value: 30,
    });
    expect(r.map((x) => x.quote.fetched_at)).toEqual([WEB_NOTE_NEW.fetched_at, WEB_NOTE_OLD.fetched_at]);
    expect(r.every((x) => x.direct)).toBe(true);
  });

  it('a release note for another version of the same SDK is not direct', () => {
    const r = rankEvidence([ANDROID_NOTE], {
      platform: ['android'],
      protocol: ['media-collection'],
      version: '>=3.4.0 <3.5.0',
      value: 10,
    });
    expect(r[0].direct).toBe(false);
  });
});
