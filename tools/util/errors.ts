/** Exit codes shared by every command: 0 ok, 1 findings/failure, 2 usage or input error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A problem with how the command was called or with its input (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}
