import { z } from 'zod';
import type { Envelope, ParamValue } from '../../envelope/index.js';
import { defineCheck } from '../types.js';
import type { CheckDef, Hit } from '../types.js';

const ALL = ['heartbeat', 'media-collection', 'media-edge', 'aa', 'edge'] as const;

/** Report suite ids an event declares (AA path, heartbeat `s:sc:rsid`, MC `analytics.reportSuite`). */
function declaredRsid(e: Envelope): { present: boolean; value: string | null } | null {
  if (e.family === 'aa') return { present: true, value: e.actor.rsid };
  if (e.family === 'heartbeat') return { present: true, value: (e.params['s:sc:rsid'] as string) ?? null };
  if (e.family === 'media-collection' && e.sequence.event_type === 'sessionStart')
    return { present: true, value: (e.params['analytics.reportSuite'] as string) ?? null };
  return null;
}

export const rsid = defineCheck({
  id: 'params.rsid',
  codes: ['RSID_INVALID'],
  protocols: ['heartbeat', 'media-collection', 'aa'],
  params: z.object({ pattern: z.string().default('^[a-z0-9][a-z0-9._-]{1,39}$') }).strict(),
  run(a, _v, p) {
    const re = new RegExp(p.pattern);
    const hits: Hit[] = [];
    const seen = new Set<string>();
    let checked = 0;
    for (const e of a.session.events) {
      const d = declaredRsid(e);
      if (!d) continue;
      checked++;
      const value = d.value ?? '';
      const ids = value.split(',');
      const ok = value !== '' && ids.every((id) => re.test(id));
      if (!ok && !seen.has(value)) {
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

export const required = defineCheck({
  id: 'params.required',
  codes: ['PARAM_MISSING_REQUIRED'],
  protocols: [...ALL],
  params: z
    .object({
      events: z.record(z.string(), z.array(z.string())),
      asset_type: z.enum(['main', 'ad', 'any']).default('any'),
    })
    .strict(),
  run(a, _v, p) {
    const hits: Hit[] = [];
    let checked = 0;
    for (const e of a.session.events) {
      const keys = p.events[e.sequence.event_type];
      if (!keys) continue;
      if (p.asset_type !== 'any' && e.sequence.asset_type && e.sequence.asset_type !== p.asset_type) continue;
      checked++;
      const missing = keys.filter(
        (k) => e.params[k] === undefined || e.params[k] === null || e.params[k] === '',
      );
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

export type ValueType = 'number' | 'integer' | 'boolean' | 'string' | 'numeric';

export function fitsType(v: ParamValue, t: ValueType): boolean {
  if (v === null) return true;
  switch (t) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'numeric':
      return (
        typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))
      );
  }
}

/** Dictionary types → the wire check they imply. */
const DICT_TYPE: Record<string, ValueType | null> = {
  float: 'numeric',
  int: 'numeric',
  bool: null,
  string: null,
  datetime: null,
  'id-like': null,
  enum: null,
};

export const types = defineCheck({
  id: 'params.types',
  codes: ['PARAM_TYPE_MISMATCH'],
  protocols: [...ALL],
  params: z
    .object({
      /** key or `prefix*` → expected JSON type */
      types: z.record(z.string(), z.enum(['number', 'integer', 'boolean', 'string', 'numeric'])).default({}),
      /** params whose type comes from the dictionary (spec `requires.dict`) */
      dictionary: z.array(z.string()).default([]),
    })
    .strict(),
  run(a, v, p) {
    const rules = Object.entries(p.types).map(([k, t]) => ({
      prefix: k.endsWith('*') ? k.slice(0, -1) : null,
      key: k,
      t,
    }));
    for (const name of p.dictionary) {
      const t = DICT_TYPE[v.dictionary?.get(name) ?? ''];
      if (t) rules.push({ prefix: null, key: name, t });
    }
    const hits: Hit[] = [];
    const seen = new Set<string>();
    for (const e of a.session.events) {
      for (const [k, val] of Object.entries(e.params)) {
        const rule = rules.find((r) => (r.prefix !== null ? k.startsWith(r.prefix) : r.key === k));
        if (!rule || fitsType(val, rule.t) || seen.has(k)) continue;
        seen.add(k);
        hits.push({
          code: 'PARAM_TYPE_MISMATCH',
          event: e,
          message: `${k} = ${JSON.stringify(val)} is not ${rule.t === 'numeric' ? 'numeric' : `a ${rule.t}`}`,
          expected: rule.t,
          observed: typeof val === 'string' ? `string "${val.slice(0, 40)}"` : typeof val,
        });
      }
      if (hits.length >= 10) break;
    }
    return { status: 'ran', hits };
  },
});

// Analytics query parameters are case-sensitive (reference §2.3): these are the names with capitals.
const AA_CANONICAL = [
  'pageName',
  'pageType',
  'events',
  'products',
  'purchaseID',
  'server',
  'campaign',
  'AQB',
  'AQE',
  'pev1',
  'pev2',
  'pev3',
  'pe',
];
const AA_LOWER = new Map(AA_CANONICAL.map((n) => [n.toLowerCase(), n]));
const AA_VAR = /^(v|c|h|l)\d+$/;

export const names = defineCheck({
  id: 'params.names',
  codes: ['PARAM_NAME_INVALID'],
  protocols: [...ALL],
  params: z.object({ custom_key_pattern: z.string().default('^[a-zA-Z0-9_.]+$') }).strict(),
  run(a, _v, p) {
    const custom = new RegExp(p.custom_key_pattern);
    const hits: Hit[] = [];
    const seen = new Set<string>();
    const bad = (e: Envelope, k: string, why: string) => {
      if (seen.has(k)) return;
      seen.add(k);
      hits.push({ code: 'PARAM_NAME_INVALID', event: e, message: why, observed: k });
    };
    for (const e of a.session.events) {
      for (const k of Object.keys(e.params)) {
        if (e.family === 'aa' && !k.includes('.')) {
          const canon = AA_LOWER.get(k.toLowerCase());
          if (canon && canon !== k)
            bad(e, k, `Analytics parameter '${k}' has the wrong case (expected '${canon}')`);
          else if (!AA_VAR.test(k) && AA_VAR.test(k.toLowerCase()))
            bad(e, k, `Analytics variable '${k}' has the wrong case (expected '${k.toLowerCase()}')`);
        }
        if (e.family === 'edge' || e.family === 'media-edge') {
          for (const seg of k.split('.')) {
            if (/^evar\d+$/i.test(seg) && !/^eVar\d+$/.test(seg))
              bad(e, k, `XDM '${seg}' has the wrong case (expected 'eVar${seg.slice(4)}')`);
            if (/^prop\d+$/i.test(seg) && !/^prop\d+$/.test(seg))
              bad(e, k, `XDM '${seg}' has the wrong case (expected 'prop${seg.slice(4)}')`);
          }
        }
        const meta = k.startsWith('customMetadata.')
          ? k.slice('customMetadata.'.length)
          : k.startsWith('mediaCollection.customMetadata.')
            ? k.slice('mediaCollection.customMetadata.'.length)
            : k.startsWith('s:meta:')
              ? k.slice('s:meta:'.length)
              : null;
        if (meta !== null && !custom.test(meta))
          bad(e, k, `custom metadata key '${meta}' is outside ${p.custom_key_pattern}`);
      }
      if (hits.length >= 10) break;
    }
    return { status: 'ran', hits };
  },
});
