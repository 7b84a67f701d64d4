/** What `bundleModule` (tools/ingest/worker-bundle.ts) writes beside a bundle. */
export interface BundleStamp {
  esbuild: string;
  node: string;
  /** Every input's size and mtime (ms), by path relative to the root. */
  inputs: Record<string, [size: number, mtimeMs: number]>;
  /** The files the build wrote beside the stamp (the bundle, and a split build's chunks). */
  outputs?: string[];
  /** Why these inputs give no bundle (the depth check): asked again only once an input changes. */
  refused?: string;
}

/** The stamp beside `bundle` when it still holds (bin/fresh-bundle.js), else null. */
export function currentStamp(bundle: string, root: string, esbuildVersion: string): BundleStamp | null;
