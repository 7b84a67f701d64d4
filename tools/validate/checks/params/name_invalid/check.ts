import { z } from 'zod';
import type { Envelope } from '../../../../envelope/index.js';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { ALL } from '../../protocols.js';
import { aaPages } from '../../transport/shared.js';
import { patternOf } from '../../patterns.js';
import type { ParamShape } from '../../../shapes.js';

// Analytics query parameters are case-sensitive: these are the names with capitals.
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

export const nameInvalid = defineCheck({
  id: 'params.name_invalid',
  family: 'params',
  renamedFrom: ['params.names'],
  codes: [
    {
      code: 'PARAM_NAME_INVALID',
      severity: 'error',
      definition:
        'a name the protocol does not allow: wrong case (`pagename`, XDM `evar44` next to `eVar1`), or a custom metadata key outside `^[a-zA-Z0-9_.]+$`',
    },
  ],
  protocols: ALL,
  params: z.object({ custom_key_pattern: z.string().default('^[a-zA-Z0-9_.]+$') }).strict(),
  evidence: { needs: 'the parameter names on the wire (request bodies for MC/Edge)' },
  fault: {
    where: 'page',
    protocols: ['page', 'media-collection', 'media-edge'],
    ok: (s, l) => (s.protocol !== 'none' && s.protocol !== 'heartbeat' ? true : aaPages(l)),
    onPage: (s) => s.protocol === 'none' || s.protocol === 'heartbeat',
    marksStart: true,
    note: () => 'custom metadata key with a hyphen/space',
    describe: 'custom metadata key outside ^[a-zA-Z0-9_.]+$',
  },
  doc: {
    text: [
      'Analytics names in the wrong case (`pagename`, `pagetype`, `Events`, `V1`…; query parameters are',
      'case-sensitive), XDM `evarN`/`propN` in the wrong case, custom metadata keys (MC `customMetadata`, Edge',
      '`customMetadata`, heartbeat `s:meta:`) outside `custom_key_pattern` [`^[a-zA-Z0-9_.]+$`]. One finding',
      'per name.',
    ].join('\n'),
    examples: [
      {
        title: 'an Analytics hit with pagetype instead of pageType',
        protocol: 'aa',
        events: [{ at: 0, type: 'page', params: { pagetype: 'errorPage' }, fires: 'PARAM_NAME_INVALID' }],
      },
      {
        title: 'custom metadata keys with dots and underscores',
        protocol: 'media-collection',
        events: [
          {
            at: 0,
            type: 'sessionStart',
            ph: 0,
            params: { 'customMetadata.cms_source': 'vod', 'customMetadata.tier.level': 'gold' },
          },
        ],
      },
    ],
  },
  run(a, _v, p) {
    const verdicts = verdictCache(p.custom_key_pattern);
    // Per shape, the names that are wrong and why (in the order the events hold them): nearly always
    // none, so an event costs one array read instead of a lookup per parameter.
    const wrong: (Wrong[] | undefined)[] = new Array(a.shapes.length);
    const hits: Hit[] = [];
    const seen = new Set<string>();
    const events = a.session.events;
    for (let i = 0; i < events.length; i++) {
      const shape = a.shapeOf[i];
      let list = wrong[shape.index];
      if (list === undefined)
        wrong[shape.index] = list = wrongNames(shape, verdicts(shape.family), p.custom_key_pattern);
      for (const { key: k, why } of list) {
        if (seen.has(k)) continue;
        seen.add(k);
        hits.push({ code: 'PARAM_NAME_INVALID', event: events[i], message: why, observed: k });
      }
      if (hits.length >= 10) break;
    }
    return { status: 'ran', hits };
  },
});

interface Wrong {
  key: string;
  why: string;
}

function wrongNames(shape: ParamShape, byKey: Map<string, string | null>, pattern: string): Wrong[] {
  const out: Wrong[] = [];
  for (const k of shape.keys) {
    let why = byKey.get(k);
    if (why === undefined) {
      byKey.set(k, (why = judgeName(shape.family, k, pattern)));
      verdictCount++;
    }
    if (why !== null) out.push({ key: k, why });
  }
  return out;
}

/** What is wrong with a parameter name, or null: a pure function of family, name and the metadata pattern. */
function judgeName(family: Envelope['family'], k: string, pattern: string): string | null {
  if (family === 'aa' && !k.includes('.')) {
    const canon = AA_LOWER.get(k.toLowerCase());
    if (canon && canon !== k) return `Analytics parameter '${k}' has the wrong case (expected '${canon}')`;
    if (!AA_VAR.test(k) && AA_VAR.test(k.toLowerCase()))
      return `Analytics variable '${k}' has the wrong case (expected '${k.toLowerCase()}')`;
  }
  if (family === 'edge' || family === 'media-edge') {
    for (const seg of k.split('.')) {
      if (/^evar\d+$/i.test(seg) && !/^eVar\d+$/.test(seg))
        return `XDM '${seg}' has the wrong case (expected 'eVar${seg.slice(4)}')`;
      if (/^prop\d+$/i.test(seg) && !/^prop\d+$/.test(seg))
        return `XDM '${seg}' has the wrong case (expected 'prop${seg.slice(4)}')`;
    }
  }
  const meta = k.startsWith('customMetadata.')
    ? k.slice('customMetadata.'.length)
    : k.startsWith('mediaCollection.customMetadata.')
      ? k.slice('mediaCollection.customMetadata.'.length)
      : k.startsWith('s:meta:')
        ? k.slice('s:meta:'.length)
        : null;
  if (meta !== null && !patternOf(pattern).test(meta))
    return `custom metadata key '${meta}' is outside ${pattern}`;
  return null;
}

/**
 * Sessions repeat the same few dozen parameter names on every beacon: each (pattern, family, name) is
 * judged once per process. Bounded, so a drop full of unique names cannot grow it without limit.
 */
const VERDICTS = new Map<string, Map<string, Map<string, string | null>>>();
const VERDICTS_MAX = 50_000;
let verdictCount = 0;
function verdictCache(pattern: string): (family: string) => Map<string, string | null> {
  // Counted per name judged: a drop full of one-off names empties the cache between sessions.
  if (verdictCount > VERDICTS_MAX) (VERDICTS.clear(), (verdictCount = 0));
  let byFamily = VERDICTS.get(pattern);
  if (!byFamily) VERDICTS.set(pattern, (byFamily = new Map()));
  return (family) => {
    let m = byFamily.get(family);
    if (!m) byFamily.set(family, (m = new Map()));
    return m;
  };
}
