import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPreferences } from '../../pr/feedback.js';
import type { SiteData, SiteReview } from '../site-schema.js';
import type { Problem } from './files.js';

/**
 * The review loop on the site: each reviewed bot PR (the preference log `goblin feedback sync` writes)
 * with its proposed vs merged YAML, the outcome, the style rules applied before it opened (the
 * `style.json` its merged report carries), and the running acceptance-without-edits rate.
 */
export function loadReviews(
  root: string,
  prefsDir: string,
  reportsDir: string,
  problems: Problem[],
): Pick<SiteData, 'reviews' | 'review_kpi'> {
  let records: ReturnType<typeof readPreferences> = [];
  try {
    records = readPreferences(join(root, prefsDir));
  } catch (e) {
    problems.push({ path: prefsDir, message: `preference log unreadable: ${(e as Error).message}` });
  }
  const ordered = [...records].sort((a, b) =>
    (a.closed_at ?? a.opened_at).localeCompare(b.closed_at ?? b.opened_at),
  );
  let verdicts = 0;
  let asProposed = 0;
  const reviews: SiteReview[] = ordered.map((r) => {
    const action = r.action ?? 'reject';
    if (action !== 'defer') {
      verdicts++;
      if (action === 'approve') asProposed++;
    }
    const styleFile = join(root, reportsDir, r.proposal_id, 'style.json');
    let rules: SiteReview['rules'] = [];
    if (existsSync(styleFile))
      try {
        rules =
          (JSON.parse(readFileSync(styleFile, 'utf8')) as { applied?: SiteReview['rules'] }).applied ?? [];
      } catch (e) {
        problems.push({ path: styleFile, message: `not JSON: ${(e as Error).message}` });
      }
    return {
      pr: r.pr,
      spec_id: r.spec_id,
      proposal_id: r.proposal_id,
      action,
      reason: r.reason,
      reason_code: r.reason_code ?? null,
      opened_at: r.opened_at,
      closed_at: r.closed_at,
      diff: r.diff,
      proposed: r.proposed,
      final: r.final,
      rules,
      running_rate: verdicts ? asProposed / verdicts : null,
    };
  });
  return {
    reviews: reviews.reverse(),
    review_kpi: { verdicts, as_proposed: asProposed, rate: verdicts ? asProposed / verdicts : null },
  };
}
