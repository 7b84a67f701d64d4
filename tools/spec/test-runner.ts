import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { listFiles } from '../util/files.js';
import { join, relative, resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import type { Finding, SpecTestReport } from '../validate/outputs.js';
import { buildPack } from '../validate/pack.js';
import { validateFiles } from '../validate/files.js';
import { judgeFixture, readAnnotations } from './fixture-check.js';
import { generate } from './generate.js';
import { exportSchemas } from './json-schema.js';
import { formatIssue, lintSpecs, type LintIssue } from './lint.js';

export interface SpecTestOptions {
  root: string;
  config: GoblinConfig;
  /** Extra known-good HAR folders (a simulated clean corpus, a team's golden captures). */
  knownGood?: string[];
  verifyCitations?: boolean;
  /** Git ref the change merges into: new or changed specs must not be active (lifecycle lint). */
  base?: string;
  /** Append the known-good replay's findings that no row allows yet to tests/known-fps.csv, for review. */
  recordFps?: boolean;
}

export interface KnownFp {
  har: string;
  session: string;
  code: string;
  reason: string;
}

export function loadKnownFps(path: string): KnownFp[] {
  if (!existsSync(path)) return [];
  const [head, ...rows] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  const cols = head.split(',');
  return rows.map((r) => {
    const v = r.split(',');
    // The reason is the last column and may itself hold commas.
    const o = Object.fromEntries(
      cols.map((c, i) => [c, i === cols.length - 1 ? v.slice(i).join(',') : (v[i] ?? '')]),
    ) as Record<string, string>;
    return { har: o.har, session: o.session || '*', code: o.code, reason: o.reason ?? '' };
  });
}

const harsUnder = (dir: string) => listFiles(dir, /\.(har|har\.gz|zip)$/i);

/**
 * `spec:test`: lint, every spec's fixtures, the whole pack over a known-good corpus with a known-FP
 * allowlist (as Sigma does), schemas up to date, citations verbatim. Any failure → ok=false.
 */
export async function runSpecTests(
  opts: SpecTestOptions,
): Promise<{ report: SpecTestReport; lines: string[]; issues: LintIssue[] }> {
  const { root, config } = opts;
  const lint = lintSpecs({
    specsDir: config.validate.specs_dir,
    constitution: config.validate.constitution,
    root,
    base: opts.base,
  });
  const errors = lint.issues.filter((i) => i.level === 'error');
  const pack = buildPack(lint.specs, []);
  const lines: string[] = [];
  const issues = [...lint.issues];
  // Generated files (catalog, check registry and READMEs, the specs/README check section, schemas) are
  // derived from the check definitions in this repo; a rules repo without them checks its schemas only.
  const inGoblin = existsSync(resolve(root, 'tools/validate/checks'));
  for (const f of inGoblin ? await generate(root, { check: true }) : exportSchemas(root, true))
    issues.push({
      level: 'error',
      path: f,
      line: null,
      rule: 'schema-export',
      message: `generated file out of date: run '${inGoblin ? 'npm run rules:gen' : 'goblin spec schema'}'`,
    });

  const specRows: SpecTestReport['specs'] = [];
  for (const ls of lint.specs) {
    const s = ls.spec;
    const fixtures: SpecTestReport['specs'][number]['fixtures'] = [];
    for (const kind of ['pass', 'fail'] as const)
      for (const f of s.tests[kind]) {
        if (!existsSync(resolve(root, f))) {
          fixtures.push({ file: f, expect: kind, ok: false, codes: [], problems: ['fixture not found'] });
          continue;
        }
        const r = validateFiles([f], pack, config, root);
        const codes = [...new Set(r.findings.map((x: Finding) => x.code))].sort();
        // The expected outcome is the fixture's own annotation (which entry must fire, or why nothing may).
        const v = judgeFixture(kind, s, r.findings, r.sessions, readAnnotations(resolve(root, f)));
        fixtures.push({ file: f, expect: kind, ok: v.ok, codes, problems: v.problems, extra: v.extra });
      }
    const lintMsgs = lint.issues.filter((i) => i.path === ls.path && i.level === 'error').map(formatIssue);
    specRows.push({
      id: s.id,
      path: ls.path,
      lint: lintMsgs,
      fixtures,
      ok: lintMsgs.length === 0 && fixtures.every((x) => x.ok),
    });
  }

  // Known-good corpus: every pass fixture plus extra golden folders; findings must be allow-listed.
  const allow = loadKnownFps(resolve(root, 'tests/known-fps.csv'));
  const isAllowed = (f: Finding) =>
    allow.some(
      (a) =>
        a.code === f.code &&
        (a.har === f.har || f.har.endsWith(a.har)) &&
        (a.session === '*' || a.session === f.session),
    );
  const goodFiles = [...new Set(lint.specs.flatMap((l) => l.spec.tests.pass))].filter((f) =>
    existsSync(resolve(root, f)),
  );
  for (const dir of opts.knownGood ?? [])
    goodFiles.push(...harsUnder(resolve(root, dir)).map((p) => relative(root, p)));
  const good = validateFiles(goodFiles, pack, config, root);
  const activeFindings = good.findings.filter((f) => f.spec_status === 'active');
  const newFps = activeFindings.filter((f) => !isAllowed(f));
  // Experimental and shadow specs never fail a run, but their known-good findings block promotion.
  const pendingFps = good.findings.filter((f) => f.spec_status !== 'active' && !isAllowed(f));
  if (opts.recordFps) recordKnownFps(root, [...newFps, ...pendingFps], [...(opts.knownGood ?? [])]);
  const corpus = {
    sessions: good.sessions.length,
    new_false_positives: newFps.length,
    allowlisted: activeFindings.length - newFps.length,
  };

  let citationBroken = 0;
  if (opts.verifyCitations !== false) {
    const { verifyCitations } = await import('../research/index.js');
    const v = await verifyCitations({ root, cacheDir: resolve(root, config.research.cache_dir) });
    citationBroken = v.broken.length;
    for (const b of v.broken)
      issues.push({
        level: 'error',
        path: b.file,
        line: null,
        rule: 'citation',
        message: `${b.reason}: "${b.quote.slice(0, 80)}" (${b.url})`,
      });
  }

  const ok =
    errors.length === 0 &&
    specRows.every((r) => r.ok) &&
    newFps.length === 0 &&
    citationBroken === 0 &&
    !issues.some((i) => i.rule === 'schema-export');
  const w = Math.max(8, ...specRows.map((r) => r.id.length));
  lines.push(`${'spec'.padEnd(w)}  lint  pass  fail  result`);
  for (const r of specRows) {
    const cnt = (k: 'pass' | 'fail') => {
      const fx = r.fixtures.filter((f) => f.expect === k);
      return `${fx.filter((f) => f.ok).length}/${fx.length}`;
    };
    lines.push(
      `${r.id.padEnd(w)}  ${r.lint.length ? 'FAIL' : 'ok  '}  ${cnt('pass').padEnd(4)}  ${cnt('fail').padEnd(4)}  ${r.ok ? 'ok' : 'FAIL'}`,
    );
  }
  for (const r of specRows)
    for (const f of r.fixtures) {
      for (const p of f.problems ?? []) lines.push(`  ${r.id} ${f.expect} ${f.file}: ${p}`);
      if (f.extra?.length)
        lines.push(`  ${r.id} ${f.expect} ${f.file}: also fired (unannotated): ${f.extra.join(', ')}`);
    }
  lines.push('');
  lines.push(
    `known-good corpus: ${goodFiles.length} HARs, ${corpus.sessions} sessions, ${corpus.new_false_positives} new false positives, ${corpus.allowlisted} allow-listed`,
  );
  for (const f of newFps.slice(0, 20))
    lines.push(`  new FP: ${f.har} ${f.session} ${f.code} (${f.spec}): ${f.message}`);
  if (pendingFps.length)
    lines.push(
      `  ${pendingFps.length} finding(s) of experimental/shadow specs on the known-good corpus (they block promotion; --record-fps writes them to tests/known-fps.csv for review)`,
    );
  if (opts.recordFps)
    lines.push(`  recorded ${newFps.length + pendingFps.length} row(s) in tests/known-fps.csv`);
  for (const i of issues) if (i.level === 'error' || i.rule === 'overlap') lines.push(formatIssue(i));
  lines.push(`citations: ${citationBroken} broken`);
  return { report: { generated_at: new Date().toISOString(), ok, specs: specRows, corpus }, lines, issues };
}

/**
 * Feed tests/known-fps.csv from the known-good replay (the Sigma goodlog baseline): one row per HAR,
 * session and code not allowed yet, with the spec and message as the reason to review. HARs of an extra
 * known-good folder are recorded by their path inside it (rows match by suffix), never by a machine path.
 */
function recordKnownFps(root: string, findings: Finding[], knownGood: string[]): void {
  const path = resolve(root, 'tests/known-fps.csv');
  const prefixes = knownGood.map((d) => `${relative(root, resolve(root, d))}/`);
  const rel = (har: string) => {
    const p = prefixes.find((x) => har.startsWith(x));
    return p ? har.slice(p.length) : har;
  };
  const seen = new Set<string>();
  const day = new Date().toISOString().slice(0, 10);
  const rows: string[] = [];
  for (const f of findings) {
    const key = `${rel(f.har)}|${f.session}|${f.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const why =
      `recorded ${day} by the known-good replay (${f.spec}, ${f.spec_status}): ${f.message}`.replace(
        /\s+/g,
        ' ',
      );
    rows.push(`${rel(f.har)},${f.session},${f.code},${why}`);
  }
  if (!rows.length) return;
  const head = existsSync(path) ? readFileSync(path, 'utf8') : 'har,session,code,reason\n';
  writeFileSync(path, `${head.endsWith('\n') ? head : `${head}\n`}${rows.join('\n')}\n`);
}
