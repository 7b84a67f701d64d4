/**
 * Human durations for progress bars and summaries: `42s`, `1m59s`, `2h05m`. Rounds once, on the
 * smallest unit shown, so 119.6 s is `2m00s` and never `1m60s`.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  // Above an hour seconds are noise: round on minutes.
  const m = Math.round(seconds / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
