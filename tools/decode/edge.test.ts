import { describe, expect, it } from 'vitest';
import { edgeEventType, newSessionId, parseEdgeResponse } from './edge.js';
import { decodeEntry } from './index.js';
import { PII_OFF } from './pii.js';
import { CTX, decode, decodeOne, ECID, entry, UA } from './testing.js';

const CFG = 'b6a1e2f0-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const EDGE = 'https://edge.adobedc.net/ee';
const MOBILE_XDM = (name: string, version: string) => ({
  implementationDetails: {
    name: `https://ns.adobe.com/experience/mobilesdk/${name}`,
    version,
    environment: 'app',
  },
  identityMap: { ECID: [{ id: ECID, authenticatedState: 'ambiguous', primary: false }] },
});

const D1 = {
  events: [
    {
      xdm: {
        eventType: 'web.webpagedetails.pageViews',
        _id: '0c5f',
        timestamp: '2024-03-14T09:05:31.022Z',
        web: {
          webPageDetails: { URL: 'https://www.acme.com/', name: 'home', pageViews: { value: 1 } },
          webReferrer: { URL: '' },
        },
        device: { screenHeight: 1080, screenWidth: 1920, screenOrientation: 'landscape' },
        environment: { type: 'browser', browserDetails: { viewportWidth: 1440, viewportHeight: 789 } },
        placeContext: { localTime: '2024-03-14T10:05:31.022+01:00', localTimezoneOffset: -60 },
        implementationDetails: {
          name: 'https://ns.adobe.com/experience/alloy',
          version: '2.20.0',
          environment: 'browser',
        },
      },
    },
  ],
  query: { identity: { fetch: ['ECID'] } },
  meta: { state: { domain: 'acme.com', cookiesEnabled: true } },
};

