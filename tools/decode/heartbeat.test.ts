import { describe, expect, it } from 'vitest';
import { heartbeatEventType, parseHeartbeatQuery } from './heartbeat.js';
import { decode, decodeOne, ECID, ORG, UA } from './testing.js';

const HB = 'https://acme.hb.omtrdc.net/?';
const COMMON = `s:sc:rsid=acmeprod&s:sc:tracking_server=acme.sc.omtrdc.net&h:sc:ssl=1&s:user:mid=${ECID}&s:sp:sdk=acme-web-5.2.0&s:sp:hb_version=js-2.2.2.230-96e624&l:sp:hb_api_lvl=4&s:event:sid=1527464150037459529420`;

const B2 = `${HB}s:sc:rsid=acmeprod&s:sc:tracking_server=acme.sc.omtrdc.net&h:sc:ssl=1
  &s:user:mid=${ECID}&s:aam:blob=RKhpRz8krg2tLO6pguXWp5&l:aam:loc_hint=9
  &s:sp:ovp=none&s:sp:sdk=acme-web-5.2.0&s:sp:channel=www.acme.com&s:sp:player_name=HTML5
  &s:sp:hb_version=js-2.2.2.230-96e624&l:sp:hb_api_lvl=4
  &s:event:sid=1527464150037459529420&s:event:type=start&l:event:duration=0&l:event:playhead=0
  &l:event:ts=1527464150048&l:event:prev_ts=-1
  &s:asset:type=main&s:asset:name=Episode%20Title&s:asset:video_id=123456
  &s:asset:publisher=1A2B3C4D5E6F7A8B9C0D1E2F%40AdobeOrg&l:asset:length=120
  &s:stream:type=vod&l:stream:bitrate=0&l:stream:fps=0&l:stream:dropped_frames=0&l:stream:startup_time=0
  &s:meta:a.media.show=Show%20Title&s:meta:a.media.season=6&s:meta:genre=comedy`;

const hb = (q: string) => decodeOne({ url: `${HB}${COMMON}&${q}`, status: 204 });

