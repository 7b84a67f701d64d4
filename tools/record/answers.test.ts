import { describe, expect, it } from 'vitest';
import { AdobeEmulation, type EmulatedRequest } from './answers.js';
import { SITE } from './site.js';

const ORIGIN = SITE.pageOrigin;
function req(
  method: string,
  url: string,
  body: unknown = '',
  headers: Record<string, string> = {},
): EmulatedRequest {
  const u = new URL(url);
  return {
    method,
    host: u.host,
    path: u.pathname,
    query: u.searchParams,
    headers: { origin: ORIGIN, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}
const mc = `https://${SITE.mcHost}/api/v1/sessions`;
const ee = (path: string, configId: string = SITE.datastream) =>
  `https://${SITE.edgeHost}/ee${path}?configId=${configId}&requestId=r-1`;
const json = (b: string | Buffer) => JSON.parse(String(b)) as Record<string, unknown>;

describe('Adobe emulation for the recorder', () => {
  it('Media Collection: 201 + Location the page can read, then 204 for events, 404 for an unknown session', () => {
    const a = new AdobeEmulation(SITE);
    const start = a.answer(
      req('POST', mc, { eventType: 'sessionStart', playerTime: { playhead: 0, ts: 1 } }),
    )!;
    expect(start.status).toBe(201);
    expect(start.headers).toMatchObject({
      'Access-Control-Allow-Origin': ORIGIN,
      'Access-Control-Expose-Headers': 'Location',
    });
    const sid = /^\/api\/v1\/sessions\/([0-9a-f]{64})$/.exec(start.headers.Location)![1];
    expect(a.answer(req('POST', `${mc}/${sid}/events`, { eventType: 'ping' }))!.status).toBe(204);
    expect(a.answer(req('POST', `${mc}/${'0'.repeat(64)}/events`, { eventType: 'ping' }))!.status).toBe(404);
    expect(a.answer(req('POST', mc, '{"eventType":'))).toMatchObject({ status: 400 });
  });

  it('Edge: handles for a media start, the same ECID for a returning identity cookie, 404 for a stranger', () => {
    const a = new AdobeEmulation(SITE);
    const page = json(
      a.answer(
        req('POST', ee('/v1/interact'), { events: [{ xdm: {} }], query: { identity: { fetch: ['ECID'] } } }),
      )!.body,
    );
    const handles = page.handle as { type: string; payload: Record<string, unknown>[] }[];
    const ecid = handles.find((h) => h.type === 'identity:result')!.payload[0].id as string;
    expect(ecid).toMatch(/^\d{38}$/);
    const cookie = handles.find((h) => h.type === 'state:store')!.payload[0];
    const media = json(
      a.answer(
        req('POST', ee('/or2/v1/interact'), {
          events: [{ xdm: { eventType: 'media.sessionStart' } }],
          meta: { state: { entries: [{ key: cookie.key, value: cookie.value }] } },
          query: { identity: { fetch: ['ECID'] } },
        }),
      )!.body,
    );
    const mh = media.handle as { type: string; payload: Record<string, unknown>[]; eventIndex?: number }[];
    expect(mh.find((h) => h.type === 'identity:result')!.payload[0].id).toBe(ecid);
    const started = mh.find((h) => h.type === 'media-analytics:new-session')!;
    expect(started.eventIndex).toBe(0);
    const ping = (sessionID: string) =>
      a.answer(
        req('POST', ee('/or2/va/v1/ping'), { events: [{ xdm: { mediaCollection: { sessionID } } }] }),
      )!;
    expect(ping(started.payload[0].sessionId as string).status).toBe(204);
    expect(ping('unknown')).toMatchObject({ status: 404 });
    expect(json(ping('unknown').body).type).toBe('https://ns.adobe.com/aep/errors/va-edge-0404-404');
  });

  it('refuses an unknown datastream with EXEG-0003-400 as problem+json', () => {
    const r = new AdobeEmulation(SITE).answer(
      req('POST', ee('/va/v1/ping', SITE.badDatastream), { events: [] }),
    )!;
    expect(r.status).toBe(400);
    expect(r.headers['Content-Type']).toMatch(/^application\/problem\+json/);
    expect(json(r.body)).toMatchObject({
      type: 'https://ns.adobe.com/aep/errors/EXEG-0003-400',
      status: 400,
    });
  });

  it('answers heartbeats 204, their settings as XML, Analytics with a GIF; leaves other hosts to the page', () => {
    const a = new AdobeEmulation(SITE);
    expect(a.answer(req('GET', `https://${SITE.hbHost}/?s:event:type=play`))!.status).toBe(204);
    expect(a.answer(req('GET', `https://${SITE.hbHost}/settings/acme-stream.xml?r=1`))!.body).toMatch(
      /<trackingInterval>10<\/trackingInterval>/,
    );
    const gif = a.answer(req('GET', `https://${SITE.aaHost}/b/ss/${SITE.rsid}/1/JS-2.26.0/s1?AQB=1&AQE=1`))!;
    expect([gif.status, gif.headers['Content-Type'], (gif.body as Buffer).subarray(0, 6).toString()]).toEqual(
      [200, 'image/gif', 'GIF89a'],
    );
    const pre = a.answer(req('OPTIONS', mc, '', { 'access-control-request-headers': 'content-type' }))!;
    expect(pre.headers).toMatchObject({ 'Access-Control-Allow-Headers': 'content-type' });
    expect(a.answer(req('GET', `${ORIGIN}/watch/x`))).toBeNull();
  });
});
