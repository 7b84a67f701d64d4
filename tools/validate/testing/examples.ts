/**
 * ESLint-style rule tester for checks: every doc example of a check definition, plus the inline
 * `valid` / `invalid` / `abstain` cases of its check.test.ts, is rendered to a real HAR (example-har.ts),
 * read by the real ingest path and judged by the real validator gate (`judgeSession`). The check must fire
 * exactly on the entries marked `fires`, nowhere else, and abstain only where `abstains` says.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoblinConfig } from '../../config/index.js';
import { processFile } from '../../ingest/process-file.js';
import type { Session } from '../../session/index.js';
import { annotate } from '../annotate.js';
import { exampleEntries, harDoc } from '../example-har.js';
import { fileContext } from '../files.js';
import type { CheckDef, CheckResult, Example } from '../types.js';
import { captureView, judgeSession } from '../validate.js';

export interface CheckCases {
  valid?: Example[];
  invalid?: Example[];
  abstain?: Example[];
}

const cfg = GoblinConfig.parse({});
let dir: string | null = null;
let n = 0;

/** Render, read and judge one example; returns the check's result and the hits as (entry, code). */
export function runExample(
  check: CheckDef,
  ex: Example,
): { result: CheckResult; hits: [number, string][]; session: Session; problems: string[] } {
  dir ??= mkdtempSync(join(tmpdir(), 'goblin-example-'));
  const file = join(dir, `ex${n++}.har`);
  writeFileSync(file, harDoc(exampleEntries(ex)));
  const [p] = processFile(
    { abs: file, rel: 'example.har', size: statSync(file).size, mtimeMs: 0 },
    fileContext(cfg),
  );
  if (!p.capture)
    throw new Error(`example "${ex.title}" did not parse: ${p.quarantine.map((q) => q.reason).join(', ')}`);
  const session = p.capture.sessions.find((s) => s.protocol === ex.protocol);
  if (!session) throw new Error(`example "${ex.title}" has no ${ex.protocol} session`);
  const params = check.params.parse(ex.params ?? {});
  const view = captureView(p.capture, { cnames: cfg.hosts.cname_allowlist });
  const result = judgeSession(check, params, { keys: [], dict: [] }, annotate(session), view);
  const hits: [number, string][] =
    result.status === 'ran'
      ? result.hits.map((h) => [h.event?.provenance.entry_index ?? -1, h.code] as [number, string])
      : [];
  const problems = p.quarantine
    .filter((q) => q.reason !== 'malformed-entry')
    .map((q) => `${q.reason}: ${q.detail}`);
  return { result, hits, session, problems };
}

const sortHits = (h: [number, string][]) => [...h].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));

/** What an example expects: hits on the `fires` entries, or an ABSTAIN whose reason contains `abstains`. */
export function expectExample(check: CheckDef, ex: Example): void {
  const { result, hits, problems } = runExample(check, ex);
  expect(problems, 'every beacon of the example decodes').toEqual([]);
  if (ex.abstains !== undefined) {
    expect(result).toMatchObject({ status: 'abstain', reason: expect.stringContaining(ex.abstains) });
    return;
  }
  expect(result.status, result.status === 'abstain' ? result.reason : '').toBe('ran');
  const want = ex.events.flatMap((e, i) => (e.fires ? [[i, e.fires] as [number, string]] : []));
  // Several findings may point at one entry; the example marks each entry once per code.
  expect(sortHits([...new Map(hits.map((h) => [`${h[0]}|${h[1]}`, h])).values()])).toEqual(sortHits(want));
}

/** The rule tester: doc examples and inline cases, one `it` each. */
export function testCheck(check: CheckDef, cases: CheckCases = {}): void {
  describe(check.id, () => {
    it('has at least one doc example that fires and one that does not', () => {
      const ex = check.doc.examples;
      expect(ex.some((e) => e.events.some((x) => x.fires))).toBe(true);
      expect(ex.some((e) => !e.abstains && !e.events.some((x) => x.fires))).toBe(true);
    });
    for (const ex of check.doc.examples) it(`doc: ${ex.title}`, () => expectExample(check, ex));
    for (const ex of cases.invalid ?? [])
      it(`invalid: ${ex.title}`, () => {
        expect(ex.events.some((e) => e.fires)).toBe(true);
        expectExample(check, ex);
      });
    for (const ex of cases.valid ?? [])
      it(`valid: ${ex.title}`, () => {
        expect(ex.events.some((e) => e.fires) || ex.abstains).toBeFalsy();
        expectExample(check, ex);
      });
    for (const ex of cases.abstain ?? [])
      it(`abstain: ${ex.title}`, () => {
        expect(ex.abstains).toBeTruthy();
        expectExample(check, ex);
      });
  });
}