describe('heartbeat (B1–B13)', () => {
  it('B1 settings call', () => {
    const e = decodeOne({ url: 'https://acme.hb.omtrdc.net/settings/acme-tv.xml?r=1710410731022' });
    expect(e.family).toBe('heartbeat-settings');
    expect(e.sdk).toBe('heartbeat');
    expect(e.sequence.event_type).toBe('settings');
    expect(e.params._settings_publisher).toBe('acme-tv');
    expect(e.params.r).toBe('1710410731022');
    expect(e.beacon_ts_ms).toBe(1710410731022);
  });

  it('B2 main start: every grammar field decoded with types', () => {
    const e = decodeOne({ url: B2, status: 204 });
    expect(e.family).toBe('heartbeat');
    expect(e.sdk).toBe('heartbeat');
    expect(e.sequence).toMatchObject({
      event_type: 'sessionStart',
      raw_event_type: 'start',
      asset_type: 'main',
      playhead_s: 0,
      delta_s: 0,
    });
    expect(e.beacon_ts_ms).toBe(1527464150048);
    expect(e.session_id).toBe('1527464150037459529420');
    expect(e.sdk_version).toBe('js-2.2.2.230-96e624');
    expect(e.params._lib_semver).toBe('2.2.2');
    expect(e.app_version).toBe('acme-web-5.2.0');
    expect(e.actor).toMatchObject({ ecid: ECID, rsid: 'acmeprod', org_id: ORG });
    expect(e.asset).toEqual({ type: 'vod', id: '123456', name: 'Episode Title', length_s: 120 });
    expect(e.params['h:sc:ssl']).toBe(1);
    expect(e.params['l:event:prev_ts']).toBe(-1);
    expect(e.params['l:aam:loc_hint']).toBe(9);
    expect(e.params['s:meta:a.media.season']).toBe('6'); // s: stays a string
    expect(e.params['s:meta:genre']).toBe('comedy');
    expect(e.platform).toBe('web');
    expect(e.params._platform_signal).toBe('hb-version');
    expect(e.network.status).toBe(204);
  });

  it('B3 aa_start and B6 aa_ad_start', () => {
    const b3 = hb(
      's:event:type=aa_start&l:event:playhead=0&l:event:duration=4&l:event:ts=1527464150101&l:event:prev_ts=-1&s:asset:type=main&s:asset:video_id=123456&l:asset:length=120&s:stream:type=vod',
    );
    expect(b3.sequence.event_type).toBe('aaStart');
    expect(b3.sequence.delta_s).toBe(0.004);
    const b6 = hb(
      's:event:type=aa_ad_start&l:event:playhead=0&l:event:duration=0&s:asset:type=ad&s:asset:ad_id=9378&l:asset:ad_length=15&s:stream:type=vod',
    );
    expect(b6.sequence).toMatchObject({ event_type: 'aaAdStart', asset_type: 'ad' });
    expect(b6.params['l:asset:ad_length']).toBe(15);
  });

  it('B4 content play heartbeat', () => {
    const e = hb(
      's:event:type=play&l:event:playhead=29&l:event:duration=10189&l:event:ts=1527464180321&l:event:prev_ts=1527464170132&s:asset:type=main&s:asset:video_id=123456&l:asset:length=120&s:stream:type=vod&l:stream:bitrate=4500000',
    );
    expect(e.sequence).toMatchObject({ event_type: 'play', playhead_s: 29, delta_s: 10.189 });
    expect(e.beacon_ts_ms).toBe(1527464180321);
    expect(e.params['l:stream:bitrate']).toBe(4500000);
  });

  it('B5 ad start, B7 ad play and ad complete', () => {
    const b5 = hb(
      's:event:type=start&l:event:playhead=0&l:event:duration=0&s:asset:type=ad&s:asset:video_id=123456&s:asset:ad_id=9378&s:asset:ad_name=Video_VPAID_DFA&l:asset:ad_length=15&s:asset:ad_sid=1527464150337459529431&s:asset:pod_id=c27aaf3ff8224bb6b9ebfe1b2e79073d_1&s:asset:pod_name=preroll&l:asset:pod_offset=0&s:asset:pod_position=1&s:asset:resolver=HTML5&s:meta:a.media.ad.advertiser=Acme%20Motors',
    );
    expect(b5.sequence).toMatchObject({ event_type: 'adStart', asset_type: 'ad' });
    expect(b5.params['s:asset:pod_position']).toBe('1');
    expect(b5.params['s:meta:a.media.ad.advertiser']).toBe('Acme Motors');
    const play = hb(
      's:event:type=play&l:event:playhead=7&l:event:duration=1003&s:asset:type=ad&s:asset:ad_id=9378',
    );
    expect(play.sequence).toMatchObject({
      event_type: 'play',
      asset_type: 'ad',
      playhead_s: 7,
      delta_s: 1.003,
    });
    const done = hb(
      's:event:type=complete&l:event:playhead=15&l:event:duration=0&s:asset:type=ad&s:asset:ad_id=9378',
    );
    expect(done.sequence.event_type).toBe('adComplete');
  });

  it('B8 pause, B9 buffer and bitrate change, B10 error, B11 chapter, B12 complete/end', () => {
    expect(
      hb('s:event:type=pause&l:event:playhead=29&l:event:duration=10004&s:asset:type=main').sequence
        .event_type,
    ).toBe('pause');
    expect(
      hb('s:event:type=buffer&l:event:playhead=44&l:event:duration=2310&s:asset:type=main').sequence.delta_s,
    ).toBe(2.31);
    const br = hb(
      's:event:type=bitrate_change&l:event:playhead=44&l:event:duration=0&l:stream:bitrate=2500000',
    );
    expect(br.sequence.event_type).toBe('bitrateChange');
    expect(br.sequence.asset_type).toBeNull();
    const err = hb(
      's:event:type=error&s:event:source=player&s:event:id=MEDIA_ERR_DECODE&l:event:playhead=61',
    );
    expect(err.sequence.event_type).toBe('error');
    expect(err.params['s:event:id']).toBe('MEDIA_ERR_DECODE');
    const ch = hb(
      's:event:type=chapter_start&l:event:playhead=0&s:stream:chapter_sid=1527464150551259529498&s:stream:chapter_id=e10adc3949ba59abbe56e057f20f883e_1&s:stream:chapter_name=Act%201&l:stream:chapter_pos=1&l:stream:chapter_offset=0&l:stream:chapter_length=540',
    );
    expect(ch.sequence.event_type).toBe('chapterStart');
    expect(ch.params['s:stream:chapter_name']).toBe('Act 1');
    expect(ch.params['l:stream:chapter_length']).toBe(540);
    expect(
      hb('s:event:type=complete&l:event:playhead=120&l:event:duration=0&s:asset:type=main').sequence
        .event_type,
    ).toBe('sessionComplete');
    expect(hb('s:event:type=end&l:event:playhead=120&l:event:duration=0').sequence.event_type).toBe(
      'sessionEnd',
    );
  });

  it('B13 Roku play heartbeat', () => {
    const e = decodeOne({
      url: `${HB}s:sc:rsid=acmeprod&s:sc:tracking_server=smetrics.acme.com&h:sc:ssl=1
  &s:user:aid=2D859E6B85035994-4000118EA001378C&s:user:mid=${ECID}&s:cuser:userId.id=u-8812
  &s:sp:sdk=3.1.0&l:sp:hb_api_lvl=4&s:sp:channel=Acme%20Channel&s:sp:ovp=roku&s:sp:player_name=RokuVideo
  &s:sp:hb_version=roku-2.2.7.17-e0ed47&s:asset:type=main&s:asset:video_id=ep-1001&l:asset:length=1330
  &s:asset:name=Pilot&s:asset:publisher=acme&s:stream:type=vod&l:event:playhead=40&s:event:type=play
  &l:event:prev_ts=1710410751022&l:event:ts=1710410761031&l:event:duration=10009&s:event:sid=16890012345678901234`,
      ua: UA.roku,
    });
    expect(e.platform).toBe('roku');
    expect(e.sdk_version).toBe('roku-2.2.7.17-e0ed47');
    expect(e.params._lib_semver).toBe('2.2.7');
    expect(e.app_version).toBe('3.1.0');
    expect(e.actor.org_id).toBeNull(); // publisher `acme` is not an org id
    expect(e.params['s:cuser:userId.id']).toBe('u-8812');
    expect(e.sequence).toMatchObject({ event_type: 'play', playhead_s: 40, delta_s: 10.009 });
    expect(e.beacon_ts_ms).toBe(1710410761031);
    expect(e.session_id).toBe('16890012345678901234');
  });

  it('a non-numeric l: value stays the raw string', () => {
    const e = hb('s:event:type=play&l:event:playhead=abc&l:event:duration=10000&l:asset:length=12x');
    expect(e.params['l:event:playhead']).toBe('abc');
    expect(e.params['l:asset:length']).toBe('12x');
    expect(e.sequence.playhead_s).toBeNull();
    expect(e.asset.length_s).toBeNull();
    expect(e.sequence.delta_s).toBe(10);
  });

  it('a heartbeat call without s:event:type is a rejection', () => {
    const res = decode({ url: `${HB}s:sc:rsid=acmeprod` });
    expect(res.events).toHaveLength(0);
    expect(res.rejection?.reason).toMatch(/s:event:type/);
    expect(res.rejection?.entry_index).toBe(7);
  });

  it('grammar helpers', () => {
    expect(parseHeartbeatQuery('l:a:b=1.5&h:sc:ssl=0&s:x:y=2&l:e:f=')).toEqual({
      'l:a:b': 1.5,
      'h:sc:ssl': 0,
      's:x:y': '2',
      'l:e:f': '',
    });
    expect(heartbeatEventType('skip', 'ad')).toBe('adSkip');
    expect(heartbeatEventType('skip', null)).toBe('adSkip');
    expect(heartbeatEventType('stall', 'main')).toBe('stall');
    expect(heartbeatEventType('resume', 'main')).toBe('resume');
    expect(heartbeatEventType('chapter_complete', 'main')).toBe('chapterComplete');
    expect(heartbeatEventType('chapter_skip', 'main')).toBe('chapterSkip');
    expect(heartbeatEventType('weird', 'main')).toBe('other');
  });
});
