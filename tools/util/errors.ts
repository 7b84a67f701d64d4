/**
 * Exit codes shared by every command, as semgrep and trivy use them (docs/cli.md#exit-codes):
 * 0 the command ran and read its inputs, whatever it found; 1 findings at or above the gate
 * (`--fail-on`, or what the command checks for); 2 usage error or input not found; 3 input not
 * checked (too little of it could be read, or the command failed before it could judge it).
 */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_CHECKED = 3;
export type ExitCode = typeof EXIT_OK | typeof EXIT_FINDINGS | typeof EXIT_USAGE | typeof EXIT_NOT_CHECKED;

/** A problem with how the command was called or with its input (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}
