/** Whether the bundle at `bundle` is up to date with the stamp beside it (bin/fresh-bundle.js). */
export function bundleIsFresh(bundle: string, root: string): boolean;
