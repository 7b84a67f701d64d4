/**
 * The exporter matrix of docs/ingest.md, one capture per exporter: the same four requests (Analytics GET,
 * Analytics long-hit form POST, Media Collection sessionStart + play) as each tool writes them
 * (tools/har/fixtures/exporters/), and Playwright's own recordings in every recordHar mode
 * (tests/browser/variants/). Each must give the same sessions, or say which bodies it lacks.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { processFile } from '../ingest/process-file.js';
import { UNCHECKED_REASON } from '../session/build.js';
import { fileContext } from '../validate/files.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIX = join(import.meta.dirname, 'fixtures/exporters');
const SID = '139bd3c6f625bfb71e40a328e40512e3c506035d4d0dad024587ba2b442a5cb0';
const ctx = fileContext(GoblinConfig.parse({}));

function read(abs: string, rel: string) {
  const st = statSync(abs);
  return processFile({ abs, rel, size: st.size, mtimeMs: st.mtimeMs }, ctx);
}

function summary(file: string) {
  const [p, ...rest] = read(join(FIX, file), file);
  expect(rest).toEqual([]);
  expect(p.quarantine).toEqual([]);
  const c = p.capture!;
  const mc = c.sessions.find((s) => s.key === SID)!;
  const page = c.sessions.find((s) => s.protocol === 'aa')!;
  return {
    exporter: p.file.exporter,
    mc: mc.events.map((e) => e.sequence.event_type),
    mcUnchecked: mc.unchecked,
    mcVersion: mc.sdk_version,
    page: page.events.map((e) => e.dims.pageName ?? e.sequence.event_type),
    pageUnchecked: page.unchecked,
    starts: c.events.map((e) => e.ts_ms),
  };
}

const FULL = {
  mc: ['sessionStart', 'play'],
  mcUnchecked: null,
  mcVersion: '3.1.0', // the comparable core of the wire's js-3.1.0 (sdk_version_raw keeps it)
  page: ['watch:ep-1001', 'checkout:review'],
  pageUnchecked: null,
};

describe('exporter matrix: the same capture as each tool writes it', () => {
  it.each([
    ['chrome.har', 'chrome', 'HTTP/2 pseudo-headers, _initiator/_resourceType, form params next to the text'],
    ['chrome-har-capturer.har', 'chrome-har-capturer', 'Chrome HAR Capturer from the DevTools protocol'],
    ['charles.har', 'charles', 'form posts only as decoded postData.params (rebuilt into the wire form)'],
    ['fiddler.har', 'fiddler', '.NET timestamps with 7 fractional digits and a local offset, tab-indented'],
    ['browsermob.har', 'browsermob', 'comment: "" on every object, pageref "Page 0"'],
    ['proxyman.har', 'proxyman', 'plain HAR 1.2'],
    ['mitmproxy.zhar', 'mitmproxy', 'zlib .zhar, Python isoformat timestamps (+00:00, microseconds)'],
    ['safari.har', 'safari', 'startedDateTime "" for a memory-cache entry, _fetchType'],
  ])('%s (%s): %s', (file, exporter) => {
    const s = summary(file);
    expect(s.exporter).toBe(exporter);
    expect(s).toMatchObject(FULL);
    // Every exporter's timestamps resolve to the same instants (300 ms apart from 09:05:31.022Z).
    const t0 = Date.parse('2024-03-14T09:05:31.022Z');
    expect(s.starts).toEqual([t0, t0 + 300, t0 + 600, t0 + 900]);
  });

  it('firefox.har: a request body Firefox discarded leaves its session unchecked, not passed', () => {
    const s = summary('firefox.har');
    expect(s.exporter).toBe('firefox');
    expect(s.mc).toEqual(['sessionStart', 'other']);
    expect(s.mcUnchecked).toBe(UNCHECKED_REASON.omitted);
    expect(s.page).toEqual(FULL.page);
  });

  it('http-toolkit.har: a body over its 40 KB limit is left out, so the page session is unchecked', () => {
    const s = summary('http-toolkit.har');
    expect(s.exporter).toBe('http-toolkit');
    expect(s.mc).toEqual(FULL.mc);
    expect(s.pageUnchecked).toBe(UNCHECKED_REASON.omitted);
  });

  it.each([
    ['variants/media-collection-short.har', 'embed', null],
    ['variants/media-collection-short.har.zip', 'attach, zipped', null],
    ['variants/attach/media-collection-short.har', 'attach, folder', null],
    ['variants/media-collection-short.omit.har', 'omit', UNCHECKED_REASON.omitted],
  ])('Playwright recordHar %s (%s)', (rel, _mode, unchecked) => {
    const sources = read(join(ROOT, 'tests/browser', rel), rel);
    expect(sources.map((p) => [p.file.exporter, p.quarantine.length])).toEqual([['playwright', 0]]);
    const media = sources[0].capture!.sessions.find((s) => s.kind === 'media')!;
    expect(media.unchecked).toBe(unchecked);
    expect(media.events[0].sequence.event_type).toBe('sessionStart');
  });
});
