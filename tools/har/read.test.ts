import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { expandInputs, inShard, parseShard } from './inputs.js';
import { parseHarBytes, readHarFile } from './read.js';
import { stripResponseBodies } from './strip-bodies.js';

const opts = { maxKeptBodyBytes: 1024, keepBody: (_m: string, url: string) => url.includes('/ee/') };

function har(entries: unknown[], creator = 'WebInspector') {
  return { log: { version: '1.2', creator: { name: creator, version: '537.36' }, pages: [], entries } };
}
const hbUrl =
  'https://acme.hb.omtrdc.net/?s:event:type=play&s:event:sid=1527464150037459529420&l:event:playhead=29&l:event:ts=1527464180321';
const entry = (url: string, t: string, extra: Record<string, unknown> = {}) => ({
  startedDateTime: t,
  time: 12,
  request: {
    method: 'GET',
    url,
    httpVersion: 'h2',
    headers: [{ name: 'User-Agent', value: 'Mozilla/5.0 (X11)' }],
    queryString: [],
  },
  response: { status: 204, headers: [], content: { size: 0, mimeType: 'text/plain' } },
  ...extra,
});

describe('parseHarBytes', () => {
  it('reads a Chrome HAR, lower-cases headers and sorts entries into send order', () => {
    const doc = har([
      entry(hbUrl, '2024-03-14T09:05:41.000Z'),
      entry('https://cdn.acme.com/app.js', '2024-03-14T09:05:31.000Z'),
    ]);
    const src = parseHarBytes(Buffer.from(JSON.stringify(doc)), 'a.har', opts);
    expect(src.kind).toBe('har');
    if (src.kind !== 'har') return;
    expect(src.exporter).toBe('chrome');
    expect(src.entries.map((e) => e.url)).toEqual(['https://cdn.acme.com/app.js', hbUrl]);
    expect(src.entries[1].index).toBe(0); // original position kept as provenance
    expect(src.entries[0].reqHeaders['user-agent']).toBe('Mozilla/5.0 (X11)');
  });

  it('rebuilds Charles form posts from postData.params', () => {
    const e = entry(
      'https://acme.sc.omtrdc.net/b/ss/acmeprod/0/ANDN030002030300/s48213377',
      '2024-03-14T09:05:31Z',
      {},
    );
    (e.request as Record<string, unknown>).method = 'POST';
    (e.request as Record<string, unknown>).postData = {
      mimeType: 'application/x-www-form-urlencoded',
      params: [
        { name: 'ndh', value: '1' },
        { name: 'c.', value: '' },
        { name: 'a.', value: '' },
        { name: 'AppID', value: 'Acme TV 4.2.0 (4200)' },
        { name: '.a', value: '' },
        { name: '.c', value: '' },
        { name: 'pageName', value: 'Home & Away' },
      ],
    };
    const src = parseHarBytes(Buffer.from(JSON.stringify(har([e], 'Charles Proxy'))), 'c.har', opts);
    expect(src.kind === 'har' && src.exporter).toBe('charles');
    if (src.kind !== 'har') return;
    expect(src.entries[0].postText).toBe(
      'ndh=1&c.=&a.=&AppID=Acme%20TV%204.2.0%20(4200)&.a=&.c=&pageName=Home%20%26%20Away',
    );
  });

  it('accepts UTF-8 with BOM and UTF-16 LE/BE with BOM', () => {
    const json = JSON.stringify(har([entry(hbUrl, '2024-03-14T09:05:41.000Z')], 'Firefox'));
    const bom8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const [buf, enc] of [
      [bom8, 'utf8-bom'],
      [le, 'utf16le'],
      [be, 'utf16be'],
    ] as const) {
      const src = parseHarBytes(buf, 'x.har', opts);
      expect(src.kind).toBe('har');
      if (src.kind === 'har') {
        expect(src.encoding).toBe(enc);
        expect(src.exporter).toBe('firefox');
        expect(src.entries[0].url).toBe(hbUrl);
      }
    }
  });

  it('quarantines one malformed entry and keeps the rest of the file', () => {
    const doc = har([entry(hbUrl, '2024-03-14T09:05:41.000Z'), { request: { method: 'GET' } }, 'junk']);
    const src = parseHarBytes(Buffer.from(JSON.stringify(doc)), 'm.har', opts);
    expect(src.kind).toBe('har');
    if (src.kind !== 'har') return;
    expect(src.entries).toHaveLength(1);
    expect(src.entryProblems).toEqual([
      { index: 1, reason: 'request has no url' },
      { index: 2, reason: 'entry is not an object' },
    ]);
  });

  it('classifies each broken-file class with a clear reason', () => {
    expect(parseHarBytes(Buffer.alloc(0), 'e.har', opts)).toMatchObject({
      kind: 'broken',
      reason: 'empty-file',
    });
    expect(parseHarBytes(Buffer.from('{"log":{"entries":[{"req'), 't.har', opts)).toMatchObject({
      kind: 'broken',
      reason: 'invalid-json',
    });
    expect(parseHarBytes(Buffer.from('{"hello":1}'), 'n.har', opts)).toMatchObject({
      kind: 'broken',
      reason: 'not-a-har',
    });
    const lfs =
      'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n';
    expect(parseHarBytes(Buffer.from(lfs), 'p.har', opts)).toMatchObject({
      kind: 'lfs-pointer',
      message: 'LFS object not fetched — run git lfs pull',
    });
  });

  it('drops large response bodies before parsing but keeps request bodies and needed responses', () => {
    const big = 'A'.repeat(50_000);
    const e1 = entry('https://cdn.acme.com/img.png', '2024-03-14T09:05:31Z');
    (e1.response as Record<string, unknown>).content = {
      size: big.length,
      mimeType: 'image/png',
      text: big,
      encoding: 'base64',
    };
    const e2 = entry('https://edge.adobedc.net/ee/v1/interact?configId=x', '2024-03-14T09:05:32Z');
    (e2.request as Record<string, unknown>).postData = {
      mimeType: 'text/plain',
      text: '{"events":[' + '"x",'.repeat(500) + '"y"]}',
    };
    (e2.response as Record<string, unknown>).content = {
      size: 40,
      mimeType: 'application/json',
      text: '{"handle":[]}',
    };
    const src = parseHarBytes(Buffer.from(JSON.stringify(har([e1, e2]), null, 2)), 'b.har', opts);
    expect(src.kind).toBe('har');
    if (src.kind !== 'har') return;
    expect(src.strippedBytes).toBe(50_000);
    expect(src.entries[0].resBody).toBeNull();
    expect(src.entries[1].postText?.length).toBeGreaterThan(1024);
    expect(src.entries[1].resBody).toBe('{"handle":[]}');
  });
});

