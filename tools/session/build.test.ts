import { describe, expect, it } from 'vitest';
import { needsResponseBody } from '../decode/index.js';
import { parseHarBytes } from '../har/read.js';
import { decodeSource, type FileContext } from '../ingest/process-file.js';
import { aaMediaStart, entry, harDoc, hb, hbStart, type RawEntry } from '../validate/testing/index.js';
import { UNCHECKED_REASON } from './build.js';

const ctx: FileContext = {
  cnames: { aa: [], heartbeat: [], 'media-collection': [], edge: [] },
  pii: { hashIds: false, truncateUa: false, salt: 's', extraRegexes: [] },
  maxKeptBodyBytes: 65_536,
};

function capture(entries: RawEntry[], creator = 'Playwright') {
  const src = parseHarBytes(Buffer.from(harDoc(entries, creator)), 'c.har', {
    maxKeptBodyBytes: 65_536,
    keepBody: needsResponseBody,
  });
  if (src.kind !== 'har') throw new Error(src.kind);
  return decodeSource(src, ctx).capture!;
}

/** A request whose body the exporter wrote as `postData.text: ""` although Content-Length says 75 bytes. */
function omitted(at: number, url: string, status = 204): RawEntry {
  const e = entry(at, 'POST', url, { status });
  e.request.headers.push({ name: 'Content-Length', value: '75' });
  e.request.postData = { mimeType: 'application/json', text: '' };
  return e;
}

describe('sessions built from beacons whose bodies the HAR does not hold', () => {
  it('a heartbeat session is unchecked when an Analytics hit it pairs with lost its body', () => {
    // The media-start hit went out as a long-hit POST; only its URL survived.
    const longHit = omitted(50, 'https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.17.0/s2048', 200);
    const c = capture([longHit, hb(100, 'start', 0), hb(200, 'aa_start', 0), hb(10_200, 'play', 10)]);
    const media = c.sessions.find((s) => s.kind === 'media')!;
    expect(media.unchecked).toBe(UNCHECKED_REASON.omitted);
    expect(c.sessions.find((s) => s.protocol === 'aa')!.unchecked).toBe(UNCHECKED_REASON.omitted);
    // The same capture with every body present is checked as usual.
    const clean = capture([...hbStart(0), aaMediaStart(10_000)]);
    expect(clean.sessions.map((s) => s.unchecked)).toEqual([null, null]);
  });

  it('body-less Media Edge events without an id form one session per capture, not one per beacon', () => {
    const va = (a: string) => `https://edge.adobedc.net/ee/or2/va/v1/${a}?configId=ds`;
    const c = capture([
      omitted(0, va('play')),
      omitted(10_000, va('ping')),
      omitted(20_000, va('sessionEnd')),
    ]);
    expect(c.sessions.map((s) => [s.key, s.events.length, s.unchecked])).toEqual([
      ['media-edge:bodies-omitted', 3, UNCHECKED_REASON.omitted],
    ]);
  });
});
