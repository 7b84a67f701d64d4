import { describe, expect, it } from 'vitest';
import { aaEventType, appVersionFromAppId, parseAaLocalTime, parseAaPath } from './aa.js';
import { decode, decodeOne, ECID, ORG, UA } from './testing.js';

const A1 = `https://smetrics.acme.com/b/ss/acmeprod/1/JS-2.23.0-LDQM/s64512987361204?AQB=1&ndh=1&pf=1
  &t=14%2F2%2F2024%2010%3A05%3A31%204%20-60&fid=3B6E1C2D4F5A6B7C-0A1B2C3D4E5F6A7B
  &mid=${ECID}&aamlh=6&ce=UTF-8&ns=acme
  &pageName=home&g=https%3A%2F%2Fwww.acme.com%2F&r=https%3A%2F%2Fwww.google.com%2F
  &cc=USD&ch=home&events=event1&v1=home&c1=home&s=1920x1080&c=24&j=1.6&v=N&k=Y&bw=1440&bh=789
  &mcorgid=1A2B3C4D5E6F7A8B9C0D1E2F%40AdobeOrg&AQE=1`;

describe('AA: web (A1–A13)', () => {
  it('A1 page view via Tags on a CNAME', () => {
    const e = decodeOne({ url: A1 });
    expect(e.family).toBe('aa');
    expect(e.sdk).toBe('aa');
    expect(e.platform).toBe('web');
    expect(e.sdk_version).toBe('2.23.0');
    expect(e.params._version_token).toBe('JS-2.23.0-LDQM');
    expect(e.params._hit_source).toBe('1');
    expect(e.params._lib).toBe('appmeasurement-js');
    expect(e.params._lib_marker).toBe('LDQM');
    expect(e.sequence.event_type).toBe('pageView');
    expect(e.sequence.raw_event_type).toBeNull();
    expect(e.actor).toMatchObject({ ecid: ECID, rsid: 'acmeprod', org_id: ORG });
    expect(e.dims).toEqual({ pageName: 'home', ch: 'home', events: 'event1', v1: 'home', c1: 'home' });
    expect(e.params.g).toBe('https://www.acme.com/');
    expect(e.params.c).toBe('24'); // `c` (color depth) is a plain param, not a context block
    // t = 14 Mar 2024 10:05:31 at GMT+1 → 09:05:31Z
    expect(e.beacon_ts_ms).toBe(Date.parse('2024-03-14T09:05:31Z'));
    expect(e.raw.query?.startsWith('AQB=1&ndh=1')).toBe(true);
    expect(e.raw.body).toBeNull();
    expect(e.network).toMatchObject({
      host: 'smetrics.acme.com',
      method: 'GET',
      protocol: 'https',
      status: 200,
    });
    expect(e.provenance).toEqual({
      har_path: 'captures/test.har',
      har_hash: 'abc123',
      entry_index: 7,
      sub_index: 0,
    });
    expect(e.ts).toBe('2024-03-14T09:05:31.022Z');
  });

  it('A2 DTM on *.sc.omtrdc.net keeps dynamic variable copies and hierarchy', () => {
    const e = decodeOne({
      url: `https://omnibug.d1.sc.omtrdc.net/b/ss/omnibug-test/1/JS-2.1.0-D7QN/s78921068678131?AQB=1&ndh=1&pf=1
  &t=9%2F0%2F2018%2016%3A16%3A47%202%20420&mid=27914645550662449863676805716141562873&aamlh=9
  &ce=UTF-8&ns=omnibug&pageName=omnibug%3Ahome&g=https%3A%2F%2Fomnibug.io%2F&server=omnibug.io
  &h1=omnibug%2Chome&v3=omnibug%3Ahome&v20=D%3Dc20&c20=tuesday%7C6%3A00pm&AQE=1`,
    });
    expect(e.actor.rsid).toBe('omnibug-test');
    expect(e.sdk_version).toBe('2.1.0');
    expect(e.params._lib_marker).toBe('D7QN');
    expect(e.dims).toMatchObject({
      pageName: 'omnibug:home',
      server: 'omnibug.io',
      h1: 'omnibug,home',
      v20: 'D=c20',
      c20: 'tuesday|6:00pm',
    });
    expect(e.beacon_ts_ms).toBe(Date.UTC(2018, 0, 9, 16 + 7, 16, 47));
  });

  it('A3/A4 custom and download links', () => {
    const a3 = decodeOne({
      url: `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.22.0/s36981245501177?AQB=1&ndh=1&pf=1
  &mid=${ECID}&ce=UTF-8&pageName=home&g=https%3A%2F%2Fwww.acme.com%2F&pe=lnk_o&pev2=Hero%20CTA&events=event7&AQE=1`,
    });
    expect(a3.sequence.event_type).toBe('linkClick');
    expect(a3.sequence.raw_event_type).toBe('lnk_o');
    expect(a3.params.pev2).toBe('Hero CTA');
    expect(a3.sdk_version).toBe('2.22.0');
    expect(a3.params._lib_marker).toBeUndefined();
    const a4 = decodeOne({
      url: 'https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.22.0/s41002318862940?AQB=1&ndh=1&pf=1&pe=lnk_d&pev1=https%3A%2F%2Fwww.acme.com%2Fbrochure.pdf&pev2=brochure.pdf&AQE=1',
    });
    expect(a4.sequence).toMatchObject({ event_type: 'linkClick', raw_event_type: 'lnk_d' });
    expect(a4.params.pev1).toBe('https://www.acme.com/brochure.pdf');
  });

  it('A5 sendBeacon POST: query in the URL, empty body', () => {
    const e = decodeOne({
      method: 'POST',
      url: 'https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.22.0/s51234567890123?AQB=1&ndh=1&pf=1&pe=lnk_e&pev1=https%3A%2F%2Fpartner.example.org%2F&pev2=partner&AQE=1',
      body: '',
    });
    expect(e.network.method).toBe('POST');
    expect(e.sequence.raw_event_type).toBe('lnk_e');
    expect(e.params.pev1).toBe('https://partner.example.org/');
    expect(e.params.AQE).toBe('1');
    expect(e.raw.body).toBeNull();
  });

  it('A6 XHR POST: body parsed as a query string and merged', () => {
    const e = decodeOne({
      url: 'https://dhlcom.d3.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.22.3-LBWB/s75644166507442',
      body: `AQB=1&ndh=1&pf=1&t=20%2F1%2F2022%2018%3A32%3A2%200%20-540&sdid=508284A43E48C37D-29983C2A1B0F9E11&mid=${ECID}&pageName=checkout%3Areview&products=%3BSKU-1%3B1%3B19.99&events=scCheckout&v50=${'x'.repeat(3000)}&AQE=1`,
      reqHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(e.dims.pageName).toBe('checkout:review');
    expect(e.dims.products).toBe(';SKU-1;1;19.99');
    expect(e.dims.events).toBe('scCheckout');
    expect(e.dims.v50).toHaveLength(3000);
    expect(e.params.sdid).toBe('508284A43E48C37D-29983C2A1B0F9E11');
    expect(e.actor.ecid).toBe(ECID);
    expect(e.raw.query).toBeNull();
    expect(e.raw.body?.startsWith('AQB=1')).toBe(true);
    expect(e.network.req_headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(e.beacon_ts_ms).toBe(Date.UTC(2022, 1, 20, 18 - 9, 32, 2));
  });

  it('URL query and POST body are merged (body wins on a clash)', () => {
    const e = decodeOne({
      url: 'https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.22.0/s1?pageName=fromUrl&v1=a',
      body: 'pageName=fromBody&v2=b',
    });
    expect(e.dims).toEqual({ pageName: 'fromBody', v1: 'a', v2: 'b' });
  });

  it('A7 AAM forwarding hit source /10/ with callback', () => {
    const e = decodeOne({
      url: 'https://somni.acme.com/b/ss/acmeprod/10/JS-2.20.0-LBQ1/s7135035339845?AQB=1&ndh=1&pf=1&callback=s_c_il%5B1%5D.doPostbacks&et=1&t=1%2F2%2F2021%200%3A47%3A28%201%20300&AQE=1',
    });
    expect(e.params._hit_source).toBe('10');
    expect(e.params.callback).toBe('s_c_il[1].doPostbacks');
    expect(e.sdk_version).toBe('2.20.0');
  });

  it('A8 empty path after /b/ss/ and Activity Map context data', () => {
    const e = decodeOne({
      url: 'https://omnibug.d1.sc.omtrdc.net/b/ss/?AQB=1&ndh=1&pf=1&AQE=1&c.&a.&activitymap.&page=Omnibug%20Home&link=HOME&region=nav&pageIDType=1&.activitymap&.a&.c',
    });
    expect(e.actor.rsid).toBeNull();
    expect(e.params._version_token).toBeUndefined();
    expect(e.params['c.a.activitymap.page']).toBe('Omnibug Home');
    expect(e.params['c.a.activitymap.pageIDType']).toBe('1');
  });

  it('A9 customer ids', () => {
    const e = decodeOne({
      url: 'https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.22.0/s1?AQB=1&cid.&userid.&id=67312378756723456&as=1&.userid&.cid&AQE=1',
    });
    expect(e.params['cid.userid.id']).toBe('67312378756723456');
    expect(e.params['cid.userid.as']).toBe('1');
  });

  it('A10 hand-coded request without a version token', () => {
    const e = decodeOne({
      url: 'https://acme.data.adobedc.net/b/ss/acmeprod/1?AQB=1&g=http%3A%2F%2Facme.com&pageName=Email%20open&v1=newsletter-0324&AQE=1',
    });
    expect(e.actor.rsid).toBe('acmeprod');
    expect(e.params._hit_source).toBe('1');
    expect(e.params._version_token).toBeUndefined();
    expect(e.sdk_version).toBeNull();
    expect(e.dims).toEqual({ pageName: 'Email open', v1: 'newsletter-0324' });
    expect(e.platform).toBe('web'); // browser params (AQB) + browser UA
  });

  it('A11 milestone-era media call', () => {
    const e = decodeOne({
      url: `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.1.0/s11223344556677?AQB=1&ndh=1&pf=1
  &pe=m_s&pev3=video&c.&a.&contentType=video&media.&channel=www.acme.com&name=trailer-42
  &playerName=HTML5%20Video&length=120&timePlayed=0&view=true&.media&.a&.c&AQE=1`,
    });
    expect(e.sequence.event_type).toBe('aaMediaMilestone');
    expect(e.asset).toEqual({ type: 'video', id: 'trailer-42', name: null, length_s: 120 });
    expect(e.params['c.a.media.playerName']).toBe('HTML5 Video');
  });

  it('A12 heartbeat-era media start carries the HB session id', () => {
    const e = decodeOne({
      url: `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.17.0/s20481736620011?AQB=1&ndh=1&pf=1
  &mid=${ECID}&pe=ms_s&pev3=video
  &c.&a.&contentType=vod&media.&name=123456&friendlyName=Episode%20Title&length=120
  &playerName=HTML5&channel=www.acme.com&view=true&vsid=1527464150037459529420
  &show=Show%20Title&season=6&episode=3&.media&.a&custom.&genre=comedy&.custom&.c&AQE=1`,
    });
    expect(e.sequence).toMatchObject({
      event_type: 'aaMediaStart',
      raw_event_type: 'ms_s',
      asset_type: 'main',
    });
    expect(e.session_id).toBe('1527464150037459529420');
    expect(e.asset).toEqual({ type: 'vod', id: '123456', name: 'Episode Title', length_s: 120 });
    expect(e.params['c.a.media.season']).toBe('6');
    expect(e.params['c.custom.genre']).toBe('comedy');
  });

  it('A13 ad start', () => {
    const e = decodeOne({
      url: `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.17.0/s1?AQB=1&pe=msa_s&pev3=videoAd&c.&a.&contentType=vod&media.&name=123456&vsid=1527464150037459529420
  &ad.&name=9378&friendlyName=Video_VPAID_DFA&podFriendlyName=preroll&length=15&playerName=HTML5
  &pod=c27aaf3ff8224bb6b9ebfe1b2e79073d_1&podPosition=1&podSecond=0&view=true&.ad&.media&.a&.c&AQE=1`,
    });
    expect(e.sequence).toMatchObject({ event_type: 'aaAdStartHit', asset_type: 'ad' });
    expect(e.params['c.a.media.ad.name']).toBe('9378');
    expect(e.params['c.a.media.ad.pod']).toBe('c27aaf3ff8224bb6b9ebfe1b2e79073d_1');
    expect(e.params['c.a.media.name']).toBe('123456');
    expect(e.asset.id).toBe('123456');
  });

  it('truncated GET (no AQE) still decodes; it is not a rejection', () => {
    const full = A1.replace(/\s*\n\s*/g, '');
    const cut = full.slice(0, full.indexOf('&bw=') + 6);
    const res = decode({ url: cut });
    expect(res.rejection).toBeNull();
    expect(res.events).toHaveLength(1);
    expect(res.events[0].params.AQB).toBe('1');
    expect(res.events[0].params.AQE).toBeUndefined();
    // a GET cut inside an escape still decodes what is there
    const cut2 = decodeOne({ url: full.slice(0, full.indexOf('&r=') + 12) });
    expect(cut2.params.r).toBe('https:%');
  });
});

describe('AA: mobile and OTT (A14–A21)', () => {
  it('A14 AEP Android lifecycle', () => {
    const e = decodeOne({
      url: 'https://acme.sc.omtrdc.net/b/ss/acmeprod/0/ANDN030002030300/s48213377',
      ua: UA.android,
      reqHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `ndh=1&c.&a.&AppID=Acme%20TV%204.2.0%20(4200)&CarrierName=T-Mobile&DailyEngUserEvent=DailyEngUserEvent
&DayOfWeek=5&DaysSinceFirstUse=12&DaysSinceLastUse=1&DeviceName=Pixel%207&HourOfDay=20
&LaunchEvent=LaunchEvent&Launches=31&OSVersion=Android%2014&Resolution=1080x2400&RunMode=Application
&TimeSinceLaunch=0&internalaction=Lifecycle&locale=en-US&.a&.c
&t=00%2F00%2F0000%2000%3A00%3A00%200%20-60&mid=${ECID}&aamlh=6&ce=UTF-8&cp=foreground
&pageName=Acme%20TV%204.2.0%20(4200)&pe=lnk_o&pev2=ADBINTERNAL%3ALifecycle`.replace(/\n/g, ''),
    });
    expect(e.platform).toBe('android');
    expect(e.params._platform_signal).toBe('aa-token');
    expect(e.sdk_version).toBe('3.0.2');
    expect(e.params._lib).toBe('aep-analytics');
    expect(e.params._lib_core_version).toBe('3.3.0');
    expect(e.params._lib_marker).toBe('N');
    expect(e.params._hit_source).toBe('0');
    expect(e.sequence).toMatchObject({ event_type: 'lifecycle', raw_event_type: 'ADBINTERNAL:Lifecycle' });
    expect(e.params['c.a.Launches']).toBe('31');
    expect(e.params['c.a.OSVersion']).toBe('Android 14');
    expect(e.app_version).toBe('4.2.0');
    expect(e.beacon_ts_ms).toBeNull();
    expect(e.actor.ecid).toBe(ECID);
  });

  it('A15 AEP iOS trackState', () => {
    const e = decodeOne({
      url: 'https://smetrics.acme.com/b/ss/acmeprod/0/IOSN050000050100/s9120044',
      ua: UA.ios,
      body: `ndh=1&c.&show.&id=S1E3&.show&a.&AppID=Acme%20TV%204.2.0%20(4200)&.a&.c&t=00%2F00%2F0000%2000%3A00%3A00%200%20300&mid=${ECID}&ce=UTF-8&cp=foreground&pageName=Show%20Detail`,
    });
    expect(e.platform).toBe('ios');
    expect(e.sdk_version).toBe('5.0.0');
    expect(e.params._lib_core_version).toBe('5.1.0');
    expect(e.params['c.show.id']).toBe('S1E3');
    expect(e.params['c.a.AppID']).toBe('Acme TV 4.2.0 (4200)');
    expect(e.sequence.event_type).toBe('pageView');
    expect(e.dims.pageName).toBe('Show Detail');
  });

  it('A16 AEP tvOS trackAction', () => {
    const e = decodeOne({
      url: 'https://smetrics.acme.com/b/ss/acmeprod/0/TOSN050000050100/s771002',
      ua: 'Mozilla/5.0 (Apple TV; CPU OS 17_2 like Mac OS X; en-US)',
      body: `ndh=1&c.&a.&action=play_button&.a&.c&t=00%2F00%2F0000%2000%3A00%3A00%200%20300&mid=${ECID}&ce=UTF-8&cp=foreground&pageName=Acme%20TV%204.2.0%20(4200)&pe=lnk_o&pev2=AMACTION%3Aplay_button`,
    });
    expect(e.platform).toBe('tvos');
    expect(e.sequence).toMatchObject({ event_type: 'appAction', raw_event_type: 'AMACTION:play_button' });
    expect(e.params['c.a.action']).toBe('play_button');
  });

  it('A17 React Native wrapper, /10/, Assurance marker', () => {
    const e = decodeOne({
      url: 'https://acme.sc.omtrdc.net/b/ss/acmeprod/10/ANDR030002030300/s10442',
      ua: UA.android,
      body: 'ndh=1&pe=lnk_o&pev2=AMACTION%3Asearch&p.&debug=true&.p',
    });
    expect(e.params._lib_marker).toBe('R');
    expect(e.params._hit_source).toBe('10');
    expect(e.params['p.debug']).toBe('true');
    expect(e.sequence.event_type).toBe('appAction');
    expect(e.platform).toBe('android');
  });

  it('A18 ADBMobile Android 4.x', () => {
    const e = decodeOne({
      url: 'https://acme.sc.omtrdc.net/b/ss/acmeprod/0/JAVA-4.17.0-AN/s3381204',
      ua: UA.android9,
      body: 'ndh=1&c.&a.&AppID=Acme%203.9%20(39)&DeviceName=SM-G960F&OSVersion=Android%209&Resolution=1080x2220&RunMode=Application&.a&.c&t=00%2F00%2F0000%2000%3A00%3A00%200%20-60&pageName=Home',
    });
    expect(e.platform).toBe('android');
    expect(e.sdk_version).toBe('4.17.0');
    expect(e.params._lib).toBe('adbmobile-android');
    expect(e.app_version).toBe('3.9');
    expect(e.sequence.event_type).toBe('pageView');
  });

  it('A19 Roku legacy trackState', () => {
    const e = decodeOne({
      url: 'https://smetrics.acme.com/b/ss/acmeprod/0/BS-2.2.7/s482913',
      ua: UA.roku,
      body: `ndh=1&mid=${ECID}&aid=2D859E6B85035994-4000118EA001378C&t=00%2F00%2F0000%2000%3A00%3A00%200%20300&pageName=Home&c.&a.&AppID=Acme%20Channel%203.1.0&DeviceName=3930X&OSVersion=Roku%2012.5.0-4178&Resolution=1280x720&.a&.c`,
    });
    expect(e.platform).toBe('roku');
    expect(e.sdk_version).toBe('2.2.7');
    expect(e.params._lib).toBe('adbmobile-roku');
    expect(e.params.aid).toBe('2D859E6B85035994-4000118EA001378C');
    expect(e.app_version).toBe('3.1.0');
  });

  it('A20 Roku legacy media start: pe wins over the empty AMACTION', () => {
    const e = decodeOne({
      url: 'https://smetrics.acme.com/b/ss/acmeprod/0/BS-2.2.7/s77120',
      ua: UA.roku,
      body: `ndh=1&mid=${ECID}&pe=ms_s&pev2=AMACTION%3A&pev3=video&pageName=Acme%20Channel%2F3.1.0&c.&a.&action=&contentType=vod&media.&name=ep-1001&friendlyName=Pilot&length=1330&playerName=RokuVideo&channel=Acme%20Channel&view=true&vsid=16890012345678901234&.media&DeviceName=3930X&OSVersion=Roku%2012.5.0-4178&.a&.c`,
    });
    expect(e.sequence.event_type).toBe('aaMediaStart');
    expect(e.session_id).toBe('16890012345678901234');
    expect(e.asset).toEqual({ type: 'vod', id: 'ep-1001', name: 'Pilot', length_s: 1330 });
    expect(e.params['c.a.action']).toBe('');
    expect(e.params['c.a.DeviceName']).toBe('3930X');
    expect(e.platform).toBe('roku');
  });

  it('A21 Chromecast', () => {
    const e = decodeOne({
      url: 'https://acme.sc.omtrdc.net/b/ss/acmeprod/0/cc-js-3.0.3-2019815/s4411902',
      ua: UA.crkey,
      body: 'ndh=1&pageName=Cast%20Receiver',
    });
    expect(e.platform).toBe('chromecast');
    expect(e.sdk_version).toBe('3.0.3');
    expect(e.params._lib).toBe('adbmobile-chromecast');
    expect(e.dims.pageName).toBe('Cast Receiver');
  });

  it('zero-date t with no token and a web-view UA stays not-web; OSVersion decides', () => {
    const e = decodeOne({
      url: 'https://acme.sc.omtrdc.net/b/ss/acmeprod/0/s1',
      ua: UA.chrome,
      body: 'ndh=1&t=00%2F00%2F0000%2000%3A00%3A00%200%20-60&c.&a.&OSVersion=iOS%2017.2&.a&.c',
    });
    expect(e.params._version_token).toBeUndefined();
    expect(e.platform).toBe('ios');
  });
});

describe('AA helpers', () => {
  it('parses paths', () => {
    expect(parseAaPath('/b/ss/a,b/5.1/JS-2.22.0/s1')).toEqual({
      rsid: 'a,b',
      hitSource: '5.1',
      versionToken: 'JS-2.22.0',
    });
    expect(parseAaPath('/b/ss/acme/1/s123')).toEqual({ rsid: 'acme', hitSource: '1', versionToken: null });
    expect(parseAaPath('/b/ss/acme/1/H.24.4/s123').versionToken).toBe('H.24.4');
  });
  it('maps pe/pev2', () => {
    expect(aaEventType(undefined, undefined).type).toBe('pageView');
    expect(aaEventType('lnk_o', 'ADBINTERNAL:Crash').type).toBe('lifecycle');
    expect(aaEventType('m_i', undefined).type).toBe('aaMediaMilestone');
    expect(aaEventType('msp_s', undefined).type).toBe('aaMediaStart');
  });
  it('reads t and AppID', () => {
    expect(parseAaLocalTime('00/00/0000 00:00:00 0 300')).toEqual({ zeroDate: true, epochMs: null });
    expect(parseAaLocalTime('garbage').epochMs).toBeNull();
    expect(appVersionFromAppId('Acme TV 4.2.0 (4200)')).toBe('4.2.0');
    expect(appVersionFromAppId('NoVersion')).toBeNull();
  });
});
