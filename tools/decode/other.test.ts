import { describe, expect, it } from 'vitest';
import { decode, decodeOne, ORG, UA } from './testing.js';

describe('other Adobe traffic (E1, E2, AAM, Target)', () => {
  it('E1 ECID service call → identity', () => {
    const e = decodeOne({
      url: 'https://dpm.demdex.net/id?d_visid_ver=5.5.0&d_fieldgroup=MC&d_rtbd=json&d_ver=2&d_orgid=1A2B3C4D5E6F7A8B9C0D1E2F%40AdobeOrg&d_nsid=0&ts=1710410731022',
    });
    expect(e.family).toBe('ecid');
    expect(e.sdk).toBe('other');
    expect(e.sequence).toMatchObject({ event_type: 'identity', raw_event_type: '/id' });
    expect(e.actor.org_id).toBe(ORG);
    expect(e.params.d_visid_ver).toBe('5.5.0');
  });
  it('AAM ibs / event, Roku platform hint', () => {
    const e = decodeOne({
      url: 'https://acme.demdex.net/event?d_mid=123456789012345&d_ptfm=roku&d_orgid=x%40AdobeOrg',
      ua: UA.roku,
    });
    expect(e.family).toBe('aam');
    expect(e.sequence.event_type).toBe('identity');
    expect(e.actor.ecid).toBe('123456789012345');
    expect(e.platform).toBe('roku');
  });
  it('E2 Tags loader and Target → other, never dropped', () => {
    const tags = decodeOne({
      url: 'https://assets.adobedtm.com/ab12cd34ef56/7890abcd1234/launch-ef56ab78cd90.min.js',
    });
    expect(tags.family).toBe('tags');
    expect(tags.sequence.event_type).toBe('other');
    expect(tags.params._tags_loader).toBe('launch');
    const tt = decodeOne({
      url: 'https://acme.tt.omtrdc.net/rest/v1/delivery?client=acme&sessionId=abc',
      body: '{"not":"checked"',
    });
    expect(tt.family).toBe('target');
    expect(tt.sequence.event_type).toBe('other');
    expect(tt.params.client).toBe('acme');
    expect(tt.raw.body).toBe('{"not":"checked"');
  });
  it('non-Adobe traffic gives no events and no rejection', () => {
    for (const url of [
      'https://www.google-analytics.com/g/collect?v=2&tid=G-1',
      'https://www.acme.com/',
      'https://cdn.example.org/api/v1/users',
      'data:image/png;base64,AAAA',
      'not a url',
    ]) {
      expect(decode({ url })).toEqual({ events: [], rejection: null });
    }
  });
});
