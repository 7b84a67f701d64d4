import { z } from 'zod';
import { hostMatches } from '../../decode/glob.js';
import type { Envelope } from '../../envelope/index.js';
import { defineCheck } from '../types.js';
import type { CheckDef, Hit } from '../types.js';

const ALL = ['heartbeat', 'media-collection', 'media-edge', 'aa', 'edge'] as const;

export const host = defineCheck({
  id: 'transport.host',
  codes: ['HOST_UNEXPECTED'],
  protocols: [...ALL],
  params: z.object({ heartbeat_hosts: z.array(z.string()).default(['*.hb.omtrdc.net']) }).strict(),
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

export const truncated = defineCheck({
  id: 'transport.truncated',
  codes: ['BEACON_TRUNCATED'],
  protocols: ['aa'],
  params: z.object({}).strict(),
  run(a) {
    const gets = a.session.events.filter(
      (e) => e.family === 'aa' && e.network.method === 'GET' && (e.raw.query ?? '').startsWith('AQB=1'),
    );
    if (gets.length === 0) return { status: 'abstain', reason: 'no AQB-wrapped GET hits' };
    return {
      status: 'ran',
      hits: gets
        .filter((e) => !('AQE' in e.params))
        .map((e) => ({
          code: 'BEACON_TRUNCATED',
          event: e,
          message: `Analytics GET of ${(e.raw.query ?? '').length} chars starts with AQB=1 but has no AQE=1 (URL cut off)`,
          expected: 'AQE=1',
          observed: 'missing',
        })),
    };
  },
});

export const rejected = defineCheck({
  id: 'transport.rejected',
  codes: ['BEACON_REJECTED'],
  protocols: [...ALL],
  params: z.object({ min_status: z.number().int().default(400) }).strict(),
  run(a, _v, p) {
    const hits: Hit[] = [];
    for (const e of a.session.events) {
      const byStatus = e.network.status >= p.min_status;
      if (byStatus || e.network.errors.length)
        hits.push({
          code: 'BEACON_REJECTED',
          event: e,
          message: `collection server refused the ${e.family} call: ${[byStatus ? `HTTP ${e.network.status}` : null, ...e.network.errors].filter(Boolean).join(', ')}`,
          expected: 'accepted (2xx, no errors[])',
          observed: byStatus ? `HTTP ${e.network.status}` : e.network.errors.join(', '),
        });
      if (hits.length >= 10) break;
    }
    return { status: 'ran', hits };
  },
});

const CACHE_BUSTERS = new Set(['requestId', '_id', 'pccr', 'r']);
function signature(e: Envelope): string {
  const path = e.family === 'aa' ? e.network.path.replace(/\/s\d+$/, '') : e.network.path;
  const keys = Object.keys(e.params)
    .filter((k) => !CACHE_BUSTERS.has(k) && !k.endsWith('._id') && !k.endsWith('.requestId'))
    .sort();
  return `${e.family}|${e.network.method}|${e.network.host}|${path}|${keys.map((k) => `${k}=${String(e.params[k])}`).join('&')}`;
}

export const duplicate = defineCheck({
  id: 'transport.duplicate',
  codes: ['EVENT_DUPLICATE'],
  protocols: [...ALL],
  params: z.object({ window_s: z.number().default(1) }).strict(),
  run(a, _v, p) {
    const last = new Map<string, Envelope>();
    const hits: Hit[] = [];
    for (const e of a.session.events) {
      const sig = signature(e);
      const prev = last.get(sig);
      const retry = e.params.pccr === 'true' || e.params.pccr === true;
      if (prev && !retry && e.ts_ms - prev.ts_ms <= p.window_s * 1000)
        hits.push({
          code: 'EVENT_DUPLICATE',
          event: e,
          message: `the same ${e.family} ${e.sequence.event_type} beacon sent twice within ${e.ts_ms - prev.ts_ms} ms`,
          expected: 'sent once',
          observed: 'sent twice',
        });
      last.set(sig, e);
      if (hits.length >= 10) break;
    }
    return { status: 'ran', hits };
  },
});
