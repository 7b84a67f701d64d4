import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { PreferenceRecord } from '../pr/feedback.js';
import { writeProposal } from '../pr/testing/repo.js';
import { applyStyle, applyStyleToProposal, holdReason } from './apply.js';
import { runStyleEval, worseThanWithout } from './eval.js';
import { learnStyle, reviewsFromRecords, type Review } from './learn.js';
import { reasonFromComment, reviewAction } from './outcome.js';
import { examplesPrompt, similarEdits } from './retrieve.js';
import { isVendorSource, type SpecObj } from './rules.js';
import { readStyle, StyleFile, styleYaml, writeStyle } from './store.js';

const tmp = mkdtempSync(join(tmpdir(), 'goblin-style-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const VENDOR = 'https://experienceleague.adobe.com/en/docs/media-analytics/using/release-notes';
const FORUM = 'https://experienceleaguecommunities.adobe.com/t5/media/pings/td-p/1';

function spec(
  o: {
    id?: string;
    interval?: number;
    gap?: number;
    version?: string;
    citations?: string[];
    severity?: string;
  } = {},
): SpecObj {
  return {
    id: o.id ?? 'CADENCE_AD_PING_INTERVAL_MEDIA_3_4',
    title: 'Ad pings',
    status: 'shadow',
    version: '1.0.0',
    family: 'cadence',
    scope: { protocol: ['media-collection'], version: o.version ?? '3.4.1' },
    assert: [
      {
        check: 'cadence.ad_ping_gap',
        params: { ad_interval_s: o.interval ?? 29.6, gap_factor: o.gap ?? 1.5 },
      },
    ],
    severity: o.severity ?? 'error',
    citations: (o.citations ?? [VENDOR]).map((url) => ({ url, quote: 'pings every 30 s' })),
    rationale: 'Library 3.4.1 pings ads every 30 s. The default flags every ad break.',
  };
}

let ref = 0;
const review = (
  action: Review['action'],
  proposed: SpecObj,
  final: SpecObj | null,
  reason_code: string | null = null,
): Review => ({
  ref: ++ref,
  at: new Date(Date.UTC(2026, 0, 1, 0, ref)).toISOString(),
  action,
  proposed,
  final,
  reason_code,
  reason: reason_code ? 'A forum thread is not a source.' : null,
});
const params = (s: SpecObj) => (s.assert as { params: Record<string, unknown> }[])[0].params;

describe('style memory', () => {
  it('learns rounding to whole seconds from two edits, and a proposal kept at 12.5 s counts against it', () => {
    const style = learnStyle([
      review('edit', spec({ interval: 29.6 }), spec({ interval: 30 })),
      review('edit', spec({ interval: 19.2 }), spec({ interval: 19 })),
      review('approve', spec({ interval: 12.5 }), spec({ interval: 12.5 })),
    ]);
    const r = style.rules.find((x) => x.slot === 'round_seconds')!;
    expect(r).toMatchObject({
      variant: 'round',
      support: 2,
      counter: 1,
      examples: [1, 2],
      counter_examples: [3],
    });
    // 2 of 3 is below the default 70 % confidence: learned, shown, not applied.
    expect(r.active).toBe(false);
    const more = learnStyle(
      [...Array(3)].map(() => review('edit', spec({ interval: 14.4 }), spec({ interval: 14 }))),
    );
    expect(params(applyStyle(spec({ interval: 22.4 }), more).spec).ad_interval_s).toBe(22);
  });

  it('widens an exact version to the minor the reviewer merged (3.4.1 → >=3.4.0 <3.5.0)', () => {
    const style = learnStyle([
      review('edit', spec({ version: '3.4.1' }), spec({ version: '>=3.4.0 <3.5.0' })),
    ]);
    const out = applyStyle(spec({ version: '>=2.7.3 <2.7.4' }), style);
    expect((out.spec.scope as { version: string }).version).toBe('>=2.7.0 <2.8.0');
    expect(out.applied.map((a) => a.slot)).toContain('version_widen');
  });

  it('does not learn a gap_factor from a reviewer who sets a different one every time', () => {
    const style = learnStyle([
      review('edit', spec(), spec({ gap: 2 })),
      review('edit', spec(), spec({ gap: 2.5 })),
      review('edit', spec(), spec({ gap: 1.75 })),
      review('approve', spec(), spec()),
    ]);
    expect(style.rules.find((r) => r.slot === 'field_value:params.gap_factor')?.active).toBe(false);
    expect(params(applyStyle(spec(), style).spec).gap_factor).toBe(1.5);
  });

  it('keeps a locked rule as the person wrote it, and an ignored slot stays off', () => {
    const contra = [review('approve', spec({ severity: 'error' }), spec({ severity: 'error' }))];
    const prev = StyleFile.parse({
      ignore: ['round_seconds'],
      rules: [
        {
          slot: 'field_value:severity',
          kind: 'field_value',
          variant: 'warning',
          description: 'severity is set to "warning"',
          support: 0,
          counter: 0,
          active: true,
          locked: true,
        },
      ],
    });
    const style = learnStyle(
      [...contra, review('edit', spec({ interval: 29.6 }), spec({ interval: 30 }))],
      prev,
    );
    expect(style.rules.find((r) => r.slot === 'field_value:severity')).toMatchObject({
      variant: 'warning',
      active: true,
      locked: true,
      counter: 2, // both reviews kept `error`
    });
    expect(style.rules.find((r) => r.slot === 'round_seconds')).toMatchObject({ support: 1, active: false });
    expect(applyStyle(spec(), style).spec.severity).toBe('warning');
  });

  it('holds back a forum-only proposal after two no-evidence rejections, but not one citing the release note', () => {
    const style = learnStyle([
      review('reject', spec({ citations: [FORUM] }), null, 'no-evidence'),
      review('reject', spec({ citations: [FORUM], interval: 20 }), null, 'no-evidence'),
    ]);
    expect(holdReason(spec({ citations: [FORUM] }), style)).toMatch(
      /rejected 2 proposal\(s\) of this shape as no-evidence/,
    );
    expect(holdReason(spec({ citations: [FORUM, VENDOR] }), style)).toBeNull();
    // One merge of that shape since lifts the hold: the team does take them after all.
    const after = learnStyle([
      review('reject', spec({ citations: [FORUM] }), null, 'no-evidence'),
      review('reject', spec({ citations: [FORUM] }), null, 'no-evidence'),
      review('approve', spec({ citations: [FORUM] }), spec({ citations: [FORUM] })),
    ]);
    expect(holdReason(spec({ citations: [FORUM] }), after)).toBeNull();
  });

  it('a community forum on adobe.com is not vendor documentation', () => {
    expect(isVendorSource(VENDOR)).toBe(true);
    expect(isVendorSource(FORUM)).toBe(false);
    expect(isVendorSource('https://github.com/adobe/aepsdk-media-android/releases')).toBe(true);
    expect(isVendorSource('https://github.com/someone/fork/releases')).toBe(false);
  });

  it('renames the spec id, its path and its fixture folder in a proposal folder', () => {
    const dir = writeProposal(join(tmp, 'p'), { intervalS: 29.6 });
    const style = learnStyle([
      review(
        'edit',
        spec({ id: 'CADENCE_AD_PING_INTERVAL_MEDIA_3_2' }),
        spec({ id: 'CADENCE_AD_PING_INTERVAL_MC_3_2' }),
      ),
    ]);
    const out = applyStyleToProposal(dir, style);
    expect(out).toMatchObject({ held: null, spec_id: 'CADENCE_AD_PING_INTERVAL_MC_3_4' });
    const m = JSON.parse(readFileSync(join(dir, 'proposal.json'), 'utf8'));
    expect(m.spec_path).toBe('specs/cadence/CADENCE_AD_PING_INTERVAL_MC_3_4.yaml');
    expect(m.fixtures.fail[0]).toBe('tests/CADENCE_AD_PING_INTERVAL_MC_3_4/fail/cadence_ad_ping_gap.har');
    expect(existsSync(join(dir, m.fixtures.fail[0]))).toBe(true);
    const s = YAML.parse(readFileSync(join(dir, 'spec.yaml'), 'utf8'));
    expect(s.id).toBe('CADENCE_AD_PING_INTERVAL_MC_3_4');
    expect(s.tests.pass[0]).toBe('tests/CADENCE_AD_PING_INTERVAL_MC_3_4/pass/clean.har');
    expect(JSON.parse(readFileSync(join(dir, 'style.json'), 'utf8')).applied[0].slot).toBe('id_token:MEDIA');
  });

  it('maps forge outcomes to actions: labels name the rejection reason, deferred is not a verdict', () => {
    expect(reviewAction({ state: 'closed', merged: true, labels: [] }, true)).toEqual({
      action: 'edit',
      reason_code: null,
    });
    expect(
      reviewAction({ state: 'closed', merged: false, labels: ['goblin', 'goblin:wrong-scope'] }, false),
    ).toEqual({
      action: 'reject',
      reason_code: 'wrong-scope',
    });
    expect(reviewAction({ state: 'open', merged: false, labels: ['goblin:deferred'] }, false)?.action).toBe(
      'defer',
    );
    expect(reviewAction({ state: 'open', merged: false, labels: [] }, false)).toBeNull();
    expect(reasonFromComment('Too broad: 3.6.0 is a beta, fix the SDK config instead.')).toBe('wrong-scope');
  });

  it('style.yaml round-trips through zod with its modeline, and a hand-broken file is refused', () => {
    const style = learnStyle(
      [review('edit', spec({ interval: 29.6 }), spec({ interval: 30 }))],
      StyleFile.parse({}),
      '2026-03-01T00:00:00Z',
    );
    const path = join(tmp, 'style.yaml');
    writeStyle(path, style, '# yaml-language-server: $schema=../schemas/style.schema.json');
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schemas/style.schema.json',
    );
    expect(readStyle(path)).toEqual(style);
    writeFileSync(path, styleYaml(style, null).replace('min_confidence: 0.7', 'min_confidence: 7'));
    expect(() => readStyle(path)).toThrow(/min_confidence/);
  });

  it('gives the writer the most similar accepted edit first', () => {
    const rec = (pr: number, prompt: string): PreferenceRecord => ({
      prompt_fingerprint: 'det:x',
      bundle_id: `b${pr}`,
      proposal_id: `p${pr}`,
      spec_id: `S${pr}`,
      pr,
      prompt,
      proposed: 'a',
      final: 'b',
      outcome: 'merged_edited',
      diff: `-gap_factor: 1.5\n+gap_factor: ${pr}`,
      reason: null,
      opened_at: '2026-01-01T00:00:00Z',
      closed_at: '2026-01-02T00:00:00Z',
    });
    const ex = similarEdits('Ad-ping interval media-collection android 3.2.0', [
      rec(1, 'Main content ping heartbeat roku 2.0.0'),
      rec(2, 'Ad-ping interval media-collection android 3.1.0'),
    ]);
    expect(ex.map((e) => e.pr)).toEqual([2, 1]);
    expect(examplesPrompt(ex)).toContain('PR #2');
    expect(reviewsFromRecords([rec(3, 'x')])[0].action).toBe('edit');
  });

  it('replay: memory reaches 70 % without edits for consistent reviewers and is no worse for inconsistent ones', () => {
    const r = runStyleEval({ n: 40, warmup: 20, seeds: [1] });
    expect(r.consistent_without).toBeLessThan(0.3);
    expect(r.consistent_with).toBeGreaterThanOrEqual(0.7);
    expect(worseThanWithout(r)).toEqual([]);
  });
});
