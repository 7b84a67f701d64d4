import { describe, expect, it } from 'vitest';
import { Envelope } from '../envelope/index.js';
import { decodeEntry, needsResponseBody } from './index.js';
import { CTX, ECID, entry, UA } from './testing.js';
import type { PiiOptions } from './pii.js';

const PII_ON: PiiOptions = { hashIds: true, truncateUa: true, salt: 's', extraRegexes: [] };

describe('decodeEntry', () => {
  it('event ids are shortId(harHash, index, subIndex): stable and distinct', () => {
    const e1 = decodeEntry(
      entry({ url: 'https://acme.sc.omtrdc.net/b/ss/r/1/JS-2.22.0/s1?AQB=1&AQE=1', index: 3 }),
      CTX,
      PII_ON,
    );
    const e2 = decodeEntry(
      entry({ url: 'https://acme.sc.omtrdc.net/b/ss/r/1/JS-2.22.0/s1?AQB=1&AQE=1', index: 3 }),
      CTX,
      PII_ON,
    );
    const e3 = decodeEntry(
      entry({ url: 'https://acme.sc.omtrdc.net/b/ss/r/1/JS-2.22.0/s1?AQB=1&AQE=1', index: 4 }),
      CTX,
      PII_ON,
    );
    expect(e1.events[0].event_id).toMatch(/^[0-9a-f]{16}$/);
    expect(e1.events[0].event_id).toBe(e2.events[0].event_id);
    expect(e1.events[0].event_id).not.toBe(e3.events[0].event_id);
    expect(e3.events[0].provenance.entry_index).toBe(4);
  });

  it('never throws on hostile entries; every envelope passes Envelope.parse, its params without a prototype', () => {
    const weird = [
      entry({ url: 'https://acme.hb.omtrdc.net/?s:event:type=play&l:event:playhead=%E0%A4%A' }),
      entry({ url: 'https://acme.sc.omtrdc.net/b/ss/%ZZ/%/s1?%=%&c.&.c&.c&&&=&' }),
      entry({ url: 'https://edge.adobedc.net/ee/v1/interact', body: '{"events":[null]}' }),
      entry({
        url: 'https://edge.adobedc.net/ee/v1/interact',
        body: '{"events":[{"xdm":{"timestamp":"not a date","eventType":5}}]}',
      }),
      entry({
        url: 'https://acme.hb-api.omtrdc.net/api/v1/sessions',
        body: '{"eventType":"play","playerTime":"x","params":[1,2]}',
      }),
      entry({ url: 'https://acme.hb-api.omtrdc.net/api/v1/sessions', body: 'null' }),
      entry({
        url: 'https://edge.adobedc.net/ee/v1/interact',
        body: JSON.stringify({ events: [{ xdm: { a: { b: { c: { d: [[[{ e: 1 }]]] } } } } }] }),
      }),
    ];
    weird.push({ ...weird[0], status: Number.NaN, startedMs: null, startedDateTime: null });
    // Bodies the exporter left out, and a heartbeat settings call without a query: decoded on their own paths.
    weird.push(
      {
        ...entry({ url: 'https://acme.hb-api.omtrdc.net/api/v1/sessions', method: 'POST' }),
        postAbsent: 'omitted',
      },
      { ...entry({ url: 'https://edge.adobedc.net/ee/v1/interact', method: 'POST' }), postAbsent: 'omitted' },
      entry({ url: 'https://acme.hb.omtrdc.net/settings/' }),
    );
    for (const e of weird) {
      const res = decodeEntry(e, CTX, PII_ON);
      for (const ev of res.events) Envelope.parse(ev);
      // A param named like an Object.prototype member must read as absent (tools/envelope/params.ts).
      for (const ev of res.events)
        expect(['constructor' in ev.params, Object.getPrototypeOf(ev.params)]).toEqual([false, null]);
      expect(res.events.length > 0 || res.rejection !== null).toBe(true);
    }
    const nested = decodeEntry(weird[6], CTX, PII_ON).events[0];
    expect(nested.params['a.b.c.d.0.0.0.e']).toBe(1);
    const bad = decodeEntry(weird[2], CTX, PII_ON);
    expect(bad.rejection?.reason).toBe('edge: Edge events[0] is not an object');
    const noTime = decodeEntry(weird[7], CTX, PII_ON).events[0];
    expect(noTime.ts_ms).toBe(0);
    expect(noTime.network.status).toBe(0);
  });

  it('http scheme is kept for transport checks', () => {
    const r = decodeEntry(
      entry({ url: 'http://acme.hb.omtrdc.net/?s:event:type=play&h:sc:ssl=1' }),
      CTX,
      PII_ON,
    );
    expect(r.events[0].network.protocol).toBe('http');
  });

  it('no clear ECID in any serialized envelope of a mixed capture with PII on', () => {
    const entries = [
      entry({
        url: `https://acme.sc.omtrdc.net/b/ss/r/0/ANDN030002030300/s1`,
        body: `ndh=1&mid=${ECID}&c.&a.&OSVersion=Android%2014&.a&.c`,
        ua: UA.android,
      }),
      entry({ url: `https://acme.hb.omtrdc.net/?s:event:type=start&s:user:mid=${ECID}` }),
      entry({
        url: 'https://acme.hb-api.omtrdc.net/api/v1/sessions',
        body: JSON.stringify({
          eventType: 'sessionStart',
          playerTime: { playhead: 0, ts: 1 },
          params: { 'visitor.marketingCloudUserId': ECID },
        }),
      }),
      entry({
        url: 'https://edge.adobedc.net/ee/va/v1/sessionStart',
        body: JSON.stringify({
          xdm: { identityMap: { ECID: [{ id: ECID }] } },
          events: [{ xdm: { eventType: 'media.sessionStart' } }],
        }),
      }),
      entry({ url: `https://dpm.demdex.net/id?d_mid=${ECID}&d_orgid=x` }),
    ];
    for (const e of entries) {
      const res = decodeEntry(e, CTX, PII_ON);
      expect(res.events).toHaveLength(1);
      Envelope.parse(res.events[0]);
      expect(JSON.stringify(res.events[0]).includes(ECID)).toBe(false);
    }
  });
});

describe('needsResponseBody', () => {
  it('Edge and Media Edge always; Media Collection only on errors; nothing else', () => {
    expect(needsResponseBody('POST', 'https://edge.adobedc.net/ee/v1/interact?configId=x', 200)).toBe(true);
    expect(needsResponseBody('POST', 'https://sedge.acme.com/ee/or2/va/v1/sessionStart', 200)).toBe(true);
    expect(needsResponseBody('POST', 'https://acme.hb-api.omtrdc.net/api/v1/sessions', 201)).toBe(false);
    expect(needsResponseBody('POST', 'https://acme.hb-api.omtrdc.net/api/v1/sessions/abc/events', 404)).toBe(
      true,
    );
    expect(needsResponseBody('GET', 'https://acme.sc.omtrdc.net/b/ss/r/1/JS-2.22.0/s1', 500)).toBe(false);
    expect(needsResponseBody('OPTIONS', 'https://edge.adobedc.net/ee/v1/interact', 200)).toBe(false);
    expect(needsResponseBody('GET', 'https://www.acme.com/', 200)).toBe(false);
  });
});
