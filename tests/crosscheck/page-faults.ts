// Faults in the page/app traffic of a capture. They belong to the page session (keyed by the visitor
// ECID) and change the page hit descriptors before they become requests.

import { aaLongHit, aaHandcodedHit, type PageCtx, type PageHit } from './page.js';
import type { Code } from './codes.js';

export type PageKind = 'aa-web' | 'aa-app' | 'edge-web' | 'edge-app';

export interface PageVariant {
  code: Code;
  id: string;
  kinds: readonly PageKind[];
  /** Not in captures with a heartbeat session, whose media calls share the Analytics configuration. */
  notWithHeartbeat?: boolean;
  apply: (hits: PageHit[], pc: PageCtx) => string;
}

function aaHits(hits: PageHit[]): PageHit[] {
  return hits.filter((h) => h.aa).sort((a, b) => a.t - b.t);
}

function first<T>(items: T[], what: string): T {
  if (items.length === 0) throw new Error(`cross-check generator: page has no ${what}`);
  return items[0];
}

export const PAGE_VARIANTS: PageVariant[] = [
  {
    code: 'BEACON_TRUNCATED',
    id: 'long-image-request-cut',
    kinds: ['aa-web'],
    apply(hits, pc) {
      const pv = first(aaHits(hits), 'Analytics hit');
      const hit = aaLongHit(pc, pv.t + pc.rng.int(5000, 25_000));
      if (!hit.aa) throw new Error('long hit');
      hit.aa.hit.transport = 'get';
      hit.aa.hit.truncateAt = 2047;
      hit.marks.push('BEACON_TRUNCATED');
      hits.push(hit);
      return 'AppMeasurement without POST support cuts a long image request at 2047 characters: no AQE=1';
    },
  },
  {
    code: 'EVENT_DUPLICATE',
    id: 'page-call-fired-twice',
    kinds: ['aa-web', 'aa-app'],
    apply(hits, pc) {
      const hit = first(
        aaHits(hits).filter((h) => h.kind === 'pageview' || h.kind === 'state'),
        'page view',
      );
      hit.dupAfterMs = pc.rng.int(200, 850);
      hit.marks.push('EVENT_DUPLICATE');
      return `page view / trackState fired twice ${hit.dupAfterMs} ms apart (two rules on the same trigger)`;
    },
  },
  {
    code: 'RSID_INVALID',
    id: 'report-suite-misconfigured',
    kinds: ['aa-web', 'aa-app'],
    notWithHeartbeat: true,
    apply(hits, pc) {
      const bad = pc.rng.pick([`${pc.brand.rsid},`, '%RSID%', `${pc.brand.rsid} dev`, `{{rsid}}`]);
      const path = bad
        .split(',')
        .map((p) => encodeURIComponent(p))
        .join(',');
      const list = aaHits(hits);
      for (const h of list) if (h.aa) h.aa.client = { ...h.aa.client, rsidPath: path };
      first(list, 'Analytics hit').marks.push('RSID_INVALID');
      return `report suite in the path is ${JSON.stringify(bad)} (unresolved data element / typo)`;
    },
  },
  {
    code: 'PARAM_NAME_INVALID',
    id: 'hand-coded-pagename',
    kinds: ['aa-web'],
    apply(hits, pc) {
      const pv = first(aaHits(hits), 'Analytics hit');
      const hit = aaHandcodedHit(pc, pv.t + pc.rng.int(3000, 20_000), [
        ['mid', pc.ecid],
        ['pagename', 'promo:spring-banner'],
        ['g', pc.web?.pageUrl ?? `https://www.${pc.brand.domain}/`],
        ['v1', 'banner-0324'],
      ]);
      hit.marks.push('PARAM_NAME_INVALID');
      hits.push(hit);
      return 'hand-coded image request uses pagename instead of pageName';
    },
  },
  {
    code: 'PARAM_NAME_INVALID',
    id: 'xdm-evar-wrong-case',
    kinds: ['edge-web'],
    apply(hits) {
      const pv = first(
        hits.filter((h) => h.edge && h.kind === 'pageview'),
        'Edge page view',
      );
      const xdm = (pv.edge?.body.events as { xdm: Record<string, unknown> }[])[0].xdm;
      xdm._experience = {
        analytics: { customDimensions: { eVars: { eVar1: 'home', evar44: 'spring-promo' } } },
      };
      pv.marks.push('PARAM_NAME_INVALID');
      return 'XDM eVars block has evar44 next to eVar1 (wrong case)';
    },
  },
  {
    code: 'IDENTITY_MISSING_ECID',
    id: 'first-hit-before-visitor-id',
    kinds: ['aa-web'],
    notWithHeartbeat: true,
    apply(hits, pc) {
      const pv = first(aaHits(hits), 'Analytics hit');
      if (!pv.aa) throw new Error('aa hit');
      const params = pv.aa.hit.params.filter(([k]) => k !== 'mid' && k !== 'aamlh');
      params.splice(1, 0, ['fid', `${pc.rng.hex(16).toUpperCase()}-${pc.rng.hex(16).toUpperCase()}`]);
      pv.aa.hit = { ...pv.aa.hit, params };
      pv.marks.push('IDENTITY_MISSING_ECID');
      return 'first page view sent before the ID service answered: no mid, only a fallback fid';
    },
  },
  {
    code: 'HOST_UNEXPECTED',
    id: 'analytics-to-heartbeat-host',
    kinds: ['aa-web', 'aa-app'],
    notWithHeartbeat: true,
    apply(hits, pc) {
      const host = `${pc.brand.ns}.hb.omtrdc.net`;
      const list = aaHits(hits);
      for (const h of list) if (h.aa) h.aa.client = { ...h.aa.client, server: host };
      first(list, 'Analytics hit').marks.push('HOST_UNEXPECTED');
      return `Analytics tracking server set to the heartbeat host ${host}`;
    },
  },
  {
    code: 'BEACON_REJECTED',
    id: 'analytics-503',
    kinds: ['aa-web', 'aa-app'],
    apply(hits, pc) {
      const list = aaHits(hits);
      const hit = list[pc.rng.int(0, list.length - 1)];
      hit.resp = {
        status: 503,
        statusText: 'Service Unavailable',
        mime: 'text/html',
        body: '<html><body>Service Unavailable</body></html>',
      };
      hit.marks.push('BEACON_REJECTED');
      return 'Analytics collection answers 503';
    },
  },
  {
    code: 'BEACON_REJECTED',
    id: 'edge-event-error',
    kinds: ['edge-web', 'edge-app'],
    apply(hits, pc) {
      const list = hits.filter((h) => h.edge && h.edge.path === 'interact').sort((a, b) => a.t - b.t);
      if (list.length < 2) throw new Error('cross-check generator: page needs two Edge calls');
      const hit = list[1];
      hit.resp = {
        status: 200,
        statusText: 'OK',
        mime: 'application/json',
        body: JSON.stringify({
          requestId: pc.rng.uuid(),
          handle: [],
          errors: [
            {
              type: 'https://ns.adobe.com/aep/errors/EXEG-0104-422',
              status: 422,
              title: 'Unprocessable Entity',
              detail:
                'The request payload has failed XDM validation: /events/0/xdm/web/webInteraction/linkClicks/value must be a number.',
              report: { eventIndex: 0 },
            },
          ],
        }),
      };
      hit.marks.push('BEACON_REJECTED');
      return 'Edge answers with errors[] EXEG-0104-422 for an event that fails XDM validation';
    },
  },
];

export function pageVariantsFor(kind: PageKind, withHeartbeat: boolean): PageVariant[] {
  return PAGE_VARIANTS.filter((v) => v.kinds.includes(kind) && !(withHeartbeat && v.notWithHeartbeat));
}
