import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashId, isIdParam, truncateUa, type PiiOptions } from './pii.js';
import { decode, decodeOne, ECID, UA } from './testing.js';

const ON: PiiOptions = { hashIds: true, truncateUa: true, salt: 'repo-salt', extraRegexes: [] };
const H = (v: string) => hashId('repo-salt', v);

const AA_URL = `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.22.0/s1?AQB=1&mid=${ECID}&aid=2D859E6B85035994-4000118EA001378C&vid=visitor-42&fid=3B6E1C2D4F5A6B7C-0A1B2C3D4E5F6A7B&cid.&crm.&id=cust%2099001&as=1&.crm&.cid&v5=${ECID}&pageName=home&AQE=1`;
const HB_URL = `https://acme.hb.omtrdc.net/?s:sc:rsid=acmeprod&s:user:mid=${ECID}&s:user:aid=2D859E6B85035994-4000118EA001378C&s:user:id=visitor-42&s:cuser:userId.id=u-8812&s:event:type=play&s:event:sid=1&l:event:playhead=1`;

describe('hashId / truncateUa', () => {
  it('is h: + 20 hex, deterministic, salt-dependent', () => {
    expect(H(ECID)).toMatch(/^h:[0-9a-f]{20}$/);
    expect(H(ECID)).toBe(H(ECID));
    expect(hashId('other-salt', ECID)).not.toBe(H(ECID));
  });
  it('is HMAC-SHA256 exactly, whatever the salt length or the characters (stores hashed before stay joinable)', () => {
    const hmac = (salt: string, v: string) =>
      'h:' + createHmac('sha256', salt).update(v).digest('hex').slice(0, 20);
    // A 64-char hex salt (what .goblin-salt holds), shorter, longer than the SHA-256 block, non-ASCII.
    const salts = ['repo-salt', 'a3'.repeat(32), 'k'.repeat(65), 'sél-🔑'];
    const values = [ECID, '203.0.113.7', '', 'Ünïcode ✓', 'lone \ud800 surrogate'];
    for (const salt of salts) for (const v of values) expect(hashId(salt, v)).toBe(hmac(salt, v));
  });
  it('keeps the UA up to the first ) group, enough to re-detect the platform', () => {
    expect(truncateUa(UA.chrome)).toBe('Mozilla/5.0 (Windows NT 10.0; Win64; x64)');
    expect(truncateUa(UA.android)).toBe(UA.android);
    expect(truncateUa(UA.roku)).toBe(UA.roku);
    expect(truncateUa('okhttp/4.9.0')).toBe('okhttp/4.9.0');
  });
  it('knows the id params of every family', () => {
    for (const k of [
      'mid',
      'aid',
      'vid',
      'fid',
      'cid.crm.id',
      's:user:mid',
      's:user:aid',
      's:user:id',
      's:cuser:userId.id',
      'visitor.marketingCloudUserId',
      'analytics.visitorId',
      'visitor.customerIDs.crm.id',
      'identityMap.ECID.0.id',
      'identityMap.FPID.0.id',
    ]) {
      expect(isIdParam(k), k).toBe(true);
    }
    for (const k of ['cid.crm.as', 'pageName', 'media.id', 's:asset:video_id', 'mediaCollection.sessionID']) {
      expect(isIdParam(k), k).toBe(false);
    }
  });
});

