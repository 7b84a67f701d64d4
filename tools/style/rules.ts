import semver from 'semver';

/**
 * The kinds of editing convention style memory can learn, each as a pair of pure functions:
 *   observe(proposed, final) → what one review showed (an edit towards a variant, or a proposal kept as-is)
 *   apply(spec, variant)     → the spec with the convention applied
 * A *slot* is one decision a reviewer makes (how to round `ad_interval_s`, what `severity` to use); a
 * *variant* is the choice (round / ceil, `warning`). Learning counts, per slot, which variant edits moved
 * towards and which proposals were kept although they differed from it (tools/style/learn.ts).
 *
 * Specs are plain parsed YAML objects here: style memory must also read what a person merged, which is
 * not always a valid spec (and it must never throw on one).
 */
export type SpecObj = Record<string, unknown>;
export type Variant = string | number | boolean;

export const RULE_KINDS = [
  'round_seconds',
  'version_widen',
  'field_value',
  'id_token',
  'citation_order',
  'rationale_sentences',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export interface Observation {
  kind: RuleKind;
  /** Which decision: `round_seconds:ad_interval_s`, `field_value:severity`, `id_token:MEDIA`. */
  slot: string;
  variant: Variant;
  /** true: the reviewer edited the proposal towards `variant`; false: the proposal was kept with `variant`. */
  edited: boolean;
  /** Other variants the same edit is consistent with (29.6 → 30 is both `round` and `ceil`). */
  also?: Variant[];
}

/** Does the observation agree with `v`? */
export const fits = (o: Observation, v: Variant): boolean => o.variant === v || !!o.also?.includes(v);

/** A variant that means "leave it as proposed": never applied, only counted against the others. */
export const NONE = 'none';

const isObj = (v: unknown): v is SpecObj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function assertParams(spec: SpecObj): { check: string; params: SpecObj }[] {
  return asArr(spec.assert)
    .filter(isObj)
    .map((a) => ({ check: String(a.check ?? ''), params: isObj(a.params) ? a.params : {} }));
}

/** Parameters that are durations in seconds, by the repo's naming convention (`*_s`). */
const isSecondsParam = (k: string) => /_s$/.test(k);

// ── round_seconds ───────────────────────────────────────────────────────────────────────────────────
function roundModes(p: number, f: number): Variant[] {
  if (f === p) return [NONE];
  if (!Number.isInteger(f)) return [];
  return (['round', 'ceil', 'floor'] as const).filter((m) => ROUND[m](p) === f);
}

function observeRounding(proposed: SpecObj, final: SpecObj): Observation[] {
  const out: Observation[] = [];
  const fin = assertParams(final);
  for (const a of assertParams(proposed))
    for (const [k, v] of Object.entries(a.params)) {
      if (!isSecondsParam(k) || typeof v !== 'number' || Number.isInteger(v)) continue;
      const f = fin.find((x) => x.check === a.check)?.params[k];
      if (typeof f !== 'number') continue;
      const [mode, ...also] = roundModes(v, f);
      if (mode !== undefined)
        out.push({
          kind: 'round_seconds',
          slot: 'round_seconds',
          variant: mode,
          edited: mode !== NONE,
          also,
        });
    }
  return out;
}

const ROUND: Record<string, (n: number) => number> = {
  round: Math.round,
  ceil: Math.ceil,
  floor: Math.floor,
};

function applyRounding(spec: SpecObj, mode: Variant): SpecObj {
  const fn = ROUND[String(mode)];
  if (!fn) return spec;
  return {
    ...spec,
    assert: asArr(spec.assert).map((a) =>
      isObj(a) && isObj(a.params)
        ? {
            ...a,
            params: Object.fromEntries(
              Object.entries(a.params).map(([k, v]) => [
                k,
                isSecondsParam(k) && typeof v === 'number' && !Number.isInteger(v) ? Math.max(1, fn(v)) : v,
              ]),
            ),
          }
        : a,
    ),
  };
}

// ── version_widen ───────────────────────────────────────────────────────────────────────────────────
function versionOf(spec: SpecObj): string | null {
  const s = isObj(spec.scope) ? spec.scope.version : undefined;
  return typeof s === 'string' && semver.validRange(s) ? s : null;
}

/** The range a version scope widens to: the lower bound's minor (`>=3.4.0 <3.5.0`) or major. */
function widenedRange(range: string, to: 'minor' | 'major'): string | null {
  const low = semver.minVersion(range.split('||')[0]);
  if (!low) return null;
  return to === 'minor'
    ? `>=${low.major}.${low.minor}.0 <${low.major}.${low.minor + 1}.0`
    : `>=${low.major}.0.0 <${low.major + 1}.0.0`;
}

const sameRange = (a: string, b: string) => semver.validRange(a) === semver.validRange(b);

function observeWiden(proposed: SpecObj, final: SpecObj): Observation[] {
  const p = versionOf(proposed);
  const f = versionOf(final);
  if (!p || !f) return [];
  const edited = !sameRange(p, f);
  for (const to of ['minor', 'major'] as const) {
    const w = widenedRange(p, to);
    if (w && sameRange(f, w)) return [{ kind: 'version_widen', slot: 'version_widen', variant: to, edited }];
  }
  // Kept a range narrower than the minor (or edited to something else): evidence against widening.
  return [{ kind: 'version_widen', slot: 'version_widen', variant: NONE, edited: false }];
}

function applyWiden(spec: SpecObj, to: Variant): SpecObj {
  const v = versionOf(spec);
  if (!v || (to !== 'minor' && to !== 'major')) return spec;
  const w = widenedRange(v, to);
  return w && !sameRange(v, w) ? { ...spec, scope: { ...(spec.scope as SpecObj), version: w } } : spec;
}

// ── field_value (status, severity, non-duration check parameters) ───────────────────────────────────
/** Paths whose value is a team convention rather than a measurement. */
function fieldValues(spec: SpecObj): Map<string, Variant> {
  const m = new Map<string, Variant>();
  for (const k of ['status', 'severity']) if (typeof spec[k] === 'string') m.set(k, spec[k] as string);
  for (const a of assertParams(spec))
    for (const [k, v] of Object.entries(a.params))
      if (!isSecondsParam(k) && (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string'))
        m.set(`params.${k}`, v);
  return m;
}

function observeFields(proposed: SpecObj, final: SpecObj): Observation[] {
  const p = fieldValues(proposed);
  const out: Observation[] = [];
  for (const [path, f] of fieldValues(final)) {
    if (!p.has(path)) continue;
    out.push({ kind: 'field_value', slot: `field_value:${path}`, variant: f, edited: p.get(path) !== f });
  }
  return out;
}

function applyField(spec: SpecObj, slot: string, value: Variant): SpecObj {
  const path = slot.replace(/^field_value:/, '');
  if (path === 'status' || path === 'severity')
    return typeof spec[path] === 'string' ? { ...spec, [path]: value } : spec;
  const param = path.replace(/^params\./, '');
  return {
    ...spec,
    assert: asArr(spec.assert).map((a) =>
      isObj(a) && isObj(a.params) && param in a.params
        ? { ...a, params: { ...a.params, [param]: value } }
        : a,
    ),
  };
}

// ── id_token (a token of the UPPER_SNAKE id renamed, e.g. MEDIA → MC) ────────────────────────────────
function observeIdTokens(proposed: SpecObj, final: SpecObj): Observation[] {
  const p = String(proposed.id ?? '').split('_');
  const f = String(final.id ?? '').split('_');
  if (p.length !== f.length || p.length < 2) return [];
  const out: Observation[] = [];
  p.forEach((t, i) => {
    // Version tokens (digits) are the finding, not the convention.
    if (/^\d+$/.test(t)) return;
    out.push({
      kind: 'id_token',
      slot: `id_token:${t}`,
      variant: f[i] === t ? NONE : f[i],
      edited: f[i] !== t,
    });
  });
  return out;
}

function applyIdToken(spec: SpecObj, slot: string, to: Variant): SpecObj {
  const from = slot.replace(/^id_token:/, '');
  if (typeof spec.id !== 'string' || to === NONE) return spec;
  const id = spec.id
    .split('_')
    .map((t) => (t === from ? String(to) : t))
    .join('_');
  return id === spec.id ? spec : { ...spec, id };
}

// ── citation_order (the vendor's own documentation first, or only) ──────────────────────────────────
/** A vendor source: the SDK vendor's or platform owner's docs and repositories, not their forums. */
export function isVendorSource(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const host = u.hostname.toLowerCase();
  if (/(^|\.)(community|communities|forums?)[.-]|communities|stackoverflow|reddit/.test(host)) return false;
  if (/\/(community|forums?|discussions?|questions?)\//.test(u.pathname)) return false;
  if (host === 'adobe.com' || host.endsWith('.adobe.com')) return true;
  if (host === 'developer.roku.com' || host === 'roku.dev' || host.endsWith('.roku.dev')) return true;
  if (host === 'github.com' || host === 'raw.githubusercontent.com')
    return /^\/adobe(\/|$)/i.test(u.pathname) || /^\/rokudev(\/|$)/i.test(u.pathname);
  return false;
}

const citationUrls = (spec: SpecObj): string[] =>
  asArr(spec.citations)
    .filter(isObj)
    .map((c) => String(c.url ?? ''));

function observeCitations(proposed: SpecObj, final: SpecObj): Observation[] {
  const p = citationUrls(proposed);
  const f = citationUrls(final);
  const mixed = p.some(isVendorSource) && p.some((u) => !isVendorSource(u));
  if (!mixed || isVendorSource(p[0])) return [];
  if (!f.length) return [];
  if (!isVendorSource(f[0]))
    return [{ kind: 'citation_order', slot: 'citation_order', variant: NONE, edited: false }];
  const only = f.every(isVendorSource);
  return [
    {
      kind: 'citation_order',
      slot: 'citation_order',
      variant: only ? 'vendor_only' : 'vendor_first',
      edited: true,
    },
  ];
}

function applyCitations(spec: SpecObj, mode: Variant): SpecObj {
  const cs = asArr(spec.citations);
  if (!cs.length) return spec;
  const vendor = cs.filter((c) => isObj(c) && isVendorSource(String(c.url ?? '')));
  if (!vendor.length) return spec;
  const other = cs.filter((c) => !vendor.includes(c));
  if (mode === 'vendor_only') return { ...spec, citations: vendor };
  if (mode === 'vendor_first') return { ...spec, citations: [...vendor, ...other] };
  return spec;
}

// ── rationale_sentences (the rationale cut to its first N sentences) ────────────────────────────────
function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"'(])/)
    .filter(Boolean);
}

function observeRationale(proposed: SpecObj, final: SpecObj): Observation[] {
  if (typeof proposed.rationale !== 'string' || typeof final.rationale !== 'string') return [];
  const p = sentences(proposed.rationale);
  const f = sentences(final.rationale);
  if (p.length < 2) return [];
  const prefix = f.length < p.length && f.every((s, i) => s === p[i]);
  if (prefix)
    return [{ kind: 'rationale_sentences', slot: 'rationale_sentences', variant: f.length, edited: true }];
  if (f.length === p.length && f.every((s, i) => s === p[i]))
    return [{ kind: 'rationale_sentences', slot: 'rationale_sentences', variant: p.length, edited: false }];
  return [];
}

function applyRationale(spec: SpecObj, n: Variant): SpecObj {
  if (typeof spec.rationale !== 'string' || typeof n !== 'number') return spec;
  const s = sentences(spec.rationale);
  return s.length > n ? { ...spec, rationale: s.slice(0, n).join(' ') } : spec;
}

// ── the table ───────────────────────────────────────────────────────────────────────────────────────
interface KindDef {
  observe(proposed: SpecObj, final: SpecObj): Observation[];
  apply(spec: SpecObj, slot: string, variant: Variant): SpecObj;
  /** Does a kept proposal with `kept` count against a rule choosing `variant`? */
  contradicts(variant: Variant, kept: Variant): boolean;
  describe(slot: string, variant: Variant): string;
}

const differs = (v: Variant, k: Variant) => v !== k;

export const KINDS: Record<RuleKind, KindDef> = {
  round_seconds: {
    observe: observeRounding,
    apply: (s, _slot, v) => applyRounding(s, v),
    contradicts: differs,
    describe: (_s, v) => `durations (*_s parameters) are rounded to whole seconds (${v})`,
  },
  version_widen: {
    observe: observeWiden,
    apply: (s, _slot, v) => applyWiden(s, v),
    contradicts: differs,
    describe: (_s, v) => `version scopes are widened to the ${v} (>=M.m.0 <M.m+1.0)`,
  },
  field_value: {
    observe: observeFields,
    apply: applyField,
    contradicts: differs,
    describe: (s, v) => `${s.replace(/^field_value:/, '')} is set to ${JSON.stringify(v)}`,
  },
  id_token: {
    observe: observeIdTokens,
    apply: applyIdToken,
    contradicts: differs,
    describe: (s, v) => `spec ids use ${v} instead of ${s.replace(/^id_token:/, '')}`,
  },
  citation_order: {
    observe: observeCitations,
    apply: (s, _slot, v) => applyCitations(s, v),
    contradicts: differs,
    describe: (_s, v) =>
      v === 'vendor_only' ? 'only vendor documentation is cited' : 'vendor documentation is cited first',
  },
  rationale_sentences: {
    observe: observeRationale,
    apply: (s, _slot, v) => applyRationale(s, v),
    // A kept rationale as long as the limit or shorter agrees with it.
    contradicts: (v, k) => typeof v === 'number' && typeof k === 'number' && k > v,
    describe: (_s, v) => `the rationale is at most ${v} sentence(s)`,
  },
};

/** Everything one review shows about the conventions (proposed → final YAML as objects). */
export function observe(proposed: SpecObj, final: SpecObj): Observation[] {
  return RULE_KINDS.flatMap((k) => KINDS[k].observe(proposed, final));
}
