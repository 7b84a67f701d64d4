import { z } from 'zod';
import type { Envelope } from '../../../../envelope/index.js';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { aaPages } from '../../transport/shared.js';
import { unresolvedRsid } from './fault.js';
import { patternOf } from '../../patterns.js';

/**
 * The report suite ids an event declares (AA path, heartbeat `s:sc:rsid`, MC `analytics.reportSuite`):
 * the value (null when the place is empty), or undefined for an event that has no such place.
 */
function declaredRsid(e: Envelope): string | null | undefined {
  if (e.family === 'aa') return e.actor.rsid;
  if (e.family === 'heartbeat') return (e.params['s:sc:rsid'] as string) ?? null;
  if (e.family === 'media-collection' && e.sequence.event_type === 'sessionStart')
    return (e.params['analytics.reportSuite'] as string) ?? null;
  return undefined;
}

/**
 * Whether a declared value is a comma list of ids matching the pattern, per pattern and value: every
 * beacon of a session repeats the same suite, and the pattern was compiled per session. Bounded.
 */
const VALID = new Map<string, Map<string, boolean>>();
function valid(pattern: string, value: string): boolean {
  let of = VALID.get(pattern);
  if (!of) VALID.set(pattern, (of = new Map()));
  let ok = of.get(value);
  if (ok === undefined) {
    const re = patternOf(pattern);
    ok = value !== '' && value.split(',').every((id) => re.test(id));
    if (of.size >= 10_000) of.clear();
    of.set(value, ok);
  }
  return ok;
}

export const rsidInvalid = defineCheck({
  id: 'params.rsid_invalid',
  family: 'params',
  renamedFrom: ['params.rsid'],
  codes: [
    {
      code: 'RSID_INVALID',
      severity: 'error',
      definition: "report suite id missing, or not a comma list of ids matching the scope's pattern",
    },
  ],
  protocols: ['heartbeat', 'media-collection', 'aa'],
  params: z.object({ pattern: z.string().default('^[a-z0-9][a-z0-9._-]{1,39}$') }).strict(),
  relaxes: { pattern: 'any-change' },
  evidence: {
    needs: 'an event that declares a report suite (Analytics hit, heartbeat s:sc:rsid, MC sessionStart)',
  },
  fault: { where: 'page', protocols: ['page'], ok: (_s, l) => aaPages(l), prepare: unresolvedRsid },
  doc: {
    text: [
      'Report suite missing on an Analytics hit / heartbeat `s:sc:rsid` / Media Collection',
      '`analytics.reportSuite`, or not a comma list of ids matching `pattern`',
      '[`^[a-z0-9][a-z0-9._-]{1,39}$`]. One finding per distinct value; ABSTAIN when nothing declares one.',
    ].join('\n'),
    examples: [
      {
        title: 'an unresolved Tags data element as the report suite',
        protocol: 'aa',
        events: [
          { at: 0, type: 'page', params: { rsid: '%25rsid%25' }, fires: 'RSID_INVALID' },
          { at: 5000, type: 'page', params: { rsid: '%25rsid%25' } },
        ],
      },
      {
        title: 'a multi-suite comma list',
        protocol: 'aa',
        events: [{ at: 0, type: 'page', params: { rsid: 'acmeprod,acmeglobal' } }],
      },
    ],
  },
  run(a, _v, p) {
    const hits: Hit[] = [];
    const seen = new Set<string>();
    let checked = 0;
    for (const e of a.session.events) {
      const d = declaredRsid(e);
      if (d === undefined) continue;
      checked++;
      const value = d ?? '';
      if (!valid(p.pattern, value) && !seen.has(value)) {
        seen.add(value);
        hits.push({
          code: 'RSID_INVALID',
          event: e,
          message: value ? `report suite '${value}' does not match ${p.pattern}` : 'report suite id missing',
          expected: p.pattern,
          observed: value || '(missing)',
        });
      }
    }
    return checked ? { status: 'ran', hits } : { status: 'abstain', reason: 'no report suite declared' };
  },
});