describe('stripResponseBodies', () => {
  it('drops small bodies too, except where the entry URL needs them (Edge handles)', () => {
    const body = JSON.stringify({
      handle: [{ type: 'media-analytics:new-session', payload: [{ sessionId: 'abc' }] }],
      pad: 'x'.repeat(1500),
    });
    const mk = (url: string) => ({
      request: { method: 'POST', url },
      response: { status: 200, content: { mimeType: 'application/json', text: body } },
    });
    const raw = Buffer.from(
      JSON.stringify({
        log: {
          entries: [
            mk('https://cdn.acme.com/api/catalog.json'),
            mk('https://edge.adobedc.net/ee/v1/interact?configId=x'),
          ],
        },
      }),
    );
    const out = stripResponseBodies(raw, {
      maxKeep: 65_536,
      minStrip: 512,
      keepUrl: (u) => u.includes('/ee/'),
    });
    const parsed = JSON.parse(out.buf.toString());
    expect(parsed.log.entries[0].response.content.text).toBe('');
    expect(parsed.log.entries[1].response.content.text).toBe(body);
    expect(out.stripped).toBe(1);
  });

  it('handles escaped quotes inside bodies and leaves short bodies alone', () => {
    const doc = {
      log: {
        entries: [
          { response: { content: { text: 'x\\"y'.repeat(400) + '"' } } },
          { response: { content: { text: 'short' } } },
        ],
      },
    };
    const raw = Buffer.from(JSON.stringify(doc));
    const out = stripResponseBodies(raw, 100);
    const parsed = JSON.parse(out.buf.toString());
    expect(parsed.log.entries[0].response.content.text).toBe('');
    expect(parsed.log.entries[1].response.content.text).toBe('short');
    expect(out.stripped).toBe(1);
  });
});

describe('readHarFile containers and inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-har-'));
  const json = JSON.stringify(har([entry(hbUrl, '2024-03-14T09:05:41.000Z')]));
  mkdirSync(join(dir, 'ios', 'run1'), { recursive: true });
  writeFileSync(join(dir, 'a.har'), json);
  writeFileSync(join(dir, 'ios', 'run1', 'b.har.gz'), gzipSync(json));
  writeFileSync(
    join(dir, 'ios', 'bundle.zip'),
    zipSync({ 'x.har': Buffer.from(json), 'notes.txt': Buffer.from('hi'), 'y.har': Buffer.from('{') }),
  );
  writeFileSync(join(dir, 'ios', 'bad.har.gz'), Buffer.from('not gzip'));
  writeFileSync(join(dir, 'truth.jsonl'), '{}');

  it('reads .har.gz and every HAR inside a .zip, reports a corrupt gzip', () => {
    const gz = readHarFile(join(dir, 'ios', 'run1', 'b.har.gz'), 'ios/run1/b.har.gz', opts);
    expect(gz[0].kind).toBe('har');
    const zip = readHarFile(join(dir, 'ios', 'bundle.zip'), 'ios/bundle.zip', opts);
    expect(zip.map((s) => [s.path, s.kind])).toEqual([
      ['ios/bundle.zip!/x.har', 'har'],
      ['ios/bundle.zip!/y.har', 'broken'],
    ]);
    expect(readHarFile(join(dir, 'ios', 'bad.har.gz'), 'ios/bad.har.gz', opts)[0]).toMatchObject({
      kind: 'broken',
      reason: 'gzip-error',
    });
  });

  it('expands folders recursively and globs, with paths relative to the input folder', () => {
    expect(expandInputs([dir]).map((f) => f.rel)).toEqual([
      'a.har',
      'ios/bad.har.gz',
      'ios/bundle.zip',
      'ios/run1/b.har.gz',
    ]);
    expect(expandInputs([join(dir, '**/*.gz')]).map((f) => f.rel)).toEqual([
      'ios/bad.har.gz',
      'ios/run1/b.har.gz',
    ]);
    expect(() => expandInputs([join(dir, 'missing')])).toThrow(/input not found/);
  });

  it('splits inputs into disjoint shards that cover everything', () => {
    const rels = Array.from({ length: 200 }, (_, i) => `drop/${i}.har`);
    const shards = [0, 1, 2].map((i) => rels.filter((r) => inShard(r, { index: i, count: 3 })));
    expect(shards.flat().sort()).toEqual([...rels].sort());
    expect(shards.every((s) => s.length > 40)).toBe(true);
    expect(() => parseShard('3/3')).toThrow();
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
  });
});
