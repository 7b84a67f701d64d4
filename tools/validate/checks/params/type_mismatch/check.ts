import { z } from 'zod';
import type { ParamValue } from '../../../../envelope/index.js';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { ALL } from '../../protocols.js';

type ValueType = 'number' | 'integer' | 'boolean' | 'string' | 'numeric';

function fitsType(v: ParamValue, t: ValueType): boolean {
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

export const typeMismatch = defineCheck({
  id: 'params.type_mismatch',
  family: 'params',
  renamedFrom: ['params.types'],
  codes: [
    {
      code: 'PARAM_TYPE_MISMATCH',
      severity: 'error',
      definition:
        'a value does not fit its dictionary type (non-numeric `l:` value, string `media.length`, non-integer Edge playhead)',
    },
  ],
  protocols: ALL,
  params: z
    .object({
      /** key or `prefix*` → expected JSON type */
      types: z.record(z.string(), z.enum(['number', 'integer', 'boolean', 'string', 'numeric'])).default({}),
      /** params whose type comes from the dictionary (spec `requires.dict`) */
      dictionary: z.array(z.string()).default([]),
    })
    .strict(),
  evidence: {
    needs: 'the typed parameters on the wire (request bodies for MC/Edge); dictionary types for `dictionary`',
  },
  fault: {
    where: 'render',
    protocols: ['media-collection', 'media-edge'],
    marksStart: true,
    note: (p) =>
      p === 'media-collection'
        ? 'media.length sent as a string'
        : 'mediaCollection.playhead sent with decimals',
    describe: 'media.length sent as a string / non-integer Edge playhead',
  },
  doc: {
    text: [
      'A value does not fit its type (`types`: key or `prefix*` → number | integer | boolean | string | numeric):',
      'non-numeric heartbeat `l:` value, non-number Media Collection `media.length`/`media.ad.length`/',
      '`playerTime.playhead`, non-boolean `analytics.enableSSL`, non-integer Edge `mediaCollection.playhead`;',
      'and dictionary types (`dictionary`, with the spec’s `requires.dict`). One finding per parameter.',
    ].join('\n'),
    examples: [
      {
        title: 'a player writes "unknown" into a heartbeat long value',
        protocol: 'heartbeat',
        params: { types: { 'l:*': 'numeric' } },
        events: [
          { at: 0, type: 'start', ph: 0 },
          {
            at: 400,
            type: 'play',
            ph: 0,
            params: { 'l:stream:bitrate': 'unknown' },
            fires: 'PARAM_TYPE_MISMATCH',
          },
        ],
      },
      {
        title: 'Media Collection media.length as a number',
        protocol: 'media-collection',
        params: { types: { 'media.length': 'number' } },
        events: [{ at: 0, type: 'sessionStart', ph: 0 }],
      },
    ],
  },
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
    // A session's events repeat the same keys: each key's rule (the first that matches, as before) is
    // looked up once per session, not once per event (a third of this check's time on the bench).
    const ruleOf = new Map<string, (typeof rules)[number] | null>();
    for (const e of a.session.events) {
      for (const k in e.params) {
        let rule = ruleOf.get(k);
        if (rule === undefined) {
          rule = rules.find((r) => (r.prefix !== null ? k.startsWith(r.prefix) : r.key === k)) ?? null;
          ruleOf.set(k, rule);
        }
        if (rule === null) continue;
        const val = e.params[k];
        if (fitsType(val, rule.t) || seen.has(k)) continue;
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
