/**
 * Optional dependencies (package.json `optionalDependencies`: playwright-core, onnxruntime-node) are
 * imported only where a feature needs them. When one is absent (`npm ci --omit=optional`, an
 * unsupported platform) the feature fails with a message that names the package, what needs it, and
 * how to install it, instead of a bare ERR_MODULE_NOT_FOUND stack.
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  optionalDependencies?: Record<string, string>;
};

class OptionalDependencyError extends Error {
  override name = 'OptionalDependencyError';
}

export async function importOptional<T>(name: string, purpose: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (e) {
    const err = e as Error & { code?: string };
    const version = pkg.optionalDependencies?.[name];
    const install = `npm install --no-save ${name}${version ? `@${version}` : ''}`;
    const missing = err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND';
    throw new OptionalDependencyError(
      missing
        ? `${name} is not installed; it is an optional dependency, needed for ${purpose}. Install it with: ${install}`
        : `${name} (an optional dependency, needed for ${purpose}) is installed but failed to load: ${err.message}. Reinstall it with: ${install}`,
      { cause: e },
    );
  }
}
