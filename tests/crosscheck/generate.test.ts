import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseLibraries } from './catalog.js';
import { ALL_CODES } from './codes.js';
import { MEDIA_VARIANTS } from './faults.js';
import { generate, type GenerateResult } from './generate.js';
import { EXPORTERS, type TruthFault, type TruthLine, type TruthSession } from './model.js';
import { PAGE_VARIANTS } from './page-faults.js';
import { READ_CODES, readSession } from './reading.js';
import { comparableCore } from './version.js';
import { bodyText, entryIds, mediaEvents, readHar, type Har } from './wire.js';

const GENERATOR = join(import.meta.dirname, 'generate.ts');
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

let full: GenerateResult;
const hars = new Map<string, Har>();
const tmp = mkdtempSync(join(tmpdir(), 'crosscheck-test-'));

beforeAll(() => {
  full = generate({ seed: 11 });
  for (const f of full.files) hars.set(f.path, readHar(f.bytes, f.path));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const faults = (r: GenerateResult) => r.truth.filter((l): l is TruthFault => l.type === 'fault');
const sessions = (r: GenerateResult) => r.truth.filter((l): l is TruthSession => l.type === 'session');

describe('cross-check corpus generator', () => {
  it('gives byte-identical files and truth for the same arguments, from the API and from the CLI', () => {
    const a = generate({ seed: 3, sessions: 40 });
    const b = generate({ seed: 3, sessions: 40 });
    expect(a.files.map((f) => f.path)).toEqual(b.files.map((f) => f.path));
    a.files.forEach((f, i) => expect(f.bytes.equals(b.files[i].bytes)).toBe(true));
    expect(a.truthText).toBe(b.truthText);

    const out = join(tmp, 'cli');
    execFileSync(TSX, [GENERATOR, '--out', out, '--seed', '3', '--sessions', '40'], { stdio: 'pipe' });
    expect(readFileSync(join(out, 'truth.jsonl'), 'utf8')).toBe(a.truthText);
    for (const f of a.files) expect(readFileSync(join(out, f.path)).equals(f.bytes)).toBe(true);

    const other = generate({ seed: 4, sessions: 40 });
    expect(other.truthText).not.toBe(a.truthText);
  });

  it('writes valid HAR 1.2 JSON (after gunzip) for every capture', () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && problems.length < 20) problems.push(what);
    };
    const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
    const nv = (list: unknown) =>
      Array.isArray(list) && list.every((h) => typeof h?.name === 'string' && typeof h?.value === 'string');
    for (const [path, har] of hars) {
      const log = har.log as unknown as Record<string, unknown>;
      check(log.version === '1.2', `${path}: log.version`);
      const creator = log.creator as Record<string, unknown>;
      check(typeof creator?.name === 'string' && typeof creator?.version === 'string', `${path}: creator`);
      check(Array.isArray(log.entries) && (log.entries as unknown[]).length > 0, `${path}: entries`);
      for (const [i, entry] of (log.entries as Record<string, Record<string, unknown>>[]).entries()) {
        const at = `${path}#${i}`;
        check(
          !Number.isNaN(Date.parse(entry.startedDateTime as unknown as string)),
          `${at}: startedDateTime`,
        );
        check(num(entry.time) && (entry.time as unknown as number) >= 0, `${at}: time`);
        const { request: rq, response: rs, timings, cache } = entry;
        check(typeof cache === 'object' && cache !== null, `${at}: cache`);
        check(rq.method === 'GET' || rq.method === 'POST', `${at}: method`);
        check(URL.canParse(rq.url as string), `${at}: url`);
        check(
          typeof rq.httpVersion === 'string' && Array.isArray(rq.cookies),
          `${at}: request httpVersion/cookies`,
        );
        check(nv(rq.headers) && nv(rq.queryString), `${at}: request headers/queryString`);
        check(num(rq.headersSize) && num(rq.bodySize), `${at}: request sizes`);
        if (rq.postData) {
          const pd = rq.postData as Record<string, unknown>;
          check(
            typeof pd.mimeType === 'string' && (typeof pd.text === 'string' || nv(pd.params)),
            `${at}: postData`,
          );
        }
        check(
          Number.isInteger(rs.status) &&
            typeof rs.statusText === 'string' &&
            typeof rs.httpVersion === 'string',
          `${at}: status`,
        );
        check(
          Array.isArray(rs.cookies) && nv(rs.headers) && typeof rs.redirectURL === 'string',
          `${at}: response headers`,
        );
        const content = rs.content as Record<string, unknown>;
        check(num(content?.size) && typeof content?.mimeType === 'string', `${at}: content`);
        check(num(rs.headersSize) && num(rs.bodySize), `${at}: response sizes`);
        for (const k of ['send', 'wait', 'receive'])
          check(num(timings[k]) && (timings[k] as number) >= 0, `${at}: timings.${k}`);
        for (const k of ['blocked', 'dns', 'connect', 'ssl']) {
          if (k in timings) check(num(timings[k]) && (timings[k] as number) >= -1, `${at}: timings.${k}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("points every fault at an entry that exists and carries the fault's session", () => {
    const owners = new Map(full.files.map((f) => [f.path, f.owners]));
    // Requests whose session is only known from context: a stray media-start call of an MC/Edge session
    // carries no heartbeat sid, and a page hit sent before the ECID resolved carries no mid.
    const contextual = new Set([
      'ORCH_UNEXPECTED_CLIENT_AA_MEDIA',
      'IDENTITY_MISSING_ECID',
      'IDENTITY_MISMATCH',
    ]);
    // Web SDK page calls carry the ECID in a cookie, so only the first answer (identity:result) names it.
    const cookieIdentity = new Set(
      sessions(full)
        .filter((s) => s.kind === 'page' && s.protocol === 'edge' && s.platform === 'web')
        .map((s) => `${s.har}|${s.session}`),
    );
    for (const f of faults(full)) {
      const har = hars.get(f.har);
      expect(har, f.har).toBeDefined();
      const entries = (har as Har).log.entries;
      expect(f.entry_index).toBeGreaterThanOrEqual(0);
      expect(f.entry_index).toBeLessThan(entries.length);
      expect(owners.get(f.har)?.[f.entry_index], `${f.har} ${f.code}`).toBe(f.session);
      if (!contextual.has(f.code) && !cookieIdentity.has(`${f.har}|${f.session}`)) {
        expect(entryIds(entries[f.entry_index]).has(f.session), `${f.har}#${f.entry_index} ${f.code}`).toBe(
          true,
        );
      }
    }
  });

  it('has at least 8 faults of every code at the default size, spread over the protocols each applies to', () => {
    const byCode = new Map<string, TruthFault[]>();
    for (const f of faults(full)) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
    const protocolOf = new Map(sessions(full).map((s) => [`${s.har}|${s.session}`, s.protocol]));
    for (const code of ALL_CODES) {
      const list = byCode.get(code) ?? [];
      expect(list.length, code).toBeGreaterThanOrEqual(8);
      const applicable = new Set([
        ...MEDIA_VARIANTS.filter((v) => v.code === code).flatMap((v) => v.protocols),
        ...(PAGE_VARIANTS.some((v) => v.code === code) ? ['page'] : []),
      ]);
      const seen = new Set(
        list
          .map((f) => protocolOf.get(`${f.har}|${f.session}`))
          .map((p) => (p === 'aa' || p === 'edge' ? 'page' : p)),
      );
      expect(seen.size, `${code} over ${[...applicable].join(',')}`).toBeGreaterThanOrEqual(
        Math.min(2, applicable.size),
      );
      // One finding per session and code.
      expect(new Set(list.map((f) => `${f.har}|${f.session}`)).size, code).toBe(list.length);
    }
  });

  it('faults about half of the media sessions, a few twice, and labels the clean ones with traps', () => {
    const media = sessions(full).filter((s) => s.kind === 'media');
    expect(media).toHaveLength(300);
    const perSession = new Map<string, number>();
    for (const f of faults(full)) perSession.set(f.session, (perSession.get(f.session) ?? 0) + 1);
    const faulted = media.filter((s) => perSession.has(s.session));
    expect(faulted).toHaveLength(150);
    const doubles = faulted.filter((s) => (perSession.get(s.session) ?? 0) >= 2).length;
    expect(doubles).toBeGreaterThan(0);
    expect(doubles).toBeLessThan(faulted.length / 2);
    const clean = media.filter((s) => !perSession.has(s.session));
    const traps = new Map<string, number>();
    for (const s of clean) for (const t of s.traps) traps.set(t, (traps.get(t) ?? 0) + 1);
    for (const t of [
      'hb_flush_ping',
      'seek_backward',
      'seek_forward',
      'live_second_of_day',
      'live_midnight_wrap',
      'proxy_delay',
      'equal_capture_timestamps',
      'ad_ping_10s',
      'capture_cut_off',
      'no_analytics_in_capture',
      'downloaded_content',
      'resume_session',
      'ping_after_session_complete',
    ]) {
      expect(traps.get(t) ?? 0, t).toBeGreaterThanOrEqual(3);
    }
    const pageTraps = new Set(
      sessions(full)
        .filter((s) => s.kind === 'page')
        .flatMap((s) => s.traps),
    );
    for (const t of ['pccr_retry', 'rsid_encoded_comma', 'aa_long_post', 'exit_link_beacon'])
      expect(pageTraps.has(t), t).toBe(true);
  });

  it('uses every exporter style, .har and .har.gz, pretty and minified', () => {
    const captures = full.truth.filter((l) => l.type === 'capture');
    expect(new Set(captures.map((c) => (c.type === 'capture' ? c.exporter : '')))).toEqual(
      new Set(EXPORTERS),
    );
    expect(full.files.some((f) => f.path.endsWith('.har.gz'))).toBe(true);
    expect(full.files.some((f) => f.path.endsWith('.har'))).toBe(true);
    const plain = full.files.filter((f) => f.path.endsWith('.har')).map((f) => f.bytes.toString('utf8'));
    expect(plain.some((t) => t.startsWith('{\n'))).toBe(true);
    expect(plain.some((t) => t.startsWith('{"log"'))).toBe(true);
    // Exporter quirks survive: pseudo-headers, seven-digit fractions, form bodies as params only.
    const byExporter = (name: string) =>
      [...hars.entries()].filter(([p]) => p.includes(`-${name}.`)).map(([, h]) => h);
    expect(
      byExporter('chrome')[0].log.entries.some((e) => e.request.headers.some((h) => h.name === ':authority')),
    ).toBe(true);
    expect(/\.\d{7}[+-]\d\d:\d\d$/.test(byExporter('fiddler')[0].log.entries[0].startedDateTime)).toBe(true);
    const bmForms = byExporter('browsermob').flatMap((h) =>
      h.log.entries.filter((e) => e.request.postData?.mimeType.startsWith('application/x-www-form')),
    );
    expect(bmForms.length).toBeGreaterThan(0);
    for (const e of bmForms)
      expect(e.request.postData?.text === undefined && (e.request.postData?.params ?? []).length > 0).toBe(
        true,
      );
    // Mobile Analytics posts whose report-suite list is percent-encoded in the path.
    expect(
      [...hars.values()].some((h) =>
        h.log.entries.some((e) => /\/b\/ss\/[^/]*%2C[^/]*\/0\//.test(e.request.url)),
      ),
    ).toBe(true);
  });

  it('writes truth lines with exactly the documented fields', () => {
    const keys: Record<TruthLine['type'], string[]> = {
      capture: ['type', 'har', 'exporter', 'notes'],
      session: [
        'type',
        'har',
        'session',
        'kind',
        'protocol',
        'platform',
        'sdk',
        'sdk_version_raw',
        'sdk_version',
        'app_version',
        'traps',
      ],
      fault: ['type', 'har', 'session', 'code', 'family', 'entry_index', 'note'],
    };
    for (const line of full.truthText.trim().split('\n')) {
      const obj = JSON.parse(line) as TruthLine;
      expect(Object.keys(obj)).toEqual(keys[obj.type]);
      expect(obj.har).toMatch(
        /^(web|ios|android|tvos|roku|chromecast)\/(heartbeat|media-collection|media-edge)\/\d{4}-[a-z]+\.har(\.gz)?$/,
      );
      if (obj.type === 'session') {
        expect(obj.sdk_version).toBe(comparableCore(obj.sdk_version_raw));
        expect(obj.kind === 'media' ? ['heartbeat', 'hb-api', 'edge'] : ['aa', 'edge']).toContain(obj.sdk);
      }
    }
    expect(comparableCore('android-n-1.6.9.99-66a549')).toBe('1.6.9.99');
    expect(comparableCore('js-2.2.2.230-96e624')).toBe('2.2.2.230');
    expect(comparableCore('js-3.1.0')).toBe('3.1.0');
    expect(comparableCore('JS-2.23.0-LDQM')).toBe('2.23.0');
    expect(comparableCore('BS-2.2.7')).toBe('2.2.7');
    expect(comparableCore('ANDN030002030300')).toBe('3.0.2');
    expect(comparableCore('2.8.0+2.9.0')).toBe('2.8.0+2.9.0');
  });

  it('keeps clean media sessions clean on the wire: ascending stamps, one start first, no error answers', () => {
    const faulted = new Set(faults(full).map((f) => f.session));
    for (const s of sessions(full).filter((x) => x.kind === 'media' && !faulted.has(x.session))) {
      const evs = mediaEvents(hars.get(s.har) as Har).filter((e) => e.sid === s.session);
      if (s.traps.includes('downloaded_content')) continue;
      expect(evs.length, `${s.har} ${s.session}`).toBeGreaterThan(2);
      const starts = evs.filter((e) =>
        e.protocol === 'heartbeat' ? e.type === 'start' && e.asset === 'main' : e.type === 'sessionStart',
      );
      expect(starts, s.har).toHaveLength(1);
      expect(evs[0], s.har).toBe(starts[0]);
      for (let i = 1; i < evs.length; i++)
        expect(evs[i].ts - evs[i - 1].ts, `${s.har} #${evs[i].entry}`).toBeGreaterThanOrEqual(1);
      expect(
        evs.some((e) => e.errors),
        s.har,
      ).toBe(false);
    }
  });

  it('reads back exactly the labelled timeline faults, at the labelled entries, and nothing else', () => {
    const libs = baseLibraries();
    const mismatches: string[] = [];
    const byHar = new Map<string, TruthFault[]>();
    for (const f of faults(full)) byHar.set(f.har, [...(byHar.get(f.har) ?? []), f]);
    for (const s of sessions(full).filter(
      (x) => x.kind === 'media' && !x.traps.includes('downloaded_content'),
    )) {
      const lib = libs.find(
        (l) => l.protocol === s.protocol && l.platform === s.platform && l.raw === s.sdk_version_raw,
      );
      const har = hars.get(s.har) as Har;
      const captureEnd = Math.max(...har.log.entries.map((e) => Date.parse(e.startedDateTime)));
      const evs = mediaEvents(har).filter((e) => e.sid === s.session);
      const read = readSession(
        evs,
        {
          contentMs: (lib?.contentIntervalS ?? 10) * 1000,
          adMs: (lib?.adIntervalS ?? 10) * 1000,
          roku: s.platform === 'roku',
        },
        captureEnd,
      );
      const labelled = new Map(
        (byHar.get(s.har) ?? [])
          .filter((f) => f.session === s.session && (READ_CODES as readonly string[]).includes(f.code))
          .map((f) => [f.code, f.entry_index]),
      );
      const show = (m: Map<string, number>) =>
        [...m]
          .map(([c, i]) => `${c}@${i}`)
          .sort()
          .join(' ');
      if (show(read) !== show(labelled))
        mismatches.push(
          `${s.har} ${s.session.slice(0, 8)}: read [${show(read)}] labelled [${show(labelled)}]`,
        );
    }
    expect(mismatches).toEqual([]);
  });

  it('puts the evidence of a fault in the entry it points at', () => {
    for (const f of faults(full)) {
      const har = hars.get(f.har) as Har;
      const entry = har.log.entries[f.entry_index];
      const evs = mediaEvents(har).filter((e) => e.sid === f.session);
      const at = evs.find((e) => e.entry === f.entry_index);
      const where = `${f.har}#${f.entry_index} ${f.code}`;
      switch (f.code) {
        case 'BEACON_TRUNCATED':
          expect(entry.request.url.includes('AQB=1') && !entry.request.url.includes('AQE=1'), where).toBe(
            true,
          );
          break;
        case 'BEACON_REJECTED':
          expect(
            entry.response.status >= 400 || (entry.response.content.text ?? '').includes('"errors"'),
            where,
          ).toBe(true);
          break;
        case 'TIMESTAMP_NOT_ASCENDING': {
          const i = evs.findIndex((e) => e.entry === f.entry_index);
          expect(i > 0 && evs[i].ts - evs[i - 1].ts < 1, where).toBe(true);
          break;
        }
        case 'SESSION_START_MISSING':
          expect(evs[0]?.entry, where).toBe(f.entry_index);
          expect(['start', 'sessionStart']).not.toContain(evs[0].type);
          break;
        case 'CADENCE_CONTENT_PING_GAP': {
          const pings = evs.filter(
            (e) =>
              e.asset === 'main' && (e.type === 'ping' || (e.protocol === 'heartbeat' && e.type === 'play')),
          );
          const i = pings.findIndex((e) => e.entry === f.entry_index);
          expect(i > 0 && pings[i].ts - pings[i - 1].ts > 15_000, where).toBe(true);
          break;
        }
        case 'RSID_INVALID': {
          const text = decodeURIComponent(`${entry.request.url} ${bodyText(entry)}`);
          expect(
            /\/b\/ss\/[^/]*[ ;%{]|\/b\/ss\/[^/]*,\/|s:sc:rsid=[^&]*[ ;%,]|"analytics\.reportSuite":"[^"]*[ ;%,]/.test(
              text,
            ),
            where,
          ).toBe(true);
          break;
        }
        default:
          if (at) expect(at.entry).toBe(f.entry_index);
      }
    }
  });

  it('applies a content-interval override to that library version only', () => {
    const r = generate({
      seed: 5,
      sessions: 90,
      faultRate: 0,
      protocols: ['media-collection'],
      overrides: ['media-collection:web:3.2.0:content_interval_s=20'],
    });
    const gaps = (version: string) => {
      const out: number[] = [];
      for (const s of sessions(r).filter(
        (x) => x.kind === 'media' && x.sdk_version === version && x.platform === 'web',
      )) {
        const f = r.files.find((x) => x.path === s.har);
        const evs = mediaEvents(readHar(f?.bytes as Buffer, s.har)).filter((e) => e.sid === s.session);
        for (let i = 1; i < evs.length; i++) {
          if (evs[i].type === 'ping' && evs[i - 1].type === 'ping' && evs[i].asset === 'main')
            out.push(evs[i].ts - evs[i - 1].ts);
        }
      }
      return out.sort((a, b) => a - b);
    };
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
    const drifted = gaps('3.2.0');
    const stock = gaps('3.1.0');
    expect(drifted.length).toBeGreaterThan(5);
    expect(stock.length).toBeGreaterThan(5);
    expect(median(drifted)).toBeGreaterThan(19_900);
    expect(median(drifted)).toBeLessThan(20_100);
    expect(median(stock)).toBeGreaterThan(9_900);
    expect(median(stock)).toBeLessThan(10_100);
    expect(
      sessions(r).some(
        (s) => s.sdk_version_raw === 'js-3.2.0' && s.traps.includes('override:content_interval_s=20'),
      ),
    ).toBe(true);
  });

  it('applies ad-interval and start-param overrides to the named version', () => {
    const r = generate({
      seed: 6,
      sessions: 120,
      faultRate: 0,
      protocols: ['media-edge', 'media-collection'],
      overrides: [
        'media-edge:roku:1.3.0:ad_interval_s=1',
        'media-collection:android:3.1.2:start_param=media.newField=x',
      ],
    });
    let rokuAdGaps = 0;
    let startsWithField = 0;
    for (const s of sessions(r).filter((x) => x.kind === 'media')) {
      const f = r.files.find((x) => x.path === s.har);
      const har = readHar(f?.bytes as Buffer, s.har);
      const evs = mediaEvents(har).filter((e) => e.sid === s.session);
      for (let i = 1; i < evs.length; i++) {
        if (evs[i].type !== 'ping' || evs[i - 1].type !== 'ping' || evs[i].asset !== 'ad') continue;
        const gap = evs[i].ts - evs[i - 1].ts;
        if (s.platform === 'roku' && s.sdk_version === '1.3.0') {
          expect(gap).toBeLessThan(1_100);
          rokuAdGaps++;
        } else if (s.protocol === 'media-edge') expect(gap).toBeGreaterThan(9_000);
      }
      const start = evs.find((e) => e.type === 'sessionStart');
      if (start && s.protocol === 'media-collection') {
        // A downloaded session is one JSON array that starts with its sessionStart.
        const body = JSON.parse(bodyText(har.log.entries[start.entry])) as unknown;
        const params = ((Array.isArray(body) ? body[0] : body) as { params: Record<string, unknown> }).params;
        const expected = s.platform === 'android' && s.sdk_version === '3.1.2';
        expect(params['media.newField'], s.har).toBe(expected ? 'x' : undefined);
        if (expected) startsWithField++;
      }
    }
    expect(rokuAdGaps).toBeGreaterThan(0);
    expect(startsWithField).toBeGreaterThan(0);
  });

  it('makes a clean drop with --fault-rate 0 and restricts protocols with --protocols', () => {
    const r = generate({ seed: 8, sessions: 50, faultRate: 0, protocols: ['heartbeat', 'media-edge'] });
    expect(faults(r)).toHaveLength(0);
    const media = sessions(r).filter((s) => s.kind === 'media');
    expect(media).toHaveLength(50);
    expect(new Set(media.map((s) => s.protocol))).toEqual(new Set(['heartbeat', 'media-edge']));
  });

  it('rejects bad arguments with exit code 2', () => {
    const run = (...args: string[]) => spawnSync(TSX, [GENERATOR, ...args], { encoding: 'utf8' });
    const noOut = run('--sessions', '5');
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toMatch(/--out is required/);
    const bad = run(
      '--out',
      join(tmp, 'x'),
      '--override',
      'media-collection:roku:1.0.0:content_interval_s=20',
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no media-collection SDK on roku/);
    expect(() => generate({ faultRate: 2 })).toThrow(/fault-rate/);
    expect(() => generate({ overrides: ['media-edge:web:2.20.0:content_interval_s=-1'] })).toThrow(
      /positive number/,
    );
  });
});
