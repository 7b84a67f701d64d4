import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { ALL } from '../../protocols.js';

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * The spec's `events` as a map, once per parameter object: most event types (pings) have no entry, and a
 * miss on a plain object walks its prototype (where `constructor` or `toString` would be found).
 */
const REQUIRED = new WeakMap<Record<string, string[]>, Map<string, string[]>>();
function requiredOf(events: Record<string, string[]>): Map<string, string[]> {
  let m = REQUIRED.get(events);
  if (!m) REQUIRED.set(events, (m = new Map(Object.entries(events))));
  return m;
}

export const missingRequired = defineCheck({
  id: 'params.missing_required',
  family: 'params',
  renamedFrom: ['params.required'],
  codes: [
    {
      code: 'PARAM_MISSING_REQUIRED',
      severity: 'error',
      definition:
        'a parameter the scope requires for this event type is absent (e.g. Media Collection `sessionStart` without `media.id`)',
    },
  ],
  protocols: ALL,
  params: z
    .object({
      events: z.record(z.string(), z.array(z.string())),
      asset_type: z.enum(['main', 'ad', 'any']).default('any'),
    })
    .strict(),
  evidence: {
    needs: 'events of the types the spec lists, with their parameters (request bodies for MC/Edge)',
  },
  fault: {
    where: 'render',
    protocols: ['media-collection', 'media-edge'],
    marksStart: true,
    note: (p) =>
      p === 'media-collection'
        ? 'sessionStart without media.id'
        : 'sessionStart without sessionDetails.channel',
    describe: 'sessionStart without a required parameter (media.id / sessionDetails.channel)',
  },
  propose: [
    {
      param: 'events',
      metric: 'param_presence',
      measure: 'param-presence',
      evidence: { kind: 'param_name' },
      breaks: 'drop-required-param',
    },
  ],
  doc: {
    text: [
      'A parameter the scope requires for the event type is absent, empty or null (`events`: event type →',
      'parameter names, per spec; `asset_type` limits heartbeat events to main or ad). Reports at most 10',
      'events; ABSTAIN when no event of a listed type is in the session.',
    ].join('\n'),
    examples: [
      {
        title: 'a Media Collection sessionStart without media.id',
        protocol: 'media-collection',
        params: { events: { sessionStart: ['media.id', 'media.name'] } },
        events: [
          {
            at: 0,
            type: 'sessionStart',
            ph: 0,
            params: { 'media.id': null },
            fires: 'PARAM_MISSING_REQUIRED',
          },
          { at: 300, type: 'play', ph: 0 },
        ],
      },
      {
        title: 'every required parameter present',
        protocol: 'media-collection',
        params: { events: { sessionStart: ['media.id', 'media.name'] } },
        events: [
          { at: 0, type: 'sessionStart', ph: 0 },
          { at: 300, type: 'play', ph: 0 },
        ],
      },
    ],
  },
  run(a, _v, p) {
    const hits: Hit[] = [];
    let checked = 0;
    const required = requiredOf(p.events);
    for (const e of a.session.events) {
      const keys = required.get(e.sequence.event_type);
      if (!keys) continue;
      if (p.asset_type !== 'any' && e.sequence.asset_type && e.sequence.asset_type !== p.asset_type) continue;
      checked++;
      // Nearly every event has them all: the list of missing names is only built for one that does not.
      let complete = true;
      for (const k of keys) if (!present(e.params[k])) complete = false;
      if (complete) continue;
      const missing = keys.filter((k) => !present(e.params[k]));
      if (missing.length)
        hits.push({
          code: 'PARAM_MISSING_REQUIRED',
          event: e,
          message: `${e.sequence.event_type} without required ${missing.join(', ')}`,
          expected: keys.join(', '),
          observed: `missing ${missing.join(', ')}`,
        });
      if (hits.length >= 10) break;
    }
    return checked
      ? { status: 'ran', hits }
      : { status: 'abstain', reason: 'no event type with required params' };
  },
});
