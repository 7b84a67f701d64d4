import { describe, expect, it } from 'vitest';
import { isBeaconCandidate, needsResponseBody } from '../decode/index.js';
import { parseHarBytes, type ReadOptions } from './read.js';
import { ScanUnsupported, scanHar } from './scan-entries.js';

// Ingest's options: Adobe traffic is read in full, everything else up to its URL.
const NO_CNAMES = { aa: [], heartbeat: [], 'media-collection': [], edge: [] };
const opts: ReadOptions = {
  maxKeptBodyBytes: 1024,
  keepBody: needsResponseBody,
  relevant: (method, url) => isBeaconCandidate(method, url, NO_CNAMES),
};

const HB =
  'https://acme.hb.omtrdc.net/?s:event:type=play&s:event:sid=1527464150037459529420&l:event:playhead=29&l:event:ts=1527464180321';
const EDGE = 'https://edge.adobedc.net/ee/v1/interact?configId=c0ffee';
const CDN = 'https://cdn.acme.com/app.js';

const entry = (url: string, t: string, extra: Record<string, unknown> = {}) => ({
  startedDateTime: t,
  time: 12,
  request: {
    method: 'GET',
    url,
    httpVersion: 'h2',
    headers: [{ name: 'User-Agent', value: 'Mozilla/5.0 (X11)' }],
    cookies: [{ name: 's_ecid', value: 'MCMID%7C123', expires: null, httpOnly: false }],
    queryString: [],
  },
  response: {
    status: 204,
    headers: [{ name: 'content-length', value: '0' }],
    content: { size: 0, mimeType: 'text/plain' },
  },
  timings: { blocked: -1, dns: 0.25, connect: 1e-3, send: 0, wait: 12.5, receive: -1 },
  _initiator: { type: 'script', stack: { callFrames: [{ url: CDN, lineNumber: 3 }], parent: null } },
  ...extra,
});
const doc = (entries: unknown[], log: Record<string, unknown> = {}) =>
  JSON.stringify({ log: { version: '1.2', creator: { name: 'WebInspector' }, pages: [], ...log, entries } });

/** Both readers on the same bytes: they must agree; returns the selective reader's result. */
function bothReaders(text: string | Buffer) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const selective = parseHarBytes(Buffer.from(bytes), 'c.har', opts);
  const whole = parseHarBytes(Buffer.from(bytes), 'c.har', { ...opts, selective: false });
  expect(selective).toEqual(whole);
  return selective;
}
/** Whether the scan takes the document itself (true) or leaves it to JSON.parse (false). */
const scans = (text: string) => {
  try {
    scanHar(Buffer.from(text));
    return true;
  } catch (e) {
    if (e instanceof ScanUnsupported) return false;
    throw e;
  }
};

