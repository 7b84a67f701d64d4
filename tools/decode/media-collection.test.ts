import { describe, expect, it } from 'vitest';
import { httpErrors, mediaEventType, sessionIdFromLocation } from './media-collection.js';
import { decodeEntry } from './index.js';
import { PII_OFF } from './pii.js';
import { CTX, decode, decodeOne, ECID, entry, ORG, UA } from './testing.js';

const MC = 'https://acme.hb-api.omtrdc.net/api/v1';
const SID = '139bd3c6f625bfb71e40a328e40512e3c506035d4d0dad024587ba2b442a5cb0';
const EVENTS = `${MC}/sessions/${SID}/events`;

const C1 = JSON.stringify({
  eventType: 'sessionStart',
  playerTime: { playhead: 0, ts: 1710410731022 },
  params: {
    'media.id': 'ep-1001',
    'media.name': 'Pilot',
    'media.length': 1330.0,
    'media.contentType': 'vod',
    'media.streamType': 'video',
    'media.downloaded': false,
    'media.channel': 'Acme TV Android',
    'media.playerName': 'ExoPlayer',
    'media.sdkVersion': '4.2.0',
    'media.libraryVersion': 'android-media-3.1.2',
    'analytics.trackingServer': 'acme.sc.omtrdc.net',
    'analytics.reportSuite': 'acmeprod',
    'analytics.enableSSL': true,
    'visitor.marketingCloudOrgId': ORG,
    'visitor.marketingCloudUserId': ECID,
    'visitor.aamLocationHint': 6,
    'media.show': 'Acme Originals',
    'media.season': '1',
    'media.episode': '1',
  },
  customMetadata: { tier: 'premium' },
});

const ev = (body: object, status = 204) =>
  decodeOne({ url: EVENTS, body: JSON.stringify(body), status, ua: UA.android });