describe('Edge (D1–D20)', () => {
  it('D1 Web SDK page view: flattened XDM without the xdm. prefix', () => {
    const e = decodeOne({
      url: `${EDGE}/v1/interact?configId=${CFG}&requestId=5f1c2a0e`,
      body: JSON.stringify(D1),
      reqHeaders: {
        'content-type': 'text/plain; charset=UTF-8',
        origin: 'https://www.acme.com',
        cookie: 'x=1',
      },
      resHeaders: { 'content-type': 'application/json', 'set-cookie': 'kndctr=1' },
      resBody: JSON.stringify({
        requestId: '5f1c',
        handle: [
          { type: 'identity:result', payload: [{ id: ECID, namespace: { code: 'ECID' } }] },
          { type: 'locationHint:result', payload: [{ scope: 'EdgeNetwork', hint: 'or2', ttlSeconds: 1800 }] },
        ],
      }),
    });
    expect(e.family).toBe('edge');
    expect(e.sdk).toBe('edge');
    expect(e.platform).toBe('web');
    expect(e.sequence).toMatchObject({
      event_type: 'pageView',
      raw_event_type: 'web.webpagedetails.pageViews',
    });
    expect(e.params.eventType).toBe('web.webpagedetails.pageViews');
    expect(e.params['web.webPageDetails.name']).toBe('home');
    expect(e.params['web.webPageDetails.pageViews.value']).toBe(1);
    expect(e.params['placeContext.localTimezoneOffset']).toBe(-60);
    expect(e.params['implementationDetails.version']).toBe('2.20.0');
    expect(e.params.configId).toBe(CFG);
    expect(
      Object.keys(e.params).some(
        (k) => k.startsWith('xdm.') || k.startsWith('meta.') || k.startsWith('query.'),
      ),
    ).toBe(false);
    expect(e.sdk_version).toBe('2.20.0');
    expect(e.beacon_ts_ms).toBe(Date.parse('2024-03-14T09:05:31.022Z'));
    expect(e.actor.ecid).toBe(ECID); // from the identity:result handle
    expect(e.network.req_headers).toEqual({
      'user-agent': UA.chrome,
      'content-type': 'text/plain; charset=UTF-8',
      origin: 'https://www.acme.com',
    });
    expect(e.network.res_headers).toEqual({ 'content-type': 'application/json' });
    expect(e.network.errors).toEqual([]);
  });

  it('D2 link click via collect with a location hint; org from the state entry', () => {
    const e = decodeOne({
      url: `${EDGE}/or2/v1/collect?configId=${CFG}&requestId=a7c0`,
      status: 204,
      body: JSON.stringify({
        events: [
          {
            xdm: {
              eventType: 'web.webinteraction.linkClicks',
              web: {
                webInteraction: {
                  name: 'Outbound',
                  type: 'exit',
                  URL: 'https://partner.example.org/',
                  linkClicks: { value: 1 },
                },
              },
            },
          },
        ],
        meta: {
          state: {
            domain: 'acme.com',
            cookiesEnabled: true,
            entries: [{ key: 'kndctr_1A2B3C4D5E6F7A8B9C0D1E2F_AdobeOrg_identity', value: 'CiYzMDI1' }],
          },
        },
      }),
    });
    expect(e.sequence.event_type).toBe('linkClick');
    expect(e.params['web.webInteraction.type']).toBe('exit');
    expect(e.actor.org_id).toBe('1A2B3C4D5E6F7A8B9C0D1E2F@AdobeOrg');
    expect(e.network.path).toBe('/ee/or2/v1/collect');
  });

  it('D3 tag extension keeps the combined version whole', () => {
    const body = structuredClone(D1);
    body.events[0].xdm.implementationDetails = {
      name: 'https://ns.adobe.com/experience/alloy/reactor',
      version: '2.8.0+2.9.0',
      environment: 'browser',
    };
    const e = decodeOne({
      url: `https://adobedc.demdex.net/ee/v1/interact?configId=${CFG}`,
      body: JSON.stringify(body),
    }); // D4 host
    expect(e.sdk_version).toBe('2.8.0+2.9.0');
    expect(e.platform).toBe('web');
    expect(e.network.host).toBe('adobedc.demdex.net');
  });

  it('D5 Web SDK media sessionStart via interact: sid from the new-session handle', () => {
    const e = decodeOne({
      url: `${EDGE}/or2/v1/interact?configId=${CFG}&requestId=r1`,
      body: JSON.stringify({
        events: [
          {
            xdm: {
              eventType: 'media.sessionStart',
              timestamp: '2024-03-14T09:05:31.022Z',
              mediaCollection: {
                playhead: 0,
                sessionDetails: {
                  name: 'trailer-42',
                  friendlyName: 'Trailer',
                  length: 120,
                  contentType: 'vod',
                  streamType: 'video',
                  playerName: 'HTML5 Player',
                  channel: 'www.acme.com',
                  appVersion: 'acme-web-5.2.0',
                },
              },
              implementationDetails: {
                name: 'https://ns.adobe.com/experience/alloy',
                version: '2.20.0',
                environment: 'browser',
              },
            },
          },
        ],
      }),
      resBody: JSON.stringify({
        requestId: 'r1',
        handle: [
          { type: 'media-analytics:new-session', payload: [{ sessionId: '979a3b1c08505' }], eventIndex: 0 },
        ],
      }),
    });
    expect(e.family).toBe('media-edge');
    expect(e.sequence).toMatchObject({
      event_type: 'sessionStart',
      raw_event_type: 'media.sessionStart',
      asset_type: 'main',
      playhead_s: 0,
    });
    expect(e.session_id).toBe('979a3b1c08505');
    expect(e.app_version).toBe('acme-web-5.2.0');
    expect(e.asset).toEqual({ type: 'vod', id: 'trailer-42', name: 'Trailer', length_s: 120 });
    expect(e.params['mediaCollection.sessionDetails.name']).toBe('trailer-42');
    expect(e.params['mediaCollection.playhead']).toBe(0);
  });

  it('D6 media play / ping on /va/v1/{event}', () => {
    const play = decodeOne({
      url: `${EDGE}/or2/va/v1/play?configId=${CFG}&requestId=r2`,
      status: 204,
      body: JSON.stringify({
        events: [
          {
            xdm: {
              eventType: 'media.play',
              timestamp: '2024-03-14T09:05:31.400Z',
              mediaCollection: { sessionID: '979a3b1c08505', playhead: 0 },
            },
          },
        ],
      }),
    });
    expect(play.family).toBe('media-edge');
    expect(play.session_id).toBe('979a3b1c08505');
    expect(play.sequence.event_type).toBe('play');
    const ping = decodeOne({
      url: `${EDGE}/or2/va/v1/ping?configId=${CFG}`,
      body: JSON.stringify({
        events: [
          {
            xdm: {
              timestamp: '2024-03-14T09:05:41.401Z',
              mediaCollection: { sessionID: '979a3b1c08505', playhead: 10 },
            },
          },
        ],
      }),
    });
    // no xdm.eventType: the event name comes from the path
    expect(ping.sequence).toMatchObject({ event_type: 'ping', raw_event_type: 'media.ping', playhead_s: 10 });
    expect(ping.beacon_ts_ms).toBe(Date.parse('2024-03-14T09:05:41.401Z'));
  });

  it('D7 AEP Android lifecycle: top-level xdm merged (implementationDetails, identityMap)', () => {
    const e = decodeOne({
      url: `${EDGE}/va6/v1/interact?configId=${CFG}&requestId=2e6d1c7a`,
      ua: UA.android,
      body: JSON.stringify({
        meta: {
          konductorConfig: { streaming: { enabled: true, recordSeparator: '\u0000', lineFeed: '\n' } },
          state: { entries: [{ key: 'kndctr_1A2B_AdobeOrg_cluster', value: 'va6', maxAge: 1800 }] },
        },
        xdm: MOBILE_XDM('android', '3.3.0+3.0.1'),
        events: [
          { xdm: { eventType: 'application.launch', _id: 'x', timestamp: '2024-03-14T09:05:31.022Z' } },
        ],
      }),
      resBody:
        '\u0000{"requestId":"2e6d","handle":[{"type":"locationHint:result","payload":[{"scope":"EdgeNetwork","hint":"va6"}]}]}\n\u0000{"requestId":"2e6d","handle":[],"errors":[{"type":"https://ns.adobe.com/aep/errors/EXEG-0104-422","status":422}]}\n',
    });
    expect(e.sequence.event_type).toBe('lifecycle');
    expect(e.platform).toBe('android');
    expect(e.params._platform_signal).toBe('impl-name');
    expect(e.sdk_version).toBe('3.3.0+3.0.1');
    expect(e.actor.ecid).toBe(ECID);
    expect(e.params['identityMap.ECID.0.id']).toBe(ECID);
    expect(e.params['identityMap.ECID.0.primary']).toBe(false);
    expect(e.params['implementationDetails.environment']).toBe('app');
    expect(e.actor.org_id).toBe('1A2B@AdobeOrg');
    expect(e.network.errors).toEqual(['EXEG-0104-422']); // from the streamed response
  });

  it('D8 AEP iOS Media Edge sessionStart (sid unknown without a handle)', () => {
    const e = decodeOne({
      url: `${EDGE}/va/v1/sessionStart?configId=${CFG}&requestId=r3`,
      ua: UA.ios,
      body: JSON.stringify({
        xdm: MOBILE_XDM('ios', '5.1.0+5.0.2'),
        events: [
          {
            xdm: {
              eventType: 'media.sessionStart',
              timestamp: '2024-03-14T09:05:31.022Z',
              mediaCollection: {
                playhead: 0,
                sessionDetails: {
                  name: 'ep-1001',
                  friendlyName: 'Pilot',
                  length: 1330,
                  contentType: 'vod',
                  streamType: 'video',
                  playerName: 'AVPlayer',
                  channel: 'Acme TV iOS',
                  appVersion: '4.2.0',
                  hasResume: false,
                },
              },
            },
          },
        ],
      }),
    });
    expect(e.platform).toBe('ios');
    expect(e.sdk_version).toBe('5.1.0+5.0.2');
    expect(e.app_version).toBe('4.2.0');
    expect(e.params['mediaCollection.sessionDetails.hasResume']).toBe(false);
    expect(e.session_id).toBeNull();
  });

  it('D9 ad start: customMetadata name/value list becomes keys', () => {
    const e = decodeOne({
      url: `${EDGE}/va6/va/v1/adStart?configId=${CFG}`,
      body: JSON.stringify({
        events: [
          {
            xdm: {
              eventType: 'media.adStart',
              timestamp: '2024-03-14T09:06:00.000Z',
              mediaCollection: {
                sessionID: '979a',
                playhead: 0,
                advertisingDetails: {
                  name: 'ad-2125',
                  friendlyName: 'Ford F-150',
                  length: 15,
                  podPosition: 1,
                  playerName: 'ExoPlayer',
                },
                customMetadata: [{ name: 'affiliate', value: 'Sample affiliate' }],
              },
            },
          },
        ],
      }),
    });
    expect(e.sequence).toMatchObject({ event_type: 'adStart', asset_type: 'ad' });
    expect(e.params['mediaCollection.customMetadata.affiliate']).toBe('Sample affiliate');
    expect(e.params['mediaCollection.advertisingDetails.length']).toBe(15);
  });

  it('D10/D11 Roku AEP SDK: platform from implementationDetails, pauseStart → pause', () => {
    const start = decodeOne({
      url: `${EDGE}/va/v1/sessionStart?configId=${CFG}&requestId=9b1f`,
      ua: UA.roku14,
      reqHeaders: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        xdm: MOBILE_XDM('roku', '1.3.0'),
        events: [
          {
            xdm: {
              eventType: 'media.sessionStart',
              _id: 'x',
              timestamp: '2024-03-14T09:05:31.022Z',
              mediaCollection: {
                playhead: 0,
                sessionDetails: {
                  name: 'ep-1001',
                  friendlyName: 'Pilot',
                  length: 1330,
                  contentType: 'vod',
                  streamType: 'video',
                  playerName: 'RokuVideo',
                  channel: 'Acme Channel',
                  appVersion: '3.1.0',
                },
              },
            },
          },
        ],
      }),
      resBody: JSON.stringify({
        handle: [{ type: 'media-analytics:new-session', payload: [{ sessionId: 'roku-sid-1' }] }],
      }),
    });
    expect(start.platform).toBe('roku');
    expect(start.sdk_version).toBe('1.3.0');
    expect(start.session_id).toBe('roku-sid-1');
    expect(start.network.req_headers['content-type']).toBe('application/json');
    expect(start.network.req_headers.accept).toBeUndefined();
    const pause = decodeOne({
      url: `${EDGE}/or2/va/v1/pauseStart?configId=${CFG}`,
      ua: UA.roku14,
      body: JSON.stringify({
        xdm: MOBILE_XDM('roku', '1.3.0'),
        events: [
          {
            xdm: {
              eventType: 'media.pauseStart',
              _id: 'y',
              timestamp: '2024-03-14T09:12:00.000Z',
              mediaCollection: { sessionID: 'roku-sid-1', playhead: 412 },
            },
          },
        ],
      }),
    });
    expect(pause.sequence).toMatchObject({
      event_type: 'pause',
      raw_event_type: 'media.pauseStart',
      playhead_s: 412,
    });
  });

  it('D12 consent call without events still gives one envelope', () => {
    const e = decodeOne({
      url: `${EDGE}/v1/privacy/set-consent?configId=${CFG}`,
      ua: UA.roku14,
      body: JSON.stringify({
        query: { consent: { operation: 'update' } },
        xdm: MOBILE_XDM('roku', '1.3.0'),
        consent: [{ standard: 'Adobe', version: '2.0', value: { collect: { val: 'y' } } }],
      }),
    });
    expect(e.family).toBe('edge');
    expect(e.sequence).toMatchObject({ event_type: 'edgeEvent', raw_event_type: 'privacy/set-consent' });
    expect(e.params['consent.0.value.collect.val']).toBe('y');
    expect(e.platform).toBe('roku');
  });

  it('D13 statesUpdate and D14 bitrate / error', () => {
    const su = decodeOne({
      url: `${EDGE}/va/v1/statesUpdate?configId=${CFG}`,
      body: JSON.stringify({
        events: [
          {
            xdm: {
              eventType: 'media.statesUpdate',
              timestamp: '2024-03-14T09:07:00Z',
              mediaCollection: {
                sessionID: '979a',
                playhead: 60,
                statesStart: [{ name: 'fullscreen' }],
                statesEnd: [{ name: 'mute' }],
              },
            },
          },
        ],
      }),
    });
    expect(su.sequence.event_type).toBe('statesUpdate');
    expect(su.params['mediaCollection.statesStart.0.name']).toBe('fullscreen');
    expect(su.params['mediaCollection.statesEnd.0.name']).toBe('mute');
    const br = decodeOne({
      url: `${EDGE}/va/v1/bitrateChange`,
      body: JSON.stringify({
        events: [
          {
            xdm: {
              eventType: 'media.bitrateChange',
              mediaCollection: { sessionID: '979a', playhead: 90, qoeDataDetails: { bitrate: 3200 } },
            },
          },
        ],
      }),
    });
    expect(br.sequence.event_type).toBe('bitrateChange');
    expect(br.params['mediaCollection.qoeDataDetails.bitrate']).toBe(3200);
    const err = decodeOne({
      url: `${EDGE}/va/v1/error`,
      body: JSON.stringify({
        events: [
          {
            xdm: {
              eventType: 'media.error',
              mediaCollection: {
                sessionID: '979a',
                playhead: 45,
                errorDetails: { name: 'media-error-001', source: 'player' },
              },
            },
          },
        ],
      }),
    });
    expect(err.sequence.event_type).toBe('error');
    expect(err.params['mediaCollection.errorDetails.source']).toBe('player');
  });

  it('D15 va-edge-0400-400 inside a 200 sessionStart body', () => {
    const e = decodeOne({
      url: `${EDGE}/va/v1/sessionStart?configId=${CFG}`,
      status: 200,
      body: JSON.stringify({
        events: [
          { xdm: { eventType: 'media.sessionStart', mediaCollection: { playhead: 0, sessionDetails: {} } } },
        ],
      }),
      resBody: JSON.stringify({
        requestId: 'e3d8',
        handle: [],
        errors: [
          {
            type: 'https://ns.adobe.com/aep/errors/va-edge-0400-400',
            status: 400,
            title: 'Invalid request',
            report: {
              eventIndex: 0,
              details: [
                { name: '$.xdm.mediaCollection.sessionDetails.name', reason: 'Missing required field' },
              ],
            },
          },
        ],
      }),
    });
    expect(e.network.status).toBe(200);
    expect(e.network.errors).toEqual(['va-edge-0400-400']);
    expect(e.session_id).toBeNull();
  });

  it('D16 404 unknown session and D17 invalid datastream (problem+json)', () => {
    const d16 = decodeOne({
      url: `${EDGE}/va/v1/ping?configId=${CFG}`,
      status: 404,
      body: JSON.stringify({
        events: [{ xdm: { eventType: 'media.ping', mediaCollection: { sessionID: 'old', playhead: 1 } } }],
      }),
      resBody: JSON.stringify({
        type: 'https://ns.adobe.com/aep/errors/va-edge-0404-404',
        status: 404,
        title: 'Not Found',
        report: { details: '…please start a new one…' },
      }),
    });
    expect(d16.network.errors).toEqual(['http-404', 'va-edge-0404-404']);
    const d17 = decodeOne({
      url: `${EDGE}/v1/interact?configId=bad`,
      status: 400,
      body: JSON.stringify(D1),
      resBody: JSON.stringify({
        type: 'https://ns.adobe.com/aep/errors/EXEG-0003-400',
        status: 400,
        title: 'Invalid datastream ID',
      }),
    });
    expect(d17.network.errors).toEqual(['http-400', 'EXEG-0003-400']);
  });

  it('omitted bodies: the /va/v1 path still names the media event, the kept handle the session', () => {
    const omitted = (url: string, status: number, resBody?: string) =>
      decodeEntry(
        { ...entry({ url, method: 'POST', status, resBody }), postAbsent: 'omitted' },
        CTX,
        PII_OFF,
      );
    const start = omitted(
      `${EDGE}/va/v1/sessionStart?configId=${CFG}`,
      200,
      JSON.stringify({
        handle: [{ type: 'media-analytics:new-session', payload: [{ sessionId: 'sid-9' }] }],
      }),
    );
    expect(start.rejection).toBeNull();
    expect(start.events[0]).toMatchObject({
      family: 'media-edge',
      session_id: 'sid-9',
      sequence: { event_type: 'sessionStart', raw_event_type: 'media.sessionStart' },
      params: { _body_omitted: 'omitted', configId: CFG },
    });
    const ping = omitted(`${EDGE}/or2/va/v1/ping?configId=${CFG}`, 204).events[0];
    expect([ping.family, ping.sequence.event_type, ping.session_id]).toEqual(['media-edge', 'ping', null]);
    // A Web SDK interact could have carried anything: it stays a plain Edge event; a refusal still shows.
    const interact = omitted(
      `${EDGE}/v1/interact?configId=bad`,
      400,
      JSON.stringify({ type: 'https://ns.adobe.com/aep/errors/EXEG-0003-400', status: 400 }),
    ).events[0];
    expect(interact).toMatchObject({ family: 'edge', sequence: { event_type: 'edgeEvent' } });
    expect(interact.network.errors).toEqual(['http-400', 'EXEG-0003-400']);
  });

  it('D18 Media Edge downloaded: one envelope per inner event', () => {
    const res = decode({
      url: `${EDGE}/va/v1/downloaded?configId=${CFG}`,
      body: JSON.stringify({
        events: [
          {
            xdm: {
              eventType: 'media.downloaded',
              identityMap: { ECID: [{ id: ECID }] },
              mediaDownloadedEvents: [
                {
                  mediaEventTimestamp: '2024-03-13T15:52:24+00:00',
                  mediaEventType: 'media.sessionStart',
                  mediaCollection: {
                    playhead: 0,
                    sessionDetails: {
                      name: 'ep-1001',
                      playerName: 'ExoPlayer',
                      contentType: 'VOD',
                      length: 1330,
                      channel: 'Acme TV',
                    },
                  },
                },
                {
                  mediaEventTimestamp: '2024-03-13T15:53:08+00:00',
                  mediaEventType: 'media.play',
                  mediaCollection: { playhead: 0 },
                },
                {
                  mediaEventTimestamp: '2024-03-13T16:15:00+00:00',
                  mediaEventType: 'media.sessionComplete',
                  mediaCollection: { playhead: 1330 },
                },
              ],
            },
          },
        ],
      }),
    });
    expect(res.events.map((e) => e.sequence.event_type)).toEqual(['sessionStart', 'play', 'sessionComplete']);
    expect(res.events.map((e) => e.provenance.sub_index)).toEqual([0, 1, 2]);
    expect(res.events[1].beacon_ts_ms).toBe(Date.parse('2024-03-13T15:53:08Z'));
    expect(res.events[2].sequence.playhead_s).toBe(1330);
    expect(res.events[0].asset.id).toBe('ep-1001');
    expect(res.events.every((e) => e.actor.ecid === ECID)).toBe(true);
  });

  it('D19 server API v2 with a singular event and data', () => {
    const e = decodeOne({
      url: `https://server.adobedc.net/ee/v2/interact?datastreamId=${CFG}`,
      body: JSON.stringify({
        event: {
          xdm: {
            eventType: 'web.webpagedetails.pageViews',
            identityMap: { FPID: [{ id: '79bf8e83', primary: true }] },
            web: { webPageDetails: { URL: 'https://www.acme.com/', name: 'home' } },
            timestamp: '2024-03-14T09:05:31.022Z',
          },
          data: { prop1: 'custom value' },
        },
      }),
    });
    expect(e.sequence.event_type).toBe('pageView');
    expect(e.params['data.prop1']).toBe('custom value');
    expect(e.params['identityMap.FPID.0.id']).toBe('79bf8e83');
    expect(e.params.configId).toBe(CFG);
  });

  it('collect batch: one envelope per event, errors routed by eventIndex', () => {
    const res = decode({
      url: `${EDGE}/v1/collect?configId=${CFG}`,
      body: JSON.stringify({
        events: [
          { xdm: { eventType: 'web.webpagedetails.pageViews' } },
          { xdm: { eventType: 'commerce.productViews' } },
          { xdm: { eventType: 'application.close' } },
        ],
      }),
      resBody: JSON.stringify({
        errors: [{ type: 'https://ns.adobe.com/aep/errors/EXEG-0104-422', report: { eventIndex: 1 } }],
      }),
    });
    expect(res.events.map((e) => e.sequence.event_type)).toEqual(['pageView', 'edgeEvent', 'lifecycle']);
    expect(res.events.map((e) => e.network.errors)).toEqual([[], ['EXEG-0104-422'], []]);
    expect(res.events.map((e) => e.provenance.sub_index)).toEqual([0, 1, 2]);
  });

  it('invalid JSON and wrong shapes are rejections; a broken response body is not', () => {
    expect(decode({ url: `${EDGE}/v1/interact`, body: '{"events":[' }).rejection?.reason).toMatch(
      /^edge: Edge body is not valid JSON/,
    );
    expect(decode({ url: `${EDGE}/v1/interact`, body: '[1,2]' }).rejection?.reason).toMatch(
      /not a JSON object/,
    );
    expect(decode({ url: `${EDGE}/v1/interact`, body: '{"events":{}}' }).rejection?.reason).toMatch(
      /not an array/,
    );
    expect(decode({ url: `${EDGE}/va/v1/play`, method: 'POST', body: null }).rejection?.reason).toMatch(
      /^media-edge: .*without a JSON body/,
    );
    const ok = decode({ url: `${EDGE}/v1/interact`, body: JSON.stringify(D1), resBody: '<html>oops' });
    expect(ok.rejection).toBeNull();
    expect(ok.events).toHaveLength(1);
  });

  it('helpers', () => {
    expect(edgeEventType('application.close')).toBe('lifecycle');
    expect(edgeEventType(null)).toBe('edgeEvent');
    const r = parseEdgeResponse(
      '{"handle":[{"type":"media-analytics:new-session","payload":[{"sessionId":"a","eventIndex":1},{"sessionId":"b","eventIndex":0}]}]}',
    );
    expect(newSessionId(r.handles, 0)).toBe('b');
    expect(newSessionId(r.handles, 1)).toBe('a');
    expect(newSessionId(r.handles, 2)).toBeNull();
  });
});
