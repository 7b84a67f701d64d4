import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
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

describe('parseHarBytes with a relevant predicate (ingest)', () => {
  it('stops at the URL of entries the caller rules out, and rejects the same broken entries', () => {
    const cdn = entry('https://cdn.acme.com/app.js', '2024-03-14T09:05:31.000Z');
    (cdn.response as Record<string, unknown>).headers = [{ name: 'Set-Cookie', value: 'sid=1' }];
    const doc = har([
      entry(hbUrl, '2024-03-14T09:05:41.000Z'),
      cdn,
      { startedDateTime: '2024-03-14T09:05:42.000Z', request: { method: 'GET' } },
      'not an entry',
    ]);
    const raw = Buffer.from(JSON.stringify(doc));
    const full = parseHarBytes(raw, 'a.har', opts);
    const light = parseHarBytes(raw, 'a.har', { ...opts, relevant: (_m, url) => url.includes('omtrdc') });
    if (full.kind !== 'har' || light.kind !== 'har') throw new Error('not parsed');
    expect(light.entryProblems).toEqual(full.entryProblems);
    expect(light.entryProblems.map((p) => p.index)).toEqual([2, 3]);
    const [skipped, kept] = light.entries;
    expect(kept).toEqual(full.entries[1]);
    expect(kept.urlOnly).toBeUndefined();
    // Everything sessions and holes read is there; headers and bodies are not.
    expect(skipped).toMatchObject({
      index: 1,
      url: cdn.request.url,
      method: 'GET',
      status: 204,
      urlOnly: true,
    });
    expect(skipped.startedMs).toBe(full.entries[0].startedMs);
    expect(skipped.reqHeaders).toEqual({});
    expect(full.entries[0].resHeaders['set-cookie']).toBe('sid=1');
    expect(skipped.resHeaders).toEqual({});
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

describe('stripResponseBodies keeps request bodies whole', () => {
  it('scans past a JSON request body full of escaped quotes and strips the response after it', () => {
    // Edge/Media Edge POST bodies are JSON inside a JSON string: every quote escaped, `text` keys inside.
    const reqBody = JSON.stringify({ events: [{ xdm: { text: 'a "text": "b"', pad: '"'.repeat(700) } }] });
    const doc = {
      log: {
        entries: [
          {
            request: { method: 'POST', url: 'https://cdn.acme.com/log', postData: { text: reqBody } },
            response: { content: { text: 'r'.repeat(2000) } },
          },
        ],
      },
    };
    const raw = Buffer.from(JSON.stringify(doc, null, '\t'));
    const out = stripResponseBodies(raw, { maxKeep: 65_536, minStrip: 512, keepUrl: () => false });
    const parsed = JSON.parse(out.buf.toString());
    expect(parsed.log.entries[0].request.postData.text).toBe(reqBody);
    expect(parsed.log.entries[0].response.content.text).toBe('');
    expect(out.removedBytes).toBe(2000);
  });
});

describe('readHarFile reuses its buffers', () => {
  it('gives each file its own hash and entries when a big capture is followed by a small one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-har-scratch-'));
    const big = JSON.stringify(
      har([
        entry(hbUrl, '2024-03-14T09:05:41.000Z', {
          response: { status: 200, headers: [], content: { text: 'z'.repeat(300_000) } },
        }),
        entry('https://cdn.acme.com/big.js', '2024-03-14T09:05:42.000Z'),
      ]),
    );
    const small = JSON.stringify(har([entry(hbUrl, '2024-03-14T09:06:00.000Z')]));
    writeFileSync(join(dir, 'big.har'), big);
    writeFileSync(join(dir, 'small.har'), small);
    const [a] = readHarFile(join(dir, 'big.har'), 'big.har', opts);
    const [b] = readHarFile(join(dir, 'small.har'), 'small.har', opts);
    if (a.kind !== 'har' || b.kind !== 'har') throw new Error('not parsed');
    expect(a.hash).toBe(createHash('sha256').update(big).digest('hex'));
    expect(b.hash).toBe(createHash('sha256').update(small).digest('hex'));
    expect(a.entries.map((e) => e.startedDateTime)).toEqual([
      '2024-03-14T09:05:41.000Z',
      '2024-03-14T09:05:42.000Z',
    ]);
    expect(b.entries.map((e) => e.startedDateTime)).toEqual(['2024-03-14T09:06:00.000Z']);
    expect(a.strippedBytes).toBe(300_000);
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

describe('bodies outside the entry: _file attachments and omitted bodies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-attach-'));
  const mc = 'https://acme.hb-api.omtrdc.net/api/v1/sessions';
  const edge = 'https://edge.adobedc.net/ee/v1/interact?configId=x';
  const post = (url: string, postData: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const e = entry(url, '2024-03-14T09:05:31.000Z', extra);
    Object.assign(e.request, { method: 'POST', bodySize: 75, postData });
    return e;
  };
  const startBody = '{"eventType":"sessionStart","playerTime":{"playhead":0,"ts":1710410731022}}';
  const handle = '{"handle":[{"type":"media-analytics:new-session","payload":[{"sessionId":"s1"}]}]}';
  const attachedDoc = har(
    [
      post(mc, { mimeType: 'application/json', text: '', _file: 'b1.json' }),
      post(
        edge,
        { mimeType: 'text/plain', text: '', _file: 'b2.txt' },
        {
          response: {
            status: 200,
            headers: [],
            content: { size: 90, mimeType: 'application/json', _file: 'r2.json' },
          },
        },
      ),
      post(mc, { mimeType: 'application/json', text: '', _file: '../outside.json' }),
      post(mc, { mimeType: 'application/json', text: '', _file: 'gone.json' }),
    ],
    'Playwright',
  );

  it('reads a Playwright attach folder and never follows a _file out of it', () => {
    mkdirSync(join(dir, 'rec'));
    writeFileSync(join(dir, 'rec', 'capture.har'), JSON.stringify(attachedDoc));
    writeFileSync(join(dir, 'rec', 'b1.json'), startBody);
    writeFileSync(join(dir, 'rec', 'b2.txt'), '{"events":[]}');
    writeFileSync(join(dir, 'rec', 'r2.json'), handle);
    writeFileSync(join(dir, 'outside.json'), '{"secret":true}');
    const [src] = readHarFile(join(dir, 'rec', 'capture.har'), 'rec/capture.har', opts);
    expect(src.kind === 'har' && src.exporter).toBe('playwright');
    if (src.kind !== 'har') return;
    const [start, interact, outside, gone] = src.entries;
    expect(start.postText).toBe(startBody);
    expect(interact.postText).toBe('{"events":[]}');
    expect(interact.resBody).toBe(handle);
    expect([outside.postText, outside.postAbsent]).toEqual([null, 'attachment-missing']);
    expect([gone.postText, gone.postAbsent]).toEqual([null, 'attachment-missing']);
    expect(src.attachments.sort()).toEqual(['../outside.json', 'b1.json', 'b2.txt', 'gone.json', 'r2.json']);
  });

  it('a .har.zip keeps its _file members as bodies, not broken HARs, and still reads a HAR saved as .json', () => {
    const zip = zipSync({
      'har.har': Buffer.from(JSON.stringify(attachedDoc)),
      'b1.json': Buffer.from(startBody),
      'b2.txt': Buffer.from('{"events":[]}'),
      'r2.json': Buffer.from(handle),
      'other-capture.json': Buffer.from(JSON.stringify(har([entry(hbUrl, '2024-03-14T09:05:41.000Z')]))),
    });
    writeFileSync(join(dir, 'rec.har.zip'), zip);
    const sources = readHarFile(join(dir, 'rec.har.zip'), 'rec.har.zip', opts);
    expect(sources.map((s) => [s.path, s.kind])).toEqual([
      ['rec.har.zip!/har.har', 'har'],
      ['rec.har.zip!/other-capture.json', 'har'],
    ]);
    const first = sources[0];
    if (first.kind !== 'har') return;
    expect(first.entries[0].postText).toBe(startBody);
    expect(first.entries[1].resBody).toBe(handle);
  });

  it('marks a body the exporter left out as omitted, when Content-Length or bodySize says one was sent', () => {
    const omitted = post(mc, { mimeType: 'application/json', text: '', params: [] }); // Playwright content: 'omit'
    const tooBig = entry(mc, '2024-03-14T09:05:32.000Z'); // HTTP Toolkit drops bodies over 40 KB
    Object.assign(tooBig.request, { method: 'POST', bodySize: 50_000 });
    const beacon = entry(
      'https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.22.0/s1?AQB=1&AQE=1',
      '2024-03-14T09:05:33Z',
    );
    Object.assign(beacon.request, {
      method: 'POST',
      bodySize: 0,
      headers: [{ name: 'Content-Length', value: '0' }],
    }); // sendBeacon exit link: the data is in the URL
    const src = parseHarBytes(Buffer.from(JSON.stringify(har([omitted, tooBig, beacon]))), 'o.har', opts);
    if (src.kind !== 'har') throw new Error(src.kind);
    expect(src.entries.map((e) => e.postAbsent ?? null)).toEqual(['omitted', 'omitted', null]);
  });

  it("reads mitmproxy's zlib .zhar dump (its hardump option compresses when the name ends in .zhar)", () => {
    const doc = har([entry(hbUrl, '2024-03-14T09:05:41.000000+00:00')], 'mitmproxy exporthar');
    writeFileSync(join(dir, 'flows.zhar'), deflateSync(JSON.stringify(doc)));
    const [src] = readHarFile(join(dir, 'flows.zhar'), 'flows.zhar', opts);
    expect(src.kind === 'har' && [src.exporter, src.entries[0].startedMs]).toEqual([
      'mitmproxy',
      Date.parse('2024-03-14T09:05:41.000Z'),
    ]);
    expect(expandInputs([dir]).map((f) => f.rel)).toContain('flows.zhar');
  });
});

describe('readHarFile: a capture larger than ingest.max_capture_bytes is quarantined unread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-big-'));
  const json = JSON.stringify(har([entry(hbUrl, '2024-03-14T09:05:41.000Z')]));
  // A compression bomb in miniature: 4 MB of one repeated character in a comment compresses to ~4 KB.
  const bomb = JSON.stringify({ log: { ...har([]).log, comment: 'a'.repeat(4 << 20) } });
  writeFileSync(join(dir, 'bomb.har.gz'), gzipSync(bomb));
  writeFileSync(join(dir, 'bomb.zhar'), deflateSync(bomb));
  writeFileSync(join(dir, 'plain.har'), json);
  writeFileSync(join(dir, 'small.har.gz'), gzipSync(json));
  writeFileSync(
    join(dir, 'bundle.zip'),
    zipSync({ 'big.har': Buffer.from(bomb), 'ok.har': Buffer.from(json), 'inner.har.gz': gzipSync(bomb) }),
  );
  const limit = { ...opts, maxCaptureBytes: 1 << 20 };

  it('stops inflating a .har.gz or .zhar at the bound and names the setting', () => {
    expect(gzipSync(bomb).length).toBeLessThan(64 << 10);
    for (const name of ['bomb.har.gz', 'bomb.zhar']) {
      const [src] = readHarFile(join(dir, name), name, limit);
      expect(src).toMatchObject({ kind: 'broken', reason: 'too-large', hash: '' });
      expect(src.kind === 'broken' && src.detail).toMatch(
        /^inflates to more than 1 MiB, over the 1 MiB .*ingest\.max_capture_bytes/,
      );
    }
    // A capture under the bound reads as before, and the same bomb reads under the default bound.
    expect(readHarFile(join(dir, 'small.har.gz'), 'small.har.gz', limit)[0].kind).toBe('har');
    expect(readHarFile(join(dir, 'bomb.har.gz'), 'bomb.har.gz', opts)[0].kind).toBe('har');
  });

  it('does not read a file on disk over the bound', () => {
    const [src] = readHarFile(join(dir, 'plain.har'), 'plain.har', { ...opts, maxCaptureBytes: 100 });
    expect(src).toMatchObject({ kind: 'broken', reason: 'too-large', hash: '', bytes: json.length });
    expect(src.kind === 'broken' && src.detail).toMatch(/^\d+ bytes on disk, over the 100 bytes/);
    expect(
      readHarFile(join(dir, 'plain.har'), 'plain.har', { ...opts, maxCaptureBytes: json.length })[0].kind,
    ).toBe('har');
  });

  it('names a zip member whose inflated size is over the bound, reads the others', () => {
    const srcs = readHarFile(join(dir, 'bundle.zip'), 'bundle.zip', limit);
    expect(srcs.map((s) => [s.path, s.kind === 'broken' ? s.reason : s.kind])).toEqual([
      ['bundle.zip!/big.har', 'too-large'],
      ['bundle.zip!/ok.har', 'har'],
      ['bundle.zip!/inner.har.gz', 'too-large'],
    ]);
    expect(srcs[0].kind === 'broken' && srcs[0].detail).toMatch(/^4 MiB inflated, over the 1 MiB/);
    // One member asked for by name obeys the same bound.
    const [one] = readHarFile(join(dir, 'bundle.zip!/big.har'), 'bundle.zip!/big.har', limit);
    expect(one).toMatchObject({ kind: 'broken', reason: 'too-large' });
  });
});
