/**
 * A reviewer's action on a bot PR, in the seed's terms, from what the forge shows (GitHub and Forgejo
 * expose the same three facts: state, merged, labels):
 *   approve  merged, and the merged spec is the proposed text
 *   edit     merged after a person changed the spec (commits on the bot branch, suggestions applied)
 *   reject   closed unmerged; the reason from a `goblin:<reason>` label, else the closing comment
 *   defer    labelled `goblin:deferred` (open or closed): ask again when more evidence arrives
 */
export type ReviewAction = 'approve' | 'edit' | 'reject' | 'defer';

export const DEFER_LABEL = 'goblin:deferred';

/** Rejection labels and the reason code each records. */
const REJECT_LABELS = {
  'goblin:wrong-scope': 'wrong-scope',
  'goblin:no-evidence': 'no-evidence',
  'goblin:not-a-rule-gap': 'not-a-rule-gap',
} as const;
export type RejectReason = (typeof REJECT_LABELS)[keyof typeof REJECT_LABELS] | 'comment' | 'unspecified';

export interface ForgeOutcome {
  state: 'open' | 'closed';
  merged: boolean;
  labels: string[];
}

export function reviewAction(
  pr: ForgeOutcome,
  edited: boolean,
): { action: ReviewAction; reason_code: RejectReason | null } | null {
  if (pr.labels.includes(DEFER_LABEL) && !pr.merged) return { action: 'defer', reason_code: null };
  if (pr.state === 'open') return null;
  if (pr.merged) return { action: edited ? 'edit' : 'approve', reason_code: null };
  const label = pr.labels.find((l): l is keyof typeof REJECT_LABELS => l in REJECT_LABELS);
  return { action: 'reject', reason_code: label ? REJECT_LABELS[label] : null };
}

/** The reason code of a closing comment: a label's words in it (`wrong scope`, `no evidence` …) or `comment`. */
export function reasonFromComment(text: string | null): RejectReason {
  if (!text) return 'unspecified';
  const t = text.toLowerCase();
  if (/wrong[- ]scope|too broad|too narrow|scope/.test(t)) return 'wrong-scope';
  if (/no[- ]evidence|no source|unsourced|citation/.test(t)) return 'no-evidence';
  if (/not a rule gap|not-a-rule-gap|sdk config|misconfig|implementation bug/.test(t))
    return 'not-a-rule-gap';
  return 'comment';
}