describe('the selective reader gives what JSON.parse of the whole capture gives', () => {
  it('a browser capture: Adobe entries in full, the rest up to its URL, pretty-printed as Chrome saves it', () => {
    const text = JSON.stringify(
      JSON.parse(
        doc([
          entry(CDN, '2024-03-14T09:05:31.000Z', {
            response: { status: 200, headers: [], content: { text: 'x'.repeat(5000), mimeType: 'text/js' } },
          }),
          entry(HB, '2024-03-14T09:05:41.000Z'),
          entry(EDGE, '2024-03-14T09:05:40.000Z', {
            response: { status: 200, headers: [], content: { text: '{"handle":[]}' } },
          }),
        ]),
      ),
      null,
      2,
    );
    expect(scans(text)).toBe(true);
    const src = bothReaders(text);
    if (src.kind !== 'har') throw new Error(src.kind);
    expect(src.exporter).toBe('chrome');
    expect(src.entries.map((e) => [e.index, e.urlOnly ?? false])).toEqual([
      [0, true],
      [2, false],
      [1, false],
    ]);
    expect(src.entries[1].resBody).toBe('{"handle":[]}');
    expect(src.entries[2].reqHeaders['user-agent']).toBe('Mozilla/5.0 (X11)');
    expect(src.strippedBytes).toBe(5000);
  });

  it('odd entries fail with the same reasons, and odd fields read the same (last duplicate key wins)', () => {
    const text = doc([
      null,
      7,
      [],
      {},
      { request: null },
      { request: [] },
      { request: { url: '' } },
      { request: { url: 42 } },
      { startedDateTime: 17, request: { url: CDN } }, // no method: GET; a number is no start time
      { request: { method: 'post', url: HB }, response: { status: '404' } }, // status as text
      { request: { url: CDN }, response: null },
      { request: { url: CDN }, response: [1, 2] },
      { request: { url: CDN, method: 'PUT' }, request2: {}, response: { status: true } },
      JSON.parse(`{"request":{"url":"${CDN}"},"request":{"url":"${HB}","url":"${CDN}?b"}}`),
    ]).replace('"request2"', '"request"'); // a second `request` key: JSON.parse keeps the last
    expect(scans(text)).toBe(true);
    const src = bothReaders(text);
    if (src.kind !== 'har') throw new Error(src.kind);
    expect(src.entryProblems.map((p) => p.reason)).toEqual([
      'entry is not an object',
      'entry is not an object',
      'entry has no request',
      'entry has no request',
      'entry has no request',
      'request has no url',
      'request has no url',
      'request has no url',
      'request has no url', // the later, empty `request` of entry 12 wins
    ]);
    expect(src.entries.map((e) => [e.method, e.status])).toContainEqual(['POST', 404]);
  });

  it('escaped and non-ASCII strings, a BOM, numbers in every form', () => {
    const text = doc([
      entry(`${CDN}?q=caf\u00e9\\u0026x=\\/y`, '2024-03-14T09:05:31.000Z', { time: -0.5e-3 }),
      entry(HB.replace('play', 'pl\\u0061y'), '2024-03-14T09:05:32.000Z', { _n: [0, -1, 1.5, 2e10, 3e-2] }),
    ]);
    expect(scans(text)).toBe(true);
    bothReaders(text);
    bothReaders(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
  });

  it('an Edge response body over the size limit is dropped and counted, as the strip does it', () => {
    const big = JSON.stringify({ handle: [{ payload: 'p'.repeat(3000) }] });
    const src = bothReaders(
      doc([entry(EDGE, '2024-03-14T09:05:31.000Z', { response: { status: 200, content: { text: big } } })]),
    );
    if (src.kind !== 'har') throw new Error(src.kind);
    expect(src.entries[0].resBody).toBeNull();
    expect(src.strippedBytes).toBeGreaterThan(3000);
  });
});

describe('where the scan leaves the document to JSON.parse', () => {
  it.each([
    ['an escaped key that spells one the scan reads', doc([entry(CDN, 't')]).replace('"url"', '"u\\u0072l"')],
    [
      'a `_file` attachment anywhere (the whole-text reader lists them)',
      doc([entry(CDN, 't', { _x: { _file: 'a.json' } })]),
    ],
    [
      'nesting deeper than the scan goes',
      doc([entry(CDN, 't', { _deep: JSON.parse('['.repeat(600) + ']'.repeat(600)) })]),
    ],
    ['a second entries list', doc([entry(HB, 't')]).replace('"pages":[]', `"entries":[],"pages":[]`)],
  ])('%s: both readers still agree', (_what, text) => {
    bothReaders(text);
  });

  it.each([
    [
      'a missing colon in a header nobody reads',
      doc([entry(CDN, 't')]).replace('"name":"User-Agent"', '"name" "User-Agent"'),
    ],
    ['a truncated capture', doc([entry(CDN, 't'), entry(HB, 't')]).slice(0, -40)],
    ['bytes after the document', doc([entry(HB, 't')]) + ' {}'],
    [
      'a number JSON does not allow',
      doc([entry(CDN, 't', { time: 1.5 })]).replace('"time":1.5', '"time":01.5'),
    ],
    ['a raw newline in a short string of an unread entry', doc([entry(CDN, 't')]).replace('X11', 'X\n11')],
    [
      'a raw control character deep inside an Adobe entry',
      doc([entry(HB, 't', { _c: 'c'.repeat(200) + '\u0001' })]).replace('\\u0001', '\u0001'),
    ],
  ])('%s: quarantined as invalid JSON with JSON.parse’s message', (_what, text) => {
    const src = bothReaders(text);
    expect(src.kind).toBe('broken');
    if (src.kind === 'broken') expect(src.reason).toBe('invalid-json');
  });

  it('not a HAR (no log.entries): the same not-a-har from both', () => {
    const src = bothReaders(JSON.stringify({ log: { version: '1.2' } }));
    expect(src.kind === 'broken' && src.reason).toBe('not-a-har');
  });
});

describe('the one leniency, decided and written down (docs/ingest.md, "The selective reader")', () => {
  it('a raw control character deep inside a long string of an entry nobody reads does not sink the capture', () => {
    // JSON.parse rejects the whole file for it; the scan finds long strings' ends with a native search and
    // does not look inside them. The Adobe beacons of such a capture are read; the bytes it tolerates
    // belong to entries whose URL, method, time and status were read exactly.
    const text = doc([
      entry(CDN, 't', { _c: 'c'.repeat(200) + '\u0001' }),
      entry(HB, '2024-03-14T09:05:41.000Z'),
    ]).replace('\\u0001', '\u0001');
    const whole = parseHarBytes(Buffer.from(text), 'c.har', { ...opts, selective: false });
    const selective = parseHarBytes(Buffer.from(text), 'c.har', opts);
    expect(whole.kind === 'broken' && whole.reason).toBe('invalid-json');
    expect(selective.kind).toBe('har');
    if (selective.kind === 'har')
      expect(selective.entries.map((e) => e.urlOnly ?? false)).toEqual([true, false]);
  });
});
