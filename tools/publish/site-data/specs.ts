/**
 * Specs as the site shows them: fixtures with their last spec-test result, citations linked to evidence
 * passages, the constitution clauses and dictionary parameters they touch, history and last-run hits.
 * Linking is two-way: clauses, passages and dictionary entries learn which specs name them.
 */
import type { LoadedSpec, Spec } from '../../spec/schema.js';
import type { Finding, SessionRow, SpecTestReport, Verdict } from '../../validate/outputs.js';
import type { Clause, HistoryEntry, SiteDictEntry, SiteSpec } from '../site-schema.js';
import { normalizeUrl, type PassageRef } from './evidence.js';

function collectStrings(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') out.add(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      collectStrings(x, out);
    }
}

function specParamNames(spec: Spec): Set<string> {
  const names = new Set<string>([...spec.requires.keys, ...spec.requires.dict]);
  for (const a of spec.assert) collectStrings(a.params, names);
  return names;
}

type SpecTest = SpecTestReport['specs'][number];

function fixturesOf(spec: Spec, tested: SpecTest | undefined): SiteSpec['fixtures'] {
  const fixtures: SiteSpec['fixtures'] = [];
  const seen = new Set<string>();
  const matchFx = (file: string) =>
    tested?.fixtures.find(
      (f) => f.file === file || f.file.endsWith(`/${file}`) || file.endsWith(`/${f.file}`),
    );
  for (const [expect, files] of [
    ['pass', spec.tests.pass],
    ['fail', spec.tests.fail],
  ] as const)
    for (const file of files) {
      const r = matchFx(file);
      if (r) seen.add(r.file);
      fixtures.push({ file, expect, ok: r ? r.ok : null, codes: r ? r.codes : [] });
    }
  for (const f of tested?.fixtures ?? [])
    if (!seen.has(f.file)) fixtures.push({ file: f.file, expect: f.expect, ok: f.ok, codes: f.codes });
  return fixtures;
}

export interface SpecContext {
  histories: Map<string, HistoryEntry[]>;
  specTest: SpecTestReport | null;
  evidence: { byUrl: Map<string, PassageRef[]>; byRef: Map<string, PassageRef[]> };
  constitution: Clause[];
  dictionaryByName: Map<string, SiteDictEntry[]>;
  findings: Finding[];
  sessions: SessionRow[];
}

export function siteSpecs(specs: LoadedSpec[], ctx: SpecContext): SiteSpec[] {
  const hitsBySpec = new Map<string, number>();
  for (const f of ctx.findings) hitsBySpec.set(f.spec, (hitsBySpec.get(f.spec) ?? 0) + 1);
  const verdictsBySpec = new Map<string, Record<Verdict, number>>();
  for (const s of ctx.sessions)
    for (const [id, v] of Object.entries(s.rules)) {
      const r = verdictsBySpec.get(id) ?? { PASS: 0, VIOLATION: 0, ABSTAIN: 0 };
      r[v]++;
      verdictsBySpec.set(id, r);
    }
  const testById = new Map((ctx.specTest?.specs ?? []).map((s) => [s.id, s]));

  return specs.map(({ spec, path }) => {
    const citations = spec.citations.map((c) => {
      const links = [
        ...(ctx.evidence.byUrl.get(normalizeUrl(c.url)) ?? []),
        ...(c.cached_ref ? (ctx.evidence.byRef.get(c.cached_ref) ?? []) : []),
      ];
      const ev: { pack: string; passage: number }[] = [];
      for (const { pack, i } of links) {
        if (ev.some((e) => e.pack === pack.slug && e.passage === i)) continue;
        ev.push({ pack: pack.slug, passage: i });
        if (!pack.passages[i].cited_by.includes(spec.id)) pack.passages[i].cited_by.push(spec.id);
        if (!pack.cited_by.includes(spec.id)) pack.cited_by.push(spec.id);
      }
      return { ...c, evidence: ev };
    });

    const checks = new Set<string>([...spec.assert.map((a) => a.check), ...spec.fail_codes]);
    // '*' in a clause's check list guards every check
    const clauses = ctx.constitution
      .filter((c) => c.checks.some((x) => x === '*' || checks.has(x)))
      .map((c) => c.id);
    for (const c of ctx.constitution) if (clauses.includes(c.id)) c.specs.push(spec.id);

    const params: string[] = [];
    for (const n of specParamNames(spec)) {
      const cands = ctx.dictionaryByName.get(n) ?? [];
      const scoped = spec.scope.sdk?.length
        ? cands.filter((d) => spec.scope.sdk!.includes(d.sdk as never))
        : cands;
      for (const d of scoped.length ? scoped : cands)
        if (!params.includes(d.slug)) {
          params.push(d.slug);
          d.used_by.push(spec.id);
        }
    }

    const tested = testById.get(spec.id);
    return {
      id: spec.id,
      title: spec.title,
      status: spec.status,
      version: spec.version,
      family: spec.family,
      severity: spec.severity,
      scope: spec.scope,
      overrides: spec.overrides,
      requires: spec.requires,
      assert: spec.assert,
      fail_codes: spec.fail_codes,
      fixtures: fixturesOf(spec, tested),
      citations,
      rationale: spec.rationale,
      since: spec.since ?? null,
      path,
      clauses,
      history: ctx.histories.get(path) ?? [],
      hits: hitsBySpec.get(spec.id) ?? 0,
      verdicts: verdictsBySpec.get(spec.id) ?? { PASS: 0, VIOLATION: 0, ABSTAIN: 0 },
      params: params.sort(),
      lint: tested?.lint ?? [],
    };
  });
}