describe('PII on', () => {
  it('AA: ids hashed in params, actor, dims and raw; no clear ECID anywhere', () => {
    const e = decodeOne({ url: AA_URL, serverIp: '203.0.113.9' }, ON);
    expect(e.actor.ecid).toBe(H(ECID));
    expect(e.params.mid).toBe(H(ECID));
    expect(e.params.aid).toBe(H('2D859E6B85035994-4000118EA001378C'));
    expect(e.params.vid).toBe(H('visitor-42'));
    expect(e.params.fid).toBe(H('3B6E1C2D4F5A6B7C-0A1B2C3D4E5F6A7B'));
    expect(e.params['cid.crm.id']).toBe(H('cust 99001'));
    expect(e.params['cid.crm.as']).toBe('1');
    expect(e.dims.v5).toBe(H(ECID)); // an eVar holding the ECID is scrubbed too
    expect(e.dims.pageName).toBe('home');
    expect(e.actor.ip_hash).toBe(H('203.0.113.9'));
    expect(e.actor.ua).toBe('Mozilla/5.0 (Windows NT 10.0; Win64; x64)');
    expect(e.network.req_headers['user-agent']).toBe('Mozilla/5.0 (Windows NT 10.0; Win64; x64)');
    expect(e.actor.ua_hash).toBe(H(UA.chrome));
    expect(e.platform).toBe('web'); // detected before truncation
    const s = JSON.stringify(e);
    for (const clear of [
      ECID,
      '2D859E6B85035994-4000118EA001378C',
      'visitor-42',
      'cust%2099001',
      'cust 99001',
      '203.0.113.9',
    ]) {
      expect(s.includes(clear), clear).toBe(false);
    }
    expect(e.raw.query).toContain(`mid=${H(ECID)}`);
  });

  it('equal ids stay equal across families (AA mid = HB s:user:mid = MC = Edge ECID)', () => {
    const aa = decodeOne({ url: AA_URL }, ON);
    const hb = decodeOne({ url: HB_URL }, ON);
    const mc = decodeOne(
      {
        url: 'https://acme.hb-api.omtrdc.net/api/v1/sessions',
        body: JSON.stringify({
          eventType: 'sessionStart',
          playerTime: { playhead: 0, ts: 1 },
          params: {
            'visitor.marketingCloudUserId': ECID,
            'analytics.visitorId': 'visitor-42',
            'visitor.customerIDs': { crm: { id: 'cust 99001', authState: 1 } },
          },
        }),
      },
      ON,
    );
    const edge = decodeOne(
      {
        url: 'https://edge.adobedc.net/ee/v1/interact?configId=x',
        body: JSON.stringify({
          xdm: { identityMap: { ECID: [{ id: ECID }] } },
          events: [{ xdm: { eventType: 'application.launch' } }],
          meta: {
            state: {
              entries: [
                {
                  key: 'kndctr_1A2B_AdobeOrg_identity',
                  value: 'CiYzMDI1MDAzNTUwMzc4OTg3NjQ3MzQ4NDU4MDU1NDU5NTMyNDIwOQ',
                },
              ],
            },
          },
        }),
      },
      ON,
    );
    const ids = [aa, hb, mc, edge].map((e) => e.actor.ecid);
    expect(new Set(ids)).toEqual(new Set([H(ECID)]));
    expect(hb.params['s:user:id']).toBe(aa.params.vid);
    expect(mc.params['analytics.visitorId']).toBe(aa.params.vid);
    expect(hb.params['s:cuser:userId.id']).toBe(H('u-8812'));
    expect(mc.params['visitor.customerIDs.crm.id']).toBe(aa.params['cid.crm.id']);
    expect(mc.params['visitor.customerIDs.crm.authState']).toBe(1);
    expect(edge.params['identityMap.ECID.0.id']).toBe(H(ECID));
    for (const e of [aa, hb, mc, edge]) expect(JSON.stringify(e).includes(ECID)).toBe(false);
    // the Edge identity cookie value (an encoded ECID) is hashed in the raw body too
    expect(edge.raw.body).not.toContain('CiYzMDI1');
  });

  it('Edge ECID from the identity:result response handle is hashed', () => {
    const e = decodeOne(
      {
        url: 'https://edge.adobedc.net/ee/v1/interact?configId=x',
        body: '{"events":[{"xdm":{"eventType":"web.webpagedetails.pageViews"}}]}',
        resBody: JSON.stringify({
          handle: [{ type: 'identity:result', payload: [{ id: ECID, namespace: { code: 'ECID' } }] }],
        }),
      },
      ON,
    );
    expect(e.actor.ecid).toBe(H(ECID));
  });

  it('extra regexes replace matches in params, dims and raw', () => {
    const e = decodeOne(
      {
        url: 'https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.22.0/s1?AQB=1&pageName=user%3Ajane%40example.com&c.&email=jane%40example.com&.c&AQE=1',
      },
      { ...ON, extraRegexes: ['[\\w.]+@example\\.com'] },
    );
    const hashed = H('jane@example.com');
    expect(e.dims.pageName).toBe(`user:${hashed}`);
    expect(e.params['c.email']).toBe(hashed);
    expect(JSON.stringify(e).includes('jane@example.com')).toBe(false);
  });

  it('batched Edge events share one scrubbed raw body', () => {
    const res = decode(
      {
        url: 'https://edge.adobedc.net/ee/v1/collect?configId=x',
        body: JSON.stringify({
          events: [
            { xdm: { eventType: 'a', identityMap: { ECID: [{ id: ECID }] } } },
            { xdm: { eventType: 'b' } },
          ],
        }),
      },
      ON,
    );
    expect(res.events).toHaveLength(2);
    for (const e of res.events) expect(e.raw.body).not.toContain(ECID);
  });
});

describe('PII off', () => {
  it('values untouched', () => {
    const off: PiiOptions = { hashIds: false, truncateUa: false, salt: 'repo-salt', extraRegexes: [] };
    const e = decodeOne({ url: AA_URL, serverIp: '203.0.113.9' }, off);
    expect(e.actor.ecid).toBe(ECID);
    expect(e.params.mid).toBe(ECID);
    expect(e.params['cid.crm.id']).toBe('cust 99001');
    expect(e.actor.ua).toBe(UA.chrome);
    expect(e.network.req_headers['user-agent']).toBe(UA.chrome);
    expect(e.actor.ip_hash).toBe('203.0.113.9');
    expect(e.raw.query).toContain(`mid=${ECID}`);
    const hb = decodeOne({ url: HB_URL }, off);
    expect(hb.params['s:user:mid']).toBe(ECID);
  });
});
