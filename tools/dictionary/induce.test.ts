import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { Store } from '../store/index.js';
import { corpus, T0 } from './fixtures.js';
import { diffTrees, unifiedDiff } from './diff.js';
import { readDictionary, loadDictionaryTypes, writeDictionary, paramSlug } from './files.js';
import { induceFromStore, versionRange, type Induced } from './induce.js';
import { inferType, guessUnit } from './infer.js';
import { findUnknowns } from './unknowns.js';
import type { DictionaryEntry } from './schema.js';
import { cpSync } from 'node:fs';
import { ingestInto, harJson, heartbeatRequests, HB_NEW, ingestHars, mcRequests, MC_B, tmpDir } from './testing.js';
import { mkdirSync } from 'node:fs';

let store: Store;
let dir: string;
let induced: Induced;
const get = (sdk: string, param: string): DictionaryEntry => {
  const e = induced.entries.find((x) => x.sdk === sdk && x.param === param);
  if (!e) throw new Error(`no entry ${sdk} ${param}`);
  return e;
};

beforeAll(async () => {
  dir = tmpDir('dict');
  store = (await ingestHars(dir, corpus())).store;
  induced = await induceFromStore(store.con);
}, 60_000);
afterAll(() => store?.close());

describe('dictionary induction from a real store', () => {
  it('types params by sampling and patterns', () => {
    expect(get('heartbeat', 'l:event:playhead').type).toBe('int');
    expect(get('hb-api', 'media.length').type).toBe('int');
    expect(get('heartbeat', 'l:event:ts').type).toBe('datetime');
    expect(get('hb-api', 'playerTime.ts').type).toBe('datetime');
    expect(get('heartbeat', 's:event:sid').type).toBe('id-like');
    expect(get('heartbeat', 's:user:mid').type).toBe('id-like'); // hashed ECID
    expect(get('aa', 'c.a.media.view').type).toBe('bool');
    const at = get('heartbeat', 's:asset:type');
    expect(at.type).toBe('enum');
    expect(at.stats.top_values?.map((t) => t.value).sort()).toEqual(['ad', 'main']);
    expect(get('heartbeat', 's:asset:name').type).toBe('string');
    // pure functions on edge cases
    const base = { name: 'x', n: 100, n_bool: 0, n_num: 0, n_int: 0, n_id: 0, n_iso: 0, distinct: 100, min: null, max: null, mean: null, distinct_per_session: 1, sessions: 50 };
    expect(inferType({ ...base, name: 'timestamp', n_iso: 100 })).toBe('datetime');
    expect(inferType({ ...base, n_num: 100, n_int: 90, min: 0, max: 3.5 })).toBe('float');
    expect(inferType({ ...base, distinct: 3 })).toBe('enum');
    expect(inferType({ ...base, n_id: 95 })).toBe('id-like');
  });

  it('guesses units from names and values', () => {
    expect(get('heartbeat', 'l:event:playhead').unit).toBe('seconds');
    expect(get('heartbeat', 'l:event:duration').unit).toBe('ms');
    expect(get('heartbeat', 'l:stream:bitrate').unit).toBe('bps');
    expect(get('heartbeat', 'l:event:ts').unit).toBe('ms');
    expect(get('heartbeat', 'l:asset:length').unit).toBe('seconds');
    expect(guessUnit('media.qoe.framesPerSecond', 'float', { min: 0, max: 30, mean: 29 })).toBe('fps');
    expect(guessUnit('total_bytes', 'int', { min: 0, max: 3e6, mean: 1e6 })).toBe('bytes');
    expect(guessUnit('x.length', 'int', { min: 1e6, max: 4e6, mean: 2e6 })).toBe('ms');
  });

  it('computes stats, stability and seen dates in SQL', () => {
    const ph = get('heartbeat', 'l:event:playhead');
    expect(ph.stats.min).toBe(0);
    expect(ph.stats.max).toBe(50);
    expect(ph.sessions).toBe(8);
    expect(ph.stability).toBe(1);
    expect(ph.first_seen).toBe('2024-03-14');
    // ad keys: in some sessions of each build only → unstable
    expect(get('heartbeat', 's:asset:ad_id').stability).toBeLessThan(0.5);
    // build-specific key: always in 2.2, never in 2.0 → stable within its version
    expect(get('heartbeat', 's:sp:ovp').stability).toBe(1);
    expect(get('heartbeat', 's:user:mid').evidence.examples[0]).toMatch(/^s:user:mid=h:[0-9a-f]{20}$/);
    expect(induced.events).toBeGreaterThan(80);
  });

  it('derives presence per event type and version range', () => {
    expect(versionRange('js-2.2.2.230-96e624')).toBe('>=2.2.0 <2.3.0');
    expect(versionRange('ANDN030002030300')).toBe('>=3.0.0 <3.1.0');
    expect(versionRange('3.3.0+3.0.1')).toBe('>=3.3.0 <3.4.0');
    const ovp = get('heartbeat', 's:sp:ovp').presence;
    expect(ovp.play).toEqual({ '>=2.0.0 <2.1.0': 'forbidden', '>=2.2.0 <2.3.0': 'required' });
    expect(get('heartbeat', 'l:event:playhead').presence.play).toEqual({
      '>=2.0.0 <2.1.0': 'required',
      '>=2.2.0 <2.3.0': 'required',
    });
    const fmt = get('hb-api', 'media.streamFormat').presence.sessionStart;
    expect(fmt).toEqual({ '>=3.1.0 <3.2.0': 'forbidden', '>=3.2.0 <3.3.0': 'required' });
  });

  it('seeds aliases from the cross-format map and confirms/extends them by value agreement', () => {
    const vid = get('heartbeat', 's:asset:video_id');
    expect(vid.concept).toBe('content_id');
    expect(vid.alias_sources['c.a.media.name']).toBe('seed+values'); // seeded and the values agree
    expect(vid.alias_sources['media.id']).toBe('seed'); // seeded, never in the same capture
    // a customer context variable carrying the video id: found by value agreement only
    expect(vid.alias_sources['c.acme.videoId']).toBe('values');
    const custom = get('aa', 'c.acme.videoId');
    expect(custom.aliases).toContain('s:asset:video_id');
    expect(custom.concept).toBe('content_id');
    expect(get('heartbeat', 's:event:sid').alias_sources['c.a.media.vsid']).toBe('seed+values');
    expect(get('heartbeat', 'l:event:playhead').aliases).toEqual(['mediaCollection.playhead', 'playerTime.playhead']);
    // values that merely look alike across protocols without co-occurring are not aliased
    expect(get('heartbeat', 's:asset:name').alias_sources['c.acme.videoId']).toBeUndefined();
  });
});

