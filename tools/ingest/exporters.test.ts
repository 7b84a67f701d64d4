import { describe, expect, it } from 'vitest';
import { EXPORTERS } from '../simulate/types.js';
import { Rng, buildCapture, serializeHar, toHar, type Scenario } from '../simulate/index.js';
import { decodeSource, type FileContext } from './process-file.js';
import { parseHarBytes } from '../har/read.js';
import { needsResponseBody } from '../decode/index.js';

const ctx: FileContext = {
  cnames: { aa: [], heartbeat: [], 'media-collection': [], edge: [] },
  pii: { hashIds: true, truncateUa: true, salt: 's', extraRegexes: [] },
  maxKeptBodyBytes: 65_536,
};

/** The same simulated capture written by every exporter, in every encoding, must decode identically. */
describe('exporter styles', () => {
  const scenario = (exporter: Scenario['exporter'], sparse: boolean, shuffle: boolean): Scenario => ({
    platform: 'web',
    protocol: 'media-collection',
    library: 'web-media-js-3',
    content: 'vod',
    withAds: true,
    withChapters: true,
    exporter,
    compact: true,
    sparse,
    shuffleEntries: shuffle,
  });

  // One capture; every exporter renders the same simulated requests.
  const cap = buildCapture(scenario('chrome', false, false), new Rng(42), { harPath: 'x.har' });
  const summarize = (
    exporter: Scenario['exporter'],
    encoding: 'utf8' | 'utf8-bom' | 'utf16le-bom',
    sparse = false,
    shuffle = false,
  ) => {
    const har = toHar(
      cap.requests,
      { exporter, sparse, shuffle, encoding, pageTitle: 'Watch', pageUrl: 'https://www.acme.com/watch' },
      new Rng(7),
    );
    const src = parseHarBytes(serializeHar(har, { exporter, encoding }), 'x.har', {
      maxKeptBodyBytes: 65_536,
      keepBody: needsResponseBody,
    });
    expect(src.kind).toBe('har');
    if (src.kind !== 'har') throw new Error('unreachable');
    const p = decodeSource(src, ctx);
    return {
      exporter: src.exporter,
      problems: p.quarantine.length,
      sessions: p
        .capture!.sessions.map((s) => `${s.protocol}:${s.key}:${s.events.length}:${s.sdk_version}`)
        .sort(),
      types: p.capture!.events.map((e) => e.sequence.event_type).join(','),
    };
  };

  const reference = summarize('chrome', 'utf8');

  it.each(EXPORTERS.map((x) => [x]))('%s: same sessions, events and order as Chrome', (exporter) => {
    const s = summarize(exporter, 'utf8');
    expect(s.exporter === exporter || (exporter === 'chrome-har-capturer' && s.exporter === 'chrome')).toBe(
      true,
    );
    expect(s.problems).toBe(0);
    expect(s.sessions).toEqual(reference.sessions);
    expect(s.types).toBe(reference.types);
  });

  it('BOM and UTF-16, sparse optional fields and shuffled entries change nothing', () => {
    for (const enc of ['utf8-bom', 'utf16le-bom'] as const)
      expect(summarize('firefox', enc).sessions).toEqual(reference.sessions);
    const messy = summarize('charles', 'utf8', true, true);
    expect(messy.sessions).toEqual(reference.sessions);
    expect(messy.types).toBe(reference.types);
  });
});
