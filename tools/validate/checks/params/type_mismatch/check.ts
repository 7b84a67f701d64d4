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
      return typeof v === 'number' || (typeof v === 'string' && isNumericText(v));
  }
}

/**
 * Whether text reads as a finite number (`Number`'s reading: spaces around, `1e3`, `0x1f`…). Wire values
 * are text (heartbeat `l:` values, ~8 per beacon), nearly always plain digits: those are settled by
 * their characters, the rest by parsing.
 */
function isNumericText(v: string): boolean {
  if (v.length > 0 && v.length < 16) {
    let digits = true;
    for (let i = 0; i < v.length && digits; i++) {
      const c = v.charCodeAt(i);
      digits = c >= 48 && c <= 57;
    }
    if (digits) return true;
  }
  return v.trim() !== '' && Number.isFinite(Number(v));
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
    const ruleOf = rulesFor(p, v.dictionary);
    // Per shape, each name's rule by position (null: no rule), or null when no name has one (most
    // shapes). The event's own `for…in` then reads the values at those positions: a value read inside
    // `for…in` is a field load, where a read by a name from a list is a generic keyed lookup.
    const ruled: (RuleAt | undefined)[] = new Array(a.shapes.length);
    const hits: Hit[] = [];
    const seen = new Set<string>();
    const events = a.session.events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const shape = a.shapeOf[i];
      let at = ruled[shape.index];
      if (at === undefined) ruled[shape.index] = at = ruleAt(shape.keys, ruleOf);
      if (at === null) continue;
      let n = 0;
      for (const k in e.params) {
        const rule = at[n++];
        // (undefined: a name past the shape's, which only an enumerable name on Object.prototype adds)
        if (!rule) continue;
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

interface Rule {
  prefix: string | null;
  key: string;
  t: ValueType;
}
type TypeParams = { types: Record<string, ValueType>; dictionary: string[] };

/**
 * Each name's rule (the first that matches, `types` before dictionary types), remembered per parameter
 * object and dictionary: sessions repeat the same few dozen names. Bounded, so a drop of one-off names
 * cannot grow it without limit.
 */
const RULES = new WeakMap<
  object,
  { dictionary: Map<string, string> | undefined; lookup: (k: string) => Rule | null }
>();
function rulesFor(p: TypeParams, dictionary: Map<string, string> | undefined): (k: string) => Rule | null {
  const entry = RULES.get(p);
  if (entry && entry.dictionary === dictionary) return entry.lookup;
  const rules: Rule[] = Object.entries(p.types).map(([k, t]) => ({
    prefix: k.endsWith('*') ? k.slice(0, -1) : null,
    key: k,
    t,
  }));
  for (const name of p.dictionary) {
    const t = DICT_TYPE[dictionary?.get(name) ?? ''];
    if (t) rules.push({ prefix: null, key: name, t });
  }
  const of = new Map<string, Rule | null>();
  const lookup = (k: string) => {
    let rule = of.get(k);
    if (rule === undefined) {
      rule = rules.find((r) => (r.prefix !== null ? k.startsWith(r.prefix) : r.key === k)) ?? null;
      if (of.size >= 10_000) of.clear();
      of.set(k, rule);
    }
    return rule;
  };
  RULES.set(p, { dictionary, lookup });
  return lookup;
}

type RuleAt = (Rule | null)[] | null;

function ruleAt(keys: readonly string[], ruleOf: (k: string) => Rule | null): RuleAt {
  const at = keys.map(ruleOf);
  return at.some((r) => r !== null) ? at : null;
}