describe('dictionary tree', () => {
  it('writes reviewable files; re-induction is byte-identical; locked edits and notes survive', async () => {
    const tree = join(dir, 'dictionary');
    const first = writeDictionary(tree, induced.entries, dir);
    expect(first.added.length).toBe(induced.entries.length);
    expect(first.added).toContain(join('dictionary', 'heartbeat', 's~asset~video_id.yaml'));
    const path = join(tree, 'heartbeat', `${paramSlug('l:event:playhead')}.yaml`);
    const before = readFileSync(path, 'utf8');
    const again = await induceFromStore(store.con);
    const second = writeDictionary(tree, again.entries, dir);
    expect(second).toMatchObject({ added: [], changed: [], unchanged: induced.entries.length });
    expect(readFileSync(path, 'utf8')).toBe(before);

    // Hand edits: a corrected type + locked, and a note on an unlocked entry.
    const doc = YAML.parse(before);
    doc.type = 'float';
    doc.unit = 'seconds';
    doc.locked = true;
    doc.note = 'reviewed: fractional playheads exist on Roku';
    writeFileSync(path, YAML.stringify(doc));
    const sidPath = join(tree, 'heartbeat', `${paramSlug('s:event:sid')}.yaml`);
    const sid = YAML.parse(readFileSync(sidPath, 'utf8'));
    sid.type = 'string'; // not locked: induction wins
    sid.note = 'session id, numeric on web';
    writeFileSync(sidPath, YAML.stringify(sid));
    writeDictionary(tree, (await induceFromStore(store.con)).entries, dir);
    const ph = readDictionary(tree).find((f) => f.entry.param === 'l:event:playhead')!.entry;
    expect(ph).toMatchObject({ type: 'float', locked: true, note: 'reviewed: fractional playheads exist on Roku' });
    expect(ph.stats.max).toBe(50); // observations still refresh
    const s2 = readDictionary(tree).find((f) => f.entry.param === 's:event:sid')!.entry;
    expect(s2).toMatchObject({ type: 'id-like', note: 'session id, numeric on web' });
    // and once merged, a further run changes nothing
    const third = writeDictionary(tree, (await induceFromStore(store.con)).entries, dir);
    expect(third.changed).toEqual([]);
    expect(loadDictionaryTypes(tree).get('l:event:playhead')).toBe('float');
    expect(loadDictionaryTypes(tree).get('media.length')).toBe('int');
  });

  it('diff shows what a new HAR drop would change, and only that', async () => {
    const d2 = tmpDir('dict-diff');
    const before = join(d2, 'before');
    const after = join(d2, 'after');
    writeDictionary(before, induced.entries, d2);
    cpSync(before, after, { recursive: true });
    const { store: s2 } = await ingestHars(d2, corpus());
    mkdirSync(join(d2, 'drop'), { recursive: true });
    writeFileSync(
      join(d2, 'drop', 'new.har'),
      harJson(
        mcRequests({ sid: 'f'.repeat(64), mediaId: 'ep-9', name: 'New', length: 99, build: { ...MC_B, extra: [...MC_B.extra, ['media.resume', true]] }, pings: 2, t0: T0 + 86_400_000 * 2 }),
      ),
    );
    await ingestInto(s2, d2, [join(d2, 'drop')]);
    writeDictionary(after, (await induceFromStore(s2.con)).entries, d2);
    s2.close();
    const diff = diffTrees(before, after);
    expect(diff.added).toEqual([join('hb-api', 'media.resume.yaml')]);
    expect(diff.changed).toContain(join('hb-api', 'media.length.yaml'));
    expect(diff.changed.every((p) => p.startsWith('hb-api'))).toBe(true); // heartbeat/AA untouched
    expect(diff.text).toContain('+++ b/dictionary/hb-api/media.resume.yaml');
    expect(diff.text).toMatch(/\n-last_seen: 2024-03-14\n\+last_seen: 2024-03-16/);
    expect(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', 'x', 'y')).toBe('--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c');
  }, 60_000);

  it('lists stable unknown params not covered by specs or the seed', () => {
    const u = findUnknowns(induced.entries, new Set(['s:sp:ovp', 'analytics.*']), { minSessions: 3 });
    const names = u.map((x) => x.param);
    expect(names).toContain('l:sp:hb_api_lvl');
    expect(names).toContain('s:aam:blob');
    expect(names).not.toContain('s:sp:ovp'); // a spec names it
    expect(names).not.toContain('analytics.reportSuite'); // prefix rule
    expect(names).not.toContain('l:event:playhead'); // seeded mapping
    expect(names).not.toContain('s:asset:ad_id'); // not stable
    expect(names).not.toContain('c.acme.videoId'); // customer variable
    expect(findUnknowns(induced.entries, new Set(), { minSessions: 3, includeCustom: true }).map((x) => x.param)).toContain('c.acme.videoId');
    expect(findUnknowns(induced.entries, new Set(), { minSessions: 1000 })).toEqual([]);
    // a bare `*` in check params (any event type) covers nothing
    expect(findUnknowns(induced.entries, new Set(['*']), { minSessions: 3 }).map((x) => x.param)).toContain('l:sp:hb_api_lvl');
  });
});
