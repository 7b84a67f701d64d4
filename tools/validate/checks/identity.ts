import { z } from 'zod';
import { defineCheck } from '../types.js';
import type { CheckDef, Hit } from '../types.js';

export const ecidPresent = defineCheck({
  id: 'identity.ecid_present',
  codes: ['IDENTITY_MISSING_ECID'],
  protocols: ['heartbeat', 'media-collection', 'media-edge', 'aa', 'edge'],
  params: z
    .object({
      /** Event types that must carry an ECID; `*` = every event of the session. */
      events: z.array(z.string()).default(['*']),
      asset_type: z.enum(['main', 'ad', 'any']).default('any'),
    })
    .strict(),
  run(a, _v, p) {
    const all = p.events.includes('*');
    const targets = a.session.events.filter(
      (e) =>
        (all || p.events.includes(e.sequence.event_type)) &&
        (p.asset_type === 'any' || !e.sequence.asset_type || e.sequence.asset_type === p.asset_type) &&
        ['aa', 'heartbeat', 'media-collection', 'media-edge', 'edge'].includes(e.family),
    );
    if (targets.length === 0) return { status: 'abstain', reason: 'no event that needs an ECID' };
    const missing = targets.filter((e) => !e.actor.ecid);
    const hits: Hit[] = missing.slice(0, 1).map((e) => ({
      code: 'IDENTITY_MISSING_ECID',
      event: e,
      message: `${missing.length} of ${targets.length} ${all ? '' : p.events.join('/') + ' '}events carry no Experience Cloud ID`,
      expected: 'ECID present',
      observed: 'missing',
    }));
    return { status: 'ran', hits };
  },
});

export const ecidConsistent = defineCheck({
  id: 'identity.ecid_consistent',
  codes: ['IDENTITY_MISMATCH'],
  protocols: ['heartbeat', 'media-collection', 'media-edge'],
  params: z.object({}).strict(),
  run(a, v) {
    const ids = [...new Set(a.session.events.map((e) => e.actor.ecid).filter((x): x is string => !!x))];
    const hits: Hit[] = [];
    if (ids.length > 1) {
      const e = a.session.events.find((x) => x.actor.ecid === ids[1])!;
      hits.push({
        code: 'IDENTITY_MISMATCH',
        event: e,
        message: `ECID changes within the media session (${ids.length} distinct ids)`,
        expected: ids[0],
        observed: ids[1],
      });
    } else if (ids.length === 1 && a.session.protocol === 'heartbeat') {
      const aa = v.capture.events.find(
        (e) =>
          e.sequence.event_type === 'aaMediaStart' && (e.params['c.a.media.vsid'] ?? null) === a.session.key,
      );
      if (aa?.actor.ecid && aa.actor.ecid !== ids[0])
        hits.push({
          code: 'IDENTITY_MISMATCH',
          event: aa,
          message: "the Analytics media-start hit's mid differs from the heartbeat session's s:user:mid",
          expected: ids[0],
          observed: aa.actor.ecid,
        });
    }
    if (ids.length === 0) return { status: 'abstain', reason: 'no ECID in the session' };
    return { status: 'ran', hits };
  },
});
