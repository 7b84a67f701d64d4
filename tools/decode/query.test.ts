import { describe, expect, it } from 'vitest';
import { decodeComponent, parseAaQuery, parseQueryFlat } from './query.js';
import { splitUrl } from './url.js';

describe('decodeComponent', () => {
  it('returns plain strings untouched and decodes %XX and +', () => {
    expect(decodeComponent('home')).toBe('home');
    expect(decodeComponent('Hero%20CTA')).toBe('Hero CTA');
    expect(decodeComponent('a+b')).toBe('a b');
    expect(decodeComponent('1A2B%40AdobeOrg')).toBe('1A2B@AdobeOrg');
  });
  it('never throws on malformed escapes and keeps what it cannot decode', () => {
    expect(decodeComponent('100%')).toBe('100%');
    expect(decodeComponent('a%2')).toBe('a%2');
    expect(decodeComponent('%E2%82%AC%ZZ%20x')).toBe('€%ZZ x');
    expect(decodeComponent('%E2%82')).toBe('%E2%82'); // truncated UTF-8 sequence
  });
});

describe('parseAaQuery', () => {
  it('rebuilds nested context data (A8)', () => {
    const p = parseAaQuery(
      'AQB=1&c.&a.&activitymap.&page=Omnibug%20Home&link=HOME&region=nav&pageIDType=1&.activitymap&.a&.c&AQE=1',
    );
    expect(p).toEqual({
      AQB: '1',
      'c.a.activitymap.page': 'Omnibug Home',
      'c.a.activitymap.link': 'HOME',
      'c.a.activitymap.region': 'nav',
      'c.a.activitymap.pageIDType': '1',
      AQE: '1',
    });
  });
  it('handles siblings after a closed level and the media name example', () => {
    const p = parseAaQuery(
      'c.&a.&media.&name=X&.media&contentType=vod&.a&custom.&genre=comedy&.custom&.c&v1=x',
    );
    expect(p['c.a.media.name']).toBe('X');
    expect(p['c.a.contentType']).toBe('vod');
    expect(p['c.custom.genre']).toBe('comedy');
    expect(p.v1).toBe('x');
  });
  it('rebuilds customer ids (A9) and the Assurance debug marker (A17)', () => {
    const p = parseAaQuery('cid.&userid.&id=67312378756723456&as=1&.userid&.cid&p.&debug=true&.p');
    expect(p).toEqual({ 'cid.userid.id': '67312378756723456', 'cid.userid.as': '1', 'p.debug': 'true' });
  });
  it('moves && keys to the top level, also inside a context block', () => {
    const p = parseAaQuery('c.&a.&x=1&%26%26events=event5&.a&%26%26products=%3Bsku&.c');
    expect(p).toEqual({ 'c.a.x': '1', events: 'event5', products: ';sku' });
  });
  it('survives unbalanced blocks, empty pairs and truncation', () => {
    const p = parseAaQuery('&&c.&a.&name=1&.zzz&v2=y&&pageName=ho%2');
    // stray close pops one level
    expect(p['c.a.name']).toBe('1');
    expect(p['c.v2']).toBe('y');
    expect(p['c.pageName']).toBe('ho%2');
  });
});

describe('parseQueryFlat', () => {
  it('keeps keys as written', () => {
    expect(parseQueryFlat('d_visid_ver=5.5.0&d_orgid=1A2B%40AdobeOrg&flag')).toEqual({
      d_visid_ver: '5.5.0',
      d_orgid: '1A2B@AdobeOrg',
      flag: '',
    });
  });

  it('keeps params named like Object.prototype members as own params, and absent ones absent', () => {
    // Context-data names are the site's own: `constructor` or `toString` is a param like any other.
    const p = parseAaQuery('c.&a.&toString=t&.a&.c&constructor=c&__proto__=x&pageName=home');
    expect(Object.keys(p)).toEqual(['c.a.toString', 'constructor', '__proto__', 'pageName']);
    expect(Object.hasOwn(p, '__proto__') && p['__proto__']).toBe('x');
    expect(JSON.parse(JSON.stringify(p))).toEqual({
      'c.a.toString': 't',
      constructor: 'c',
      ['__proto__']: 'x',
      pageName: 'home',
    });
    // A beacon without them has none: `in` sees no inherited member that a presence rule could take.
    const q = parseQueryFlat('pageName=home');
    expect('toString' in q || 'constructor' in q || 'hasOwnProperty' in q).toBe(false);
  });
});

describe('splitUrl', () => {
  it('splits host, path and query without new URL', () => {
    expect(splitUrl('https://SMetrics.acme.com:443/b/ss/acmeprod/1?AQB=1#frag')).toEqual({
      protocol: 'https',
      host: 'smetrics.acme.com',
      path: '/b/ss/acmeprod/1',
      query: 'AQB=1',
    });
    expect(splitUrl('http://acme.hb.omtrdc.net?s:event:type=play')?.path).toBe('/');
    expect(splitUrl('data:image/gif;base64,xx')).toBeNull();
    expect(splitUrl('wss://x/y')).toBeNull();
  });
});
