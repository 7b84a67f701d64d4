/**
 * The seven rule families, in catalog order, and the prefix each family's codes start with. The prefix is
 * what the naming scheme strips to name a check: code `PLAYHEAD_STALLED` → check `playhead.stalled`,
 * `ORCH_MISSING_AA_START` → `orchestration.missing_aa_start`, `HOST_UNEXPECTED` → `transport.host_unexpected`.
 */
export const CODE_FAMILIES = [
  'cadence',
  'playhead',
  'bookends',
  'orchestration',
  'transport',
  'params',
  'identity',
] as const;
export type CodeFamily = (typeof CODE_FAMILIES)[number];
export type Severity = 'error' | 'warning';

/** Code prefix per family (empty: the family's codes name their subject directly, e.g. `AD_NOT_CLOSED`). */
export const FAMILY_CODE_PREFIX: Record<CodeFamily, string> = {
  cadence: 'CADENCE_',
  playhead: 'PLAYHEAD_',
  bookends: '',
  orchestration: 'ORCH_',
  transport: '',
  params: 'PARAM_',
  identity: 'IDENTITY_',
};

/** The check id a code names under the scheme: `<family>.<code without the family prefix, lower case>`. */
export function checkIdForCode(family: CodeFamily, code: string): string {
  const prefix = FAMILY_CODE_PREFIX[family];
  const rest = prefix && code.startsWith(prefix) ? code.slice(prefix.length) : code;
  return `${family}.${rest.toLowerCase()}`;
}
