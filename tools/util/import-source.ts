/**
 * Import a TypeScript source of this repository by its path, as it is on disk now. `goblin spec test`
 * rediscovers the check definitions (tools/validate/checks/<family>/<name>/check.ts) to find generated
 * files gone stale after an edit, so it must read the sources, not a compiled copy of them. The
 * precompiled CLI (tools/cli/bundle.ts) runs without a TypeScript loader: the first such import
 * registers tsx's, and only commands that read sources this way pay for loading it.
 */
import { pathToFileURL } from 'node:url';

let registered = false;

export async function importSource<T>(path: string): Promise<T> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as T;
  } catch (e) {
    if (registered || (e as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    const { register } = await import('tsx/esm/api');
    register();
    registered = true;
    // Node keeps the failed import of this URL: ask again under another one.
    return (await import(`${url}?source`)) as T;
  }
}
