/**
 * The exit-code rules of the commands that read captures (run, validate, ingest), as semgrep and trivy
 * use them: 3 when the input was not checked (too little of it could be read, or no beacon in it),
 * 1 when findings reach `--fail-on`, else 0 — whatever was found. Pure: the commands print the reason.
 */
import { EXIT_FINDINGS, EXIT_NOT_CHECKED, EXIT_OK } from '../util/errors.js';
import type { ExitStatus } from './command.js';
import type { GateSeverity } from './values.js';

export interface ReadStats {
  /** HAR documents read in this run (unchanged files skipped by incremental ingest do not count). */
  files_read: number;
  files_parsed: number;
  files_quarantined: number;
  lfs_pointers: number;
  beacons: number;
  parse_success_rate: number;
  quarantine_by_reason: Record<string, number>;
  /** Files an incremental ingest skipped as unchanged (0 or absent: nothing was skipped). */
  files_skipped_unchanged?: number;
  /** Media sessions found, and how many the validator could check (none: the input was not checked). */
  media?: MediaCoverage;
}

export interface MediaCoverage {
  sessions: number;
  /** Media sessions the validator could check (no `unchecked` reason). */
  judged: number;
  /** Why one media session could not be checked (its `unchecked` reason), for the message. */
  example: string | null;
}

/**
 * How many of the media sessions a run found the validator could check at all. A session is unchecked
 * when the capture lacks what every rule needs (`SessionRow.unchecked`: request bodies the exporter left
 * out, say) — not merely ABSTAIN, which a pack of shadow specs also gives a session that was judged.
 * Counted one session at a time into `m`, as a run's report reads its session rows
 * (tools/validate/session-tally.ts).
 */
export function countMedia(m: MediaCoverage, s: { kind: string; unchecked?: string | null }): void {
  if (s.kind !== 'media') return;
  m.sessions++;
  if (!s.unchecked) m.judged++;
  else m.example ??= s.unchecked;
}

export interface GateOptions {
  failOn: GateSeverity | 'none';
  minParseRate: number;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * The share of the capture files a run was given that it read: parsed ÷ (parsed + quarantined + Git LFS
 * pointers). A pointer is a capture that was not fetched (`git lfs pull`), so it is not read either:
 * until 2026-12-07 pointers were left out, and nine pointers beside one good file read as 100 %. One
 * rule for `run`, `validate`, `ingest`, `validate --store` and `stats`; 1 when there was nothing to read.
 */
export function parseSuccessRate(parsed: number, quarantined: number, lfsPointers: number): number {
  const all = parsed + quarantined + lfsPointers;
  return all === 0 ? 1 : parsed / all;
}
const RANK: Record<string, number> = { warning: 1, error: 2 };

/** Exit 3 when the input was not checked; null when it was. */
export function notChecked(r: ReadStats, minParseRate: number): ExitStatus | null {
  if (r.files_read === 0) return null;
  const reasons = Object.entries(r.quarantine_by_reason)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  // Only pointers: the beacon rule below says so more plainly ("run git lfs pull").
  if (r.files_parsed + r.files_quarantined > 0 && r.parse_success_rate < minParseRate) {
    const all = r.files_parsed + r.files_quarantined + r.lfs_pointers;
    const why = [reasons, r.lfs_pointers ? `Git LFS pointer ${r.lfs_pointers} (run git lfs pull)` : '']
      .filter(Boolean)
      .join(', ');
    return {
      code: EXIT_NOT_CHECKED,
      reason: `input not checked: parse success ${pct(r.parse_success_rate)} < --min-parse-rate ${pct(minParseRate)} (${r.files_quarantined + r.lfs_pointers} of ${all} files ${r.lfs_pointers ? 'not read' : 'quarantined'}${why ? `: ${why}` : ''})`,
    };
  }
  if (r.beacons === 0) {
    const why =
      r.lfs_pointers === r.files_read
        ? 'every file is a Git LFS pointer (run git lfs pull)'
        : r.files_parsed === 0
          ? `no file could be read${reasons ? ` (${reasons})` : ''}`
          : reasons
            ? `no Adobe beacon in them could be decoded (quarantined: ${reasons})`
            : 'the captures hold no Adobe traffic';
    return {
      code: EXIT_NOT_CHECKED,
      reason: `input not checked: 0 Adobe beacons in ${r.files_read} HAR file(s): ${why}`,
    };
  }
  // Media sessions no rule could check (request bodies the exporter left out, say): a gate must not pass
  // them as it would pass sessions that were checked and found clean.
  if (r.media && r.media.sessions > 0 && r.media.judged === 0)
    return {
      code: EXIT_NOT_CHECKED,
      reason: `input not checked: none of the ${r.media.sessions} media session(s) could be checked${r.media.example ? ` (${r.media.example})` : ''}`,
    };
  return null;
}

/** Why a run read no file: an incremental ingest skipped them all, or its shard of the inputs was empty. */
export function nothingRead(skippedUnchanged: number): string {
  return skippedUnchanged
    ? `nothing new to read (${skippedUnchanged} unchanged file(s) skipped)`
    : 'no capture file in this shard of the inputs';
}

/** Findings that fail the gate: from active specs (shadow and experimental never fail a run), at or above `failOn`. */
export function gatingFindings<T extends { severity: string; spec_status: string }>(
  findings: readonly T[],
  failOn: GateSeverity | 'none',
): T[] {
  if (failOn === 'none') return [];
  return findings.filter((f) => f.spec_status === 'active' && (RANK[f.severity] ?? 0) >= RANK[failOn]);
}

/** The exit status of a run that read captures and validated them. */
export function runGate(
  read: ReadStats,
  findings: readonly { severity: string; spec_status: string; code: string }[],
  opts: GateOptions,
): ExitStatus {
  const skipped = notChecked(read, opts.minParseRate);
  if (skipped) return skipped;
  const failing = gatingFindings(findings, opts.failOn);
  if (failing.length) {
    const codes = new Map<string, number>();
    for (const f of failing) codes.set(f.code, (codes.get(f.code) ?? 0) + 1);
    const top = [...codes]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 3)
      .map(([c, n]) => `${c}×${n}`)
      .join(', ');
    return {
      code: EXIT_FINDINGS,
      reason: `${failing.length} finding(s) at or above --fail-on ${opts.failOn} from active specs (${top}${codes.size > 3 ? ', …' : ''})`,
    };
  }
  const readPart =
    read.files_read === 0
      ? nothingRead(read.files_skipped_unchanged ?? 0)
      : `inputs read (parse success ${pct(read.parse_success_rate)} ≥ ${pct(opts.minParseRate)}, ${read.beacons} beacons)`;
  const found =
    opts.failOn === 'none'
      ? `${findings.length} finding(s); no gate (--fail-on none)`
      : `${findings.length} finding(s), none at or above --fail-on ${opts.failOn} from active specs`;
  return { code: EXIT_OK, reason: `ran; ${readPart}; ${found}` };
}