describe('Media Collection (C1–C18)', () => {
  it('C1 sessionStart: session id from Location, typed params, versions', () => {
    const e = decodeOne({
      url: `${MC}/sessions`,
      body: C1,
      status: 201,
      ua: UA.android,
      reqHeaders: { 'content-type': 'application/json' },
      resHeaders: { location: `/api/v1/sessions/${SID}`, 'access-control-expose-headers': 'Location' },
    });
    expect(e.family).toBe('media-collection');
    expect(e.sdk).toBe('hb-api');
    expect(e.session_id).toBe(SID);
    expect(e.sequence).toMatchObject({
      event_type: 'sessionStart',
      raw_event_type: 'sessionStart',
      asset_type: 'main',
      playhead_s: 0,
    });
    expect(e.beacon_ts_ms).toBe(1710410731022);
    expect(e.sdk_version).toBe('android-media-3.1.2');
    expect(e.app_version).toBe('4.2.0');
    expect(e.actor).toMatchObject({ ecid: ECID, rsid: 'acmeprod', org_id: ORG });
    expect(e.asset).toEqual({ type: 'vod', id: 'ep-1001', name: 'Pilot', length_s: 1330 });
    expect(e.params['media.length']).toBe(1330);
    expect(e.params['analytics.enableSSL']).toBe(true);
    expect(e.params['media.downloaded']).toBe(false);
    expect(e.params['visitor.aamLocationHint']).toBe(6);
    expect(e.params['media.season']).toBe('1');
    expect(e.params['customMetadata.tier']).toBe('premium');
    expect(e.params['playerTime.ts']).toBe(1710410731022);
    expect(e.params.eventType).toBe('sessionStart');
    expect(e.platform).toBe('android');
    expect(e.network.res_headers).toEqual({ location: `/api/v1/sessions/${SID}` });
    expect(e.network.errors).toEqual([]);
  });

  it('C2 Media JS 3.x start; Location as an absolute URL', () => {
    const body = JSON.parse(C1);
    body.params['media.libraryVersion'] = 'js-3.1.0';
    body.params['media.sdkVersion'] = 'acme-web-5.2.0';
    const e = decodeOne({
      url: `${MC}/sessions`,
      body: JSON.stringify(body),
      status: 201,
      resHeaders: { location: `https://acme.hb-api.omtrdc.net/api/v1/sessions/${SID}` },
    });
    expect(e.session_id).toBe(SID);
    expect(e.platform).toBe('web');
    expect(e.sdk_version).toBe('js-3.1.0');
    expect(e.app_version).toBe('acme-web-5.2.0');
  });

  it('C3 play and C4 ping take the sid from the path', () => {
    const play = ev({ eventType: 'play', playerTime: { playhead: 0, ts: 1710410731311 } });
    expect(play.session_id).toBe(SID);
    expect(play.sequence).toMatchObject({ event_type: 'play', playhead_s: 0 });
    const ping = ev({ eventType: 'ping', playerTime: { playhead: 10.02, ts: 1710410741311 } });
    expect(ping.sequence.event_type).toBe('ping');
    expect(ping.sequence.playhead_s).toBe(10.02);
    expect(ping.beacon_ts_ms).toBe(1710410741311);
    expect(ping.sdk_version).toBeNull();
    expect(ping.platform).toBe('android'); // UA only
  });

  it('C5–C7 ad break and ad events', () => {
    const br = ev({
      eventType: 'adBreakStart',
      playerTime: { playhead: 0, ts: 1710410731100 },
      params: { 'media.ad.podFriendlyName': 'preroll', 'media.ad.podIndex': 0, 'media.ad.podSecond': 0 },
    });
    expect(br.sequence.event_type).toBe('adBreakStart');
    expect(br.params['media.ad.podIndex']).toBe(0);
    const ad = ev({
      eventType: 'adStart',
      playerTime: { playhead: 0, ts: 1710410731101 },
      params: {
        'media.ad.id': '001',
        'media.ad.name': 'Sample ad',
        'media.ad.length': 15,
        'media.ad.podPosition': 1,
        'media.ad.playerName': 'ExoPlayer',
        'media.ad.advertiser': 'Acme Motors',
        'media.ad.campaignId': 'cmp-7',
      },
      customMetadata: { affiliate: 'Sample affiliate' },
    });
    expect(ad.sequence).toMatchObject({ event_type: 'adStart', asset_type: 'ad' });
    expect(ad.params['media.ad.id']).toBe('001');
    expect(ad.params['customMetadata.affiliate']).toBe('Sample affiliate');
    expect(
      ev({ eventType: 'adComplete', playerTime: { playhead: 0, ts: 1710410746120 } }).sequence,
    ).toMatchObject({ event_type: 'adComplete', asset_type: 'ad' });
    expect(
      ev({ eventType: 'adBreakComplete', playerTime: { playhead: 0, ts: 1710410746121 } }).sequence
        .event_type,
    ).toBe('adBreakComplete');
  });

  it('C8 chapterStart, C9 bufferStart → buffer and bitrateChange QoE keys', () => {
    const ch = ev({
      eventType: 'chapterStart',
      playerTime: { playhead: 0, ts: 1710410746400 },
      params: {
        'media.chapter.friendlyName': 'Act 1',
        'media.chapter.index': 1,
        'media.chapter.offset': 0,
        'media.chapter.length': 540,
      },
    });
    expect(ch.sequence.event_type).toBe('chapterStart');
    expect(ch.params['media.chapter.length']).toBe(540);
    expect(
      ev({ eventType: 'bufferStart', playerTime: { playhead: 45, ts: 1710410791022 } }).sequence,
    ).toMatchObject({ event_type: 'buffer', raw_event_type: 'bufferStart' });
    const br = ev({
      eventType: 'bitrateChange',
      playerTime: { playhead: 45, ts: 1710410793022 },
      qoeData: {
        'media.qoe.bitrate': 2500000,
        'media.qoe.framesPerSecond': 29.97,
        'media.qoe.droppedFrames': 0,
        'media.qoe.timeToStart': 410,
      },
    });
    expect(br.sequence.event_type).toBe('bitrateChange');
    expect(br.params['media.qoe.framesPerSecond']).toBe(29.97);
    expect(br.params['media.qoe.timeToStart']).toBe(410);
  });

  it('C10 error, C11 stateStart, C12 statesUpdate, C13 pauseStart → pause, C14 complete/end', () => {
    const err = ev({
      eventType: 'error',
      playerTime: { playhead: 61, ts: 1710410811022 },
      qoeData: { 'media.qoe.errorID': 'MEDIA_ERR_DECODE', 'media.qoe.errorSource': 'player' },
    });
    expect(err.sequence.event_type).toBe('error');
    expect(err.params['media.qoe.errorID']).toBe('MEDIA_ERR_DECODE');
    const st = ev({
      eventType: 'stateStart',
      playerTime: { playhead: 90, ts: 1710410840022 },
      params: { 'media.state.name': 'fullScreen' },
    });
    expect(st.sequence.event_type).toBe('stateStart');
    expect(st.params['media.state.name']).toBe('fullScreen');
    const su = ev({
      eventType: 'statesUpdate',
      playerTime: { playhead: 0, ts: 1569999130627 },
      params: { statesStart: [{ 'media.state.name': 'mute' }, { 'media.state.name': 'pictureInPicture' }] },
    });
    expect(su.sequence.event_type).toBe('statesUpdate');
    expect(su.params['statesStart.1.media.state.name']).toBe('pictureInPicture');
    expect(
      ev({ eventType: 'pauseStart', playerTime: { playhead: 120, ts: 1710410900022 } }).sequence.event_type,
    ).toBe('pause');
    expect(
      ev({ eventType: 'sessionComplete', playerTime: { playhead: 1330, ts: 1710412100000 } }).sequence
        .event_type,
    ).toBe('sessionComplete');
    expect(
      ev({ eventType: 'sessionEnd', playerTime: { playhead: 1330, ts: 1710412100001 } }).sequence.event_type,
    ).toBe('sessionEnd');
  });

  it('C15 resumed session keeps media.resume typed', () => {
    const e = decodeOne({
      url: `${MC}/sessions`,
      body: JSON.stringify({
        eventType: 'sessionStart',
        playerTime: { playhead: 412, ts: 1710414000000 },
        params: {
          'media.id': 'ep-1001',
          'media.length': 1330.0,
          'media.contentType': 'vod',
          'media.resume': true,
        },
      }),
      status: 201,
      resHeaders: { location: '/api/v1/sessions/newsid' },
    });
    expect(e.params['media.resume']).toBe(true);
    expect(e.session_id).toBe('newsid');
  });

  it('keeps JSON types: a string "1330" length stays a string', () => {
    const e = decodeOne({
      url: `${MC}/sessions`,
      body: JSON.stringify({
        eventType: 'sessionStart',
        playerTime: { playhead: 0, ts: 1 },
        params: { 'media.length': '1330' },
      }),
    });
    expect(e.params['media.length']).toBe('1330');
    expect(e.asset.length_s).toBeNull();
  });

  it('C16 404 on an expired session → network.errors', () => {
    const e = decodeOne({
      url: EVENTS,
      body: JSON.stringify({ eventType: 'ping', playerTime: { playhead: 20, ts: 1710410751311 } }),
      status: 404,
      resBody: '{"message":"Session not found: 139bd3c6"}',
    });
    expect(e.network.errors).toEqual(['http-404', 'Session not found: 139bd3c6']);
    expect(e.network.status).toBe(404);
    const gone = decodeOne({
      url: EVENTS,
      body: '{"eventType":"play","playerTime":{"playhead":1,"ts":2}}',
      status: 410,
    });
    expect(gone.network.errors).toEqual(['http-410']);
  });

  it('C17 downloaded batch → one envelope per element with sub_index', () => {
    const res = decode({
      url: `${MC}/downloaded`,
      status: 201,
      body: JSON.stringify([
        {
          eventType: 'sessionStart',
          playerTime: { playhead: 0, ts: 1529997923478 },
          params: {
            'media.downloaded': true,
            'media.id': 'ep-1001',
            'media.libraryVersion': 'ios-media-5.0.1',
          },
        },
        { eventType: 'play', playerTime: { playhead: 0, ts: 1529997928174 } },
        { eventType: 'ping', playerTime: { playhead: 50, ts: 1529997978174 } },
        { eventType: 'sessionComplete', playerTime: { playhead: 1330, ts: 1529999300000 } },
      ]),
    });
    expect(res.rejection).toBeNull();
    expect(res.events.map((e) => e.sequence.event_type)).toEqual([
      'sessionStart',
      'play',
      'ping',
      'sessionComplete',
    ]);
    expect(res.events.map((e) => e.provenance.sub_index)).toEqual([0, 1, 2, 3]);
    expect(new Set(res.events.map((e) => e.event_id)).size).toBe(4);
    expect(res.events.map((e) => e.platform)).toEqual(['ios', 'ios', 'ios', 'ios']);
    expect(res.events[0].params['media.downloaded']).toBe(true);
    expect(res.events[3].sequence.playhead_s).toBe(1330);
  });

  it('C18 schema lookup GET decodes as an `other` envelope', () => {
    const e = decodeOne({ url: `${MC}/schemas/sessionStart` });
    expect(e.family).toBe('media-collection');
    expect(e.sequence).toMatchObject({ event_type: 'other', raw_event_type: 'schema:sessionStart' });
  });

  it('/api/v1/sessions on a *.hb.omtrdc.net host still decodes as Media Collection', () => {
    const e = decodeOne({ url: 'https://acme.hb.omtrdc.net/api/v1/sessions', body: C1, status: 201 });
    expect(e.family).toBe('media-collection');
    expect(e.network.host).toBe('acme.hb.omtrdc.net');
  });

  it('invalid JSON, empty body or unknown shape → rejection', () => {
    const bad = decode({ url: EVENTS, body: '{"eventType":"play",' });
    expect(bad.events).toEqual([]);
    expect(bad.rejection?.reason).toMatch(/^media-collection: .*not valid JSON/);
    expect(decode({ url: EVENTS, method: 'POST', body: '' }).rejection?.reason).toMatch(
      /without a JSON body/,
    );
    expect(decode({ url: EVENTS, body: '{"foo":1}' }).rejection?.reason).toMatch(/eventType/);
    expect(decode({ url: EVENTS, body: '[]' }).rejection?.reason).toMatch(/empty array/);
  });

  it('CORS preflight gives nothing', () => {
    expect(decode({ url: `${MC}/sessions`, method: 'OPTIONS' })).toEqual({ events: [], rejection: null });
  });

  it('a body the exporter omitted keeps the beacon: start from the Location, events from the path', () => {
    // Playwright `content: 'omit'`: `postData.text` is "" although Content-Length says 75 bytes were sent.
    const start = decodeEntry(
      {
        ...entry({
          url: `${MC}/sessions`,
          method: 'POST',
          status: 201,
          resHeaders: { location: `/api/v1/sessions/${SID}` },
        }),
        postAbsent: 'omitted',
      },
      CTX,
      PII_OFF,
    );
    expect(start.rejection).toBeNull();
    expect(start.events[0]).toMatchObject({
      family: 'media-collection',
      session_id: SID,
      sequence: { event_type: 'sessionStart', raw_event_type: null },
      sdk_version: null,
      params: { _body_omitted: 'omitted' },
    });
    const ping = decodeEntry(
      { ...entry({ url: EVENTS, method: 'POST', status: 204 }), postAbsent: 'attachment-missing' },
      CTX,
      PII_OFF,
    );
    expect(ping.events[0]).toMatchObject({
      session_id: SID,
      sequence: { event_type: 'other' },
      params: { _body_omitted: 'attachment-missing' },
    });
    // Without a declared body an empty one is still a broken beacon, not an omission.
    expect(decode({ url: EVENTS, method: 'POST', body: '' }).rejection?.reason).toMatch(
      /without a JSON body/,
    );
  });

  it('helpers', () => {
    expect(mediaEventType('pauseStart')).toBe('pause');
    expect(mediaEventType('downloaded')).toBe('downloaded');
    expect(mediaEventType('seekStart')).toBe('other');
    expect(sessionIdFromLocation('/api/v2/sessions/abc?x=1')).toBe('abc');
    expect(sessionIdFromLocation('/elsewhere')).toBeNull();
    expect(httpErrors(400, 'Invalid eventType\n at $.eventType')).toEqual([
      'http-400',
      'Invalid eventType at $.eventType',
    ]);
    expect(httpErrors(204, 'x')).toEqual([]);
  });
});
