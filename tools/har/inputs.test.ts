import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { harDoc, pageView } from '../validate/testing/index.js';
import { comparePaths, walkFiles } from '../util/files.js';
import { expandInputs, inputRoots } from './inputs.js';
import { readHarFile } from './read.js';

const opts = { maxKeptBodyBytes: 1024, keepBody: () => false };

function tree(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-inputs-'));
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return dir;
}

describe('input expansion', () => {
  it('a/**/b.har matches b.har at any depth below a/, never a/xb.har', () => {
    const doc = harDoc([pageView(0)]);
    const dir = tree({
      'a/b.har': doc,
      'a/x/b.har': doc,
      'a/x/y/b.har': doc,
      'a/xb.har': doc,
      'a/x/ab.har': doc,
    });
    const rels = expandInputs([join(dir, 'a/**/b.har')]).map((f) => f.rel);
    expect(rels).toEqual(['b.har', 'x/b.har', 'x/y/b.har']);
  });

  it('a glob that matches nothing is "input not found", not an empty successful run', () => {
    const dir = tree({ 'a/b.har': harDoc([pageView(0)]) });
    expect(() => expandInputs([join(dir, 'a/**/*.har.gz')])).toThrow(/input not found: no file matches/);
  });

  it('folder walks skip dot-folders and node_modules and sort a folder before its longer siblings', () => {
    const doc = harDoc([pageView(0)]);
    const dir = tree({
      'drop/a/b.har': doc,
      'drop/a-c.har': doc,
      'drop/.cache/x.har': doc,
      'drop/node_modules/pkg/y.har': doc,
      'drop/notes.txt': 'not a capture',
    });
    expect(expandInputs([join(dir, 'drop')]).map((f) => f.rel)).toEqual(['a/b.har', 'a-c.har']);
    expect(['a-c', 'a/b'].sort(comparePaths)).toEqual(['a/b', 'a-c']);
    expect(walkFiles(join(dir, 'nope'))).toEqual([]);
  });

  it('a folder walk names what it could not look at instead of dropping it: dead links; odd names are read', () => {
    const doc = harDoc([pageView(0)]);
    const dir = tree({ 'drop/ok.har': doc, 'drop/odd\nname.har': doc, 'drop/sub/deep.har': doc });
    symlinkSync(join(dir, 'nowhere.har'), join(dir, 'drop', 'gone.har')); // its target was never there
    symlinkSync(join(dir, 'drop'), join(dir, 'drop', 'sub', 'loop')); // a cycle: listed once
    symlinkSync(join(dir, 'nowhere.txt'), join(dir, 'drop', 'notes.txt')); // not a capture: not our business
    mkdirSync(join(dir, 'drop', 'lost+found'));
    writeFileSync(join(dir, 'drop', 'lost+found', 'x.har'), doc); // a volume's own folder: never entered
    const notes: string[] = [];
    const got = expandInputs(['drop'], dir, notes).map((f) => [f.rel, f.size]);
    expect(got).toEqual([
      ['gone.har', 0],
      ['odd\nname.har', doc.length],
      ['ok.har', doc.length],
      ['sub/deep.har', doc.length],
    ]);
    expect(notes).toEqual([]);
    // the dead link reaches the reader, which quarantines it with the system's words
    const gone = expandInputs(['drop'], dir).find((f) => f.rel === 'gone.har')!;
    const [src] = readHarFile(gone.abs, gone.rel, opts);
    expect(src).toMatchObject({
      kind: 'broken',
      reason: 'read-error',
      detail: expect.stringMatching(/ENOENT/),
    });
  });

  it('names one member of a zip as archive.zip!/member.har and reads only that member', () => {
    const zip = zipSync({
      'cap-1.har': new TextEncoder().encode(harDoc([pageView(0)])),
      'cap-2.har': new TextEncoder().encode(harDoc([pageView(0), pageView(1000)])),
    });
    const dir = tree({ 'bundles/bundle-03.zip': zip });
    const [f] = expandInputs(['bundles/bundle-03.zip!/cap-2.har'], dir);
    expect(f.rel).toBe('bundle-03.zip!/cap-2.har');
    const sources = readHarFile(f.abs, f.rel, opts);
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({ kind: 'har', path: 'bundle-03.zip!/cap-2.har' });
    expect(sources[0].kind === 'har' && sources[0].entries).toHaveLength(2);
    expect(() => expandInputs(['bundles/bundle-03.zip!/cap-9.har'], dir)).toThrow(
      /input not found: .*has no member 'cap-9.har'; it holds cap-1.har, cap-2.har/,
    );
    expect(() => expandInputs(['bundles/nope.zip!/cap-1.har'], dir)).toThrow(/input not found/);
    // named beside the whole archive, the member is read once, with the archive
    expect(
      expandInputs(['bundles/bundle-03.zip!/cap-2.har', 'bundles/bundle-03.zip'], dir).map((x) => x.rel),
    ).toEqual(['bundle-03.zip']);
  });

  it('reads compressed captures inside a zip, and names a zip inside a zip instead of skipping it', () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    const doc = harDoc([pageView(0), pageView(1000)]);
    const dir = tree({
      'drop.zip': zipSync({
        'a.har': enc(harDoc([pageView(0)])),
        'b.har.gz': gzipSync(doc),
        'c.zhar': deflateSync(doc),
        'd.harz': enc(doc),
        'e.har.gz': enc('not gzip'),
        'inner.zip': zipSync({ 'x.har': enc(doc) }),
        'screenshots.zip': zipSync({ 'shot-1.png': enc('png') }), // no capture in it: not a capture either
        'notes.txt': enc('not a capture'),
      }),
    });
    const read = readHarFile(join(dir, 'drop.zip'), 'drop.zip', opts);
    expect(
      read.map((s) => [
        s.path,
        s.kind,
        s.kind === 'broken' ? s.reason : s.kind === 'har' ? s.entries.length : null,
      ]),
    ).toEqual([
      ['drop.zip!/a.har', 'har', 1],
      ['drop.zip!/b.har.gz', 'har', 2],
      ['drop.zip!/c.zhar', 'har', 2],
      ['drop.zip!/d.harz', 'har', 2],
      ['drop.zip!/e.har.gz', 'broken', 'gzip-error'],
      ['drop.zip!/inner.zip', 'broken', 'zip-error'],
    ]);
    // one compressed member by name
    const [f] = expandInputs(['drop.zip!/b.har.gz'], dir);
    expect(readHarFile(f.abs, f.rel, opts)).toMatchObject([{ kind: 'har', path: 'drop.zip!/b.har.gz' }]);
    // a zip that a HAR of the archive points at (Playwright keeps a downloaded body as <sha1>.zip) is a body
    const withBody = JSON.parse(harDoc([pageView(0)]));
    withBody.log.entries[0].response.content._file = 'body.zip';
    const pw = tree({
      'pw.har.zip': zipSync({
        'har.har': enc(JSON.stringify(withBody)),
        'body.zip': zipSync({ 'x.txt': enc('x') }),
      }),
    });
    expect(readHarFile(join(pw, 'pw.har.zip'), 'pw.har.zip', opts).map((x) => x.path)).toEqual([
      'pw.har.zip!/har.har',
    ]);
  });

  it('reads .harz whatever it holds inside: gzip, zip or plain JSON', () => {
    const doc = harDoc([pageView(0)]);
    const dir = tree({
      'g.harz': gzipSync(doc),
      'z.harz': zipSync({ 'inner.har': new TextEncoder().encode(doc) }),
      'p.harz': doc,
    });
    const files = expandInputs([dir]);
    expect(files.map((f) => f.rel)).toEqual(['g.harz', 'p.harz', 'z.harz']);
    const read = files.flatMap((f) => readHarFile(f.abs, f.rel, opts));
    expect(read.map((s) => [s.path, s.kind])).toEqual([
      ['g.harz', 'har'],
      ['p.harz', 'har'],
      ['z.harz!/inner.har', 'har'],
    ]);
  });

  it('records how each argument maps har paths back to a path goblin run reads', () => {
    const zip = zipSync({ 'cap-1.har': new TextEncoder().encode(harDoc([pageView(0)])) });
    const dir = tree({ 'x/one.har': harDoc([pageView(0)]), 'x/b.zip': zip });
    expect(inputRoots(['x', 'x/one.har', 'x/b.zip!/cap-1.har', 'x/**/*.har'], dir)).toEqual([
      { arg: 'x', kind: 'dir', path: 'x', rel: null },
      { arg: 'x/one.har', kind: 'file', path: 'x/one.har', rel: 'one.har' },
      { arg: 'x/b.zip!/cap-1.har', kind: 'file', path: 'x/b.zip!/cap-1.har', rel: 'b.zip!/cap-1.har' },
      { arg: 'x/**/*.har', kind: 'dir', path: 'x', rel: null },
    ]);
  });
});
