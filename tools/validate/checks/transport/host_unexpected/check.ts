import { z } from 'zod';
import { hostMatches } from '../../../../decode/glob.js';
import type { Envelope } from '../../../../envelope/index.js';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { ALL } from '../../protocols.js';

export const hostUnexpected = defineCheck({
  id: 'transport.host_unexpected',
  family: 'transport',
  renamedFrom: ['transport.host'],
  codes: [
    {
      code: 'HOST_UNEXPECTED',
      severity: 'error',
      definition:
        'a beacon goes to a host its family does not use (e.g. `/api/v1/sessions` on a `*.hb.omtrdc.net` host) or plain http while SSL is declared',
    },
  ],
  protocols: ALL,
  params: z.object({ heartbeat_hosts: z.array(z.string()).default(['*.hb.omtrdc.net']) }).strict(),
  evidence: { needs: "the session's beacons with their hosts and schemes" },
  fault: {
    where: 'render',
    protocols: ['heartbeat', 'media-collection'],
    marksStart: true,
    note: (p) =>
      p === 'heartbeat'
        ? 'heartbeats over plain http while h:sc:ssl=1'
        : '/api/v1/sessions sent to the *.hb.omtrdc.net heartbeat host',
    describe: 'media beacons on the wrong host / plain http while SSL is declared',
  },
  propose: [
    {
      param: 'heartbeat_hosts',
      metric: 'host',
      measure: 'heartbeat-hosts',
      evidence: { kind: 'host', terms: [/CNAME/i] },
      breaks: 'move-host',
    },
  ],
  doc: {
    text: [
      '`/api/v1/…` (Media Collection) on a `*.hb.omtrdc.net` host; a heartbeat ping on a host that is neither in',
      '`heartbeat_hosts` [`*.hb.omtrdc.net`] nor an allow-listed CNAME (`hosts.cname_allowlist` in',
      '`goblin.config.yaml`); `/b/ss/` on `*.hb.omtrdc.net`; plain `http` while SSL is declared (`h:sc:ssl=1`,',
      '`analytics.enableSSL=true`). One finding per distinct reason.',
    ].join('\n'),
    examples: [
      {
        title: 'heartbeats over plain http while h:sc:ssl=1',
        protocol: 'heartbeat',
        events: [
          { at: 0, type: 'start', ph: 0, scheme: 'http', fires: 'HOST_UNEXPECTED' },
          { at: 400, type: 'play', ph: 0, scheme: 'http' },
        ],
      },
      {
        title: 'Media Collection on its own hb-api host',
        protocol: 'media-collection',
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
        ],
      },
    ],
  },
  run(a, v, p) {
    const hits: Hit[] = [];
    const hbHost = (h: string) => /\.hb\.omtrdc\.net$/i.test(h);
    const sslDeclared = a.session.events.some(
      (e) =>
        e.params['h:sc:ssl'] === 1 ||
        e.params['h:sc:ssl'] === '1' ||
        e.params['analytics.enableSSL'] === true,
    );
    const seen = new Set<string>();
    const bad = (e: Envelope, why: string) => {
      if (seen.has(why)) return;
      seen.add(why);
      hits.push({
        code: 'HOST_UNEXPECTED',
        event: e,
        message: why,
        observed: `${e.network.protocol}://${e.network.host}${e.network.path}`,
      });
    };
    for (const e of a.session.events) {
      const h = e.network.host;
      if (e.family === 'media-collection' && hbHost(h))
        bad(e, `Media Collection call on heartbeat host ${h}`);
      // Two stable arrays (spec params, config): the glob cache compiles each once per run.
      if (
        e.family === 'heartbeat' &&
        !hostMatches(h, p.heartbeat_hosts) &&
        !hostMatches(h, v.cnames.heartbeat)
      )
        bad(e, `heartbeat ping on ${h}, not a heartbeat host or allow-listed CNAME`);
      if (e.family === 'aa' && hbHost(h)) bad(e, `Analytics hit on heartbeat host ${h}`);
      if (sslDeclared && e.network.protocol === 'http') bad(e, `plain http to ${h} while SSL is declared`);
    }
    return { status: 'ran', hits };
  },
});
