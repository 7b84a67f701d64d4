import { describe, expect, it } from 'vitest';
import { classify, parseEdgePath } from './classify.js';
import { CTX } from './testing.js';

const c = (host: string, path: string, cnames = CTX.cnames) => classify(host, path, cnames);

describe('classify', () => {
  it('AA on any host with /b/ss/, and on Adobe AA hosts', () => {
    expect(c('smetrics.acme.com', '/b/ss/acmeprod/1/JS-2.23.0-LDQM/s64512987361204')).toBe('aa');
    expect(c('www.example.org', '/tracking/b/ss/rsid/1')).toBe('aa');
    expect(c('omnibug.d1.sc.omtrdc.net', '/b/ss/')).toBe('aa');
    expect(c('acme.112.2o7.net', '/whatever')).toBe('aa');
    expect(c('acme.data.adobedc.net', '/b/ss/acmeprod/1')).toBe('aa');
    expect(c('acme.sc.omtrdc.net', '/id')).toBe('ecid');
  });
  it('legacy heartbeat pings and settings', () => {
    expect(c('acme.hb.omtrdc.net', '/')).toBe('heartbeat');
    expect(c('acme.hb.omtrdc.net', '/settings/acme-tv.xml')).toBe('heartbeat-settings');
    const cn = { ...CTX.cnames, heartbeat: ['shb.*'] };
    expect(c('shb.acme.com', '/', cn)).toBe('heartbeat');
    expect(c('shb.acme.com', '/', CTX.cnames)).toBeNull();
  });
  it('Media Collection on any host, also on a *.hb.omtrdc.net host', () => {
    expect(c('acme.hb-api.omtrdc.net', '/api/v1/sessions')).toBe('media-collection');
    expect(c('acme.hb-api.omtrdc.net', '/api/v1/sessions/139bd3c6/events')).toBe('media-collection');
    expect(c('media.acme.com', '/api/v1/downloaded')).toBe('media-collection');
    expect(c('acme.hb.omtrdc.net', '/api/v1/sessions')).toBe('media-collection');
    expect(c('acme.hb-api.omtrdc.net', '/api/v1/schemas/sessionStart')).toBe('media-collection');
    expect(c('api.example.org', '/api/v1/schemas/user')).toBeNull();
  });
  it('Edge and Media Edge paths incl. location hints and pre-production', () => {
    expect(c('edge.adobedc.net', '/ee/v1/interact')).toBe('edge');
    expect(c('edge.adobedc.net', '/ee/or2/v1/collect')).toBe('edge');
    expect(c('adobedc.demdex.net', '/ee/v1/interact')).toBe('edge');
    expect(c('server.adobedc.net', '/ee/v2/interact')).toBe('edge');
    expect(c('edge.adobedc.net', '/ee/v1/privacy/set-consent')).toBe('edge');
    expect(c('edge.adobedc.net', '/ee-pre-prd/v1/interact')).toBe('edge');
    expect(c('sedge.acme.com', '/ee/or2/va/v1/play')).toBe('media-edge');
    expect(c('edge.adobedc.net', '/ee/va/v1/sessionStart')).toBe('media-edge');
    expect(c('www.acme.com', '/ee/other')).toBeNull();
  });
  it('ECID, AAM, Target, Tags', () => {
    expect(c('dpm.demdex.net', '/id')).toBe('ecid');
    expect(c('acme.demdex.net', '/ibs:dpid=411')).toBe('aam');
    expect(c('acme.demdex.net', '/event')).toBe('aam');
    expect(c('acme.tt.omtrdc.net', '/rest/v1/delivery')).toBe('target');
    expect(c('assets.adobedtm.com', '/ab12/launch-ef56.min.js')).toBe('tags');
    expect(c('assets.adoberesources.cn', '/x/launch-1.js')).toBe('tags');
  });
  it('non-Adobe traffic is null', () => {
    expect(c('www.google-analytics.com', '/g/collect')).toBeNull();
    expect(c('notomtrdc.net', '/')).toBeNull();
    expect(c('evil-hb.omtrdc.net.example.com', '/')).toBeNull();
  });
});

describe('parseEdgePath', () => {
  it('extracts hint, version and action', () => {
    expect(parseEdgePath('/ee/va6/va/v1/adStart')).toEqual({
      kind: 'media-edge',
      action: 'adStart',
      apiVersion: 'v1',
      locationHint: 'va6',
      preProduction: false,
    });
    expect(parseEdgePath('/ee-pre-prd/irl1/v2/collect')).toMatchObject({
      kind: 'edge',
      action: 'collect',
      apiVersion: 'v2',
      locationHint: 'irl1',
      preProduction: true,
    });
  });
});

describe('heartbeat on an unlisted first-party CNAME', () => {
  const none = { aa: [], heartbeat: [], 'media-collection': [], edge: [] };
  it('is recognised by its s:/l: grammar, not dropped', () => {
    const q = 's:sc:rsid=acmeprod&s:event:type=play&s:event:sid=1527464150037459529420&l:event:playhead=29';
    expect(classify('hb.acme.com', '/', none, q)).toBe('heartbeat');
    expect(classify('hb.acme.com', '/', none, 'q=s:event:type')).toBeNull();
    expect(classify('www.acme.com', '/search', none, q)).toBeNull();
  });
});
